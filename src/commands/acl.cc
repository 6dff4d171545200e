// ACL and its subcommands: SETUSER GETUSER DELUSER LIST USERS WHOAMI CAT GENPASS LOG
// DRYRUN LOAD SAVE HELP, in Redis 7.0's reply shapes and words. The users and the rules
// are acl/; the refusals they cause and the connections they close are the server's
// (server/access_control.cc).

#include <algorithm>
#include <string>
#include <vector>

#include "acl/password.h"
#include "commands/command_table.h"
#include "commands/context.h"
#include "core/ascii_case.h"
#include "server/log.h"
#include "server/server.h"

namespace corvid {

namespace {

void wrong_arguments(CommandContext& ctx) {
  std::string name(ctx.arg(1));
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" + name + "'. Try ACL HELP.");
}

void acl_setuser(CommandContext& ctx) {
  std::vector<std::string_view> rules;
  for (size_t i = 3; i < ctx.argc(); ++i) rules.push_back(ctx.arg(i));
  Acl& acl = ctx.server.acl();
  if (auto error = acl.set_user(ctx.arg(2), rules)) {
    ctx.reply.error(*error);
    return;
  }
  ctx.server.disconnect_lost_subscriptions(*acl.find(ctx.arg(2)));
  ctx.reply.ok();
}

void reply_selector(ReplyWriter& r, const AclSelector& selector) {
  r.bulk("commands");
  r.bulk(selector.describe_commands());
  r.bulk("keys");
  r.bulk(selector.describe_keys());
  r.bulk("channels");
  r.bulk(selector.describe_channels());
}

void acl_getuser(CommandContext& ctx) {
  std::shared_ptr<AclUser> user = ctx.server.acl().find(ctx.arg(2));
  if (user == nullptr) {
    ctx.reply.null();
    return;
  }
  ReplyWriter& r = ctx.reply;
  r.map(6);
  r.bulk("flags");
  std::vector<std::string_view> flags = user->flags();
  r.set(flags.size());
  for (std::string_view flag : flags) r.bulk(flag);
  r.bulk("passwords");
  r.array(user->password_hashes().size());
  for (const std::string& digest : user->password_hashes()) r.bulk(digest);
  reply_selector(r, user->root());
  r.bulk("selectors");
  r.array(user->extra_selectors().size());
  for (const AclSelector& selector : user->extra_selectors()) {
    r.map(3);
    reply_selector(r, selector);
  }
}

void acl_deluser(CommandContext& ctx) {
  Acl& acl = ctx.server.acl();
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (ctx.arg(i) == "default") {
      ctx.reply.error("ERR The 'default' user cannot be removed");
      return;
    }
  }
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::shared_ptr<AclUser> user = acl.find(ctx.arg(i));
    if (user == nullptr) continue;
    acl.remove(ctx.arg(i));
    ctx.server.disconnect_user(*user);
    ++deleted;
  }
  ctx.reply.integer(deleted);
}

void acl_list(CommandContext& ctx) {
  const std::vector<std::string> lines = ctx.server.acl().list_lines();
  ctx.reply.array(lines.size());
  for (const std::string& line : lines) ctx.reply.bulk(line);
}

void acl_users(CommandContext& ctx) {
  const auto& users = ctx.server.acl().users();
  ctx.reply.array(users.size());
  for (const auto& [name, user] : users) ctx.reply.bulk(name);
}

void acl_whoami(CommandContext& ctx) { ctx.reply.bulk(ctx.client.user); }

void acl_cat(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    wrong_arguments(ctx);
    return;
  }
  if (ctx.argc() == 2) {
    ctx.reply.array(acl_category_names().size());
    for (const NamedBit& category : acl_category_names()) ctx.reply.bulk(category.name);
    return;
  }
  uint32_t category = acl_category_by_name(ctx.arg(2));
  if (category == 0) {
    ctx.reply.error("ERR Unknown category '" + std::string(ctx.arg(2)) + "'");
    return;
  }
  std::vector<const std::string*> names;
  for (const Command* command : ctx.server.commands().by_id()) {
    if (command->acl_categories & category) names.push_back(&command->full_name);
  }
  ctx.reply.array(names.size());
  for (const std::string* name : names) ctx.reply.bulk(*name);
}

