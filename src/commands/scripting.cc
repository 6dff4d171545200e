// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT: argument checks and replies; running
// scripts and the script cache are scripting/scripting.h's.

#include <string>

#include "commands/command_table.h"
#include "commands/context.h"
#include "commands/script_commands.h"
#include "server/server.h"

namespace corvid {
namespace {

// EVAL* script numkeys [key ...] [arg ...]
void run_script(CommandContext& ctx, bool by_sha, bool read_only) {
  auto request = script_request(ctx, read_only, errors::kNotInteger);
  if (!request) return;
  request->by_sha = by_sha;
  ctx.server.scripting().eval(*request, ctx.reply);
  // What the script changed went out as the commands it ran.
  ctx.propagate_nothing();
}

void eval(CommandContext& ctx) { run_script(ctx, false, false); }
void evalsha(CommandContext& ctx) { run_script(ctx, true, false); }
void eval_ro(CommandContext& ctx) { run_script(ctx, false, true); }
void evalsha_ro(CommandContext& ctx) { run_script(ctx, true, true); }

void script_load(CommandContext& ctx) {
  std::string sha;
  if (auto error = ctx.server.scripting().load(ctx.arg(2), sha)) {
    ctx.reply.error(*error);
    return;
  }
  ctx.reply.bulk(sha);
}

void script_exists(CommandContext& ctx) {
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) ctx.reply.integer(ctx.server.scripting().exists(ctx.arg(i)) ? 1 : 0);
}

void script_flush(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    return;
  }
  if (ctx.argc() == 3 && !equals_ignore_case(ctx.arg(2), "sync") && !equals_ignore_case(ctx.arg(2), "async")) {
    ctx.reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    return;
  }
  // The cache is small next to a keyspace: freeing it at once costs what ASYNC would defer.
  ctx.server.scripting().flush();
  ctx.reply.ok();
}

void script_kill(CommandContext& ctx) {
  if (auto error = ctx.server.scripting().kill(false)) {
    ctx.reply.error(*error);
    return;
  }
  ctx.reply.ok();
}

void script_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
  };
  ctx.help(kLines);
}

constexpr KeySpec kEvalShaKeys[] = {{.flags = kKeyRW | kKeyAccess | kKeyUpdate, .begin_index = 2, .last_key = 0,
                                     .key_step = 1, .find = KeyFind::KeyNum, .keynum_index = 0, .first_key = 1}};
constexpr KeySpec kEvalShaRoKeys[] = {{.flags = kKeyRO | kKeyAccess, .begin_index = 2, .last_key = 0, .key_step = 1,
                                       .find = KeyFind::KeyNum, .keynum_index = 0, .first_key = 1}};

constexpr CommandArg kEvalArgs[] = {
    {.name = "script", .type = ArgType::String},
    {.name = "numkeys", .type = ArgType::Integer},
    kScriptKeysAndArgs[0],
    kScriptKeysAndArgs[1],
};
constexpr CommandArg kEvalShaArgs[] = {
    {.name = "sha1", .type = ArgType::String},
    {.name = "numkeys", .type = ArgType::Integer},
    kScriptKeysAndArgs[0],
    kScriptKeysAndArgs[1],
};
constexpr CommandArg kFlushArgs[] = {
    {.name = "async", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kFlushModes, .since = "6.2.0"},
};
constexpr CommandArg kExistsArgs[] = {{.name = "sha1", .type = ArgType::String, .flags = kArgMultiple}};
constexpr CommandArg kLoadArgs[] = {{.name = "script", .type = ArgType::String}};
constexpr CommandHistory kFlushHistory[] = {{"6.2.0", "Added the `ASYNC` and `SYNC` flushing mode modifiers."}};

constexpr std::string_view kAllNodesSucceeded[] = {"request_policy:all_nodes", "response_policy:all_succeeded"};
constexpr std::string_view kAllShardsAnd[] = {"request_policy:all_shards", "response_policy:agg_logical_and"};
constexpr std::string_view kAllShardsOne[] = {"request_policy:all_shards", "response_policy:one_succeeded"};

constexpr uint32_t kScriptAcl = kScriptingAcl;
constexpr std::string_view kGroup = kScriptingGroup;
constexpr std::string_view kDepends = "Depends on the script that is executed.";

