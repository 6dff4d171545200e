#pragma once
// The Server owns everything: configuration, the clock, the databases, the command
// table, the connections, the event loop and the background freer. There is no global
// state; commands reach what they need through their CommandContext.

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "acl/acl.h"
#include "commands/command_table.h"
#include "db/clock.h"
#include "db/database.h"
#include "net/connection.h"
#include "net/event_loop.h"
#include "net/listener.h"
#include "persistence/aof.h"
#include "persistence/rdb_persistence.h"
#include "replication/replicas.h"
#include "scripting/scripting.h"
#include "server/blocking.h"
#include "server/client_eviction.h"
#include "server/config.h"
#include "server/eviction.h"
#include "server/lazy_free.h"
#include "server/latency_monitor.h"
#include "server/monitor.h"
#include "replication/propagation.h"
#include "server/pubsub.h"
#include "server/slowlog.h"
#include "server/stats.h"
#include "server/tracking.h"
#include "server/transactions.h"

namespace corvid {

class TlsContext;

class Server final : public KeyChangeListener,
                     public ReplyWriter::ErrorObserver,
                     public PubSub::DeliveryListener,
                     public Tracking::Host,
                     public PersistenceHost,
                     public Replicas::Host,
                     public Scripting::Host,
                     public EntryDisposer {
 public:
  explicit Server(Config config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listeners; returns an error message if any cannot be bound.
  std::optional<std::string> start();
  // Runs until SHUTDOWN (or a signal) stops it. Returns the process exit code.
  int run();

  // Called by a connection for every complete request. False when the request must
  // wait (CLIENT PAUSE); the connection then offers it again on resume.
  bool execute(Connection& client, std::span<const std::string_view> args);
  // Called when a connection has output to send: written before the loop sleeps.
  void queue_write(Connection& client) override;
  // Accepted sockets from the listeners; `tls` for those of tls-port.
  void accept_client(int fd, std::string peer, std::string local, bool unix_socket, bool tls);
  // A client is counted (total_connections_received) and logged once it can talk: at
  // once for plain sockets, after the handshake for TLS, as in Redis.
  void connection_established(const Connection& client);
  // Frees a connection outside of its own handlers.
  void close_client(Connection& client) override;
  // The client closed its end: logged at verbose as Redis does, then closed.
  void peer_closed(Connection& client);

  // KeyChangeListener: the fan-out point of the key-change hook.
  void on_key_change(const KeyChange& change) override;
  // Keyspace notifications (notify-keyspace-events) of changes and of other key events.
  void on_key_event(const KeyChange& change) override;
  void on_key_ready(int db, std::string_view key) override;
  // ReplyWriter::ErrorObserver: counts error replies for INFO errorstats.
  void on_error_reply(std::string_view message) override;
  // PubSub::DeliveryListener and Tracking::Host: a message (published, or an
  // invalidation) waits in a client's output.
  void on_message_queued(Connection& receiver) override;
  PubSub& pubsub() { return pubsub_; }
  SlowLog& slowlog() { return slowlog_; }
  // LATENCY LATEST/HISTORY/...: events that reached latency-monitor-threshold.
  LatencyMonitor& latency_monitor() { return latency_monitor_; }
  Monitors& monitors() { return monitors_; }
  // Client-side caching (CLIENT TRACKING).
  Tracking& tracking() { return tracking_; }

  Config& config() { return config_; }
  const Clock& clock() const override { return clock_; }
  Database& db(int index) { return *databases_[index]; }
  int database_count() const { return static_cast<int>(databases_.size()); }
  const CommandTable& commands() const { return commands_; }
  ServerStats& stats() { return stats_; }
  KeyspaceStats& keyspace_stats() override { return keyspace_stats_; }
  // RDB snapshots and loading (persistence/rdb_persistence.h).
  RdbPersistence& rdb() { return rdb_; }
  // The stream of changes for the AOF and replicas (replication/propagation.h).
  Propagator& propagation() { return propagator_; }
  // RdbPersistence::Host.
  std::vector<Database*> databases() override;
  const Config& config() const override { return config_; }
  uint64_t used_memory() const override;
  std::string replication_id() const override;
  void wake_loop() override { loop_.wake(); }
  void fatal(const std::string& message) override;
  void bgsave_finished(bool ok) override { replicas_.bgsave_done(ok); }
  bool snapshot_running() const override { return rdb_.bgsave_in_progress() || aof_.rewrite_in_progress(); }
  std::optional<std::string> replay(std::span<const std::string_view> argv) override;
  std::vector<std::string> function_libraries() const override;
  std::optional<std::string> load_function_library(const std::string& code, bool replace) override;
  void flush_function_libraries() override { scripting_.functions().clear(); }
  void finish_other_snapshot() override { aof_.finish_rewrite_now(); }
  // The append-only file (persistence/aof.h).
  Aof& aof() { return aof_; }
  // The AOF hears the propagation stream exactly while it is on.
  void sync_aof_sink();
  // Loading the dump or the AOF: commands without the loading flag get -LOADING.
  bool loading() const { return rdb_.loading() || aof_.loading(); }
  // Replicas::Host.
  bool start_bgsave_for_replication() override;
  std::string dump_path() const override { return config_.dbfilename; }
  void dump_sent() override;
  int64_t unix_seconds() const override { return clock_.now_ms / 1000; }
  // SYNC: the client becomes a replica (replication/replicas.h).
  void start_sync(Connection& client);
  const Replicas& replicas() const { return replicas_; }
  LazyFreer& lazy_freer() { return lazy_freer_; }
  // Frees a removed key: on the background thread when `lazy` and the value is big enough
  // for that to pay (UNLINK, lazyfree-lazy-* settings), else at once.
  void free_entry(KeyEntry* entry, bool lazy);
  // EntryDisposer: as lazyfree-lazy-expire, -eviction and -server-del say.
  void dispose(KeyEntry* entry, EntryDisposer::Reason reason) override;
  Evictor& evictor() { return evictor_; }
  // maxmemory-clients (server/client_eviction.h).
  ClientEviction& client_eviction() { return client_eviction_; }
  // A connection's memory may have changed outside a command (input read, output sent).
  void client_memory_changed(Connection& client) { client_eviction_.update(client); }
  // maxmemory-policy and the lfu-* directives changed: keys record their use accordingly.
  void refresh_access_policy();
  const AccessPolicy& access_policy() const override { return access_policy_; }
  EventLoop& loop() { return loop_; }

  // Connections, in id order (CLIENT LIST).
  const std::unordered_map<uint64_t, std::unique_ptr<Connection>>& clients() const { return clients_; }
  // A live connection by id (closed ones are not found).
  Connection* find_client(uint64_t id) override;
  size_t connected_clients() const { return clients_.size(); }

  // CLIENT PAUSE: until `until_ms`, clients' commands (all, or only writes) wait.
  void pause_clients(int64_t until_ms, bool writes_only);
  void unpause_clients();
  bool clients_paused_for(const Command& command, std::span<const std::string_view> args) const;

  // What SHUTDOWN and the shutdown-on-sig* settings ask for.
  struct ShutdownFlags {
    bool nosave = false;
    bool save = false;
    bool now = false;
    bool force = false;
  };
  // Everything before exiting: a running BGSAVE is stopped, the final save is made when
  // save points are set (or SAVE asks for it, unless NOSAVE). False, with the reason
  // logged, when saving failed and FORCE was not given: the server keeps running.
  bool prepare_for_shutdown(ShutdownFlags flags);
  // Stops the loop after this event-loop turn (prepare_for_shutdown was done).
  void request_shutdown() { shutdown_requested_.store(true, std::memory_order_relaxed); }
  // From the SIGTERM/SIGINT handler (async-signal-safe): the loop prepares and exits.
  void signal_shutdown(int signal) { shutdown_signal_.store(signal, std::memory_order_relaxed); }
  // MISCONF: writes (and PING) are refused after a failed save (stop-writes-on-bgsave-error)
  // or while the AOF cannot be written; the error text, or nullopt.
  std::optional<std::string> writes_refused() const override;

  const std::string& run_id() const { return run_id_; }
  int64_t start_time_ms() const { return start_time_ms_; }
  int64_t stat_reset_time_ms() const { return stat_reset_time_ms_; }
  void reset_stats();
  // Re-binds the TCP listeners of `port`, of `tls-port`, or both (CONFIG SET port,
  // tls-port, bind; start-up).
  enum class ListenerSet { Plain, Tls, Both };
  std::optional<std::string> rebind(ListenerSet which);
  // Builds the TLS context from the tls-* settings and puts it in place of the current one;
  // on failure the current one stays and the reason (Redis's log text) is returned.
  std::optional<std::string> configure_tls();
  bool tls_configured() const { return tls_context_ != nullptr; }
  int effective_hz() const { return hz_; }
  // enable-debug-command / enable-module-command: whether `access` lets this client run a
  // protected command.
  static bool protected_command_allowed(const Connection& client, ProtectedAccess access);
  // CONFIG SET hz: the cron runs at the new rate from its next tick.
  void set_hz(int hz);
  // The rate the cron runs at: hz, raised with the client count under dynamic-hz.
  void update_dynamic_hz();
  static constexpr int kMaxHz = 500;
  // DEBUG SET-ACTIVE-EXPIRE: tests turn the active cycle off to observe lazy expiry.
  void set_active_expire(bool enabled) { active_expire_enabled_ = enabled; }
  uint64_t cron_loops() const { return cron_loops_; }
  // DEBUG PAUSE-CRON: while paused the cron does nothing (no active expiry, no client
  // checks, no save points) but keep the clock.
  void set_cron_paused(bool paused) { cron_paused_ = paused; }
  // DEBUG REPLYBUFFER: how often a client's reply-buffer peak restarts (ms; negative:
  // never) and whether the cron resizes reply buffers at all.
  static constexpr int64_t kReplyBufferPeakResetMs = 5000;
  void set_reply_buffer_peak_reset_ms(int64_t ms) { reply_buffer_peak_reset_ms_ = ms; }
  void set_reply_buffer_resizing(bool enabled) { reply_buffer_resizing_ = enabled; }

  // Blocking commands (server/blocking.h). A handler that finds nothing to serve parks
  // its client here; when the client is being served again (a re-run) and still finds
  // nothing, this keeps it where it was in its queues.
  void block_client(Connection& client, const Command& command, std::span<const std::string_view> args,
                    std::span<const std::string_view> keys, ValueType type, int64_t deadline_ms,
                    bool wake_when_key_gone = false);
  // CLIENT UNBLOCK: replies what a timeout replies (a null array, whatever the command,
  // as Redis 7.0 does), or the UNBLOCKED error. False when the client was not blocked.
  bool unblock_client(Connection& client, bool with_error);
  const BlockingRegistry& blocking() const { return blocking_; }
  // Blocking commands run inside EXEC and scripts do not wait: they reply as if their
  // timeout had passed.
  bool may_block() const { return exec_client_ == nullptr && !scripting_.running(); }
  // The command being run now, innermost first (the crash report names it).
  struct RunningCommand {
    Connection* client = nullptr;
    std::span<const std::string_view> args;
  };
  RunningCommand running_command() const { return running_; }
  // The internal client scripts' commands run on.
  bool is_script_client(const Connection& client) const { return &client == script_client_; }

  // EVAL and its family (scripting/scripting.h).
  Scripting& scripting() { return scripting_; }
  // Scripting::Host.
  const CommandTable& command_table() const override { return commands_; }
  std::unique_ptr<Connection> new_script_client() override;
  void run_script_command(Connection& script_client, const Command& command,
                          std::span<const std::string_view> argv) override;
  bool out_of_memory() const override { return out_of_memory_before_command_; }
  void set_propagation_targets(uint8_t targets) override { propagator_.set_target_mask(targets); }
  int64_t busy_reply_threshold_ms() const override;
  void serve_clients_while_busy() override;
  bool shutting_down() const override { return shutdown_requested_.load(std::memory_order_relaxed); }
  void discard_script_effects() override { propagator_.discard_pending(); }
  std::optional<std::string> script_acl_refusal(const Command& command,
                                                std::span<const std::string_view> args) override;
  bool script_caller_may_run(const Command& command, std::span<const std::string_view> args) const override;
  void end_script_transaction(Connection& script_client) override {
    if (transactions_.in_multi(script_client)) transactions_.end(script_client);
  }
  // MONITOR: shows the command that just ran to the monitors, unless it is administrative,
  // skip-monitor, or a blocked command's re-run. EVAL shows itself before its script runs.
  void feed_monitors(const Connection& client, const Command& command, std::span<const std::string_view> args,
                     bool even_if_skipped = false);

  // ACL (acl/acl.h; the server's side is server/access_control.cc).
  Acl& acl() { return acl_; }
  // Whether a connection must authenticate before it runs commands: the default user has
  // a password (requirepass) or is disabled.
  bool auth_required() const;
  void sign_in(Connection& client, std::shared_ptr<AclUser> user);
  // A new connection (or RESET): the default user, authenticated unless auth_required().
  void sign_in_as_default(Connection& client);
  // AUTH / HELLO AUTH: signs the client in, or logs and counts the failure (`command_name`
  // is the ACL LOG object: "AUTH" or "HELLO").
  bool authenticate(Connection& client, std::string_view username, std::string_view password,
                    std::string_view command_name);
  // The NOPERM reply for a command the client's user may not run (logged and counted), or
  // nullopt. Checked when the command arrives (also when queued inside MULTI).
  std::optional<std::string> acl_refusal(Connection& client, const Command& command,
                                         std::span<const std::string_view> args);
  // The same check again at EXEC, in Redis's words for rules that changed meanwhile.
  std::optional<std::string> acl_refusal_at_exec(Connection& client, const Command& command,
                                                 std::span<const std::string_view> args);
  // Whether the client's user (a script's caller's, for the script client) may read a key
  // whatever its name: SORT's BY and GET patterns need it.
  bool may_read_every_key(const Connection& client) const;
  // ACL DELUSER: the user's connections close (the caller's after its reply).
  void disconnect_user(const AclUser& user);
  // ACL SETUSER: connections of `user` subscribed to a channel it may no longer use close.
  void disconnect_lost_subscriptions(const AclUser& user);
  // At start-up: the config file's users, or the aclfile's; the error ends the start.
  std::optional<std::string> load_acl_users();
  // ACL LOAD: the aclfile's users replace the current ones (clients of the replaced users
  // are closed); the reply's error text otherwise.
  std::optional<std::string> reload_acl_file();
  // requirepass, acl-pubsub-default and acllog-max-len took new values.
  void apply_requirepass();
  void apply_acl_settings();

  // MULTI/EXEC/WATCH state (server/transactions.h).
  Transactions& transactions() { return transactions_; }
  // EXEC: runs the client's queued commands in order.
  void run_transaction(Connection& client, std::span<const QueuedCommand> queued);
  // While `client`'s EXEC runs: how many commands it queued (CLIENT LIST still shows the
  // transaction, as Redis does until EXEC returns).
  std::optional<size_t> transaction_running(const Connection& client) const {
    if (&client != exec_client_) return std::nullopt;
    return exec_count_;
  }
  // Clients waiting in blocking commands, and those held by CLIENT PAUSE (as Redis counts).
  uint64_t blocked_clients() const { return blocking_.blocked_clients() + paused_clients_.size(); }

 private:
  void log_acl_refusal(Connection& client, std::string_view reason, AclContext context, std::string_view object,
                       std::string_view username);
  AclVerdict acl_check(Connection& client, const AclUser& user, const Command& command,
                       std::span<const std::string_view> args, AclContext context);
  void attach_listener(std::unique_ptr<Listener> listener, bool tls);
  void cron();
  void before_sleep();
  void close_idle_clients();
  // Resizes clients' fixed reply buffers to their peak use, and releases the query
  // buffers of clients idle for kIdleQueryBufferMs, a share of the clients per tick.
  void resize_client_buffers();
  static constexpr int64_t kIdleQueryBufferMs = 2000;
  void enforce_output_limits(Connection& client);
  // Looks the command up, checks it, and runs it; false when CLIENT PAUSE holds it back.
  bool dispatch(Connection& client, std::span<const std::string_view> args);
  // BUSY, for what arrives while a script runs past busy-reply-threshold.
  bool refuse_while_busy(Connection& client, std::span<const std::string_view> args);
  void run_command(Connection& client, const Command& command, std::span<const std::string_view> args);
  // SLOWLOG: records the command if it ran for slowlog-log-slower-than or longer.
  void log_if_slow(const Connection& client, const Command& command, std::span<const std::string_view> args,
                   uint64_t elapsed_us);
  // Client-side caching: a tracking client's read-only command may have filled its cache.
  void remember_keys_read(Connection& client, const Command& command, std::span<const std::string_view> args);
  // Refuses a request with `error`; inside MULTI it also dooms the transaction. A refused
  // EXEC ends the transaction and replies EXECABORT.
  void reject(Connection& client, const Command* command, std::string_view error);
  // Whether over maxmemory this command is refused (Redis's deny-oom rules).
  bool refused_when_out_of_memory(const Connection& client, const Command& command) const;
  void flush_pending_writes();
  void publish_key_event(const KeyChange& change, uint32_t flags);
  // Re-runs the commands of clients waiting on keys that changed (see blocking.h).
  void serve_ready_keys();
  void rerun_blocked_command(Connection& client);
  void time_out_blocked_clients();
  // A blocked client leaves its queues without being served (timeout, CLIENT UNBLOCK).
  void end_blocked_command(Connection& client, bool with_error);
  // The client runs the requests that arrived while it was blocked, before the loop sleeps.
  void resume_unblocked(Connection& client);
  void free_closed_clients();
  // SYNC: the client stops getting replies and hears the propagation stream.
  void become_replica(Connection& client);

  Config config_;
  Clock clock_;
  KeyspaceStats keyspace_stats_;
  ServerStats stats_;
  AccessPolicy access_policy_;  // read by every Database on each access
  std::vector<std::unique_ptr<Database>> databases_;
  CommandTable commands_;
  Acl acl_{commands_};
  EventLoop loop_;
  std::vector<std::unique_ptr<Listener>> listeners_;  // stable addresses: the loop holds them
  std::unique_ptr<TlsContext> tls_context_;          // while tls-port is set
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> clients_;
  std::vector<Connection*> pending_writes_;
  std::vector<Connection*> closed_clients_;
  std::vector<Connection*> paused_clients_;
  BlockingRegistry blocking_;
  PubSub pubsub_{*this};
  Tracking tracking_{*this};
  SlowLog slowlog_;
  LatencyMonitor latency_monitor_;
  Monitors monitors_{*this};
  // A blocked client's command is being run again (monitors saw it the first time).
  bool rerunning_blocked_ = false;
  Evictor evictor_{*this};
  ClientEviction client_eviction_{*this};
  Transactions transactions_;
  const Connection* exec_client_ = nullptr;  // whose EXEC is running, if any
  RunningCommand running_;
  size_t exec_count_ = 0;
  std::vector<Connection*> unblocked_clients_;
  bool serving_ready_keys_ = false;
  // The command last resolved by dispatch (nullptr: unknown), for what follows it.
  const Command* dispatched_ = nullptr;
  // Set by block_client during a command: the command parked its client instead of replying.
  bool command_parked_ = false;
  uint64_t next_client_id_ = 1;
  int64_t pause_until_ms_ = 0;
  bool pause_writes_only_ = false;
  std::atomic<bool> shutdown_requested_{false};
  std::atomic<int> shutdown_signal_{0};
  int exit_code_ = 0;
  bool announced_ready_ = false;
  void handle_shutdown_signal(int signal);
  // pidfile: this process's ID, written once the listeners are bound (removed at shutdown).
  void write_pid_file();
  // The lines Redis logs every five seconds at verbose and debug levels.
  void log_periodic_report();
  int64_t last_report_ms_ = 0;
  static_assert(std::atomic<bool>::is_always_lock_free);
  std::string run_id_;
  int64_t start_time_ms_ = 0;
  int64_t stat_reset_time_ms_ = 0;
  int hz_ = 10;
  size_t cron_timer_ = 0;
  bool active_expire_enabled_ = true;
  bool cron_paused_ = false;
  int64_t reply_buffer_peak_reset_ms_ = kReplyBufferPeakResetMs;
  bool reply_buffer_resizing_ = true;
  uint64_t cron_loops_ = 0;
  LazyFreer lazy_freer_;
  Propagator propagator_;
  Replicas replicas_{*this};
  RdbPersistence rdb_{*this};
  Aof aof_{*this};
  // Runs the commands of an AOF being loaded (no socket, replies dropped).
  std::unique_ptr<Connection> replay_client_;
  // Whether eviction could not bring memory under maxmemory when the current command
  // arrived (scripts check their writes against this state).
  bool out_of_memory_before_command_ = false;
  const Connection* script_client_ = nullptr;  // MONITOR calls it "lua"
  Scripting scripting_{*this};
};

}  // namespace corvid