void acl_genpass(CommandContext& ctx) {
  int64_t bits = 256;
  if (ctx.argc() > 3) {
    wrong_arguments(ctx);
    return;
  }
  if (ctx.argc() == 3) {
    auto value = ctx.int_arg(2);
    if (!value) return;
    bits = *value;
    if (bits <= 0 || bits > 4096) {
      ctx.reply.error(
          "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to "
          "4096");
      return;
    }
  }
  ctx.reply.bulk(random_password_hex(static_cast<size_t>((bits + 3) / 4)));
}

void acl_log(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    wrong_arguments(ctx);
    return;
  }
  AclLog& log = ctx.server.acl().log();
  int64_t count = 10;
  if (ctx.argc() == 3) {
    if (equals_ignore_case(ctx.arg(2), "RESET")) {
      log.reset();
      ctx.reply.ok();
      return;
    }
    auto value = ctx.int_arg(2);
    if (!value) return;
    count = std::max<int64_t>(*value, 0);  // a negative count shows nothing, as in Redis
  }
  const auto& entries = log.entries();
  const size_t shown = std::min(entries.size(), static_cast<size_t>(count));
  ReplyWriter& r = ctx.reply;
  r.array(shown);
  for (size_t i = 0; i < shown; ++i) {
    const AclLogEntry& entry = entries[i];
    r.map(7);
    r.bulk("count");
    r.integer(static_cast<int64_t>(entry.count));
    r.bulk("reason");
    r.bulk(entry.reason);
    r.bulk("context");
    r.bulk(entry.context);
    r.bulk("object");
    r.bulk(entry.object);
    r.bulk("username");
    r.bulk(entry.username);
    r.bulk("age-seconds");
    r.double_value(static_cast<double>(ctx.clock.now_ms - entry.created_ms) / 1000.0);
    r.bulk("client-info");
    r.bulk(entry.client_info);
  }
}

void acl_dryrun(CommandContext& ctx) {
  std::shared_ptr<AclUser> user = ctx.server.acl().find(ctx.arg(2));
  if (user == nullptr) {
    ctx.reply.error("ERR User '" + std::string(ctx.arg(2)) + "' not found");
    return;
  }
  std::span<const std::string_view> args = ctx.args.subspan(3);
  const Command* command = ctx.server.commands().find_requested(args[0]);
  if (command != nullptr && !command->subcommands.empty() && args.size() >= 2) {
    command = command->find_subcommand(args[1]);
  }
  if (command == nullptr) {
    ctx.reply.error("ERR Command '" + std::string(args[0]) + "' not found");
    return;
  }
  const int arity = command->spec->arity;
  if ((arity > 0 && static_cast<int>(args.size()) != arity) || static_cast<int>(args.size()) < -arity) {
    ctx.reply.error("ERR wrong number of arguments for '" + command->full_name + "' command");
    return;
  }
  AclVerdict verdict = user->check(*command, args);
  switch (verdict.denial) {
    case AclDenial::None: ctx.reply.ok(); return;
    case AclDenial::Command:
      ctx.reply.bulk("This user has no permissions to run the '" + command->full_name + "' command");
      return;
    case AclDenial::Key:
      ctx.reply.bulk("This user has no permissions to access the '" + std::string(args[verdict.arg_index]) + "' key");
      return;
    case AclDenial::Channel:
      ctx.reply.bulk("This user has no permissions to access the '" + std::string(args[verdict.arg_index]) +
                     "' channel");
      return;
  }
}

