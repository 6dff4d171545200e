// FUNCTION and FCALL: argument checks and replies; the libraries themselves are
// scripting/function_libraries.h's, running a function scripting/scripting.h's.
//
// FUNCTION LOAD, DELETE, FLUSH and RESTORE are writes: they count as changes for the save
// points and reach the AOF and replicas as themselves, as in Redis.

#include <string>
#include <vector>

#include "commands/command_table.h"
#include "commands/context.h"
#include "commands/script_commands.h"
#include "core/glob.h"
#include "persistence/dump_payload.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_input.h"
#include "persistence/rdb_output.h"
#include "persistence/rdb_writer.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {
namespace {

// FCALL* function numkeys [key ...] [arg ...]
void run_function(CommandContext& ctx, bool read_only) {
  auto request = script_request(ctx, read_only, "ERR Bad number of keys provided");
  if (!request) return;
  ctx.server.scripting().fcall(*request, ctx.reply);
  // What the function changed went out as the commands it ran.
  ctx.propagate_nothing();
}

void fcall(CommandContext& ctx) { run_function(ctx, false); }
void fcall_ro(CommandContext& ctx) { run_function(ctx, true); }

FunctionLibraries& libraries(CommandContext& ctx) { return ctx.server.scripting().functions(); }

// A change to the libraries: saved by the next save point, replayed as itself.
void changed(CommandContext& ctx) {
  ++ctx.server.keyspace_stats().dirty;
  ctx.propagate_always(kToAll);
}

void function_load(CommandContext& ctx) {
  // The last argument is the code, whatever it says ("FUNCTION LOAD REPLACE" loads the
  // code "REPLACE"); options come before it.
  bool replace = false;
  for (size_t i = 2; i + 1 < ctx.argc(); ++i) {
    if (!equals_ignore_case(ctx.arg(i), "replace")) {
      ctx.reply.error("ERR Unknown option given: " + std::string(ctx.arg(i)));
      return;
    }
    replace = true;
  }
  std::string name;
  if (auto error = libraries(ctx).load(ctx.arg(ctx.argc() - 1), replace, name)) {
    ctx.reply.error(*error);
    return;
  }
  changed(ctx);
  ctx.reply.bulk(name);
}

void function_delete(CommandContext& ctx) {
  if (!libraries(ctx).remove(ctx.arg(2))) {
    ctx.reply.error("ERR Library not found");
    return;
  }
  changed(ctx);
  ctx.reply.ok();
}

void function_flush(CommandContext& ctx) {
  if (ctx.argc() == 3 && !equals_ignore_case(ctx.arg(2), "sync") && !equals_ignore_case(ctx.arg(2), "async")) {
    ctx.reply.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    return;
  }
  if (ctx.argc() > 3) {
    ctx.subcommand_syntax_error();
    return;
  }
  // The libraries are small next to a keyspace: freeing them at once costs what ASYNC
  // would defer.
  libraries(ctx).clear();
  changed(ctx);
  ctx.reply.ok();
}

void function_list(CommandContext& ctx) {
  bool with_code = false;
  std::optional<std::string_view> pattern;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const std::string_view word = ctx.arg(i);
    if (equals_ignore_case(word, "withcode") && !with_code) {
      with_code = true;
    } else if (equals_ignore_case(word, "libraryname") && !pattern) {
      if (i + 1 >= ctx.argc()) {
        ctx.reply.error("ERR library name argument was not given");
        return;
      }
      pattern = ctx.arg(++i);
    } else {
      ctx.reply.error("ERR Unknown argument " + std::string(word));
      return;
    }
  }
  std::vector<const FunctionLibraries::Library*> shown;
  for (const auto& [name, library] : libraries(ctx).libraries()) {
    if (!pattern || glob_match(*pattern, name, true)) shown.push_back(&library);
  }
  ReplyWriter& reply = ctx.reply;
  reply.array(shown.size());
  for (const FunctionLibraries::Library* library : shown) {
    reply.map(with_code ? 4 : 3);
    reply.bulk("library_name");
    reply.bulk(library->name);
    reply.bulk("engine");
    reply.bulk("LUA");
    reply.bulk("functions");
    reply.array(library->functions.size());
    for (const FunctionLibraries::Function& function : library->functions) {
      reply.map(3);
      reply.bulk("name");
      reply.bulk(function.name);
      reply.bulk("description");
      if (function.description) {
        reply.bulk(*function.description);
      } else {
        reply.null();
      }
      reply.bulk("flags");
      size_t count = 0;
      for (const ScriptFlagName& flag : kScriptFlagNames) count += (function.flags & flag.flag) ? 1 : 0;
      reply.set(count);
      for (const ScriptFlagName& flag : kScriptFlagNames) {
        if (function.flags & flag.flag) reply.simple(flag.name);
      }
    }
    if (with_code) {
      reply.bulk("library_code");
      reply.bulk(library->code);
    }
  }
}

