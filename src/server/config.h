#pragma once
// Server configuration: the values, and the directive table that parses redis.conf
// lines, command-line "--name value" pairs, CONFIG GET/SET/REWRITE, all in one place.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/value_limits.h"

namespace corvid {

struct OutputBufferLimit {
  uint64_t hard_bytes = 0;
  uint64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
};

// enable-debug-command, enable-module-command, enable-protected-configs: who may run
// DEBUG or MODULE's loading subcommands, or change protected directives.
enum class ProtectedAccess { No, Yes, Local };

// One `save <seconds> <changes>` point: snapshot when at least `changes` writes happened
// and `seconds` passed since the last successful save.
struct SavePoint {
  int64_t seconds;
  int64_t changes;
  bool operator==(const SavePoint&) const = default;
};

struct Config {
  // Network
  std::vector<std::string> bind = {"*", "-::*"};
  int port = 6379;
  std::string unixsocket;
  uint32_t unixsocketperm = 0;
  // TLS: a listener on tls-port (0: none) and the context the tls-* files and choices make
  // (server/tls_setup.h turns these into net/tls_context.h's settings).
  int tls_port = 0;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_key_file_pass;
  std::string tls_client_cert_file;
  std::string tls_client_key_file;
  std::string tls_client_key_file_pass;
  std::string tls_dh_params_file;
  std::string tls_ca_cert_file;
  std::string tls_ca_cert_dir;
  std::string tls_auth_clients = "yes";  // yes, no or optional
  std::string tls_protocols;             // empty: TLSv1.2 and TLSv1.3
  std::string tls_ciphers;
  std::string tls_ciphersuites;
  bool tls_prefer_server_ciphers = false;
  bool tls_session_caching = true;
  int tls_session_cache_size = 20480;
  int tls_session_cache_timeout = 300;
  bool protected_mode = true;
  int tcp_backlog = 511;
  int tcp_keepalive = 300;
  int64_t timeout = 0;  // seconds of idleness before a client is closed; 0 = never
  uint32_t maxclients = 10000;
  // Protocol limits
  uint64_t proto_max_bulk_len = 512ull * 1024 * 1024;
  uint64_t client_query_buffer_limit = 1024ull * 1024 * 1024;
  OutputBufferLimit output_limit_normal{};
  OutputBufferLimit output_limit_replica{256ull << 20, 64ull << 20, 60};
  OutputBufferLimit output_limit_pubsub{32ull << 20, 8ull << 20, 60};
  // Keyspace
  int databases = 16;
  int hz = 10;
  bool dynamic_hz = true;
  int active_expire_effort = 1;
  uint64_t maxmemory = 0;
  std::string maxmemory_policy = "noeviction";
  int maxmemory_samples = 5;
  int maxmemory_eviction_tenacity = 10;
  // maxmemory-clients: bytes when positive, minus a percentage of maxmemory when
  // negative ("10%" is -10), 0 for no client eviction (server/client_eviction.h).
  int64_t maxmemory_clients = 0;
  int lfu_log_factor = 10;
  int lfu_decay_time = 1;
  // Operations
  ProtectedAccess enable_debug_command = ProtectedAccess::No;
  ProtectedAccess enable_module_command = ProtectedAccess::No;
  // Whether CONFIG SET may change protected directives (dir, dbfilename): "local" means
  // only from a loopback or unix-socket client (see config_set's local_client).
  ProtectedAccess enable_protected_configs = ProtectedAccess::No;
  std::string requirepass;
  std::string acl_pubsub_default = "resetchannels";
  std::string aclfile;
  // rename-command lines, in order: (command, new name; empty: unreachable).
  std::vector<std::pair<std::string, std::string>> renamed_commands;
  // The config file's "user <name> <rules...>" lines, the words after "user".
  std::vector<std::vector<std::string>> users;
  // Lines naming an unknown directive with a '.' in its name and one value: Redis takes
  // them for module configs, and with no module loaded refuses to start.
  std::vector<std::vector<std::string>> module_configs;
  int64_t acllog_max_len = 128;
  std::string dir;  // the working directory (absolute); load_config fills it in
  // What SIGINT / SIGTERM do: "default" or words among save, nosave, now, force.
  std::string shutdown_on_sigint = "default";
  // On a fatal signal: write the crash report, and test memory after it (crash_report.h).
  bool crash_log_enabled = true;
  // Process-wide settings (server/process_settings.h).
  bool disable_thp = true;
  bool jemalloc_bg_thread = true;
  bool always_show_logo = false;
  // The process title (server/proc_title.h).
  bool set_proc_title = true;
  std::string proc_title_template = "{title} {listen-addr} {server-mode}";
  bool crash_memcheck_enabled = true;
  std::string shutdown_on_sigterm = "default";
  // RDB snapshots
  std::vector<SavePoint> save_points = {{3600, 1}, {300, 100}, {60, 10000}};
  std::string dbfilename = "dump.rdb";
  bool rdbcompression = true;
  bool rdbchecksum = true;
  bool rdb_del_sync_files = false;
  bool rdb_save_incremental_fsync = true;
  bool stop_writes_on_bgsave_error = true;
  // Append-only file
  bool appendonly = false;
  std::string appendfilename = "appendonly.aof";
  std::string appenddirname = "appendonlydir";
  std::string appendfsync = "everysec";  // always | everysec | no
  bool no_appendfsync_on_rewrite = false;
  int64_t auto_aof_rewrite_percentage = 100;
  uint64_t auto_aof_rewrite_min_size = 64ull * 1024 * 1024;
  bool aof_load_truncated = true;
  bool aof_use_rdb_preamble = true;
  bool aof_rewrite_incremental_fsync = true;
  bool aof_timestamp_enabled = false;
  bool aof_disable_auto_gc = false;
  // What an AOF command (or, later, a primary's) that fails does: ignore, panic,
  // panic-on-replicas.
  std::string propagation_error_behavior = "ignore";
  // Set once a `save` line was read: later lines of the config file add save points
  // instead of replacing the defaults.
  bool save_lines_seen = false;
  std::string logfile;
  std::string loglevel = "notice";
  std::string pidfile;
  bool daemonize = false;
  int64_t slowlog_log_slower_than = 10000;
  // busy-reply-threshold (lua-time-limit): how long a script runs before other clients
  // get BUSY and SCRIPT KILL may stop it; 0: never.
  int64_t busy_reply_threshold_ms = 5000;
  uint64_t slowlog_max_len = 128;
  uint64_t latency_monitor_threshold = 0;
  // Per-command latency histograms (LATENCY HISTOGRAM, INFO latencystats): read on every
  // command, so kept as fields.
  bool latency_tracking = true;
  std::vector<double> latency_tracking_info_percentiles = {50.0, 99.0, 99.9};
  bool lazyfree_lazy_user_del = false;
  bool lazyfree_lazy_user_flush = false;
  bool lazyfree_lazy_server_del = false;
  bool lazyfree_lazy_eviction = false;
  bool lazyfree_lazy_expire = false;
  // notify-keyspace-events: KeyEventClass bits plus KeyEventChannels (db/key_change.h);
  // read on every key change, so kept as a bitmask.
  uint32_t notify_keyspace_events = 0;
  // Collection encodings: read by every write to a small collection, so they are fields
  // rather than looked up by name.
  uint64_t hash_max_listpack_entries = 512;
  uint64_t hash_max_listpack_value = 64;
  int list_max_listpack_size = -2;
  int list_compress_depth = 0;
  uint64_t set_max_intset_entries = 512;
  uint64_t set_max_listpack_entries = 128;  // Redis 7.2
  uint64_t set_max_listpack_value = 64;     // Redis 7.2
  uint64_t zset_max_listpack_entries = 128;
  uint64_t stream_node_max_bytes = 4096;
  uint64_t stream_node_max_entries = 100;
  uint64_t zset_max_listpack_value = 64;
  // A sparse HyperLogLog longer than this becomes dense (read by every PFADD).
  uint64_t hll_sparse_max_bytes = 3000;
  // Client-side caching: most keys the tracking table remembers (0: no limit).
  uint64_t tracking_table_max_keys = 1000000;
  // The file the configuration came from (CONFIG REWRITE writes it back), if any.
  std::string config_file;