void acl_load(CommandContext& ctx) {
  if (auto error = ctx.server.reload_acl_file()) {
    ctx.reply.error(*error);
    return;
  }
  ctx.reply.ok();
}

void acl_save(CommandContext& ctx) {
  const std::string& path = ctx.server.config().aclfile;
  if (path.empty()) {
    ctx.reply.error(kNoAclFileError);
    return;
  }
  if (auto error = ctx.server.acl().save_file(path)) {
    log_warning(*error);
    ctx.reply.error("ERR There was an error trying to save the ACLs. Please check the server logs for more information");
    return;
  }
  ctx.reply.ok();
}

void acl_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CAT [<category>]",
      "    List all commands that belong to <category>, or all command categories",
      "    when no category is specified.",
      "DELUSER <username> [<username> ...]",
      "    Delete a list of users.",
      "DRYRUN <username> <command> [<arg> ...]",
      "    Returns whether the user can execute the given command without executing the command.",
      "GETUSER <username>",
      "    Get the user's details.",
      "GENPASS [<bits>]",
      "    Generate a secure 256-bit user password. The optional `bits` argument can",
      "    be used to specify a different size.",
      "LIST",
      "    Show users details in config file format.",
      "LOAD",
      "    Reload users from the ACL file.",
      "LOG [<count> | RESET]",
      "    Show the ACL log entries.",
      "SAVE",
      "    Save the current config to the ACL file.",
      "SETUSER <username> <attribute> [<attribute> ...]",
      "    Create or modify a user with the specified attributes.",
      "USERS",
      "    List all the registered usernames.",
      "WHOAMI",
      "    Return the current connection username.",
  };
  ctx.help(kLines);
}

constexpr std::string_view kGroup = "server";
constexpr uint32_t kAdminFlags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
constexpr uint32_t kUserFlags = kCmdNoScript | kCmdLoading | kCmdStale;

constexpr CommandArg kUsernameArg[] = {{"username", ArgType::String}};
constexpr CommandArg kUsernamesArg[] = {{"username", ArgType::String, -1, {}, kArgMultiple}};
constexpr CommandArg kSetuserArgs[] = {{"username", ArgType::String},
                                       {"rule", ArgType::String, -1, {}, kArgOptional | kArgMultiple}};
constexpr CommandArg kDryrunArgs[] = {{"username", ArgType::String},
                                      {"command", ArgType::String},
                                      {"arg", ArgType::String, -1, {}, kArgOptional | kArgMultiple}};
constexpr CommandArg kCategoryArg[] = {{"categoryname", ArgType::String, -1, {}, kArgOptional}};
constexpr CommandArg kBitsArg[] = {{"bits", ArgType::Integer, -1, {}, kArgOptional}};
constexpr CommandArg kLogChoices[] = {{"count", ArgType::Integer}, {"reset", ArgType::PureToken, -1, "RESET"}};
constexpr CommandArg kLogArgs[] = {{"operation", ArgType::OneOf, -1, {}, kArgOptional, kLogChoices}};
constexpr CommandHistory kGetuserHistory[] = {
    {"6.2.0", "Added Pub/Sub channel patterns."},
    {"7.0.0", "Added selectors and changed the format of key and channel patterns from a list to their rule "
              "representation."}};
constexpr CommandHistory kSetuserHistory[] = {{"6.2.0", "Added Pub/Sub channel patterns."},
                                              {"7.0.0", "Added selectors and key based permissions."}};

