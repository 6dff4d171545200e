// Server operations: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, SHUTDOWN, DEBUG, CONFIG, INFO.

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "commands/context.h"
#include "core/number_format.h"
#include "server/config.h"
#include "server/info.h"
#include "server/log.h"
#include "server/server.h"

namespace corvid {

namespace {

void dbsize(CommandContext& ctx) { ctx.reply.integer(static_cast<int64_t>(ctx.db.size())); }

// FLUSHDB/FLUSHALL [ASYNC|SYNC]; without an option, lazyfree-lazy-user-flush decides.
std::optional<bool> parse_flush_async(CommandContext& ctx) {
  if (ctx.argc() == 1) return ctx.server.config().lazyfree_lazy_user_flush;
  if (ctx.argc() == 2 && equals_ignore_case(ctx.arg(1), "sync")) return false;
  if (ctx.argc() == 2 && equals_ignore_case(ctx.arg(1), "async")) return true;
  ctx.reply.error(errors::kSyntax);
  return std::nullopt;
}

// Empties the given databases; returns how many keys they held. The keys are freed here,
// or by the background freer when `async`, so that a large flush never stalls clients.
uint64_t flush_databases(Server& server, std::span<Database* const> databases, bool async) {
  std::vector<std::unique_ptr<DetachedKeys>> detached;
  uint64_t removed = 0;
  for (Database* db : databases) {
    if (db->size() == 0) continue;
    removed += db->size();
    detached.push_back(db->detach_all());
  }
  if (detached.empty()) return 0;
  if (!async) {
    for (auto& keys : detached) keys->dispose();
    return removed;
  }
  // std::function needs a copyable callable: the job owns the tables through a shared_ptr.
  auto owned = std::make_shared<std::vector<std::unique_ptr<DetachedKeys>>>(std::move(detached));
  server.lazy_freer().submit(
      [owned] {
        for (auto& keys : *owned) keys->dispose();
        owned->clear();
      },
      removed);
  return removed;
}

// FLUSHDB and FLUSHALL count every removed key as a change (rdb_changes_since_last_save).
// They do not go through key_changed: Redis sends no per-key event for a flush.
void flushdb(CommandContext& ctx) {
  auto async = parse_flush_async(ctx);
  if (!async) return;
  Database* db = &ctx.db;
  ctx.server.keyspace_stats().dirty += flush_databases(ctx.server, std::span(&db, 1), *async);
  ctx.reply.ok();
}

void flushall(CommandContext& ctx) {
  auto async = parse_flush_async(ctx);
  if (!async) return;
  std::vector<Database*> all;
  for (int i = 0; i < ctx.server.database_count(); ++i) all.push_back(&ctx.server.db(i));
  ctx.server.keyspace_stats().dirty += flush_databases(ctx.server, all, *async);
  ctx.reply.ok();
}

std::optional<int> db_index_arg(CommandContext& ctx, size_t i, std::string_view error) {
  auto value = parse_int64(ctx.arg(i));
  if (!value || *value < INT32_MIN || *value > INT32_MAX) {
    ctx.reply.error(error);
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

void swapdb(CommandContext& ctx) {
  auto first = db_index_arg(ctx, 1, "ERR invalid first DB index");
  if (!first) return;
  auto second = db_index_arg(ctx, 2, "ERR invalid second DB index");
  if (!second) return;
  int count = ctx.server.database_count();
  if (*first < 0 || *first >= count || *second < 0 || *second >= count) {
    ctx.reply.error(errors::kDbIndexOutOfRange);
    return;
  }
  if (*first != *second) ctx.server.db(*first).swap_contents(ctx.server.db(*second));
  ++ctx.server.keyspace_stats().dirty;
  ctx.reply.ok();
}

void time_command(CommandContext& ctx) {
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(ctx.clock.now_us / 1000000));
  ctx.reply.bulk(std::to_string(ctx.clock.now_us % 1000000));
}

void shutdown(CommandContext& ctx) {
  bool nosave = false;
  bool save = false;
  bool now = false;
  bool force = false;
  bool abort = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view option = ctx.arg(i);
    if (equals_ignore_case(option, "nosave")) {
      nosave = true;
    } else if (equals_ignore_case(option, "save")) {
      save = true;
    } else if (equals_ignore_case(option, "now")) {
      now = true;
    } else if (equals_ignore_case(option, "force")) {
      force = true;
    } else if (equals_ignore_case(option, "abort")) {
      abort = true;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  if (abort) {
    // Shutting down never waits (there are no replicas to wait for), so nothing can be
    // in progress.
    ctx.reply.error("ERR No shutdown in progress.");
    return;
  }
  if (save) {
    // There is no persistence: an explicit SAVE fails as a failed save does in Redis,
    // and FORCE exits anyway.
    if (!force) {
      log_warning("Error trying to save the DB, can't exit: this server has no persistence.");
      ctx.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
      return;
    }
    log_warning("Error trying to save the DB (this server has no persistence). Exit anyway.");
  }
  // No reply: the connection closes as the server exits.
  ctx.server.request_shutdown();
}

// --- DEBUG ---------------------------------------------------------------------------

bool debug_allowed(CommandContext& ctx) {
  switch (ctx.server.config().enable_debug_command) {
    case DebugCommandAccess::Yes:
      return true;
    case DebugCommandAccess::Local:
      return ctx.client.is_local();
    case DebugCommandAccess::No:
      break;
  }
  return false;
}

void debug_syntax_error(CommandContext& ctx) {
  ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" + std::string(ctx.arg(1).substr(0, 128)) +
                  "'. Try DEBUG HELP.");
}

// Redis parses DEBUG SLEEP's argument with strtod: anything unparsable sleeps 0 seconds.
void debug_sleep(CommandContext& ctx) {
  double seconds = std::strtod(std::string(ctx.arg(2)).c_str(), nullptr);
  if (!(seconds > 0)) seconds = 0;
  seconds = std::min(seconds, 1e9);
  timespec duration;
  duration.tv_sec = static_cast<time_t>(seconds);
  duration.tv_nsec = static_cast<long>((seconds - std::floor(seconds)) * 1e9);
  while (nanosleep(&duration, &duration) != 0 && errno == EINTR) {
  }
  ctx.reply.ok();
}

std::optional<int64_t> positive_arg(CommandContext& ctx, size_t i) {
  auto value = parse_int64(ctx.arg(i));
  if (!value || *value < 0) {
    ctx.reply.error("ERR value is out of range, must be positive");
    return std::nullopt;
  }
  return value;
}

// DEBUG POPULATE count [prefix] [size]: string keys "prefix:N" holding "value:N", cut
// or zero-padded to `size` bytes when a size is given. Existing keys are left alone.
void debug_populate(CommandContext& ctx) {
  auto count = positive_arg(ctx, 2);
  if (!count) return;
  std::string prefix = ctx.argc() >= 4 ? std::string(ctx.arg(3)) : std::string("key");
  int64_t size = 0;
  if (ctx.argc() == 5) {
    auto parsed = positive_arg(ctx, 4);
    if (!parsed) return;
    size = *parsed;
  }
  std::string key;
  std::string value;
  for (int64_t i = 0; i < *count; ++i) {
    key = prefix + ":" + std::to_string(i);
    if (ctx.db.lookup_write(key) != nullptr) continue;
    value = "value:" + std::to_string(i);
    if (size > 0) value.resize(static_cast<size_t>(size), '\0');
    ctx.db.insert(KeyEntry::create_string(key, value, KeyEntry::kNoExpiry));
    // Event class 0: Redis sends no keyspace notification for DEBUG POPULATE, but WATCH
    // and the other key-change consumers must still hear of the new key.
    ctx.db.key_changed(key, 0, "populate");
  }
  ctx.reply.ok();
}

void debug_htstats_key(CommandContext& ctx) {
  // Only values held in hash tables have statistics to show; strings never are.
  if (ctx.db.find(ctx.arg(2)) == nullptr) {
    ctx.reply.error(errors::kNoSuchKey);
    return;
  }
  ctx.reply.error("ERR The value stored at the specified key is not represented using an hash table");
}

void debug_log(CommandContext& ctx) {
  log_warning("DEBUG LOG: " + std::string(ctx.arg(2)));
  ctx.reply.ok();
}

// DEBUG ERROR replies the text as an error as it is, outside of the error statistics,
// with line breaks turned into spaces so the reply stays one line.
void debug_error(CommandContext& ctx) {
  std::string message(1, '-');
  message += ctx.arg(2);
  for (char& c : message) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  message += "\r\n";
  ctx.reply.raw(message);
}

// Redis reads the flag with atoi: anything that is not a number means 0.
void debug_set_active_expire(CommandContext& ctx) {
  ctx.server.set_active_expire(std::atoi(std::string(ctx.arg(2)).c_str()) != 0);
  ctx.reply.ok();
}

void debug_help(CommandContext& ctx) {
  // Only what this server implements.
  static constexpr std::string_view kLines[] = {
      "ERROR <string>",
      "    Return a Redis protocol error with <string> as message. Useful for clients",
      "    unit tests to simulate Redis errors.",
      "LOG <message>",
      "    Write <message> to the server log.",
      "HTSTATS-KEY <key>",
      "    Like HTSTATS but for the hash table stored at <key>'s value.",
      "POPULATE <count> [<prefix>] [<size>]",
      "    Create <count> string keys named key:<num>. If <prefix> is specified then",
      "    it is used instead of the 'key' prefix.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
  };
  ctx.help(kLines);
}

void debug(CommandContext& ctx) {
  if (!debug_allowed(ctx)) {
    ctx.reply.error(
        "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a "
        "local connection, otherwise you need to set this option in the configuration file, and then restart the "
        "server.");
    return;
  }
  struct Subcommand {
    std::string_view name;
    size_t min_args;
    size_t max_args;
    CommandHandler handler;
  };
  static constexpr Subcommand kSubcommands[] = {
      {"help", 2, 2, debug_help},         {"sleep", 3, 3, debug_sleep}, {"populate", 3, 5, debug_populate},
      {"htstats-key", 3, 3, debug_htstats_key}, {"log", 3, 3, debug_log},     {"error", 3, 3, debug_error},
      {"set-active-expire", 3, 3, debug_set_active_expire},
  };
  for (const Subcommand& sub : kSubcommands) {
    if (equals_ignore_case(ctx.arg(1), sub.name) && ctx.argc() >= sub.min_args && ctx.argc() <= sub.max_args) {
      sub.handler(ctx);
      return;
    }
  }
  debug_syntax_error(ctx);
}

// --- CONFIG --------------------------------------------------------------------------

void config_get_command(CommandContext& ctx) {
  std::vector<std::string_view> patterns(ctx.args.begin() + 2, ctx.args.end());
  auto pairs = config_get(ctx.server.config(), patterns);
  ctx.reply.map(pairs.size());
  for (const auto& [name, value] : pairs) {
    ctx.reply.bulk(name);
    ctx.reply.bulk(value);
  }
}

// Makes a changed directive take effect; directives read where they are used (timeout,
// maxclients, maxmemory...) need nothing here.
std::optional<std::string> apply_config(Server& server, std::string_view name) {
  Config& config = server.config();
  if (name == "port" || name == "bind") {
    if (auto error = server.rebind()) {
      log_warning("Warning: " + *error);
      log_warning("Failed applying new configuration. Possibly related to new " + std::string(name) +
                  " setting. Restoring previous settings.");
      return std::string(name == "port" ? "Unable to listen on this port. Check server logs."
                                        : "Failed to bind to specified addresses.");
    }
  } else if (name == "hz") {
    server.set_hz(config.hz);
  } else if (name == "loglevel" || name == "logfile") {
    configure_log(config.logfile, config.loglevel);
  } else if (name == "dir") {
    if (chdir(config.dir.c_str()) != 0) return std::string(std::strerror(errno));
  }
  return std::nullopt;
}

void config_set_command(CommandContext& ctx) {
  if ((ctx.argc() - 2) % 2 != 0) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) pairs.emplace_back(ctx.arg(i), ctx.arg(i + 1));
  Server& server = ctx.server;
  auto error = config_set(
      server.config(), pairs, [&server](std::string_view name) { return apply_config(server, name); },
      ctx.client.is_local());
  if (error) {
    ctx.reply.error(*error);
    return;
  }
  ctx.reply.ok();
}

void config_resetstat(CommandContext& ctx) {
  ctx.server.reset_stats();
  // The counters the rate meters sample just went back to zero: start the rates afresh
  // instead of measuring a negative step.
  ServerStats& stats = ctx.server.stats();
  stats.ops_per_sec = RateMeter{};
  stats.input_kbps = RateMeter{};
  stats.output_kbps = RateMeter{};
  reset_used_memory_peak();
  ctx.reply.ok();
}

void config_rewrite_command(CommandContext& ctx) {
  if (auto error = config_rewrite(ctx.server.config())) {
    ctx.reply.error(*error);
    return;
  }
  log_notice("CONFIG REWRITE executed with success.");
  ctx.reply.ok();
}

void config_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
  };
  ctx.help(kLines);
}