void function_stats(CommandContext& ctx) {
  const Scripting& scripting = ctx.server.scripting();
  // A busy EVAL script is not a function: FUNCTION STATS waits like everything else.
  if (scripting.busy() && !scripting.running_function()) {
    ctx.reply.error(scripting.busy_error());
    return;
  }
  ReplyWriter& reply = ctx.reply;
  reply.map(2);
  reply.bulk("running_script");
  if (scripting.running_function()) {
    reply.map(3);
    reply.bulk("name");
    reply.bulk(scripting.running_name());
    reply.bulk("command");
    reply.array(scripting.running_command().size());
    for (std::string_view arg : scripting.running_command()) reply.bulk(arg);
    reply.bulk("duration_ms");
    reply.integer(scripting.running_ms());
  } else {
    reply.null();
  }
  reply.bulk("engines");
  reply.map(1);
  reply.bulk("LUA");
  reply.map(2);
  reply.bulk("libraries_count");
  reply.integer(static_cast<int64_t>(scripting.functions().libraries().size()));
  reply.bulk("functions_count");
  reply.integer(static_cast<int64_t>(scripting.functions().function_count()));
}

void function_kill(CommandContext& ctx) {
  if (auto error = ctx.server.scripting().kill(true)) {
    ctx.reply.error(*error);
    return;
  }
  ctx.reply.ok();
}

// A FUNCTION DUMP payload: each library as the RDB function record (its code), then the
// DUMP footer.
void function_dump(CommandContext& ctx) {
  StringOutput out(ctx.server.config().rdbcompression);
  for (const auto& [name, library] : libraries(ctx).libraries()) {
    write_function_record(out, library.code);
  }
  seal_dump_payload(out.data(), rdb::kVersion);
  ctx.reply.bulk(out.data());
}

void function_restore(CommandContext& ctx) {
  using Policy = FunctionLibraries::RestorePolicy;
  Policy policy = Policy::Append;
  if (ctx.argc() > 4) {
    ctx.subcommand_syntax_error();
    return;
  }
  if (ctx.argc() == 4) {
    const std::string_view word = ctx.arg(3);
    if (equals_ignore_case(word, "append")) {
      policy = Policy::Append;
    } else if (equals_ignore_case(word, "replace")) {
      policy = Policy::Replace;
    } else if (equals_ignore_case(word, "flush")) {
      policy = Policy::Flush;
    } else {
      ctx.reply.error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
      return;
    }
  }
  const std::string_view payload = ctx.arg(2);
  if (!dump_payload_valid(payload)) {
    ctx.reply.error("ERR DUMP payload version or checksum are wrong");
    return;
  }
  std::vector<std::string> codes;
  try {
    MemoryInput in(payload.substr(0, payload.size() - kDumpFooterSize));
    while (in.remaining() > 0) {
      if (in.byte() != rdb::kOpFunction2) {
        ctx.reply.error("ERR given type is not a function");
        return;
      }
      codes.push_back(in.string());
    }
  } catch (const RdbFormatError&) {
    ctx.reply.error("ERR failed loading the given functions payload");
    return;
  }
  if (auto error = libraries(ctx).restore(codes, policy)) {
    ctx.reply.error(*error);
    return;
  }
  changed(ctx);
  ctx.reply.ok();
}