// Summaries are our own words; the other fields follow Redis 7.0's COMMAND DOCS.
const CommandSpec kAclSubcommands[] = {
    {.name = "cat", .arity = -2, .flags = kUserFlags, .acl_categories = 0, .handler = acl_cat,
     .summary = "Lists the ACL categories, or the commands of one.", .since = "6.0.0", .group = kGroup,
     .complexity = "O(1) since the categories and commands are a fixed set.", .arguments = kCategoryArg},
    {.name = "deluser", .arity = -3, .flags = kAdminFlags, .acl_categories = 0, .handler = acl_deluser,
     .summary = "Deletes users and closes their connections.", .since = "6.0.0", .group = kGroup,
     .complexity = "O(1) amortized time considering the typical user.", .arguments = kUsernamesArg},
    {.name = "dryrun", .arity = -4, .flags = kAdminFlags, .acl_categories = 0, .handler = acl_dryrun,
     .summary = "Tells whether a user could run a command, without running it.", .since = "7.0.0", .group = kGroup,
     .complexity = "O(1).", .arguments = kDryrunArgs},
    {.name = "genpass", .arity = -2, .flags = kUserFlags, .acl_categories = 0, .handler = acl_genpass,
     .summary = "Makes a random password from the system's secure generator.", .since = "6.0.0", .group = kGroup,
     .complexity = "O(1)", .arguments = kBitsArg},
    {.name = "getuser", .arity = 3, .flags = kAdminFlags, .acl_categories = 0, .handler = acl_getuser,
     .summary = "Shows a user's flags, password hashes and permissions.", .since = "6.0.0", .group = kGroup,
     .complexity = "O(N). Where N is the number of password, command and pattern rules that the user has.",
     .arguments = kUsernameArg, .history = kGetuserHistory},
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = 0, .handler = acl_help,
     .summary = "Describes the ACL subcommands.", .since = "6.0.0", .group = kGroup, .complexity = "O(1)"},
    {.name = "list", .arity = 2, .flags = kAdminFlags, .acl_categories = 0, .handler = acl_list,
     .summary = "Lists every user as a config-file line.", .since = "6.0.0", .group = kGroup,
     .complexity = "O(N). Where N is the number of configured users."},
    {.name = "load", .arity = 2, .flags = kAdminFlags, .acl_categories = 0, .handler = acl_load,
     .summary = "Replaces the users with those of the ACL file.", .since = "6.0.0", .group = kGroup,
     .complexity = "O(N). Where N is the number of configured users."},
    {.name = "log", .arity = -2, .flags = kAdminFlags, .acl_categories = 0, .handler = acl_log,
     .summary = "Lists the latest refusals of commands, keys, channels and logins.", .since = "6.0.0",
     .group = kGroup, .complexity = "O(N) with N being the number of entries shown.", .arguments = kLogArgs},
    {.name = "save", .arity = 2, .flags = kAdminFlags, .acl_categories = 0, .handler = acl_save,
     .summary = "Writes the users to the ACL file.", .since = "6.0.0", .group = kGroup,
     .complexity = "O(N). Where N is the number of configured users."},
    {.name = "setuser", .arity = -3, .flags = kAdminFlags, .acl_categories = 0, .handler = acl_setuser,
     .summary = "Creates a user or changes its rules.", .since = "6.0.0", .group = kGroup,
     .complexity = "O(N). Where N is the number of rules provided.", .arguments = kSetuserArgs,
     .history = kSetuserHistory},
    {.name = "users", .arity = 2, .flags = kAdminFlags, .acl_categories = 0, .handler = acl_users,
     .summary = "Lists the users' names.", .since = "6.0.0", .group = kGroup,
     .complexity = "O(N). Where N is the number of configured users."},
    {.name = "whoami", .arity = 2, .flags = kUserFlags, .acl_categories = 0, .handler = acl_whoami,
     .summary = "Names the user this connection is signed in as.", .since = "6.0.0", .group = kGroup,
     .complexity = "O(1)"},
};

const CommandSpec kCommands[] = {
    {.name = "acl", .arity = -2, .flags = 0, .acl_categories = 0, .handler = nullptr, .subcommands = kAclSubcommands,
     .summary = "Manages the users and permissions of access control lists.", .since = "6.0.0", .group = kGroup,
     .complexity = "Depends on subcommand."},
};

}  // namespace

std::span<const CommandSpec> acl_commands() { return kCommands; }

}  // namespace corvid
