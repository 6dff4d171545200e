// Introspection: COMMAND and its subcommands (COUNT, LIST, INFO, DOCS, GETKEYS,
// GETKEYSANDFLAGS, HELP). Every reply is generated from the command table, so a family
// describes a command once, in its CommandSpec.

#include <algorithm>
#include <climits>
#include <string>
#include <utility>
#include <vector>

#include "commands/command_keys.h"
#include "commands/context.h"
#include "core/glob.h"
#include "core/number_format.h"
#include "server/server.h"

namespace corvid {

namespace {

using Named = NamedBit;

// In the order COMMAND INFO lists them. Redis hides may_replicate, sentinel,
// only_sentinel and protected, so they are absent here too.
constexpr Named kCommandFlagNames[] = {
    {kCmdWrite, "write"},
    {kCmdReadOnly, "readonly"},
    {kCmdDenyOom, "denyoom"},
    {kCmdAdmin, "admin"},
    {kCmdPubSub, "pubsub"},
    {kCmdNoScript, "noscript"},
    {kCmdBlocking, "blocking"},
    {kCmdLoading, "loading"},
    {kCmdStale, "stale"},
    {kCmdSkipMonitor, "skip_monitor"},
    {kCmdSkipSlowlog, "skip_slowlog"},
    {kCmdAsking, "asking"},
    {kCmdFast, "fast"},
    {kCmdNoAuth, "no_auth"},
    {kCmdNoMandatoryKeys, "no_mandatory_keys"},
    {kCmdNoAsyncLoading, "no_async_loading"},
    {kCmdNoMulti, "no_multi"},
    {kCmdMovableKeys, "movablekeys"},
    {kCmdAllowBusy, "allow_busy"},
};


constexpr Named kKeyFlagNames[] = {
    {kKeyRO, "RO"},
    {kKeyRW, "RW"},
    {kKeyOW, "OW"},
    {kKeyRM, "RM"},
    {kKeyAccess, "access"},
    {kKeyUpdate, "update"},
    {kKeyInsert, "insert"},
    {kKeyDelete, "delete"},
    {kKeyNotKey, "not_key"},
    {kKeyIncomplete, "incomplete"},
    {kKeyVariableFlags, "variable_flags"},
};

constexpr Named kArgFlagNames[] = {
    {kArgOptional, "optional"},
    {kArgMultiple, "multiple"},
    {kArgMultipleToken, "multiple_token"},
};

constexpr Named kDocFlagNames[] = {
    {kDocDeprecated, "deprecated"},
    {kDocSysCmd, "syscmd"},
};

std::string_view arg_type_name(ArgType type) {
  switch (type) {
    case ArgType::String: return "string";
    case ArgType::Integer: return "integer";
    case ArgType::Double: return "double";
    case ArgType::Key: return "key";
    case ArgType::Pattern: return "pattern";
    case ArgType::UnixTime: return "unix-time";
    case ArgType::PureToken: return "pure-token";
    case ArgType::OneOf: return "oneof";
    case ArgType::Block: return "block";
  }
  return "string";
}

// A set of status strings, one per bit of `bits` that `names` knows, prefixed.
void reply_flag_set(ReplyWriter& r, uint32_t bits, std::span<const Named> names,
                    std::string_view prefix = {}) {
  size_t count = 0;
  for (const auto& n : names) count += (bits & n.bit) ? 1 : 0;
  r.set(count);
  for (const auto& n : names) {
    if (!(bits & n.bit)) continue;
    if (prefix.empty()) {
      r.simple(n.name);
    } else {
      std::string text(prefix);
      text.append(n.name);
      r.simple(text);
    }
  }
}

bool is_plain(const KeySpec& k) { return k.search == KeySearch::Index && k.find == KeyFind::Range; }

// The (first, last, step) triple that predates key specs, and whether the keys can move
// (so a client must ask COMMAND GETKEYS instead of trusting the triple).
struct LegacyKeys {
  int first = 0;
  int last = 0;
  int step = 0;
  bool movable = false;
};

LegacyKeys legacy_keys(const CommandSpec& spec) {
  LegacyKeys out;
  out.movable = (spec.flags & kCmdMovableKeys) != 0;
  std::span<const KeySpec> specs = spec.key_specs;
  if (specs.empty()) return out;
  if (specs.size() == 1 && is_plain(specs[0])) {
    const KeySpec& k = specs[0];
    out.first = k.begin_index;
    out.last = k.last_key >= 0 ? k.begin_index + k.last_key : k.last_key;
    out.step = k.key_step;
    if (k.flags & kKeyIncomplete) out.movable = true;
    return out;
  }
  // Several specs: the triple spans the plain step-1 ranges that follow each other;
  // any spec it cannot cover means the keys move.
  int first = INT_MAX;
  int last = 0;
  int previous_last = 0;
  for (const KeySpec& k : specs) {
    bool follows = previous_last == 0 || previous_last == k.begin_index - 1;
    if (!is_plain(k) || k.key_step != 1 || !follows) {
      out.movable = true;
      continue;
    }
    if (k.flags & kKeyIncomplete) out.movable = true;
    first = std::min(first, k.begin_index);
    int spec_last = k.last_key >= 0 ? k.begin_index + k.last_key : k.last_key;
    // A from-the-end index (negative) reaches further than any absolute one.
    if (static_cast<unsigned>(spec_last) > static_cast<unsigned>(last)) last = spec_last;
    previous_last = last;
  }
  if (first == INT_MAX) {
    out.movable = true;
    return out;
  }
  out.first = first;
  out.last = last;
  out.step = 1;
  return out;
}

void reply_key_spec(ReplyWriter& r, const KeySpec& k) {
  r.map(k.notes.empty() ? 3 : 4);
  if (!k.notes.empty()) {
    r.bulk("notes");
    r.bulk(k.notes);
  }
  r.bulk("flags");
  reply_flag_set(r, k.flags, kKeyFlagNames);

  r.bulk("begin_search");
  r.map(2);
  r.bulk("type");
  switch (k.search) {
    case KeySearch::Index:
      r.bulk("index");
      r.bulk("spec");
      r.map(1);
      r.bulk("index");
      r.integer(k.begin_index);
      break;
    case KeySearch::Keyword:
      r.bulk("keyword");
      r.bulk("spec");
      r.map(2);
      r.bulk("keyword");
      r.bulk(k.keyword);
      r.bulk("startfrom");
      r.integer(k.begin_index);
      break;
    case KeySearch::Unknown:
      r.bulk("unknown");
      r.bulk("spec");
      r.map(0);
      break;
  }

  r.bulk("find_keys");
  r.map(2);
  r.bulk("type");
  switch (k.find) {
    case KeyFind::Range:
      r.bulk("range");
      r.bulk("spec");
      r.map(3);
      r.bulk("lastkey");
      r.integer(k.last_key);
      r.bulk("keystep");
      r.integer(k.key_step);
      r.bulk("limit");
      r.integer(k.limit);
      break;
    case KeyFind::KeyNum:
      r.bulk("keynum");
      r.bulk("spec");
      r.map(3);
      r.bulk("keynumidx");
      r.integer(k.keynum_index);
      r.bulk("firstkey");
      r.integer(k.first_key);
      r.bulk("keystep");
      r.integer(k.key_step);
      break;
    case KeyFind::Unknown:
      r.bulk("unknown");
      r.bulk("spec");
      r.map(0);
      break;
  }
}

void reply_info(ReplyWriter& r, const Command& command) {
  const CommandSpec& spec = *command.spec;
  LegacyKeys legacy = legacy_keys(spec);
  r.array(10);
  r.bulk(command.full_name);
  r.integer(spec.arity);
  reply_flag_set(r, spec.flags | (legacy.movable ? kCmdMovableKeys : 0u), kCommandFlagNames);
  r.integer(legacy.first);
  r.integer(legacy.last);
  r.integer(legacy.step);
  reply_flag_set(r, command.acl_categories, acl_category_names(), "@");
  r.set(spec.tips.size());
  for (std::string_view tip : spec.tips) r.bulk(tip);
  r.set(spec.key_specs.size());
  for (const KeySpec& k : spec.key_specs) reply_key_spec(r, k);
  // Redis answers an empty set for "no subcommands" but an array when there are some.
  if (command.subcommands.empty()) {
    r.set(0);
  } else {
    r.array(command.subcommands.size());
    for (const auto& sub : command.subcommands) reply_info(r, *sub);
  }
}

void reply_args(ReplyWriter& r, std::span<const CommandArg> args) {
  r.array(args.size());
  for (const CommandArg& a : args) {
    bool nested = a.type == ArgType::OneOf || a.type == ArgType::Block;
    size_t fields = 2 + (a.key_spec_index >= 0) + !a.token.empty() + !a.summary.empty() + !a.since.empty() +
                    !a.deprecated_since.empty() + (a.flags != 0) + nested;
    r.map(fields);
    r.bulk("name");
    r.bulk(a.name);
    r.bulk("type");
    r.bulk(arg_type_name(a.type));
    if (a.key_spec_index >= 0) {
      r.bulk("key_spec_index");
      r.integer(a.key_spec_index);
    }
    auto text_field = [&r](std::string_view field, std::string_view value) {
      if (value.empty()) return;
      r.bulk(field);
      r.bulk(value);
    };
    text_field("token", a.token);
    text_field("summary", a.summary);
    text_field("since", a.since);
    text_field("deprecated_since", a.deprecated_since);
    if (a.flags != 0) {
      r.bulk("flags");
      reply_flag_set(r, a.flags, kArgFlagNames);
    }
    if (nested) {
      r.bulk("arguments");
      reply_args(r, a.arguments);
    }
  }
}

void reply_docs(ReplyWriter& r, const Command& command) {
  const CommandSpec& spec = *command.spec;
  // "group" is always there; the rest only when the table has it.
  size_t fields = 1 + !spec.summary.empty() + !spec.since.empty() + !spec.complexity.empty() +
                  (spec.doc_flags != 0) + !spec.deprecated_since.empty() + !spec.replaced_by.empty() +
                  !spec.history.empty() + !spec.arguments.empty() + !command.subcommands.empty();
  r.map(fields);
  auto text_field = [&r](std::string_view field, std::string_view value) {
    if (value.empty()) return;
    r.bulk(field);
    r.bulk(value);
  };
  text_field("summary", spec.summary);
  text_field("since", spec.since);
  r.bulk("group");
  r.bulk(spec.group);
  text_field("complexity", spec.complexity);
  if (spec.doc_flags != 0) {
    r.bulk("doc_flags");
    reply_flag_set(r, spec.doc_flags, kDocFlagNames);
  }
  text_field("deprecated_since", spec.deprecated_since);
  text_field("replaced_by", spec.replaced_by);
  if (!spec.history.empty()) {
    r.bulk("history");
    r.set(spec.history.size());
    for (const CommandHistory& h : spec.history) {
      r.array(2);
      r.bulk(h.version);
      r.bulk(h.change);
    }
  }
  if (!spec.arguments.empty()) {
    r.bulk("arguments");
    reply_args(r, spec.arguments);
  }
  if (!command.subcommands.empty()) {
    r.bulk("subcommands");
    r.map(command.subcommands.size());
    for (const auto& sub : command.subcommands) {
      r.bulk(sub->full_name);
      reply_docs(r, *sub);
    }
  }
}

void command_all(CommandContext& ctx) {
  const auto& all = ctx.server.commands().reachable();
  ctx.reply.array(all.size());
  for (const Command* command : all) reply_info(ctx.reply, *command);
}

void command_count(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.commands().reachable().size()));
}

