#include "net/connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "net/listener.h"
#include "net/tls_context.h"
#include "net/tls_session.h"
#include "server/log.h"
#include "server/server.h"

namespace corvid {

namespace {

// Reads are sized like Redis's (16KB), larger while a big bulk argument is arriving.
constexpr size_t kReadChunk = 16 * 1024;
// Past this much unsent output, stop reading the client's requests until it reads
// its replies: a client that pipelines without reading cannot grow us without bound.
constexpr size_t kOutputBackPressure = 64 * 1024 * 1024;
// Pieces of output (the fixed buffer, then blocks) handed to one writev.
constexpr int kWritePieces = 16;

// Probes start after `seconds` idle and give up after about twice that, as Redis's
// tcp-keepalive does.
void enable_keepalive(int fd, int seconds) {
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof yes);
  int idle = seconds;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  int interval = std::max(1, seconds / 3);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  int count = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

}  // namespace

Connection::Connection(Server& server, int fd, uint64_t id, std::string peer_address, std::string local_address,
                       bool unix_socket, int64_t now_ms)
    : server_(server),
      fd_(fd),
      id_(id),
      peer_address_(std::move(peer_address)),
      local_address_(std::move(local_address)),
      unix_socket_(unix_socket),
      parser_(ParserLimits{server.config().proto_max_bulk_len}),
      writer_(out_, &server) {
  created_ms = now_ms;
  last_interaction_ms = now_ms;
  // The reply buffer's peak has never been reset: the cron's first look at the client
  // resets it, so an idle client's buffer shrinks at the next look, a second or two after
  // it connects. Redis 7.0.15 does the same (seen: its idle clients hold a 1KB buffer
  // within 2.5 seconds), and it keeps many idle connections small.
  out_.set_peak_reset_time(0);
  // Read from the configuration per connection, so CONFIG SET tcp-keepalive applies to
  // the next client accepted.
  if (fd_ < 0) return;  // an internal client (AOF replay): no socket
  if (!unix_socket_ && server.config().tcp_keepalive > 0) enable_keepalive(fd_, server.config().tcp_keepalive);
  update_interest();
}

Connection::~Connection() {
  if (fd_ < 0) return;
  server_.loop().unwatch(fd_);
  close(fd_);
}

void Connection::start_tls(const TlsContext& context) {
  tls_ = std::make_unique<TlsSession>(context.server_context(), fd_);
}

void Connection::update_interest() {
  if (fd_ < 0) return;
  bool readable = !held_by_pause_ && !throttled_ && !reading_suspended_ && !closed_;
  bool writable = watching_write_ && !closed_;
  if (tls_ != nullptr && !closed_) {
    // TLS may need the other direction to make progress in this one.
    readable = readable || tls_->write_needs_readable();
    writable = writable || tls_->read_needs_writable();
  }
  server_.loop().watch(fd_, readable, writable, this);
}

ssize_t Connection::receive(void* buffer, size_t length) {
  if (tls_ == nullptr) return read(fd_, buffer, length);
  ssize_t n = tls_->read(buffer, length);
  if (tls_->take_establishment()) server_.connection_established(*this);
  update_interest();
  return n;
}

ssize_t Connection::send(const iovec* pieces, int count) {
  if (tls_ == nullptr) return writev(fd_, pieces, count);
  ssize_t n = tls_->writev(pieces, count);
  update_interest();
  return n;
}

void Connection::log_tls_failure(const char* doing) const {
  if (tls_ == nullptr) return;
  if (!tls_->handshake_done()) {
    log_warning("Error accepting a client connection: " + tls_->error());
  } else if (log_enabled(LogLevel::Verbose)) {
    log_verbose(doing + tls_->error());
  }
}

void Connection::take_buffered_tls_input() {
  while (tls_ != nullptr && !closed_ && tls_->has_buffered_input()) {
    ssize_t n = tls_->read(query_.prepare(kReadChunk), kReadChunk);
    if (n < 0 && errno != EAGAIN) {
      // Nothing may be left on the socket to wake us again: the failure is handled now.
      log_tls_failure("Reading from client: ");
      server_.close_client(*this);
    }
    if (n <= 0) break;  // the rest of a record is still on its way; epoll will report it
    query_.commit(static_cast<size_t>(n));
    server_.stats().net_input_bytes += static_cast<uint64_t>(n);
  }
}

void Connection::on_readable() {
  // A TLS write that waited for the peer's records goes on first (not when a read waits
  // for writability itself: on_writable is how that one resumes).
  if (tls_ != nullptr && tls_->write_needs_readable() && !tls_->read_needs_writable()) {
    on_writable();
    if (closed_) return;
  }
  if (closed_ || held_by_pause_ || throttled_ || reading_suspended_) return;
  if (close_after_reply_) {
    // After QUIT or a protocol error nothing more is executed, but the last replies may
    // take a while to leave. Input is read and dropped meanwhile: buffering it would let
    // a client that keeps sending grow the query buffer up to client-query-buffer-limit
    // (Redis does that), and leaving it unread would turn the final close into a reset,
    // which can discard replies still queued in the kernel.
    char sink[kReadChunk];
    ssize_t n = receive(sink, sizeof sink);
    if (tls_ != nullptr) {
      while (n > 0 && tls_->has_buffered_input()) n = receive(sink, sizeof sink);
    }
    if (n == 0) {
      server_.peer_closed(*this);
    } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      log_tls_failure("Reading from client: ");
      server_.close_client(*this);
    }
    if (n > 0) server_.stats().net_input_bytes += static_cast<uint64_t>(n);
    return;
  }
  size_t want = kReadChunk;
  if (size_t pending = parser_.pending_bulk_bytes(); pending != 0 && query_.size() + pending > kReadChunk) {
    // Room for a big argument doubles with what has arrived, up to exactly its end, and
    // reads fill that room. Redis 7.0 reserves the whole announced length at once; here a
    // client announcing 512MB and sending nothing costs what it sent, while a real big
    // argument is copied by reallocation a few times, about its own size in all.
    query_.reserve(query_.size() + std::min(pending, std::max(query_.size(), kReadChunk)));
    want = query_.capacity() - query_.size();
  }
  ssize_t n = receive(query_.prepare(want), want);
  if (n <= 0) {
    if (n == 0) {
      server_.peer_closed(*this);
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      log_tls_failure("Reading from client: ");
      server_.close_client(*this);
    }
    return;
  }
  query_.commit(static_cast<size_t>(n));
  server_.stats().net_input_bytes += static_cast<uint64_t>(n);
  if (tls_ != nullptr) {
    take_buffered_tls_input();
    if (closed_) return;
  }
  ++server_.stats().io_reads_processed;
  last_interaction_ms = server_.clock().now_ms;
  if (query_buffer_size() > server_.config().client_query_buffer_limit) {
    ++server_.stats().client_query_buffer_limit_disconnections;
    log_warning("Closing client id=" + std::to_string(id_) + " addr=" + peer_address_ +
                ": query buffer over client-query-buffer-limit (" + std::to_string(query_buffer_size()) + " bytes)");
    server_.close_client(*this);
    return;
  }
  // Counted before the request runs: maxmemory-clients judges a client on what it holds.
  server_.client_memory_changed(*this);
  process_input();
}

