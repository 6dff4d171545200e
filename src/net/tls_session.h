#pragma once
// One accepted connection's TLS: the handshake, then reads and writes of plaintext with the
// contract of read(2) and writev(2), so that Connection drives a TLS client the way it
// drives a plain one. The handshake runs inside the first reads (and writes).
//
// Two things a plain socket never does, which the owner must handle:
// - Plaintext can be left inside OpenSSL after a read, already taken off the socket, where
//   epoll cannot see it: has_buffered_input() says so, and the owner reads on.
// - A read can need the socket writable (the handshake's replies) and a write can need it
//   readable (TLS records the peer sends meanwhile): read_needs_writable() and
//   write_needs_readable() ask the owner to watch for that and retry.

#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace corvid {

class TlsSession {
 public:
  // Takes the server side of a TLS connection on the accepted socket `fd` (which the
  // caller keeps and closes). Holds its own reference to `context`.
  TlsSession(SSL_CTX* context, int fd);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Plaintext bytes read (1..length), 0 once the peer closed, or -1 with errno EAGAIN (wait
  // for the socket) or another errno (the connection failed; error() says why).
  ssize_t read(void* buffer, size_t length);
  // Plaintext bytes of `pieces` written, or -1 with errno as read's. After a write that
  // had to wait, the next call must start with the same unsent bytes, at least as many
  // (OpenSSL's rule for retries): the reply buffer does, as it consumes only what was
  // written and only appends; the first piece may have moved in memory.
  ssize_t writev(const iovec* pieces, int count);

  bool has_buffered_input() const;
  bool read_needs_writable() const { return read_needs_writable_; }
  bool write_needs_readable() const { return write_needs_readable_; }
  bool handshake_done() const { return handshake_done_; }
  // True once, at the first call after the handshake completed.
  bool take_establishment();
  // Why the last read or write failed, in OpenSSL's words.
  const std::string& error() const { return error_; }

 private:
  enum class Outcome { Done, Wait, Closed, Failed };
  // What an SSL_read or SSL_write returning `result` means; sets the needs-flags and error_.
  Outcome classify(int result, bool reading);

  SSL* ssl_;
  Outcome broken_ = Outcome::Done;  // Closed or Failed once a read met the end
  bool handshake_done_ = false;
  bool just_established_ = false;
  bool read_needs_writable_ = false;
  bool write_needs_readable_ = false;
  std::string error_;
};

}  // namespace corvid
