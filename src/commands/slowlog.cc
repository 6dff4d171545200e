// SLOWLOG: GET, LEN, RESET, HELP over the server's slow log (server/slowlog.h).

#include "commands/admin_flags.h"
#include "commands/context.h"
#include "core/number_format.h"
#include "server/server.h"

namespace corvid {

namespace {

void slowlog_get(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    // GET takes one optional count; Redis answers more with its generic subcommand error.
    ctx.subcommand_syntax_error();
    return;
  }
  const auto& entries = ctx.server.slowlog().entries();
  size_t count = 10;
  if (ctx.argc() == 3) {
    auto wanted = parse_int64(ctx.arg(2));
    if (!wanted || *wanted < -1) {
      ctx.reply.error("ERR count should be greater than or equal to -1");
      return;
    }
    count = *wanted == -1 ? entries.size() : static_cast<size_t>(*wanted);
  }
  count = std::min(count, entries.size());
  ctx.reply.array(count);
  for (size_t i = 0; i < count; ++i) {
    const SlowLogEntry& entry = entries[i];
    ctx.reply.array(6);
    ctx.reply.integer(static_cast<int64_t>(entry.id));
    ctx.reply.integer(entry.unix_seconds);
    ctx.reply.integer(static_cast<int64_t>(entry.duration_us));
    ctx.reply.array(entry.args.size());
    for (const std::string& arg : entry.args) ctx.reply.bulk(arg);
    ctx.reply.bulk(entry.client_address);
    ctx.reply.bulk(entry.client_name);
  }
}

void slowlog_len(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.slowlog().entries().size()));
}

void slowlog_reset(CommandContext& ctx) {
  ctx.server.slowlog().reset();
  ctx.reply.ok();
}

void slowlog_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
  };
  ctx.help(kLines);
}

constexpr uint32_t kSlowlogFlags = kCmdAdmin | kCmdLoading | kCmdStale;
constexpr std::string_view kAllNodesNondeterministic[] = {"request_policy:all_nodes", "nondeterministic_output"};
constexpr std::string_view kAllNodesSum[] = {"request_policy:all_nodes", "response_policy:agg_sum",
                                             "nondeterministic_output"};
constexpr std::string_view kAllNodesSucceeded[] = {"request_policy:all_nodes", "response_policy:all_succeeded"};
constexpr CommandArg kGetArgs[] = {{.name = "count", .type = ArgType::Integer, .flags = kArgOptional}};
constexpr CommandHistory kGetHistory[] = {{"4.0.0", "Each entry also shows the client's address and name."}};

// Summaries and history lines are our own words; the other fields follow Redis 7.0.
const CommandSpec kSlowlogSubcommands[] = {
    {.name = "get", .arity = -2, .flags = kSlowlogFlags, .acl_categories = kAdminAcl, .handler = slowlog_get,
     .summary = "Lists the newest slow log entries.", .since = "2.2.12", .group = kServerGroup,
     .complexity = "O(N) where N is the number of entries returned", .arguments = kGetArgs,
     .history = kGetHistory, .tips = kAllNodesNondeterministic},
    {.name = "len", .arity = 2, .flags = kSlowlogFlags, .acl_categories = kAdminAcl, .handler = slowlog_len,
     .summary = "Tells how many entries the slow log holds.", .since = "2.2.12", .group = kServerGroup,
     .complexity = "O(1)", .tips = kAllNodesSum},
    {.name = "reset", .arity = 2, .flags = kSlowlogFlags, .acl_categories = kAdminAcl, .handler = slowlog_reset,
     .summary = "Empties the slow log.", .since = "2.2.12", .group = kServerGroup,
     .complexity = "O(N) where N is the number of entries in the slowlog", .tips = kAllNodesSucceeded},
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = kAclSlow, .handler = slowlog_help,
     .summary = "Describes the SLOWLOG subcommands.", .since = "6.2.0", .group = kServerGroup,
     .complexity = "O(1)"},
};

const CommandSpec kCommands[] = {
    {.name = "slowlog", .arity = -2, .flags = 0, .acl_categories = kAclSlow, .handler = nullptr,
     .subcommands = kSlowlogSubcommands, .summary = "Reads and clears the log of slow commands.",
     .since = "2.2.12", .group = kServerGroup, .complexity = "Depends on subcommand."},
};

}  // namespace

std::span<const CommandSpec> slowlog_commands() { return kCommands; }

}  // namespace corvid