void Connection::process_input() {
  while (!closed_ && !close_after_reply_ && !held_by_pause_ && !throttled_ && !blocked_ &&
         query_start_ < query_.size()) {
    std::string_view input = query_.view(query_start_);
    // Limits follow CONFIG SET proto-max-bulk-len and whether a password is still
    // required (the same rule as the NOAUTH check in Server::dispatch).
    parser_.set_limits(
        ParserLimits{server_.config().proto_max_bulk_len, needs_auth()});
    ParseStatus status = parser_.parse(input);
    if (status == ParseStatus::NeedMore) break;
    if (status == ParseStatus::Error) {
      writer_.error("ERR " + parser_.error());
      close_after_reply();
      query_start_ = query_.size();
      break;
    }
    auto args = parser_.args();
    if (!args.empty()) {
      if (!server_.execute(*this, args)) {
        // Held back (CLIENT PAUSE): the request stays unconsumed and is parsed again on resume.
        parser_.reset();
        held_by_pause_ = true;
        update_interest();
        break;
      }
    }
    query_start_ += parser_.consumed();
    parser_.reset();
    if (pending_output_bytes() > kOutputBackPressure) {
      throttled_ = true;
      update_interest();
      break;
    }
  }
  // Compact: drop consumed bytes so the buffer does not grow with a long pipeline.
  if (query_start_ == query_.size()) {
    query_.clear(4 * kReadChunk);
    query_start_ = 0;
  } else if (query_start_ > 0 && query_start_ >= query_.size() / 2) {
    query_.discard_front(query_start_);
    query_start_ = 0;
  }
  if (has_pending_output()) server_.queue_write(*this);
  server_.client_memory_changed(*this);
}

void Connection::resume_after_pause() {
  if (!held_by_pause_ || closed_) return;
  held_by_pause_ = false;
  update_interest();
  process_input();
}

bool Connection::flush() {
  if (fd_ < 0) {  // an internal client's replies go nowhere
    out_.clear();
    return true;
  }
  while (out_.pending() != 0) {
    iovec pieces[kWritePieces];
    int count = out_.gather(pieces, kWritePieces);
    ssize_t n = send(pieces, count);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      log_tls_failure("Error writing to client: ");
      return false;
    }
    out_.consume(static_cast<size_t>(n));
    server_.stats().net_output_bytes += static_cast<uint64_t>(n);
    ++server_.stats().io_writes_processed;
  }
  bool want_write = has_pending_output();
  if (want_write != watching_write_) {
    watching_write_ = want_write;
    update_interest();
  }
  if (!want_write && throttled_) {
    throttled_ = false;
    update_interest();
    process_input();
  }
  server_.client_memory_changed(*this);
  return true;
}

void Connection::on_writable() {
  if (closed_) return;
  if (tls_ != nullptr && tls_->read_needs_writable()) {  // a handshake waiting to send
    on_readable();
    if (closed_) return;
  }
  if (!flush()) {
    server_.close_client(*this);
    return;
  }
  if (!has_pending_output() && close_after_reply_) server_.close_client(*this);
}

bool Connection::needs_auth() const { return !authenticated && server_.auth_required(); }

bool Connection::is_local() const { return unix_socket_ || is_loopback_address(peer_address_); }

size_t Connection::args_memory() const {
  size_t total = 0;
  for (std::string_view a : parser_.args()) total += a.size();
  return total;
}

}  // namespace corvid
