#pragma once
// One client connection: its socket, its parse state, its reply buffer and the
// per-client state commands read and change (selected db, name, protocol...).
// It never executes commands itself; complete requests go to the Server.

#include <sys/types.h>
#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/byte_buffer.h"
#include "net/event_loop.h"
#include "net/reply_buffer.h"
#include "net/reply_writer.h"
#include "net/request_parser.h"

namespace corvid {

class AclUser;
class Server;
class TlsContext;
class TlsSession;

class Connection final : public IoHandler {
 public:
  Connection(Server& server, int fd, uint64_t id, std::string peer_address, std::string local_address,
             bool unix_socket, int64_t now_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void on_readable() override;
  void on_writable() override;

  // Makes this (just accepted) connection speak TLS with `context`; call before any I/O.
  void start_tls(const TlsContext& context);
  bool is_tls() const { return tls_ != nullptr; }

  // A connection created with fd -1 is an internal client (the AOF's replay client): it has
  // no socket, and its replies are dropped.
  // Writes as much pending output as the socket takes. Returns false if the connection broke.
  bool flush();
  bool has_pending_output() const { return out_.pending() != 0; }
  size_t pending_output_bytes() const { return out_.pending(); }
  // Re-runs the request that CLIENT PAUSE held back, and reading.
  void resume_after_pause();
  // While this client's script runs past busy-reply-threshold the server answers other
  // clients between slices of it; this client's own next requests must wait (they would
  // run inside its EVAL), so it is not read meanwhile.
  void suspend_reading(bool suspended) {
    reading_suspended_ = suspended;
    update_interest();
  }
  // A blocking command parked this client: its next requests wait in the query buffer
  // (still read, so a disconnect is noticed) until it is served or times out.
  bool blocked() const { return blocked_; }
  void set_blocked(bool blocked) { blocked_ = blocked; }
  // Executes requests that arrived while the client was blocked.
  void resume_input() {
    if (!closed_) process_input();
  }
  bool held_by_pause() const { return held_by_pause_; }

  ReplyWriter& reply() { return writer_; }
  int fd() const { return fd_; }
  uint64_t id() const { return id_; }
  const std::string& peer_address() const { return peer_address_; }
  const std::string& local_address() const { return local_address_; }
  bool is_unix_socket() const { return unix_socket_; }
  // Unix socket or loopback peer: what Redis calls a local connection.
  bool is_local() const;

  // Closes once everything queued so far has been written (QUIT, protocol errors).
  void close_after_reply() { close_after_reply_ = true; }
  bool closing_after_reply() const { return close_after_reply_; }
  // Marks the connection for closing; the server frees it outside of any handler.
  void mark_closed() { closed_ = true; }
  bool closed() const { return closed_; }

  // Per-client state that commands use.
  int db_index = 0;
  std::string name;
  std::string lib_name;
  std::string lib_version;
  std::string user = "default";  // the ACL user's name (CLIENT LIST user=)
  // The ACL user; null for the server's internal clients, which may run anything.
  std::shared_ptr<AclUser> acl_user;
  bool authenticated = true;
  // Whether the client must still authenticate: never authenticated while a password is
  // set (a client that never authenticated needs nothing once the password is removed).
  bool needs_auth() const;
  int64_t created_ms = 0;
  int64_t last_interaction_ms = 0;
  std::string last_command = "NULL";  // full name, as CLIENT LIST shows it ("client|list")
  bool no_evict = false;
  // MONITOR: receives a line for every command run (server/monitor.h).
  bool monitor = false;
  // SYNC: a replica, fed the propagation stream (replication/replicas.h).
  bool replica = false;
  // Runs commands an AOF logged: what Redis calls a client that must be obeyed (limits
  // meant for users, such as XADD's trimming LIMIT, do not apply).
  bool replaying = false;
  // What REPLCONF asked of the SYNC to come: the dump only, without the stream after it
  // (rdb-only), and what the dump holds (rdb-filter-only): everything when no filter was
  // given, the function libraries alone ("functions"), or nothing (an empty list, what
  // redis-cli --replica asks for).
  enum class SyncFilter : uint8_t { Everything, Functions, Nothing };
  bool sync_rdb_only = false;
  bool sync_capa_eof = false;  // REPLCONF capa eof
  SyncFilter sync_filter = SyncFilter::Everything;
  int64_t soft_limit_since_ms = 0;  // when output first went over the soft limit
  bool write_queued = false;        // in the server's list of clients to write before sleeping
  // This connection's share of the clients' memory total that maxmemory-clients limits
  // (server/client_eviction.h keeps it).
  uint64_t counted_memory = 0;
  // Pub/Sub subscription counts (server/pubsub.h keeps the names), for CLIENT LIST. A
  // client with any is in Redis's pub/sub mode: in RESP2 it may only (un)subscribe, PING,
  // QUIT and RESET, and the pubsub output-buffer limits judge it.
  uint32_t subscribed_channels = 0;
  uint32_t subscribed_patterns = 0;
  uint32_t subscribed_shard_channels = 0;
  bool subscribed() const { return subscribed_channels + subscribed_patterns + subscribed_shard_channels != 0; }
  // Pub/Sub pushes are not replies: CLIENT REPLY OFF/SKIP do not silence them (Redis 7.0),
  // so a silenced command's output is discarded only after the last push it wrote.
  void begin_command_output() { kept_output_end_ = out_.end(); }
  void keep_pushed_output() { kept_output_end_ = out_.end(); }
  uint64_t kept_output_end() const { return kept_output_end_; }
  // CLIENT REPLY: ON, OFF, or SKIP the next command's reply.
  enum class ReplyMode { On, Off, SkipNext } reply_mode = ReplyMode::On;

  // An idle client's empty query buffer is given back (the cron's call, as Redis frees
  // the query buffer of a client idle for 2 seconds): idle connections cost little.
  void release_idle_query_buffer() {
    if (query_start_ == query_.size()) {
      query_.clear(0);
      query_start_ = 0;
    }
  }
  // For CLIENT LIST.
  size_t query_buffer_size() const { return query_.size() - query_start_; }
  size_t query_buffer_capacity() const { return query_.capacity(); }
  // The reply buffer (Redis 7's model: fixed buffer, then a list of blocks).
  const ReplyBuffer& output_buffer() const { return out_; }
  ReplyBuffer& output_buffer() { return out_; }
  size_t args_memory() const;
  bool wants_write() const { return watching_write_; }

  // Output written by a command may be dropped (CLIENT REPLY OFF/SKIP), from a
  // position kept_output_end() gave.
  void discard_output_from(uint64_t position) { out_.truncate(position); }
  // Drops all unsent output.
  void discard_output() { out_.clear(); }
  // An internal client's unsent output in one piece (scripts read their commands'
  // replies from it); valid until the output changes.
  std::string_view output() { return out_.contiguous(); }

 private:
  void process_input();
  void update_interest();
  // The socket's read(2) and writev(2), through TLS when the connection speaks it.
  ssize_t receive(void* buffer, size_t length);
  ssize_t send(const iovec* pieces, int count);
  // After a TLS read failed: Redis's log line for it (a failed handshake is a warning).
  void log_tls_failure(const char* doing) const;
  // Plaintext OpenSSL took off the socket but has not handed over yet: epoll will not
  // report it, so it is read into the query buffer now.
  void take_buffered_tls_input();

  Server& server_;
  int fd_;
  uint64_t id_;
  std::string peer_address_;
  std::string local_address_;
  bool unix_socket_;
  std::unique_ptr<TlsSession> tls_;  // null: a plain socket, read and written directly

  ByteBuffer query_;
  size_t query_start_ = 0;  // first unconsumed byte of query_
  RequestParser parser_;

  ReplyBuffer out_;
  uint64_t kept_output_end_ = 0;
  ReplyWriter writer_;

  bool close_after_reply_ = false;
  bool closed_ = false;
  bool held_by_pause_ = false;  // a request waits for CLIENT UNPAUSE
  bool blocked_ = false;        // parked by a blocking command
  bool throttled_ = false;      // too much unsent output: stop reading until it drains
  bool reading_suspended_ = false;  // its script is busy: its next requests wait
  bool watching_write_ = false;
};

}  // namespace corvid
