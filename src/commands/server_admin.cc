// Server operations: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, SHUTDOWN, INFO.

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

#include "commands/admin_flags.h"
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
  // Client-side caches are told to drop everything, whichever databases go (and even
  // when they were empty), as Redis 7.0 does.
  server.tracking().invalidate_all();
  std::vector<std::unique_ptr<DetachedKeys>> detached;
  uint64_t removed = 0;
  for (Database* db : databases) {
    if (db->size() == 0) continue;
    // No per-key events for a flush, so WATCH hears of it here: watchers of keys that
    // existed see a change.
    server.transactions().database_changed(db->index(), [db](std::string_view key) { return db->find(key); });
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
  ctx.propagate_always(kToAll);  // replayed even when there was nothing to flush
  ctx.reply.ok();
}

void flushall(CommandContext& ctx) {
  auto async = parse_flush_async(ctx);
  if (!async) return;
  std::vector<Database*> all;
  for (int i = 0; i < ctx.server.database_count(); ++i) all.push_back(&ctx.server.db(i));
  // As in Redis: a BGSAVE under way is dropped, and with save points an (empty) dump is
  // written at once, so that a restart does not bring the flushed keys back.
  RdbPersistence& rdb = ctx.server.rdb();
  rdb.abort_bgsave(nullptr);
  KeyspaceStats& stats = ctx.server.keyspace_stats();
  stats.dirty += flush_databases(ctx.server, all, *async);
  if (!ctx.server.config().save_points.empty()) rdb.save();
  ctx.propagate_always(kToAll);
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
  if (*first != *second) {
    Database& a = ctx.server.db(*first);
    Database& b = ctx.server.db(*second);
    // A watched key present in either database changes (appears, goes or is replaced).
    auto in_either = [&a, &b](std::string_view key) { return a.find(key) || b.find(key); };
    ctx.server.transactions().database_changed(a.index(), in_either);
    ctx.server.transactions().database_changed(b.index(), in_either);
    a.swap_contents(b);
  }
  ++ctx.server.keyspace_stats().dirty;
  ctx.reply.ok();
}

void time_command(CommandContext& ctx) {
  // The wall clock now, not the command's cached time: a script calling TIME twice sees
  // time pass (keys still expire by the script's start time).
  const Clock now = Clock::current();
  ctx.reply.array(2);
  ctx.reply.bulk(std::to_string(now.now_us / 1000000));
  ctx.reply.bulk(std::to_string(now.now_us % 1000000));
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
  // Under a busy script only SHUTDOWN NOSAVE may end the server: saving would write the
  // script's half-done changes.
  if (!nosave && ctx.server.scripting().busy()) {
    ctx.reply.error(ctx.server.scripting().busy_error());
    return;
  }
  Server::ShutdownFlags flags{.nosave = nosave, .save = save, .now = now, .force = force};
  if (!ctx.server.prepare_for_shutdown(flags)) {
    ctx.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
    return;
  }
  // No reply: the connection closes as the server exits.
  ctx.server.request_shutdown();
}

// --- INFO ----------------------------------------------------------------------------

void info(CommandContext& ctx) { ctx.reply.verbatim(build_info(ctx.server, ctx.args.subspan(1))); }


constexpr std::string_view kAllShardsSum[] = {"request_policy:all_shards", "response_policy:agg_sum"};
constexpr std::string_view kAllShardsSucceeded[] = {"request_policy:all_shards", "response_policy:all_succeeded"};
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
constexpr CommandArg kInfoArgs[] = {
    {.name = "section", .type = ArgType::String, .flags = kArgOptional | kArgMultiple}};
constexpr CommandHistory kInfoHistory[] = {{"7.0.0", "Several sections in one call."}};

// Summaries and history lines are our own words; the other fields follow Redis 7.0's
// COMMAND INFO and COMMAND DOCS.
const CommandSpec kCommands[] = {
    {.name = "dbsize", .arity = 1, .flags = kCmdReadOnly | kCmdFast,
     .acl_categories = kAclKeyspace | kAclRead | kAclFast, .handler = dbsize,
     .summary = "Counts the keys of the selected database.", .since = "1.0.0", .group = kServerGroup, .complexity = "O(1)",
     .tips = kAllShardsSum},
    {.name = "flushdb", .arity = -1, .flags = kCmdWrite,
     .acl_categories = kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous, .handler = flushdb,
     .summary = "Deletes every key of the selected database.", .since = "1.0.0", .group = kServerGroup,
     .complexity = "O(N) where N is the number of keys in the selected database", .arguments = kFlushArgs,
     .history = kFlushHistory, .tips = kAllShardsSucceeded},
    {.name = "flushall", .arity = -1, .flags = kCmdWrite,
     .acl_categories = kAclKeyspace | kAclWrite | kAclSlow | kAclDangerous, .handler = flushall,
     .summary = "Deletes every key of every database.", .since = "1.0.0", .group = kServerGroup,
     .complexity = "O(N) where N is the total number of keys in all databases", .arguments = kFlushArgs,
     .history = kFlushHistory, .tips = kAllShardsSucceeded},
    {.name = "swapdb", .arity = 3, .flags = kCmdWrite | kCmdFast,
     .acl_categories = kAclKeyspace | kAclWrite | kAclFast | kAclDangerous, .handler = swapdb,
     .summary = "Exchanges the contents of two databases.", .since = "4.0.0", .group = kServerGroup,
     .complexity = "O(N) where N is the count of clients watching or blocking on keys from both databases.",
     .arguments = kSwapdbArgs},
    {.name = "time", .arity = 1, .flags = kCmdLoading | kCmdStale | kCmdFast, .acl_categories = kAclFast,
     .handler = time_command, .summary = "Tells the server's clock: Unix seconds and microseconds.",
     .since = "2.6.0", .group = kServerGroup, .complexity = "O(1)", .tips = kNondeterministic},
    {.name = "shutdown", .arity = -1,
     .flags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale | kCmdNoMulti | kCmdAllowBusy,
     .acl_categories = kAdminAcl, .handler = shutdown, .summary = "Stops the server.", .since = "1.0.0",
     .group = kServerGroup,
     .complexity = "O(N) when saving, where N is the total number of keys in all databases when saving data, "
                   "otherwise O(1)",
     .arguments = kShutdownArgs, .history = kShutdownHistory},
    {.name = "info", .arity = -1, .flags = kCmdLoading | kCmdStale, .acl_categories = kAclSlow | kAclDangerous,
     .handler = info, .summary = "Reports the server's state and statistics, by section.", .since = "1.0.0",
     .group = kServerGroup, .complexity = "O(1)", .arguments = kInfoArgs, .history = kInfoHistory, .tips = kInfoTips},
};

}  // namespace

std::span<const CommandSpec> server_commands() { return kCommands; }

}  // namespace corvid