void command_info(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    command_all(ctx);
    return;
  }
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const Command* command = ctx.server.commands().find_by_full_name(ctx.arg(i), true);
    if (command == nullptr) {
      ctx.reply.null();
    } else {
      reply_info(ctx.reply, *command);
    }
  }
}

void command_docs(CommandContext& ctx) {
  std::vector<const Command*> found;
  if (ctx.argc() == 2) {
    found = ctx.server.commands().reachable();
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i) {
      // Unknown names are left out rather than answered with a null.
      if (const Command* command = ctx.server.commands().find_by_full_name(ctx.arg(i), true)) found.push_back(command);
    }
  }
  ctx.reply.map(found.size());
  for (const Command* command : found) {
    ctx.reply.bulk(command->full_name);
    reply_docs(ctx.reply, *command);
  }
}

void command_list(CommandContext& ctx) {
  enum class Filter { None, Module, Category, Pattern };
  Filter filter = Filter::None;
  std::string_view value;
  if (ctx.argc() == 5 && equals_ignore_case(ctx.arg(2), "FILTERBY")) {
    value = ctx.arg(4);
    if (equals_ignore_case(ctx.arg(3), "MODULE")) {
      filter = Filter::Module;
    } else if (equals_ignore_case(ctx.arg(3), "ACLCAT")) {
      filter = Filter::Category;
    } else if (equals_ignore_case(ctx.arg(3), "PATTERN")) {
      filter = Filter::Pattern;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  } else if (ctx.argc() != 2) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  uint32_t category = filter == Filter::Category ? acl_category_by_name(value) : 0;
  auto selected = [&](const Command& command) {
    switch (filter) {
      case Filter::None: return true;
      case Filter::Module: return false;  // no modules can be loaded
      case Filter::Category: return (command.acl_categories & category) != 0;
      case Filter::Pattern: return glob_match(value, command.full_name, true);
    }
    return false;
  };
  std::vector<const std::string*> names;
  for (const Command* command : ctx.server.commands().reachable()) {
    if (selected(*command)) names.push_back(&command->full_name);
    for (const auto& sub : command->subcommands) {
      if (selected(*sub)) names.push_back(&sub->full_name);
    }
  }
  ctx.reply.array(names.size());
  for (const std::string* name : names) ctx.reply.bulk(*name);
}

void reply_keys(CommandContext& ctx, bool with_flags) {
  std::span<const std::string_view> target = ctx.args.subspan(2);
  // The command as a client would name it (after rename-command), as in Redis.
  const Command* command = ctx.server.commands().find_requested(target[0]);
  if (command != nullptr && !command->subcommands.empty()) command = command->find_subcommand(target[1]);
  if (command == nullptr) {
    ctx.reply.error("ERR Invalid command specified");
    return;
  }
  const CommandSpec& spec = *command->spec;
  if (!has_key_arguments(spec)) {
    ctx.reply.error("ERR The command has no key arguments");
    return;
  }
  int argc = static_cast<int>(target.size());
  if ((spec.arity > 0 && spec.arity != argc) || argc < -spec.arity) {
    ctx.reply.error("ERR Invalid number of arguments specified for command");
    return;
  }
  std::vector<KeyRef> keys = command_keys(spec, target);
  if (keys.empty()) {
    if (spec.flags & kCmdNoMandatoryKeys) {
      ctx.reply.array(0);
    } else {
      ctx.reply.error("ERR Invalid arguments specified for command");
    }
    return;
  }
  ctx.reply.array(keys.size());
  for (const KeyRef& key : keys) {
    if (with_flags) {
      ctx.reply.array(2);
      ctx.reply.bulk(target[key.index]);
      reply_flag_set(ctx.reply, key.flags, kKeyFlagNames);
    } else {
      ctx.reply.bulk(target[key.index]);
    }
  }
}

void command_getkeys(CommandContext& ctx) { reply_keys(ctx, false); }
void command_getkeysandflags(CommandContext& ctx) { reply_keys(ctx, true); }

void command_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
  };
  ctx.help(kLines);
}