// --- INFO ----------------------------------------------------------------------------

void info(CommandContext& ctx) { ctx.reply.verbatim(build_info(ctx.server, ctx.args.subspan(1))); }

constexpr uint32_t kAdminFlags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
constexpr uint32_t kAdminAcl = kAclAdmin | kAclSlow | kAclDangerous;
constexpr std::string_view kGroup = "server";

constexpr std::string_view kAllShardsSum[] = {"request_policy:all_shards", "response_policy:agg_sum"};
constexpr std::string_view kAllShardsSucceeded[] = {"request_policy:all_shards", "response_policy:all_succeeded"};
constexpr std::string_view kAllNodesSucceeded[] = {"request_policy:all_nodes", "response_policy:all_succeeded"};
constexpr std::string_view kNondeterministic[] = {"nondeterministic_output"};
constexpr std::string_view kInfoTips[] = {"nondeterministic_output", "request_policy:all_shards",
                                          "response_policy:special"};

constexpr CommandArg kFlushModes[] = {
    {.name = "async", .type = ArgType::PureToken, .token = "ASYNC", .since = "4.0.0"},
    {.name = "sync", .type = ArgType::PureToken, .token = "SYNC", .since = "6.2.0"},
};
constexpr CommandArg kFlushArgs[] = {
    {.name = "async", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kFlushModes}};
