// TlsSession: SSL_read / SSL_write behind read(2)/writev(2)'s contract.

#include "net/tls_session.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "net/tls_context.h"

namespace corvid {

TlsSession::TlsSession(SSL_CTX* context, int fd) : ssl_(SSL_new(context)) {
  if (ssl_ == nullptr) {
    error_ = take_tls_error();
    return;
  }
  SSL_set_fd(ssl_, fd);
  SSL_set_accept_state(ssl_);  // the handshake runs inside the first SSL_read
}

TlsSession::~TlsSession() { SSL_free(ssl_); }

TlsSession::Outcome TlsSession::classify(int result, bool reading) {
  int saved_errno = errno;
  int code = SSL_get_error(ssl_, result);
  switch (code) {
    case SSL_ERROR_WANT_READ:
      if (!reading) write_needs_readable_ = true;
      return Outcome::Wait;
    case SSL_ERROR_WANT_WRITE:
      if (reading) read_needs_writable_ = true;
      return Outcome::Wait;
    case SSL_ERROR_ZERO_RETURN:  // the peer's close_notify: an orderly close
      return Outcome::Closed;
    case SSL_ERROR_SYSCALL:
      error_ = take_tls_error();
      if (error_.empty()) error_ = saved_errno != 0 ? std::strerror(saved_errno) : "unexpected end of stream";
      return Outcome::Failed;
    default:
      error_ = take_tls_error();
      return Outcome::Failed;
  }
}

ssize_t TlsSession::read(void* buffer, size_t length) {
  read_needs_writable_ = false;
  if (ssl_ == nullptr || broken_ == Outcome::Failed) {
    errno = EPROTO;
    return -1;
  }
  if (broken_ == Outcome::Closed) return 0;
  auto* out = static_cast<char*>(buffer);
  size_t total = 0;
  // One SSL_read yields at most one record. Go on while OpenSSL holds more bytes, or after
  // a full record (more are likely on the socket); after a short one, stop rather than spend
  // a system call to learn that the socket is empty: epoll reports what comes next.
  while (total < length) {
    ERR_clear_error();
    int n = SSL_read(ssl_, out + total, static_cast<int>(std::min<size_t>(length - total, INT_MAX)));
    if (!handshake_done_ && SSL_is_init_finished(ssl_)) handshake_done_ = just_established_ = true;
    if (n > 0) {
      total += static_cast<size_t>(n);
      if (n < SSL3_RT_MAX_PLAIN_LENGTH && SSL_has_pending(ssl_) == 0) break;
      continue;
    }
    Outcome outcome = classify(n, true);
    if (outcome != Outcome::Wait) broken_ = outcome;  // reported now, or by the next read
    break;
  }
  if (total > 0) return static_cast<ssize_t>(total);
  if (broken_ == Outcome::Closed) return 0;
  errno = broken_ == Outcome::Failed ? EPROTO : EAGAIN;
  return -1;
}

ssize_t TlsSession::writev(const iovec* pieces, int count) {
  write_needs_readable_ = false;
  if (ssl_ == nullptr || broken_ == Outcome::Failed) {
    errno = EPIPE;
    return -1;
  }
  size_t total = 0;
  for (int i = 0; i < count; ++i) {
    const char* data = static_cast<const char*>(pieces[i].iov_base);
    size_t left = pieces[i].iov_len;
    while (left > 0) {
      // A write that had to wait is retried by the next call from the same unsent bytes
      // (the reply buffer only consumes what was written), as OpenSSL requires.
      ERR_clear_error();
      int n = SSL_write(ssl_, data, static_cast<int>(std::min<size_t>(left, INT_MAX)));
      if (n > 0) {
        total += static_cast<size_t>(n);
        data += n;
        left -= static_cast<size_t>(n);
        continue;
      }
      Outcome outcome = classify(n, false);
      if (total > 0) return static_cast<ssize_t>(total);
      errno = outcome == Outcome::Wait ? EAGAIN : EPIPE;
      return -1;
    }
  }
  return static_cast<ssize_t>(total);
}

bool TlsSession::has_buffered_input() const { return ssl_ != nullptr && SSL_has_pending(ssl_) == 1; }

bool TlsSession::take_establishment() {
  bool established = just_established_;
  just_established_ = false;
  return established;
}

}  // namespace corvid