constexpr uint32_t kFlags = kCmdLoading | kCmdStale;
constexpr uint32_t kAcl = kAclConnection;
constexpr std::string_view kOutputOrderTips[] = {"nondeterministic_output_order"};
constexpr std::string_view kLookupComplexity = "O(N) where N is the number of commands to look up";
constexpr std::string_view kAllComplexity = "O(N) where N is the total number of Redis commands";
constexpr std::string_view kArgsComplexity = "O(N) where N is the number of arguments to the command";

constexpr CommandArg kCommandNames[] = {{"command-name", ArgType::String, -1, {}, kArgOptional | kArgMultiple}};
constexpr CommandArg kFilters[] = {
    {"module-name", ArgType::String, -1, "MODULE"},
    {"category", ArgType::String, -1, "ACLCAT"},
    {"pattern", ArgType::Pattern, -1, "PATTERN"},
};
constexpr CommandArg kListArgs[] = {{"filterby", ArgType::OneOf, -1, "FILTERBY", kArgOptional, kFilters}};
constexpr CommandHistory kInfoHistory[] = {
    {"7.0.0", "Allowed to be called with no argument to get info on all commands."}};

const CommandSpec kCommandSubcommands[] = {
    {"count", 2, kFlags, kAcl, command_count, {}, {}, "Get total number of Redis commands", "2.8.13", "server",
     "O(1)"},
    {"docs", -2, kFlags, kAcl, command_docs, {}, {}, "Get array of specific Redis command documentation", "7.0.0",
     "server", kLookupComplexity, kCommandNames, {}, kOutputOrderTips},
    {"getkeys", -4, kFlags, kAcl, command_getkeys, {}, {}, "Extract keys given a full Redis command", "2.8.13",
     "server", kArgsComplexity},
    {"getkeysandflags", -4, kFlags, kAcl, command_getkeysandflags, {}, {},
     "Extract keys and access flags given a full Redis command", "7.0.0", "server", kArgsComplexity},
    {"help", 2, kFlags, kAcl, command_help, {}, {}, "Show helpful text about the different subcommands", "5.0.0",
     "server", "O(1)"},
    {"info", -2, kFlags, kAcl, command_info, {}, {},
     "Get array of specific Redis command details, or all when no argument is given.", "2.8.13", "server",
     kLookupComplexity, kCommandNames, kInfoHistory, kOutputOrderTips},
    {"list", -2, kFlags, kAcl, command_list, {}, {}, "Get an array of Redis command names", "7.0.0", "server",
     kAllComplexity, kListArgs, {}, kOutputOrderTips},
};

const CommandSpec kCommands[] = {
    {"command", -1, kFlags, kAcl, command_all, {}, kCommandSubcommands, "Get array of Redis command details",
     "2.8.13", "server", kAllComplexity, {}, {}, kOutputOrderTips},
};

}  // namespace

std::span<const CommandSpec> introspection_commands() { return kCommands; }

}  // namespace corvid