constexpr CommandHistory kFlushHistory[] = {
    {"4.0.0", "The ASYNC option frees the keys in the background."},
    {"6.2.0", "The SYNC option, to free them at once whatever lazyfree-lazy-user-flush says."},
};
constexpr CommandArg kSwapdbArgs[] = {{"index1", ArgType::Integer}, {"index2", ArgType::Integer}};
constexpr CommandArg kSaveModes[] = {
    {.name = "nosave", .type = ArgType::PureToken, .token = "NOSAVE"},
    {.name = "save", .type = ArgType::PureToken, .token = "SAVE"},
};
constexpr CommandArg kShutdownArgs[] = {
    {.name = "nosave_save", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kSaveModes},
    {.name = "now", .type = ArgType::PureToken, .token = "NOW", .flags = kArgOptional, .since = "7.0.0"},
    {.name = "force", .type = ArgType::PureToken, .token = "FORCE", .flags = kArgOptional, .since = "7.0.0"},
    {.name = "abort", .type = ArgType::PureToken, .token = "ABORT", .flags = kArgOptional, .since = "7.0.0"},
};
constexpr CommandHistory kShutdownHistory[] = {{"7.0.0", "The NOW, FORCE and ABORT options."}};
constexpr CommandArg kConfigGetPattern[] = {{"parameter", ArgType::String}};
constexpr CommandArg kConfigGetArgs[] = {
    {.name = "parameter", .type = ArgType::Block, .flags = kArgMultiple, .arguments = kConfigGetPattern}};
