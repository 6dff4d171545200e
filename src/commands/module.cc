// MODULE: Corvid has no module system (Redis modules are shared objects written against
// Redis's own in-process API), so the list is always empty and every load fails the way a
// load that cannot open its library fails in Redis. The loading subcommands are protected
// by enable-module-command, as in Redis 7.

#include <string>

#include "commands/admin_flags.h"
#include "commands/context.h"
#include "server/log.h"

namespace corvid {

namespace {

void module_list(CommandContext& ctx) { ctx.reply.array(0); }

// LOAD <path> [arg ...], LOADEX <path> [CONFIG name value ...] [ARGS arg ...]: Redis
// answers any load that fails with the same error and leaves the reason to the log.
void module_load(CommandContext& ctx) {
  log_warning("Module " + std::string(ctx.arg(2)) +
              " failed to load: Corvid does not load Redis modules (it has no module API)");
  ctx.reply.error("ERR Error loading the extension. Please check the server logs.");
}

void module_unload(CommandContext& ctx) {
  ctx.reply.error("ERR Error unloading module: no such module with that name");
}

void module_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "LIST",
      "    Return a list of loaded modules.",
      "LOAD <path> [<arg> ...]",
      "    Load a module library from <path>, passing to it any optional arguments.",
      "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
      "    Load a module library from <path>, while passing it module configurations and optional arguments.",
      "UNLOAD <name>",
      "    Unload a module.",
  };
  ctx.help(kLines);
}

constexpr std::string_view kNondeterministicOrder[] = {"nondeterministic_output_order"};
constexpr uint32_t kLoadFlags = kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading | kCmdProtected;

constexpr CommandArg kLoadArgs[] = {
    {.name = "path", .type = ArgType::String},
    {.name = "arg", .type = ArgType::String, .flags = kArgOptional | kArgMultiple},
};
constexpr CommandArg kConfigPair[] = {
    {.name = "name", .type = ArgType::String},
    {.name = "value", .type = ArgType::String},
};
constexpr CommandArg kLoadexArgList[] = {
    {.name = "arg", .type = ArgType::String},
};
constexpr CommandArg kLoadexArgs[] = {
    {.name = "path", .type = ArgType::String},
    {.name = "configs", .type = ArgType::Block, .token = "CONFIG",
     .flags = kArgOptional | kArgMultiple | kArgMultipleToken, .arguments = kConfigPair},
    {.name = "args", .type = ArgType::Block, .token = "ARGS", .flags = kArgOptional | kArgMultiple,
     .arguments = kLoadexArgList},
};
constexpr CommandArg kUnloadArgs[] = {
    {.name = "name", .type = ArgType::String},
};

// Summaries are our own words; the other fields follow Redis 7.0.
const CommandSpec kModuleSubcommands[] = {
    {.name = "list", .arity = 2, .flags = kCmdAdmin | kCmdNoScript, .acl_categories = kAdminAcl,
     .handler = module_list, .summary = "Lists the loaded modules (always none in Corvid).", .since = "4.0.0",
     .group = kServerGroup, .complexity = "O(N) where N is the number of loaded modules.",
     .tips = kNondeterministicOrder},
    {.name = "load", .arity = -3, .flags = kLoadFlags, .acl_categories = kAdminAcl, .handler = module_load,
     .summary = "Would load a module; Corvid has none to load.", .since = "4.0.0", .group = kServerGroup,
     .complexity = "O(1)", .arguments = kLoadArgs},
    {.name = "loadex", .arity = -3, .flags = kLoadFlags, .acl_categories = kAdminAcl, .handler = module_load,
     .summary = "Would load a module with configurations; Corvid has none to load.", .since = "7.0.0",
     .group = kServerGroup, .complexity = "O(1)", .arguments = kLoadexArgs},
    {.name = "unload", .arity = 3, .flags = kLoadFlags, .acl_categories = kAdminAcl, .handler = module_unload,
     .summary = "Would unload a module; none is ever loaded.", .since = "4.0.0", .group = kServerGroup,
     .complexity = "O(1)", .arguments = kUnloadArgs},
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = kAclSlow,
     .handler = module_help, .summary = "Describes the MODULE subcommands.", .since = "5.0.0",
     .group = kServerGroup, .complexity = "O(1)"},
};

const CommandSpec kCommands[] = {
    {.name = "module", .arity = -2, .flags = 0, .acl_categories = kAclSlow, .handler = nullptr,
     .subcommands = kModuleSubcommands, .summary = "Groups the module subcommands.", .since = "4.0.0",
     .group = kServerGroup, .complexity = "Depends on subcommand."},
};

}  // namespace

std::span<const CommandSpec> module_commands() { return kCommands; }

}  // namespace corvid