// Summaries are our own words; the other fields follow Redis 7.0.
const CommandSpec kScriptSubcommands[] = {
    {.name = "flush", .arity = -2, .flags = kCmdNoScript, .acl_categories = kScriptAcl, .handler = script_flush,
     .summary = "Forgets every cached script.", .since = "2.6.0", .group = kGroup,
     .complexity = "O(N) with N being the number of scripts in cache", .arguments = kFlushArgs,
     .history = kFlushHistory, .tips = kAllNodesSucceeded},
    {.name = "exists", .arity = -3, .flags = kCmdNoScript, .acl_categories = kScriptAcl, .handler = script_exists,
     .summary = "Tells which of the given SHA1s name cached scripts.", .since = "2.6.0", .group = kGroup,
     .complexity = "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
     .arguments = kExistsArgs, .tips = kAllShardsAnd},
    {.name = "kill", .arity = 2, .flags = kCmdNoScript | kCmdAllowBusy, .acl_categories = kScriptAcl,
     .handler = script_kill, .summary = "Stops the running script if it has not written yet.", .since = "2.6.0",
     .group = kGroup, .complexity = "O(1)", .tips = kAllShardsOne},
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = kScriptAcl,
     .handler = script_help, .summary = "Describes the SCRIPT subcommands.", .since = "5.0.0", .group = kGroup,
     .complexity = "O(1)"},
    {.name = "load", .arity = 3, .flags = kCmdNoScript | kCmdStale, .acl_categories = kScriptAcl,
     .handler = script_load, .summary = "Compiles a script into the cache and returns its SHA1.", .since = "2.6.0",
     .group = kGroup, .complexity = "O(N) with N being the length in bytes of the script body.",
     .arguments = kLoadArgs, .tips = kAllNodesSucceeded},
};

const CommandSpec kCommands[] = {
    {.name = "eval", .arity = -3, .flags = kScriptRunFlags | kCmdMayReplicate, .acl_categories = kScriptAcl, .handler = eval,
     .key_specs = kScriptKeysRw, .summary = "Runs a Lua script.", .since = "2.6.0", .group = kGroup,
     .complexity = kDepends, .arguments = kEvalArgs},
    {.name = "evalsha", .arity = -3, .flags = kScriptRunFlags | kCmdMayReplicate, .acl_categories = kScriptAcl, .handler = evalsha,
     .key_specs = kEvalShaKeys, .summary = "Runs a cached Lua script by its SHA1.", .since = "2.6.0",
     .group = kGroup, .complexity = kDepends, .arguments = kEvalShaArgs},
    {.name = "eval_ro", .arity = -3, .flags = kScriptRunFlags | kCmdReadOnly, .acl_categories = kScriptAcl,
     .handler = eval_ro, .key_specs = kScriptKeysRo, .summary = "Runs a Lua script that may only read.",
     .since = "7.0.0", .group = kGroup, .complexity = kDepends, .arguments = kEvalArgs},
    {.name = "evalsha_ro", .arity = -3, .flags = kScriptRunFlags | kCmdReadOnly, .acl_categories = kScriptAcl,
     .handler = evalsha_ro, .key_specs = kEvalShaRoKeys,
     .summary = "Runs a cached Lua script that may only read, by its SHA1.", .since = "7.0.0", .group = kGroup,
     .complexity = kDepends, .arguments = kEvalShaArgs},
    {.name = "script", .arity = -2, .flags = 0, .acl_categories = kAclSlow, .handler = nullptr,
     .subcommands = kScriptSubcommands, .summary = "Groups the script cache subcommands.", .since = "2.6.0",
     .group = kGroup, .complexity = "Depends on subcommand."},
};

}  // namespace

std::optional<Scripting::Request> script_request(CommandContext& ctx, bool read_only, std::string_view bad_numkeys) {
  ctx.server.feed_monitors(ctx.client, ctx.command, ctx.args, true);
  auto numkeys = ctx.int_arg(2, bad_numkeys);
  if (!numkeys) return std::nullopt;
  if (*numkeys < 0) {
    ctx.reply.error("ERR Number of keys can't be negative");
    return std::nullopt;
  }
  if (static_cast<uint64_t>(*numkeys) > ctx.argc() - 3) {
    ctx.reply.error("ERR Number of keys can't be greater than number of args");
    return std::nullopt;
  }
  const size_t keys = static_cast<size_t>(*numkeys);
  return Scripting::Request{.caller = ctx.client,
                            .body = ctx.arg(1),
                            .read_only = read_only,
                            .keys = ctx.args.subspan(3, keys),
                            .args = ctx.args.subspan(3 + keys),
                            .command = ctx.args};
}

std::span<const CommandSpec> scripting_commands() { return kCommands; }

}  // namespace corvid