constexpr CommandHistory kConfigGetHistory[] = {{"7.0.0", "Several patterns in one call."}};
constexpr CommandArg kConfigSetPair[] = {{"parameter", ArgType::String}, {"value", ArgType::String}};
constexpr CommandArg kConfigSetArgs[] = {
    {.name = "parameter_value", .type = ArgType::Block, .flags = kArgMultiple, .arguments = kConfigSetPair}};
constexpr CommandHistory kConfigSetHistory[] = {{"7.0.0", "Several parameters in one call, set all or none."}};
constexpr CommandArg kInfoArgs[] = {
    {.name = "section", .type = ArgType::String, .flags = kArgOptional | kArgMultiple}};
constexpr CommandHistory kInfoHistory[] = {{"7.0.0", "Several sections in one call."}};

// Summaries and history lines are our own words; the other fields follow Redis 7.0's
// COMMAND INFO and COMMAND DOCS.
const CommandSpec kConfigSubcommands[] = {
    {.name = "get", .arity = -3, .flags = kAdminFlags, .acl_categories = kAdminAcl, .handler = config_get_command,
     .summary = "Lists the configuration parameters whose names match the patterns, with their values.",
     .since = "2.0.0", .group = kGroup, .complexity = "O(N) when N is the number of configuration parameters provided",
     .arguments = kConfigGetArgs, .history = kConfigGetHistory},
    {.name = "set", .arity = -4, .flags = kAdminFlags, .acl_categories = kAdminAcl, .handler = config_set_command,
     .summary = "Changes configuration parameters at run time, all of them or none.", .since = "2.0.0",
     .group = kGroup, .complexity = "O(N) when N is the number of configuration parameters provided",
     .arguments = kConfigSetArgs, .history = kConfigSetHistory, .tips = kAllNodesSucceeded},
    {.name = "resetstat", .arity = 2, .flags = kAdminFlags, .acl_categories = kAdminAcl, .handler = config_resetstat,
     .summary = "Zeroes the statistics that INFO reports.", .since = "2.0.0", .group = kGroup, .complexity = "O(1)"},
    {.name = "rewrite", .arity = 2, .flags = kAdminFlags, .acl_categories = kAdminAcl,
     .handler = config_rewrite_command, .summary = "Writes the running configuration back to the config file.",
     .since = "2.8.0", .group = kGroup, .complexity = "O(1)"},
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = kAclSlow, .handler = config_help,
     .summary = "Describes the CONFIG subcommands.", .since = "5.0.0", .group = kGroup, .complexity = "O(1)"},
};