  // Directives of features that are not built yet are stored as given (only "off"
  // values are accepted), so CONFIG GET reports them as Redis does.
  std::vector<std::pair<std::string, std::string>> fixed_values;
};

// The encoding thresholds of the collection types, as configured now.
inline ValueLimits value_limits(const Config& c) {
  ValueLimits limits;
  limits.hash = {static_cast<size_t>(c.hash_max_listpack_entries), static_cast<size_t>(c.hash_max_listpack_value)};
  limits.set = {static_cast<size_t>(c.set_max_intset_entries), static_cast<size_t>(c.set_max_listpack_entries),
                static_cast<size_t>(c.set_max_listpack_value)};
  limits.zset = {static_cast<size_t>(c.zset_max_listpack_entries), static_cast<size_t>(c.zset_max_listpack_value)};
  limits.list_fill = c.list_max_listpack_size;
  limits.list_compress_depth = c.list_compress_depth;
  return limits;
}

// Loads built-in defaults, then the file (if any), stdin (for "-"), then "--name value"
// arguments, as redis-server does. Like Redis, a `dir` directive changes the process's
// working directory at once (later relative paths, includes among them, depend on it);
// config.dir is the working directory afterwards. A NUL byte in a file drops the rest of
// its line (or of the 1024-byte piece of a longer line), as Redis's fgets() reading does.
// On error returns the text to print to stderr before exiting with status 1: Redis's
// "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n..." block, or, when a config file
// cannot be opened, the single line "Fatal error, can't open config file '...': ...\n"
// (Redis logs that one as a warning).
std::optional<std::string> load_config(Config& config, int argc, char** argv);

// CONFIG GET: every directive name (aliases such as "slaveof" are names of their own)
// matching one of the patterns, each once, case-insensitively: (name, value) pairs. A
// pattern without glob characters is looked up directly and answered under the spelling
// it was given ("PORT"), and it alone can reach the hidden directives. Glob patterns list
// names in table order.
std::vector<std::pair<std::string, std::string>> config_get(const Config& config,
                                                            const std::vector<std::string_view>& patterns);

// CONFIG SET: all pairs or none. Returns the exact error reply ("ERR ...") on failure.
// `apply` is called with the canonical name of every directive whose value changed, after
// all new values are in place; it returns the reason when the change cannot take effect
// (e.g. "Unable to listen on this port. Check server logs."). Then every value is
// restored, `apply` is called again for the directives it had been called for, so they
// take back their old values, and the reply is
// "ERR CONFIG SET failed (possibly related to argument '<canonical name>') - <reason>".
// `local_client` matters only with enable-protected-configs "local". An odd number of
// arguments is the caller's "ERR syntax error", as in Redis.
using ConfigApply = std::function<std::optional<std::string>(std::string_view name)>;
std::optional<std::string> config_set(Config& config,
                                      const std::vector<std::pair<std::string_view, std::string_view>>& pairs,
                                      const ConfigApply& apply, bool local_client = false);

// CONFIG REWRITE: rewrites the config file as Redis 7.0 does: comments and include /
// rename-command / sentinel lines stay, every directive line is replaced by the current
// value (aliases by the canonical name, extra occurrences blanked), directives not in the
// file are appended after "# Generated by CONFIG REWRITE" when they differ from Redis's
// default, lines naming unknown directives become "# ??? <line>", runs of blank lines
// collapse. The ACL's users (`user_lines`: Acl::list_lines()) come after the directives,
// in the places of the file's user lines and appended beyond them; with an aclfile they
// are not written and the file's user lines go. Returns the error reply ("ERR ...") on
// failure.
std::optional<std::string> config_rewrite(const Config& config, const std::vector<std::string>& user_lines);
// The rewritten text of a config file whose text is `old_content`, without touching files.
std::string config_rewrite_text(const Config& config, std::string_view old_content,
                                const std::vector<std::string>& user_lines);

// A config file's text read as load_config reads it, onto `config` as it is, but without
// files: "include" is refused, "dir" is taken as written without entering the directory,
// and the log file is not opened. For the config-line fuzz target; nullopt or the fatal
// error text.
std::optional<std::string> load_config_text(Config& config, std::string_view text);

// The value of a directive kept in Config::fixed_values, or its default when it was never
// set: config_fixed_value(config, "hash-max-listpack-entries") == "512". Empty for names
// that are not such directives.
std::string config_fixed_value(const Config& config, std::string_view name);
// The same for integer and memory directives, as a number (0 when not numeric).
int64_t config_fixed_int(const Config& config, std::string_view name);

}  // namespace corvid