void function_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Creates the library the code's shebang line names (#!lua name=<library>).",
      "    REPLACE: replaces a library of that name instead of failing.",
      "DELETE <LIBRARY NAME>",
      "    Deletes a library and its functions.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Lists the libraries (name, engine, functions with their descriptions and",
      "    flags), only those whose name matches PATTERN if given, with their code if",
      "    WITHCODE is given.",
      "STATS",
      "    Shows the function running now (its name, command and duration so far), and",
      "    how many libraries and functions each engine holds.",
      "KILL",
      "    Stops the running function if it has not written yet.",
      "FLUSH [ASYNC|SYNC]",
      "    Deletes every library.",
      "DUMP",
      "    Returns every library as a payload FUNCTION RESTORE accepts.",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Loads the libraries of a FUNCTION DUMP payload, all or none of them:",
      "    * FLUSH: deletes every library first.",
      "    * APPEND (the default): fails if a library of the payload exists already.",
      "    * REPLACE: replaces the libraries of the same names.",
      "    Fails if a function of the payload clashes with one of another library.",
  };
  ctx.help(kLines);
}

constexpr CommandArg kFcallArgs[] = {
    {.name = "function", .type = ArgType::String},
    {.name = "numkeys", .type = ArgType::Integer},
    kScriptKeysAndArgs[0],
    kScriptKeysAndArgs[1],
};

constexpr CommandArg kLoadArgs[] = {
    {.name = "replace", .type = ArgType::PureToken, .token = "REPLACE", .flags = kArgOptional},
    {.name = "function-code", .type = ArgType::String},
};
constexpr CommandArg kDeleteArgs[] = {{.name = "library-name", .type = ArgType::String}};
constexpr CommandArg kPolicies[] = {
    {.name = "flush", .type = ArgType::PureToken, .token = "FLUSH"},
    {.name = "append", .type = ArgType::PureToken, .token = "APPEND"},
    {.name = "replace", .type = ArgType::PureToken, .token = "REPLACE"},
};
constexpr CommandArg kRestoreArgs[] = {
    {.name = "serialized-value", .type = ArgType::String},
    {.name = "policy", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kPolicies},
};
constexpr CommandArg kFlushArgs[] = {
    {.name = "async", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kFlushModes},
};
constexpr CommandArg kListArgs[] = {
    {.name = "library-name-pattern", .type = ArgType::String, .token = "LIBRARYNAME", .flags = kArgOptional},
    {.name = "withcode", .type = ArgType::PureToken, .token = "WITHCODE", .flags = kArgOptional},
};

constexpr std::string_view kAllShardsAll[] = {"request_policy:all_shards", "response_policy:all_succeeded"};
constexpr std::string_view kAllShardsOne[] = {"request_policy:all_shards", "response_policy:one_succeeded"};
constexpr std::string_view kStatsTips[] = {"nondeterministic_output", "request_policy:all_shards",
                                           "response_policy:special"};
constexpr std::string_view kListTips[] = {"nondeterministic_output_order"};

constexpr uint32_t kAcl = kScriptingAcl;
constexpr uint32_t kWriteAcl = kAclWrite | kScriptingAcl;
constexpr std::string_view kGroup = kScriptingGroup;