const CommandSpec kCommands[] = {
    {.name = "dbsize", .arity = 1, .flags = kCmdReadOnly | kCmdFast,
     .acl_categories = kAclKeyspace | kAclRead | kAclFast, .handler = dbsize,
     .summary = "Counts the keys of the selected database.", .since = "1.0.0", .group = kGroup, .complexity = "O(1)",
     .tips = kAllShardsSum},
    {.name = "flushdb", .arity = -1, .flags = kCmdWrite,
     .acl_categories = kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous, .handler = flushdb,
     .summary = "Deletes every key of the selected database.", .since = "1.0.0", .group = kGroup,
     .complexity = "O(N) where N is the number of keys in the selected database", .arguments = kFlushArgs,
     .history = kFlushHistory, .tips = kAllShardsSucceeded},
    {.name = "flushall", .arity = -1, .flags = kCmdWrite,
     .acl_categories = kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous, .handler = flushall,
     .summary = "Deletes every key of every database.", .since = "1.0.0", .group = kGroup,
     .complexity = "O(N) where N is the total number of keys in all databases", .arguments = kFlushArgs,
     .history = kFlushHistory, .tips = kAllShardsSucceeded},
    {.name = "swapdb", .arity = 3, .flags = kCmdWrite | kCmdFast,
     .acl_categories = kAclKeyspace | kAclWrite | kAclFast | kAclDangerous, .handler = swapdb,
     .summary = "Exchanges the contents of two databases.", .since = "4.0.0", .group = kGroup,
     .complexity = "O(N) where N is the count of clients watching or blocking on keys from both databases.",
     .arguments = kSwapdbArgs},
    {.name = "time", .arity = 1, .flags = kCmdLoading | kCmdStale | kCmdFast, .acl_categories = kAclFast,
     .handler = time_command, .summary = "Tells the server's clock: Unix seconds and microseconds.",
     .since = "2.6.0", .group = kGroup, .complexity = "O(1)", .tips = kNondeterministic},
    {.name = "shutdown", .arity = -1,
     .flags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale | kCmdNoMulti | kCmdAllowBusy,
     .acl_categories = kAdminAcl, .handler = shutdown, .summary = "Stops the server.", .since = "1.0.0",
     .group = kGroup,
     .complexity = "O(N) when saving, where N is the total number of keys in all databases when saving data, "
                   "otherwise O(1)",
     .arguments = kShutdownArgs, .history = kShutdownHistory},
    {.name = "debug", .arity = -2, .flags = kAdminFlags, .acl_categories = kAdminAcl, .handler = debug,
     .summary = "Tools for testing and inspecting the server.", .since = "1.0.0", .group = kGroup,
     .complexity = "Depends on subcommand.", .doc_flags = kDocSysCmd},
    {.name = "config", .arity = -2, .flags = 0, .acl_categories = kAclSlow, .handler = nullptr,
     .subcommands = kConfigSubcommands,
     .summary = "Reads, changes and saves the server's configuration.", .since = "2.0.0", .group = kGroup,
     .complexity = "Depends on subcommand."},
    {.name = "info", .arity = -1, .flags = kCmdLoading | kCmdStale, .acl_categories = kAclSlow | kAclDangerous,
     .handler = info, .summary = "Reports the server's state and statistics, by section.", .since = "1.0.0",
     .group = kGroup, .complexity = "O(1)", .arguments = kInfoArgs, .history = kInfoHistory, .tips = kInfoTips},
};

}  // namespace

std::span<const CommandSpec> server_commands() { return kCommands; }

}  // namespace corvid
