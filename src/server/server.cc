#include "server/server.h"

#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <random>

#include "core/monotonic.h"
#include "commands/command_keys.h"
#include "commands/context.h"
#include "core/number_format.h"
#include "server/client_info.h"
#include "server/open_files_limit.h"
#include "server/info.h"
#include "server/log.h"
#include "server/memory_gauge.h"
#include "server/tls_setup.h"

namespace corvid {

namespace {

std::string random_hex(size_t length) {
  std::random_device device;
  std::mt19937_64 rng(device());
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(length, '0');
  for (char& c : out) c = kDigits[rng() & 15];
  return out;
}

// Sent to non-loopback clients while protected mode is on and no password is set.
constexpr std::string_view kProtectedModeError =
    "-DENIED Running in protected mode: protected mode is on and no password is set for the default user, "
    "so only loopback connections are accepted. Either run 'CONFIG SET protected-mode no' from the loopback "
    "interface (make sure the server is not reachable from the internet first), start the server with "
    "'--protected-mode no', set a bind address, or set a password.\r\n";


// What a RESP2 client in pub/sub mode may still run (RESP3 can mix replies and pushes).
bool allowed_while_subscribed(const Command& command) {
  static constexpr std::string_view kAllowed[] = {"subscribe", "unsubscribe", "psubscribe", "punsubscribe",
                                                  "ssubscribe", "sunsubscribe", "ping", "quit", "reset"};
  return std::find(std::begin(kAllowed), std::end(kAllowed), command.full_name) != std::end(kAllowed);
}

}  // namespace

Server::Server(Config config) : config_(std::move(config)), run_id_(random_hex(40)) {
  clock_.refresh();
  start_time_ms_ = clock_.now_ms;
  stat_reset_time_ms_ = clock_.now_ms;
  memory_gauge::attach_thread();
  refresh_access_policy();
  for (int i = 0; i < config_.databases; ++i) {
    databases_.push_back(std::make_unique<Database>(i, clock_, keyspace_stats_, *this, access_policy_));
    databases_.back()->set_disposer(this);
  }
  hz_ = std::clamp(config_.hz, 1, kMaxHz);
  // The config loader checked each rename against the same table.
  for (const auto& [name, new_name] : config_.renamed_commands) commands_.rename(name, new_name);
  apply_requirepass();
  apply_acl_settings();
}

Server::~Server() {
  clients_.clear();
  lazy_freer_.drain();
}

void Server::attach_listener(std::unique_ptr<Listener> listener, bool tls) {
  listener->set_tls(tls);
  listener->attach(loop_, [this, tls](int fd, std::string peer, std::string local, bool unix_socket) {
    accept_client(fd, std::move(peer), std::move(local), unix_socket, tls);
  });
  listeners_.push_back(std::move(listener));
}

std::optional<std::string> Server::rebind(ListenerSet which) {
  // Close the set's listeners first: the new set may reuse an address and port. If the
  // new set cannot be bound, CONFIG SET restores the old values and calls this again.
  auto in_set = [which](const std::unique_ptr<Listener>& l) {
    if (l->is_unix()) return false;
    return which == ListenerSet::Both || (which == ListenerSet::Tls) == l->is_tls();
  };
  std::erase_if(listeners_, in_set);
  for (bool tls : {false, true}) {
    if (which != ListenerSet::Both && (which == ListenerSet::Tls) != tls) continue;
    int port = tls ? config_.tls_port : config_.port;
    if (port == 0) continue;
    for (const std::string& address : config_.bind) {
      auto listener = std::make_unique<Listener>();
      if (auto error = listener->listen_tcp(address, port, config_.tcp_backlog)) {
        std::erase_if(listeners_, in_set);
        return error;
      }
      if (listener->is_open()) attach_listener(std::move(listener), tls);
    }
  }
  return std::nullopt;
}

std::optional<std::string> Server::configure_tls() {
  std::string error;
  std::unique_ptr<TlsContext> context = TlsContext::create(tls_settings(config_), &error);
  if (context == nullptr) return error;
  tls_context_ = std::move(context);
  return std::nullopt;
}

std::optional<std::string> Server::start() {
  // Redis takes unknown dotted directives for module configs; no module claims them.
  if (!config_.module_configs.empty()) {
    return std::string("Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting");
  }
  if (auto error = load_acl_users()) return error;
  std::string fatal;
  if (auto fitting = fit_open_files_limit(config_.maxclients, &fatal)) {
    config_.maxclients = *fitting;
  } else {
    return fatal;
  }
  client_eviction_.configure();
  if (config_.tls_port != 0) {
    if (auto error = configure_tls()) return *error + "\nFailed to configure TLS. Check logs for more info.";
  }
  if (auto error = rebind(ListenerSet::Both)) return error;
  if (!config_.unixsocket.empty()) {
    auto listener = std::make_unique<Listener>();
    if (auto error = listener->listen_unix(config_.unixsocket, config_.unixsocketperm, config_.tcp_backlog)) {
      return error;
    }
    attach_listener(std::move(listener), false);
  }
  if (listeners_.empty()) return std::string("Configured to not listen anywhere, exiting.");
  write_pid_file();
  // With appendonly yes the AOF is the dataset (dump.rdb is not read), as in Redis.
  if (config_.appendonly) {
    if (auto error = aof_.start_loading()) return error;
    if (!aof_.loading()) {
      if (auto error = aof_.open_on_start()) return error;
    }
  } else if (auto error = rdb_.start_loading()) {
    return error;
  }
  sync_aof_sink();
  cron_timer_ = loop_.every(1000 / hz_, [this] { cron(); });
  loop_.before_sleep([this] { before_sleep(); });
  loop_.sleep_limit([this] {
    if (evictor_.running()) return 0;  // eviction goes on in the next turn
    if (rdb_.busy() || aof_.busy()) return 0;  // so do a snapshot's walk and loading
    int64_t deadline = blocking_.next_deadline_ms();
    if (deadline == 0) return -1;
    return static_cast<int>(std::clamp<int64_t>(deadline - clock_.now_ms, 0, 1000));
  });
  return std::nullopt;
}

int Server::run() {
  loop_.run();
  return exit_code_;
}

std::vector<Database*> Server::databases() {
  std::vector<Database*> out;
  for (auto& db : databases_) out.push_back(db.get());
  return out;
}

uint64_t Server::used_memory() const { return memory_gauge::used(); }

std::string Server::replication_id() const { return master_replid(); }

std::optional<std::string> Server::writes_refused() const {
  if (rdb_.writes_refused()) {
    return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
           "Commands that may modify the data set are disabled, because this instance is configured to report errors "
           "during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs "
           "for details about the RDB error.";
  }
  if (auto error = aof_.write_error()) return "MISCONF Errors writing to the AOF file: " + *error;
  return std::nullopt;
}

void Server::sync_aof_sink() {
  if (aof_.on()) {
    propagator_.add_sink(&aof_);
  } else {
    propagator_.remove_sink(&aof_);
  }
}

std::optional<std::string> Server::replay(std::span<const std::string_view> argv) {
  const Command* command = commands_.find(argv[0]);
  if (command != nullptr && !command->subcommands.empty() && argv.size() >= 2) {
    command = command->find_subcommand(argv[1]);
  }
  if (command == nullptr || command->spec->handler == nullptr) return std::string("unknown command");
  if (!replay_client_) {
    replay_client_ = std::make_unique<Connection>(*this, -1, 0, "", "", false, clock_.now_ms);
    replay_client_->replaying = true;
  }
  Connection& client = *replay_client_;
  clock_.refresh();
  // What is replayed is already in the AOF: nothing goes to the stream again.
  propagator_.pause();
  run_command(client, *command, argv);
  propagator_.resume();
  std::optional<std::string> error;
  const std::string_view out = client.output();
  if (!out.empty() && out[0] == '-') error = std::string(out.substr(1, out.find('\r') - 1));
  client.discard_output();
  client.flush();
  return error;
}

std::vector<std::string> Server::function_libraries() const {
  std::vector<std::string> codes;
  for (const auto& [name, library] : scripting_.functions().libraries()) codes.push_back(library.code);
  return codes;
}

std::optional<std::string> Server::load_function_library(const std::string& code, bool replace) {
  using Policy = FunctionLibraries::RestorePolicy;
  auto error = scripting_.functions().restore(std::span(&code, 1), replace ? Policy::Replace : Policy::Append);
  if (error && error->starts_with("ERR ")) error->erase(0, 4);
  return error;
}

bool Server::start_bgsave_for_replication() {
  if (rdb_.bgsave_in_progress()) return false;
  rdb_.bgsave();
  return rdb_.bgsave_in_progress();
}

void Server::dump_sent() {
  // As Redis: a persistence-less instance keeps no file it wrote only to feed replicas.
  if (!config_.rdb_del_sync_files || !config_.save_points.empty() || config_.appendonly) return;
  log_notice("Removing the RDB file used to feed replicas in a persistence-less instance");
  ::unlink(config_.dbfilename.c_str());
}

void Server::start_sync(Connection& client) {
  if (replicas_.is_replica(client)) return;
  ++stats_.sync_full;
  if (client.sync_filter != Connection::SyncFilter::Everything) {
    // A dump without keys (redis-cli --functions-rdb, --replica): the function libraries
    // or nothing, small enough to send at once. Nothing in it can go stale, so the stream
    // (unless rdb-only said not to send one) follows it without a snapshot.
    RdbHeader header;
    header.ctime_s = clock_.now_ms / 1000;
    header.used_mem = used_memory();
    header.repl_id = replication_id();
    const bool functions = client.sync_filter == Connection::SyncFilter::Functions;
    const std::string dump =
        rdb_of_functions(header, functions ? function_libraries() : std::vector<std::string>{}, config_.rdbcompression);
    log_notice("Replica " + client.peer_address() + " asks for " +
               (functions ? "the function libraries only" : "no keys nor functions"));
    client.reply().raw("$" + std::to_string(dump.size()) + "\r\n");
    client.reply().raw(dump);
    client.keep_pushed_output();  // not a reply: a replica's replies are dropped from now on
    if (client.sync_rdb_only) {
      client.close_after_reply();
      return;
    }
    become_replica(client);
    replicas_.attach_online(client);
    return;
  }
  become_replica(client);
  replicas_.sync(client);
}

void Server::become_replica(Connection& client) {
  // A replica's own commands get no replies: what it receives is the stream.
  client.reply_mode = Connection::ReplyMode::Off;
  client.replica = true;
  if (replicas_.count() == 0) propagator_.add_sink(&replicas_);
}

void Server::fatal(const std::string& message) {
  size_t start = 0;
  while (start <= message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    if (end > start) log_warning(std::string_view(message).substr(start, end - start));
    start = end + 1;
  }
  exit_code_ = 1;
  loop_.stop();
}

bool Server::prepare_for_shutdown(ShutdownFlags flags) {
  log_warning("User requested shutdown...");
  if (rdb_.bgsave_in_progress()) rdb_.abort_bgsave("There is a child saving an .rdb. Killing it!");
  if (aof_.rewrite_in_progress()) aof_.abort_rewrite("There is a child rewriting the AOF. Killing it!");
  aof_.flush_and_sync();
  if ((!config_.save_points.empty() && !flags.nosave) || flags.save) {
    log_notice("Saving the final RDB snapshot before exiting.");
    if (!rdb_.save()) {
      if (flags.force) {
        log_warning("Error trying to save the DB. Exit anyway.");
      } else {
        log_warning("Error trying to save the DB, can't exit.");
        log_warning("Errors trying to shut down the server. Check the logs for more information.");
        return false;
      }
    }
  }
  if (!config_.pidfile.empty()) {
    log_notice("Removing the pid file.");
    unlink(config_.pidfile.c_str());
  }
  log_warning("Redis is now ready to exit, bye bye...");
  return true;
}

void Server::write_pid_file() {
  if (config_.pidfile.empty()) return;
  // As in Redis, a PID file that cannot be written is worth a warning, not a refusal.
  FILE* file = std::fopen(config_.pidfile.c_str(), "w");
  if (file == nullptr) {
    log_warning("Failed to write PID file: " + std::string(std::strerror(errno)));
    return;
  }
  std::fprintf(file, "%d\n", static_cast<int>(getpid()));
  std::fclose(file);
}

void Server::log_periodic_report() {
  // Every five seconds, as Redis: the non-empty databases at verbose, the clients at debug.
  if (clock_.now_ms - last_report_ms_ < 5000) return;
  last_report_ms_ = clock_.now_ms;
  if (log_enabled(LogLevel::Verbose)) {
    for (const auto& db : databases_) {
      if (db->size() == 0 && db->volatile_count() == 0) continue;
      log_verbose("DB " + std::to_string(db->index()) + ": " + std::to_string(db->size()) + " keys (" +
                  std::to_string(db->volatile_count()) + " volatile) in " + std::to_string(db->slots()) +
                  " slots HT.");
    }
  }
  if (log_enabled(LogLevel::Debug)) {
    const size_t replicas = replicas_.count();
    log_line(LogLevel::Debug, std::to_string(clients_.size() - replicas) + " clients connected (" +
                                  std::to_string(replicas) + " replicas), " + std::to_string(used_memory()) +
                                  " bytes in use");
  }
}

void Server::handle_shutdown_signal(int signal) {
  const char* name = signal == SIGINT ? "SIGINT" : "SIGTERM";
  log_warning(std::string("Received ") + name + " scheduling shutdown...");
  const std::string& setting = signal == SIGINT ? config_.shutdown_on_sigint : config_.shutdown_on_sigterm;
  ShutdownFlags flags;
  flags.save = setting.find("nosave") == std::string::npos && setting.find("save") != std::string::npos;
  flags.nosave = setting.find("nosave") != std::string::npos;
  flags.now = setting.find("now") != std::string::npos;
  flags.force = setting.find("force") != std::string::npos;
  if (prepare_for_shutdown(flags)) request_shutdown();
}

void Server::accept_client(int fd, std::string peer, std::string local, bool unix_socket, bool tls) {
  // Refused connections count as rejected_connections only, not as received, as in Redis.
  // A TLS client is refused without the error text: it cannot be read before a handshake.
  if (clients_.size() >= config_.maxclients) {
    static constexpr std::string_view kFull = "-ERR max number of clients reached\r\n";
    ssize_t ignored = tls ? 0 : write(fd, kFull.data(), kFull.size());
    (void)ignored;
    close(fd);
    ++stats_.rejected_connections;
    return;
  }
  // "No password for the default user": requirepass unset and no ACL password given.
  if (config_.protected_mode && acl_.default_user()->nopass() && !unix_socket && !is_loopback_address(peer)) {
    ssize_t ignored = tls ? 0 : write(fd, kProtectedModeError.data(), kProtectedModeError.size());
    (void)ignored;
    close(fd);
    ++stats_.rejected_connections;
    // Redis refuses these only after creating the client, so each one uses up a client id.
    ++next_client_id_;
    return;
  }
  uint64_t id = next_client_id_++;
  auto client = std::make_unique<Connection>(*this, fd, id, std::move(peer), std::move(local), unix_socket,
                                             clock_.now_ms);
  sign_in_as_default(*client);
  if (tls) {
    client->start_tls(*tls_context_);
  } else {
    connection_established(*client);
  }
  clients_.emplace(id, std::move(client));
}

void Server::connection_established(const Connection& client) {
  ++stats_.connections_received;
  if (log_enabled(LogLevel::Verbose)) {
    log_verbose(client.is_unix_socket() ? "Accepted connection to " + config_.unixsocket
                                        : "Accepted " + client.peer_address());
  }
}

void Server::peer_closed(Connection& client) {
  if (log_enabled(LogLevel::Verbose)) {
    std::string info = client_info_line(*this, client, clock_.now_ms, nullptr);
    info.pop_back();  // the newline
    log_verbose("Client closed connection " + info);
  }
  close_client(client);
}

void Server::close_client(Connection& client) {
  if (client.closed()) return;
  // A blocked client that goes away leaves nothing behind in the queues.
  blocking_.release(client);
  if (client.replica) {
    replicas_.forget(client);
    if (replicas_.count() == 0) propagator_.remove_sink(&replicas_);
  }
  transactions_.forget(client);
  client_eviction_.forget(client);
  // Unsubscribed at once (a later PUBLISH does not count it, as in Redis), unless a
  // publish is walking the lists: then when it is freed.
  if (!pubsub_.delivering()) pubsub_.remove_client(client);
  client.mark_closed();
  closed_clients_.push_back(&client);
}

void Server::free_closed_clients() {
  if (closed_clients_.empty()) return;
  std::vector<Connection*> closing;
  closing.swap(closed_clients_);
  for (Connection* client : closing) {
    std::erase(pending_writes_, client);
    std::erase(paused_clients_, client);
    std::erase(unblocked_clients_, client);
    // A client closed while a PUBLISH walked its subscribers (over its output limit) is
    // unsubscribed only now: the lists being walked must not change, and Redis too
    // counts such a client as a receiver until it is freed.
    pubsub_.remove_client(*client);
    monitors_.remove(*client);
    tracking_.disable(*client);
    clients_.erase(client->id());
  }
}

Connection* Server::find_client(uint64_t id) {
  auto it = clients_.find(id);
  return it == clients_.end() || it->second->closed() ? nullptr : it->second.get();
}

void Server::queue_write(Connection& client) {
  if (client.write_queued) return;
  client.write_queued = true;
  pending_writes_.push_back(&client);
}

void Server::flush_pending_writes() {
  // One write per client per loop turn, covering every reply its pipeline produced.
  std::vector<Connection*> writes;
  writes.swap(pending_writes_);
  for (Connection* client : writes) {
    client->write_queued = false;
    if (client->closed()) continue;
    if (!client->flush()) {
      close_client(*client);
      continue;
    }
    if (!client->has_pending_output() && client->closing_after_reply()) close_client(*client);
  }
}

void Server::before_sleep() {
  clock_.refresh();
  time_out_blocked_clients();
  // Resuming may unblock or block others; each client is resumed once per turn.
  std::vector<Connection*> resuming;
  resuming.swap(unblocked_clients_);
  for (Connection* client : resuming) client->resume_input();
  // Eviction that ran out of its time slice before a command continues between turns.
  if (evictor_.running()) evictor_.perform();
  client_eviction_.evict();
  // Broadcast-mode invalidations collect the whole turn's changes, and go out with it.
  tracking_.broadcast();
  rdb_.before_sleep();
  // Before any reply goes out: what clients are told is written is in the AOF (and, with
  // appendfsync always, on disk).
  const bool aof_was_loading = aof_.loading();
  aof_.before_sleep();
  if (aof_was_loading && !aof_.loading()) sync_aof_sink();
  // Announced once the dump or the AOF (if any) is loaded, as Redis does.
  if (!announced_ready_ && !loading() && exit_code_ == 0) {
    announced_ready_ = true;
    log_notice("Ready to accept connections");
  }
  flush_pending_writes();
  free_closed_clients();
  if (int signal = shutdown_signal_.exchange(0, std::memory_order_relaxed); signal != 0) handle_shutdown_signal(signal);
  if (shutdown_requested_) loop_.stop();
}

void Server::on_key_change(const KeyChange& change) {
  // Keys that went without a command deleting them replay as deletions.
  if (change.event_class == kEventExpired) {
    propagator_.key_deleted(change.db, change.key, config_.lazyfree_lazy_expire);
  } else if (change.event_class == kEventEvicted) {
    propagator_.key_deleted(change.db, change.key, config_.lazyfree_lazy_eviction);
  }
  // The fan-out: blocked clients, WATCH, client-side caching, notifications.
  blocking_.key_changed(change.db, change.key);
  transactions_.key_changed(change.db, change.key);
  tracking_.key_changed(change.key);
  on_key_event(change);
}

void Server::on_key_ready(int db, std::string_view key) { blocking_.key_changed(db, key); }

void Server::on_key_event(const KeyChange& change) {
  // The class must be on, and a channel kind; with notifications off the first test fails.
  const uint32_t flags = config_.notify_keyspace_events;
  if ((flags & change.event_class) == 0 || (flags & (kNotifyKeyspace | kNotifyKeyevent)) == 0) return;
  publish_key_event(change, flags);
}

void Server::publish_key_event(const KeyChange& change, uint32_t flags) {
  // Keyspace channel first, then keyevent, as Redis publishes them.
  std::string channel = "__key";
  const std::string db = std::to_string(change.db);
  if (flags & kNotifyKeyspace) {
    channel.append("space@").append(db).append("__:").append(change.key);
    pubsub_.publish(channel, change.event);
  }
  if (flags & kNotifyKeyevent) {
    channel.resize(5);
    channel.append("event@").append(db).append("__:").append(change.event);
    pubsub_.publish(channel, change.key);
  }
}

void Server::block_client(Connection& client, const Command& command, std::span<const std::string_view> args,
                          std::span<const std::string_view> keys, ValueType type, int64_t deadline_ms,
                          bool wake_when_key_gone) {
  command_parked_ = true;
  if (client.blocked()) return;  // a re-run that found nothing: keep the place in line
  auto blocked = std::make_unique<BlockedCommand>();
  blocked->command = &command;
  blocked->args.assign(args.begin(), args.end());
  blocked->db = client.db_index;
  for (std::string_view key : keys) {
    if (std::find(blocked->keys.begin(), blocked->keys.end(), key) == blocked->keys.end()) {
      blocked->keys.emplace_back(key);
    }
  }
  blocked->type = type;
  blocked->deadline_ms = deadline_ms;
  blocked->wake_when_key_gone = wake_when_key_gone;
  blocking_.block(client, std::move(blocked));
  client.set_blocked(true);
}

void Server::serve_ready_keys() {
  // A re-run that pushes (BLMOVE) makes more keys ready: the outer loop serves them too.
  if (serving_ready_keys_) return;
  serving_ready_keys_ = true;
  while (blocking_.has_ready_keys()) {
    for (const DbKey& ready : blocking_.take_ready_keys()) {
      for (Connection* client : blocking_.waiters(ready)) {
        const BlockedCommand* blocked = blocking_.blocked_command(*client);
        if (blocked == nullptr) continue;  // served through another of its keys meanwhile
        const KeyEntry* entry = databases_[ready.db]->find(ready.key);
        if ((entry == nullptr || entry->type() != blocked->type) && !blocked->wake_when_key_gone) continue;
        rerun_blocked_command(*client);
      }
    }
  }
  serving_ready_keys_ = false;
}

void Server::rerun_blocked_command(Connection& client) {
  const BlockedCommand& blocked = *blocking_.blocked_command(client);
  std::vector<std::string_view> args(blocked.args.begin(), blocked.args.end());
  int saved_db = client.db_index;
  client.db_index = blocked.db;
  rerunning_blocked_ = true;
  // The served client is the one running now: invalidations of keys it tracks and its own
  // command changed follow its reply, as for any command of its own.
  Tracking::CommandState outer = tracking_.suspend_command();
  tracking_.begin_command(&client);
  tracking_.set_executing(true);
  propagator_.begin_unit();
  run_command(client, *blocked.command, args);
  propagator_.end_unit();
  tracking_.end_command();
  tracking_.resume_command(std::move(outer));
  rerunning_blocked_ = false;
  client.db_index = saved_db;
  if (command_parked_) return;
  blocking_.release(client);
  resume_unblocked(client);
}

void Server::resume_unblocked(Connection& client) {
  client.set_blocked(false);
  unblocked_clients_.push_back(&client);
  queue_write(client);
}

void Server::end_blocked_command(Connection& client, bool with_error) {
  std::unique_ptr<BlockedCommand> blocked = blocking_.release(client);
  if (blocked == nullptr) return;
  if (with_error) {
    client.reply().error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
  } else {
    // Even for BLMOVE, whose other replies are bulk strings: Redis 7.0 times every
    // blocking command out with a null array.
    client.reply().null_array();
  }
  // The call ends here, so this is where it counts (as a served re-run does). Redis 7.0
  // does not put a timed-out command in the slow log; a served one is logged by its re-run.
  ++blocked->command->stats.calls;
  // Its latency histogram does count it, with the (negligible) time spent replying.
  if (config_.latency_tracking) blocked->command->latency_histogram.record(1);
  resume_unblocked(client);
}

bool Server::unblock_client(Connection& client, bool with_error) {
  if (!client.blocked()) return false;
  end_blocked_command(client, with_error);
  return true;
}

void Server::time_out_blocked_clients() {
  if (blocking_.clients_with_timeout() == 0) return;
  for (Connection* client : blocking_.timed_out(clock_.now_ms)) end_blocked_command(*client, false);
}

void Server::on_message_queued(Connection& receiver) {
  queue_write(receiver);
  enforce_output_limits(receiver);
  client_eviction_.update(receiver);
}

void Server::on_error_reply(std::string_view message) {
  ++stats_.total_error_replies;
  std::string_view code = message.substr(0, message.find(' '));
  // Redis caps the number of distinct codes it tracks; so do we, to bound memory.
  constexpr size_t kMaxErrorCodes = 128;
  auto it = stats_.errors_by_code.find(std::string(code));
  if (it != stats_.errors_by_code.end()) {
    ++it->second;
  } else if (stats_.errors_by_code.size() < kMaxErrorCodes) {
    stats_.errors_by_code.emplace(std::string(code), 1);
  }
}

namespace {

std::string unknown_command_error(std::span<const std::string_view> args) {
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
  std::string message = "ERR unknown command '";
  message.append(up_to_nul(args[0]).substr(0, 128));
  message.append("', with args beginning with: ");
  size_t listed = 0;
  for (size_t i = 1; i < args.size() && listed < 128; ++i) {
    std::string_view shown = up_to_nul(args[i]).substr(0, 128 - listed);
    message.push_back('\'');
    message.append(shown);
    message.append("' ");
    listed += shown.size() + 3;
  }
  return message;
}

bool allowed_while_busy(const CommandTable& table, std::span<const std::string_view> args) {
  const Command* command = table.find(args[0]);
  if (command == nullptr) return false;
  if (!command->subcommands.empty() && args.size() >= 2) command = command->find_subcommand(args[1]);
  return command != nullptr && (command->spec->flags & kCmdAllowBusy);
}

// Inside MULTI these run at once; everything else is queued for EXEC.
bool runs_inside_multi(const Command& command) {
  const std::string& name = command.full_name;
  return name == "exec" || name == "discard" || name == "multi" || name == "watch" || name == "quit" ||
         name == "reset";
}

}  // namespace

void Server::reject(Connection& client, const Command* command, std::string_view error) {
  if (command != nullptr) ++command->stats.rejected_calls;
  if (transactions_.in_multi(client)) transactions_.fail_on_exec(client);
  // A refused EXEC answers EXECABORT with the reason (even outside MULTI, as Redis 7.0
  // does) and ends any transaction.
  if (command != nullptr && command->full_name == "exec") {
    transactions_.end(client);
    transactions_.unwatch(client);
    std::string_view reason = error.starts_with("ERR ") ? error.substr(4) : error;
    client.reply().error("EXECABORT Transaction discarded because of: " + std::string(reason));
    return;
  }
  client.reply().error(error);
}

bool Server::clients_paused_for(const Command& command, std::span<const std::string_view> args) const {
  if (pause_until_ms_ == 0 || clock_.now_ms >= pause_until_ms_) return false;
  if (!pause_writes_only_) return true;
  if (!(command.spec->flags & (kCmdWrite | kCmdMayReplicate))) return false;
  // A script that declares no-writes runs under CLIENT PAUSE WRITE, as in Redis.
  if (command.full_name == "eval" || command.full_name == "evalsha") {
    return !(scripting_.flags_of(args[1], command.full_name == "evalsha") & kScriptNoWrites);
  }
  if (command.full_name == "fcall") {
    const FunctionLibraries::Function* function = scripting_.functions().find(args[1]);
    return function == nullptr || !(function->flags & kScriptNoWrites);
  }
  return true;
}

void Server::pause_clients(int64_t until_ms, bool writes_only) {
  // A new pause never shortens one in force, and "ALL" wins over "WRITE", as in Redis.
  if (pause_until_ms_ != 0 && clock_.now_ms < pause_until_ms_) {
    pause_until_ms_ = std::max(pause_until_ms_, until_ms);
    pause_writes_only_ = pause_writes_only_ && writes_only;
  } else {
    pause_until_ms_ = until_ms;
    pause_writes_only_ = writes_only;
  }
  for (auto& db : databases_) db->set_expiry_paused(true);
}

void Server::unpause_clients() {
  pause_until_ms_ = 0;
  for (auto& db : databases_) db->set_expiry_paused(false);
  std::vector<Connection*> held;
  held.swap(paused_clients_);
  for (Connection* client : held) {
    if (!client->closed()) client->resume_after_pause();
  }
}

bool Server::execute(Connection& client, std::span<const std::string_view> args) {
  using ReplyMode = Connection::ReplyMode;
  // CLIENT REPLY OFF/SKIP silence every reply, rejections included.
  client.begin_command_output();
  bool skip_this = client.reply_mode == ReplyMode::SkipNext;
  tracking_.begin_command(&client);
  // The command (or a whole EXEC) is one unit of the propagation stream.
  propagator_.begin_unit();
  // A script running past busy-reply-threshold: only what may interrupt it runs.
  const bool ran = scripting_.busy() && !allowed_while_busy(commands_, args) ? refuse_while_busy(client, args)
                                                                             : dispatch(client, args);
  propagator_.end_unit();
  if (!ran) {
    tracking_.begin_command(nullptr);
    return false;
  }
  if (client.reply_mode == ReplyMode::Off || (client.reply_mode == ReplyMode::SkipNext && !skip_this)) {
    client.discard_output_from(client.kept_output_end());
  } else if (skip_this) {
    client.discard_output_from(client.kept_output_end());
    client.reply_mode = ReplyMode::On;
  }
  // Invalidations of keys the client changed itself follow its reply (pushes are not
  // replies: CLIENT REPLY OFF does not silence them).
  tracking_.end_command();
  // CLIENT CACHING covers the next command only, or a whole MULTI ... EXEC, and is kept
  // across CLIENT subcommands (Redis 7.0 clears it after any other command).
  bool client_family = dispatched_ != nullptr && (dispatched_->parent != nullptr ? dispatched_->parent : dispatched_)->full_name == "client";
  if (!client_family && !transactions_.in_multi(client)) tracking_.clear_caching(client);
  // Clients served between slices of a busy script must not run blocked commands inside it.
  if (!scripting_.running()) serve_ready_keys();
  tracking_.begin_command(nullptr);
  enforce_output_limits(client);
  client_eviction_.update(client);
  return true;
}

bool Server::refuse_while_busy(Connection& client, std::span<const std::string_view> args) {
  dispatched_ = commands_.find_requested(args[0]);
  reject(client, dispatched_, scripting_.busy_error());
  return true;
}

bool Server::dispatch(Connection& client, std::span<const std::string_view> args) {
  clock_.refresh();
  client.last_interaction_ms = clock_.now_ms;
  const Command* command = commands_.find_requested(args[0]);
  dispatched_ = command;
  if (command == nullptr) {
    reject(client, nullptr, unknown_command_error(args));
    return true;
  }
  // A container called alone is checked against its own arity (bare COMMAND is valid).
  if (!command->subcommands.empty() && args.size() >= 2) {
    const Command* sub = command->find_subcommand(args[1]);
    if (sub == nullptr) {
      std::string upper(command->full_name);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      dispatched_ = nullptr;
      reject(client, command,
             "ERR unknown subcommand '" + std::string(up_to_nul(args[1]).substr(0, 128)) + "'. Try " + upper + " HELP.");
      return true;
    }
    command = sub;
    dispatched_ = sub;
  }
  int arity = command->spec->arity;
  if ((arity > 0 && static_cast<int>(args.size()) != arity) || static_cast<int>(args.size()) < -arity ||
      command->spec->handler == nullptr) {
    reject(client, command, "ERR wrong number of arguments for '" + command->full_name + "' command");
    return true;
  }
  // Protected commands (DEBUG, MODULE LOAD/LOADEX/UNLOAD) are refused before
  // authentication, as in Redis.
  if (command->spec->flags & kCmdProtected) {
    const bool is_module = (command->parent ? command->parent : command)->full_name == "module";
    const ProtectedAccess access = is_module ? config_.enable_module_command : config_.enable_debug_command;
    if (!protected_command_allowed(client, access)) {
      reject(client, command,
          std::string("ERR ") + (is_module ? "MODULE" : "DEBUG") + " command not allowed. If the " +
              (is_module ? "enable-module-command" : "enable-debug-command") +
              " option is set to \"local\", you can run it from a local connection, otherwise you need to set this "
              "option in the configuration file, and then restart the server.");
      return true;
    }
  }
  if (client.needs_auth() && !(command->spec->flags & kCmdNoAuth)) {
    reject(client, command, "NOAUTH Authentication required.");
    return true;
  }
  if (auto refusal = acl_refusal(client, *command, args)) {
    reject(client, command, *refusal);
    return true;
  }
  // A monitor is a replica to Redis: it may not touch the keyspace.
  if (client.monitor && (command->spec->flags & (kCmdWrite | kCmdReadOnly | kCmdMayReplicate))) {
    reject(client, command, "ERR Replica can't interact with the keyspace");
    return true;
  }
  // maxmemory-clients: the connections holding the most memory are closed first, this
  // one included (its command then does not run), as in Redis.
  if (client_eviction_.over_limit()) {
    client_eviction_.evict();
    if (client.closed()) return true;
  }
  // maxmemory: evict first; if memory stays over the limit, refuse what could grow it.
  out_of_memory_before_command_ = config_.maxmemory != 0 && evictor_.perform() == Evictor::Result::Failed;
  if (out_of_memory_before_command_ && refused_when_out_of_memory(client, *command)) {
    reject(client, command, "OOM command not allowed when used memory > 'maxmemory'.");
    return true;
  }
  // The tracking table is brought back under its bound before each command, as in Redis.
  if (tracking_.tracking_clients() != 0) tracking_.enforce_limit(config_.tracking_table_max_keys);
  // A failed save, or an AOF that cannot be written, stops writes (and PING, as in Redis).
  if ((command->spec->flags & kCmdWrite) || command->full_name == "ping" ||
      (command->full_name == "exec" && transactions_.queued_with_flag(client, kCmdWrite))) {
    if (auto refusal = writes_refused()) {
      reject(client, command, *refusal);
      return true;
    }
  }
  if (client.subscribed() && !client.reply().resp3() && !allowed_while_subscribed(*command)) {
    reject(client, command,
           "ERR Can't execute '" + command->full_name +
               "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
    return true;
  }
  if (loading() && !(command->spec->flags & kCmdLoading)) {
    reject(client, command, "LOADING Redis is loading the dataset in memory");
    return true;
  }
  if (clients_paused_for(*command, args)) {
    if (std::find(paused_clients_.begin(), paused_clients_.end(), &client) == paused_clients_.end()) {
      paused_clients_.push_back(&client);
    }
    return false;
  }
  if (transactions_.in_multi(client) && !runs_inside_multi(*command)) {
    // A transaction already doomed keeps nothing (its EXEC will run nothing), as in Redis.
    if (!transactions_.dirty(client) && !transactions_.fails_on_exec(client)) {
      transactions_.queue(client, *command, args);
    }
    client.last_command = command->full_name;
    client.reply().simple("QUEUED");
    return true;
  }
  tracking_.set_executing(true);
  run_command(client, *command, args);
  return true;
}

bool Server::refused_when_out_of_memory(const Connection& client, const Command& command) const {
  const std::string& name = command.full_name;
  // Inside MULTI even queuing grows memory; EXEC, DISCARD, QUIT and RESET still run.
  if (transactions_.in_multi(client) && name != "exec" && name != "discard" && name != "quit" && name != "reset") {
    return true;
  }
  if (command.spec->flags & kCmdDenyOom) return true;
  return name == "exec" && transactions_.queued_with_flag(client, kCmdDenyOom);
}

void Server::free_entry(KeyEntry* entry, bool lazy) {
  // Above this many allocations, handing the value to the background thread costs less
  // than freeing it here. Redis uses the same figure.
  constexpr size_t kLazyFreeThreshold = 64;
  if (lazy && entry->free_effort() > kLazyFreeThreshold) {
    // One object, however many allocations it holds: what Redis's lazyfree counters count.
    lazy_freer_.submit([entry] { KeyEntry::destroy(entry); }, 1);
    return;
  }
  KeyEntry::destroy(entry);
}

void Server::dispose(KeyEntry* entry, EntryDisposer::Reason reason) {
  using Reason = EntryDisposer::Reason;
  const bool lazy = reason == Reason::Expired   ? config_.lazyfree_lazy_expire
                    : reason == Reason::Evicted ? config_.lazyfree_lazy_eviction
                                                : config_.lazyfree_lazy_server_del;
  free_entry(entry, lazy);
}

void Server::refresh_access_policy() {
  access_policy_.lfu = config_.maxmemory_policy.ends_with("-lfu");
  access_policy_.lfu_log_factor = config_.lfu_log_factor;
  access_policy_.lfu_decay_time = config_.lfu_decay_time;
}

void Server::run_transaction(Connection& client, std::span<const QueuedCommand> queued) {
  exec_client_ = &client;
  exec_count_ = queued.size();
  std::vector<std::string_view> args;
  for (const QueuedCommand& command : queued) {
    args.assign(command.args.begin(), command.args.end());
    // The rules may have changed since the command was queued.
    if (auto refusal = acl_refusal_at_exec(client, *command.command, args)) {
      client.reply().error(*refusal);
      continue;
    }
    run_command(client, *command.command, args);
  }
  exec_client_ = nullptr;
}

std::unique_ptr<Connection> Server::new_script_client() {
  // SLOWLOG names it "?:0", as Redis names its script client.
  auto client = std::make_unique<Connection>(*this, -1, 0, "?:0", "", false, clock_.now_ms);
  script_client_ = client.get();
  return client;
}

int64_t Server::busy_reply_threshold_ms() const { return config_.busy_reply_threshold_ms; }

void Server::serve_clients_while_busy() {
  // The script's command state (its clock, above all: keys must not expire under it) is
  // set aside while other clients' requests are answered, and put back after.
  const Clock script_clock = clock_;
  Tracking::CommandState tracking = tracking_.suspend_command();
  const Command* dispatched = dispatched_;
  const bool out_of_memory = out_of_memory_before_command_;
  // Sockets only: timers (active expiry, eviction, saving) would act in the middle of the
  // script, which must look atomic.
  loop_.poll_io(0);
  flush_pending_writes();
  out_of_memory_before_command_ = out_of_memory;
  dispatched_ = dispatched;
  tracking_.resume_command(std::move(tracking));
  clock_ = script_clock;
}

void Server::run_script_command(Connection& script_client, const Command& command,
                                std::span<const std::string_view> argv) {
  run_command(script_client, command, argv);
}

void Server::run_command(Connection& client, const Command& command, std::span<const std::string_view> args) {
  uint64_t errors_before = stats_.total_error_replies;
  int64_t started = monotonic_us();

  CommandContext context{*this, client, *databases_[client.db_index], args, client.reply(), command, clock_};
  command_parked_ = false;
  const uint64_t changes_before = keyspace_stats_.dirty;
  // Commands nest (scripts, EXEC): the outer one is running again once the inner returns.
  const RunningCommand outer = std::exchange(running_, RunningCommand{&client, args});
  command.spec->handler(context);
  running_ = outer;
  // What the command changed goes to the AOF and replicas (a parked command changed nothing).
  propagator_.command_done(context.db.index(), args, !command_parked_ && keyspace_stats_.dirty != changes_before);
  if (!monitors_.empty()) feed_monitors(client, command, args);
  // Client-side caching: the keys a tracking client read may now be in its cache.
  // A read inside a script counts for the client that ran it, and what it remembers is
  // the keys that client's EVAL declared, as in Redis 7.0.
  if (command.spec->flags & kCmdReadOnly) {
    if (&client != script_client_) {
      if (tracking_.remembers_reads(client)) remember_keys_read(client, command, args);
    } else if (Connection* caller = scripting_.caller(); caller != nullptr && tracking_.remembers_reads(*caller)) {
      tracking_.remember(*caller, scripting_.declared_keys());
    }
  }

  client.last_command = command.full_name;
  // A parked command counts once, when it is served, times out or is unblocked.
  if (command_parked_) return;
  auto elapsed = static_cast<uint64_t>(monotonic_us() - started);
  log_if_slow(client, command, args, elapsed);
  if (config_.latency_tracking) command.latency_histogram.record(static_cast<int64_t>(elapsed) * 1000);
  latency_monitor_.sample_if_needed(config_.latency_monitor_threshold,
                                    (command.spec->flags & kCmdFast) ? "fast-command" : "command", elapsed / 1000);
  ++command.stats.calls;
  command.stats.usec += elapsed;
  if (stats_.total_error_replies > errors_before) ++command.stats.failed_calls;  // RESETSTAT may zero the count
  ++stats_.commands_processed;
}

void Server::feed_monitors(const Connection& client, const Command& command,
                           std::span<const std::string_view> args, bool even_if_skipped) {
  if (monitors_.empty() || rerunning_blocked_) return;
  if (!even_if_skipped && (command.spec->flags & (kCmdSkipMonitor | kCmdAdmin))) return;
  std::string origin = &client == script_client_ ? "lua"
                       : client.is_unix_socket() ? "unix:" + config_.unixsocket
                                                 : client.peer_address();
  const Clock now = Clock::current();  // the time of this line, not the command's cached "now"
  monitors_.feed(now.now_us, client.db_index, origin, command.full_name, args);
}

void Server::log_if_slow(const Connection& client, const Command& command, std::span<const std::string_view> args,
                         uint64_t elapsed_us) {
  int64_t threshold = config_.slowlog_log_slower_than;
  if (threshold < 0 || elapsed_us < static_cast<uint64_t>(threshold)) return;
  if (command.spec->flags & kCmdSkipSlowlog) return;
  slowlog_.record(clock_.now_ms / 1000, elapsed_us, command.full_name, args, client.peer_address(), client.name,
                  config_.slowlog_max_len);
}

void Server::remember_keys_read(Connection& client, const Command& command, std::span<const std::string_view> args) {
  std::vector<std::string_view> keys;
  for (const KeyRef& ref : command_keys(*command.spec, args)) keys.push_back(args[ref.index]);
  tracking_.remember(client, keys);
}

// Checked when a command adds output, as Redis does: a client that sits over the soft
// limit without sending anything more is not closed by the clock alone.
void Server::enforce_output_limits(Connection& client) {
  const OutputBufferLimit& limit = client.replica      ? config_.output_limit_replica
                                    : client.subscribed() ? config_.output_limit_pubsub
                                                          : config_.output_limit_normal;
  // Redis counts the overflow blocks (omem), not the fixed buffer. A replica is fed the
  // stream through its own buffer here (Redis shares a backlog): all of it counts.
  size_t pending = client.replica ? client.pending_output_bytes() + replicas_.held_bytes(client)
                                  : client.output_buffer().block_memory();
  bool over_hard = limit.hard_bytes != 0 && pending >= limit.hard_bytes;
  bool over_soft = false;
  if (limit.soft_bytes != 0 && pending >= limit.soft_bytes) {
    if (client.soft_limit_since_ms == 0) client.soft_limit_since_ms = clock_.now_ms;
    over_soft = clock_.now_ms - client.soft_limit_since_ms >= limit.soft_seconds * 1000;
  } else {
    client.soft_limit_since_ms = 0;
  }
  if (over_hard || over_soft) {
    ++stats_.client_output_buffer_limit_disconnections;
    log_warning("Client id=" + std::to_string(client.id()) + " addr=" + client.peer_address() +
                " scheduled to be closed ASAP for overcoming of output buffer limits.");
    close_client(client);
  }
}

void Server::close_idle_clients() {
  if (config_.timeout <= 0) return;
  int64_t limit_ms = config_.timeout * 1000;
  for (auto& [id, client] : clients_) {
    // A blocked client waits by its own timeout, as in Redis; replicas, monitors and
    // subscribers (which may rightly say nothing for long) are never idle.
    if (client->closed() || client->blocked() || client->replica || client->monitor || client->subscribed()) {
      continue;
    }
    if (clock_.now_ms - client->last_interaction_ms > limit_ms) {
      log_verbose("Closing idle client");
      close_client(*client);
    }
  }
}

void Server::resize_client_buffers() {
  // As Redis's clients cron: clients/hz of them per tick, at least 5 (all when fewer),
  // so each is looked at about once a second, or every tick when there are few.
  const size_t clients = clients_.size();
  if (clients == 0) return;
  size_t per_tick = clients / static_cast<size_t>(hz_);
  if (per_tick < 5) per_tick = std::min<size_t>(clients, 5);
  const uint64_t period = (clients + per_tick - 1) / per_tick;
  for (auto& [id, client] : clients_) {
    if (client->closed() || (id + cron_loops_) % period != 0) continue;
    if (clock_.now_ms - client->last_interaction_ms >= kIdleQueryBufferMs) client->release_idle_query_buffer();
    switch (client->output_buffer().resize_for_peak(clock_.now_ms, reply_buffer_peak_reset_ms_,
                                                    reply_buffer_resizing_)) {
      case ReplyBuffer::Resize::Shrunk:
        ++stats_.reply_buffer_shrinks;
        break;
      case ReplyBuffer::Resize::Expanded:
        ++stats_.reply_buffer_expands;
        break;
      case ReplyBuffer::Resize::None:
        break;
    }
    client_eviction_.update(*client);  // both buffers may have shrunk
  }
}

void Server::cron() {
  clock_.refresh();
  if (cron_paused_) return;
  ++cron_loops_;
  update_dynamic_hz();
  // Active expiry: a quarter of each cron period at most, as in Redis's slow cycle, and
  // two points more per step of active-expire-effort.
  const int64_t budget_percent = 25 + 2 * (std::clamp(config_.active_expire_effort, 1, 10) - 1);
  const int64_t budget_us = budget_percent * 10000 / std::max(1, hz_);
  int64_t started = monotonic_us();
  Database::ExpireTally tally;
  for (auto& db : databases_) {
    if (!active_expire_enabled_) break;
    int64_t left = budget_us - (monotonic_us() - started);
    if (left <= 0) {
      tally.out_of_time = true;
      break;
    }
    db->active_expire(left, &tally, config_.active_expire_effort);
    db->active_expire_fields(budget_us - (monotonic_us() - started));
  }
  if (active_expire_enabled_) {
    const double stale = tally.sampled != 0 ? static_cast<double>(tally.expired) / tally.sampled : 0;
    keyspace_stats_.expired_stale_perc = stale * 0.05 + keyspace_stats_.expired_stale_perc * 0.95;
    if (tally.out_of_time) ++keyspace_stats_.expired_time_cap_reached_count;
  }
  auto expire_cycle_us = static_cast<uint64_t>(monotonic_us() - started);
  stats_.expire_cycle_us += expire_cycle_us;
  if (active_expire_enabled_) {
    latency_monitor_.sample_if_needed(config_.latency_monitor_threshold, "expire-cycle", expire_cycle_us / 1000);
  }
  stats_.expire_cycle_cpu_milliseconds = stats_.expire_cycle_us / 1000;
  // Incremental rehashing of idle tables, bounded per database.
  for (auto& db : databases_) db->rehash_steps(1000);
  close_idle_clients();
  // A listener out of descriptors stopped accepting; it tries again each tick.
  for (auto& listener : listeners_) {
    if (auto reason = listener->resume_accepting()) log_warning(*reason);
  }
  resize_client_buffers();
  log_periodic_report();
  memory_gauge::note_peak(memory_gauge::used());
  if (tracking_.tracking_clients() != 0) tracking_.enforce_limit(config_.tracking_table_max_keys);
  if (pause_until_ms_ != 0 && clock_.now_ms >= pause_until_ms_) unpause_clients();
  rdb_.cron();
  aof_.cron();
  if (replicas_.count() != 0 && cron_loops_ % static_cast<uint64_t>(hz_) == 0) replicas_.keepalive();
  stats_.ops_per_sec.sample(clock_.now_ms, stats_.commands_processed);
  stats_.input_kbps.sample(clock_.now_ms, stats_.net_input_bytes);
  stats_.output_kbps.sample(clock_.now_ms, stats_.net_output_bytes);
}

bool Server::protected_command_allowed(const Connection& client, ProtectedAccess access) {
  switch (access) {
    case ProtectedAccess::Yes:
      return true;
    case ProtectedAccess::Local:
      return client.is_local();
    case ProtectedAccess::No:
      break;
  }
  return false;
}

void Server::set_hz(int hz) {
  hz = std::clamp(hz, 1, kMaxHz);
  if (hz == hz_) return;
  hz_ = hz;
  loop_.set_period(cron_timer_, 1000 / hz_);
}

void Server::update_dynamic_hz() {
  // With dynamic-hz the cron runs faster as clients grow, so that timeouts and buffer
  // checks keep visiting each client about as often: it doubles the configured hz until
  // no tick has more than 200 clients to look at (up to 500), as Redis does.
  constexpr size_t kClientsPerTick = 200;
  int hz = std::clamp(config_.hz, 1, kMaxHz);
  if (config_.dynamic_hz) {
    while (clients_.size() / static_cast<size_t>(hz) > kClientsPerTick && hz < kMaxHz) hz = std::min(hz * 2, kMaxHz);
  }
  set_hz(hz);
}

void Server::reset_stats() {
  std::map<std::string, uint64_t> none;
  stats_.errors_by_code.swap(none);
  stats_.connections_received = 0;
  stats_.commands_processed = 0;
  stats_.rejected_connections = 0;
  stats_.sync_full = 0;
  stats_.net_input_bytes = 0;
  stats_.net_output_bytes = 0;
  stats_.total_error_replies = 0;
  stats_.acl_access_denied_auth = 0;
  stats_.acl_access_denied_cmd = 0;
  stats_.acl_access_denied_key = 0;
  stats_.acl_access_denied_channel = 0;
  stats_.unexpected_error_replies = 0;
  stats_.client_query_buffer_limit_disconnections = 0;
  stats_.client_output_buffer_limit_disconnections = 0;
  stats_.evicted_clients = 0;
  stats_.reply_buffer_shrinks = 0;
  stats_.reply_buffer_expands = 0;
  stats_.expire_cycle_cpu_milliseconds = 0;
  stats_.expire_cycle_us = 0;
  keyspace_stats_.hits = 0;
  keyspace_stats_.misses = 0;
  keyspace_stats_.expired_keys = 0;
  keyspace_stats_.expired_stale_perc = 0;
  keyspace_stats_.expired_time_cap_reached_count = 0;
  commands_.reset_stats();
  evictor_.reset_stats();
  stat_reset_time_ms_ = clock_.now_ms;
}

}  // namespace corvid