// Summaries are our own words; the other fields follow Redis 7.0.
const CommandSpec kFunctionSubcommands[] = {
    {.name = "load", .arity = -3, .flags = kCmdWrite | kCmdDenyOom | kCmdNoScript, .acl_categories = kWriteAcl,
     .handler = function_load, .summary = "Creates (or replaces) a library of functions.", .since = "7.0.0",
     .group = kGroup, .complexity = "O(1) (considering compilation time is redundant)", .arguments = kLoadArgs,
     .tips = kAllShardsAll},
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = kAcl, .handler = function_help,
     .summary = "Describes the FUNCTION subcommands.", .since = "7.0.0", .group = kGroup, .complexity = "O(1)"},
    {.name = "delete", .arity = 3, .flags = kCmdWrite | kCmdNoScript, .acl_categories = kWriteAcl,
     .handler = function_delete, .summary = "Deletes a library and its functions.", .since = "7.0.0",
     .group = kGroup, .complexity = "O(1)", .arguments = kDeleteArgs, .tips = kAllShardsAll},
    {.name = "dump", .arity = 2, .flags = kCmdNoScript, .acl_categories = kAcl, .handler = function_dump,
     .summary = "Serializes every library into a payload.", .since = "7.0.0", .group = kGroup,
     .complexity = "O(N) where N is the number of functions"},
    {.name = "restore", .arity = -3, .flags = kCmdWrite | kCmdDenyOom | kCmdNoScript, .acl_categories = kWriteAcl,
     .handler = function_restore, .summary = "Loads the libraries of a FUNCTION DUMP payload.", .since = "7.0.0",
     .group = kGroup, .complexity = "O(N) where N is the number of functions on the payload",
     .arguments = kRestoreArgs, .tips = kAllShardsAll},
    {.name = "flush", .arity = -2, .flags = kCmdWrite | kCmdNoScript, .acl_categories = kWriteAcl,
     .handler = function_flush, .summary = "Deletes every library.", .since = "7.0.0", .group = kGroup,
     .complexity = "O(N) where N is the number of functions deleted", .arguments = kFlushArgs,
     .tips = kAllShardsAll},
    {.name = "stats", .arity = 2, .flags = kCmdNoScript | kCmdAllowBusy, .acl_categories = kAcl,
     .handler = function_stats, .summary = "Shows the running function and how many functions there are.",
     .since = "7.0.0", .group = kGroup, .complexity = "O(1)", .tips = kStatsTips},
    {.name = "kill", .arity = 2, .flags = kCmdNoScript | kCmdAllowBusy, .acl_categories = kAcl,
     .handler = function_kill, .summary = "Stops the running function if it has not written yet.",
     .since = "7.0.0", .group = kGroup, .complexity = "O(1)", .tips = kAllShardsOne},
    {.name = "list", .arity = -2, .flags = kCmdNoScript, .acl_categories = kAcl, .handler = function_list,
     .summary = "Lists the libraries and their functions.", .since = "7.0.0", .group = kGroup,
     .complexity = "O(N) where N is the number of functions", .arguments = kListArgs, .tips = kListTips},
};

const CommandSpec kCommands[] = {
    {.name = "fcall", .arity = -3, .flags = kScriptRunFlags | kCmdMayReplicate, .acl_categories = kAcl,
     .handler = fcall, .key_specs = kScriptKeysRw, .summary = "Runs a function.", .since = "7.0.0", .group = kGroup,
     .complexity = "Depends on the function that is executed.", .arguments = kFcallArgs},
    {.name = "fcall_ro", .arity = -3, .flags = kScriptRunFlags | kCmdReadOnly, .acl_categories = kAcl,
     .handler = fcall_ro, .key_specs = kScriptKeysRo, .summary = "Runs a function that may only read.",
     .since = "7.0.0", .group = kGroup, .complexity = "Depends on the function that is executed.",
     .arguments = kFcallArgs},
    {.name = "function", .arity = -2, .flags = 0, .acl_categories = kAclSlow, .handler = nullptr,
     .subcommands = kFunctionSubcommands, .summary = "Groups the function subcommands.", .since = "7.0.0",
     .group = kGroup, .complexity = "Depends on subcommand."},
};

}  // namespace

std::span<const CommandSpec> function_commands() { return kCommands; }

}  // namespace corvid
