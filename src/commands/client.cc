// CLIENT: connection introspection and control (ID, SETNAME, GETNAME, LIST, INFO, KILL,
// PAUSE, UNPAUSE, REPLY, NO-EVICT, SETINFO, HELP; the client-side caching subcommands
// are in commands/client_tracking.cc).

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/client_tracking.h"
#include "commands/context.h"
#include "core/number_format.h"
#include "server/client_info.h"
#include "server/server.h"

namespace corvid {

namespace {


// Redis accepts only printable ASCII without spaces in client names and library
// attributes (the same rule as HELLO SETNAME).
bool valid_client_attribute(std::string_view value) {
  for (unsigned char c : value) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

// Client types as CLIENT LIST TYPE and CLIENT KILL TYPE name them. A SYNC connection is a
// replica; no connection is a master (Corvid is never a replica itself).
enum class ClientType { Normal, Master, Replica, PubSub };

std::optional<ClientType> parse_client_type(std::string_view name) {
  if (equals_ignore_case(name, "normal")) return ClientType::Normal;
  if (equals_ignore_case(name, "master")) return ClientType::Master;
  if (equals_ignore_case(name, "replica") || equals_ignore_case(name, "slave")) return ClientType::Replica;
  if (equals_ignore_case(name, "pubsub")) return ClientType::PubSub;
  return std::nullopt;
}

ClientType client_type(const Connection& c) {
  if (c.replica && !c.monitor) return ClientType::Replica;
  return c.subscribed() ? ClientType::PubSub : ClientType::Normal;
}

void unknown_client_type(CommandContext& ctx, std::string_view name) {
  ctx.reply.error("ERR Unknown client type '" + std::string(name) + "'");
}

std::string describe(CommandContext& ctx, Connection& c) {
  // Inside EXEC, Redis shows EXEC as the caller's command, not the queued one.
  static const std::string kExec = "exec";
  const std::string* current = nullptr;
  if (&c == &ctx.client) current = ctx.server.transaction_running(c) ? &kExec : &ctx.command.full_name;
  return client_info_line(ctx.server, c, ctx.clock.now_ms, current);
}

// Live connections in id order, as Redis lists them (oldest first).
std::vector<Connection*> connections_by_id(Server& server) {
  std::vector<Connection*> out;
  for (const auto& [id, client] : server.clients()) {
    if (!client->closed()) out.push_back(client.get());
  }
  std::sort(out.begin(), out.end(), [](const Connection* a, const Connection* b) { return a->id() < b->id(); });
  return out;
}

void client_id(CommandContext& ctx) { ctx.reply.integer(static_cast<int64_t>(ctx.client.id())); }

void client_setname(CommandContext& ctx) {
  if (!valid_client_attribute(ctx.arg(2))) {
    ctx.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
    return;
  }
  ctx.client.name = std::string(ctx.arg(2));
  ctx.reply.ok();
}

void client_getname(CommandContext& ctx) {
  if (ctx.client.name.empty()) {
    ctx.reply.null();
  } else {
    ctx.reply.bulk(ctx.client.name);
  }
}

void client_list(CommandContext& ctx) {
  std::string text;
  if (ctx.argc() == 2) {
    for (Connection* c : connections_by_id(ctx.server)) text += describe(ctx, *c);
  } else if (ctx.argc() == 4 && equals_ignore_case(ctx.arg(2), "type")) {
    auto type = parse_client_type(ctx.arg(3));
    if (!type) {
      unknown_client_type(ctx, ctx.arg(3));
      return;
    }
    for (Connection* c : connections_by_id(ctx.server)) {
      if (client_type(*c) == *type) text += describe(ctx, *c);
    }
  } else if (ctx.argc() > 3 && equals_ignore_case(ctx.arg(2), "id")) {
    // All ids are checked before any is listed; they are listed in the order given.
    std::vector<int64_t> ids;
    for (size_t i = 3; i < ctx.argc(); ++i) {
      auto id = parse_int64(ctx.arg(i));
      if (!id) {
        ctx.reply.error("ERR Invalid client ID");
        return;
      }
      ids.push_back(*id);
    }
    for (int64_t id : ids) {
      if (id <= 0) continue;
      if (Connection* c = ctx.server.find_client(static_cast<uint64_t>(id))) text += describe(ctx, *c);
    }
  } else {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  ctx.reply.verbatim(text);
}

void client_info(CommandContext& ctx) { ctx.reply.verbatim(describe(ctx, ctx.client)); }

void client_kill(CommandContext& ctx) {
  // The old form, CLIENT KILL addr, may kill the caller; the filter form skips it unless
  // SKIPME no is given.
  bool old_form = ctx.argc() == 3;
  std::optional<std::string_view> addr;
  std::optional<std::string_view> laddr;
  std::optional<ClientType> type;
  std::optional<uint64_t> id;
  std::optional<std::string_view> user;
  bool skip_me = !old_form;
  if (old_form) {
    addr = ctx.arg(2);
  } else {
    for (size_t i = 2; i < ctx.argc(); i += 2) {
      std::string_view option = ctx.arg(i);
      if (i + 1 >= ctx.argc()) {
        ctx.reply.error(errors::kSyntax);
        return;
      }
      std::string_view value = ctx.arg(i + 1);
      if (equals_ignore_case(option, "id")) {
        auto parsed = parse_int64(value);
        if (!parsed || *parsed <= 0) {
          ctx.reply.error("ERR client-id should be greater than 0");
          return;
        }
        id = static_cast<uint64_t>(*parsed);
      } else if (equals_ignore_case(option, "type")) {
        type = parse_client_type(value);
        if (!type) {
          unknown_client_type(ctx, value);
          return;
        }
      } else if (equals_ignore_case(option, "addr")) {
        addr = value;
      } else if (equals_ignore_case(option, "laddr")) {
        laddr = value;
      } else if (equals_ignore_case(option, "user")) {
        if (ctx.server.acl().find(value) == nullptr) {
          ctx.reply.error("ERR No such user '" + std::string(value) + "'");
          return;
        }
        user = value;
      } else if (equals_ignore_case(option, "skipme")) {
        if (equals_ignore_case(value, "yes")) {
          skip_me = true;
        } else if (equals_ignore_case(value, "no")) {
          skip_me = false;
        } else {
          ctx.reply.error(errors::kSyntax);
          return;
        }
      } else {
        ctx.reply.error(errors::kSyntax);
        return;
      }
    }
  }

  int64_t killed = 0;
  for (Connection* c : connections_by_id(ctx.server)) {
    if (addr && c->peer_address() != *addr) continue;
    if (laddr && c->local_address() != *laddr) continue;
    if (type && client_type(*c) != *type) continue;
    if (id && c->id() != *id) continue;
    if (user && c->user != *user) continue;
    if (c == &ctx.client) {
      if (skip_me) continue;
      // The caller still gets its reply before the connection closes.
      c->close_after_reply();
    } else {
      ctx.server.close_client(*c);
    }
    ++killed;
  }
  if (!old_form) {
    ctx.reply.integer(killed);
  } else if (killed == 0) {
    ctx.reply.error("ERR No such client");
  } else {
    ctx.reply.ok();
  }
}

void client_pause(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    ctx.subcommand_syntax_error();
    return;
  }
  // The mode is checked before the timeout, as Redis does.
  bool writes_only = false;
  if (ctx.argc() == 4) {
    if (equals_ignore_case(ctx.arg(3), "write")) {
      writes_only = true;
    } else if (!equals_ignore_case(ctx.arg(3), "all")) {
      ctx.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
      return;
    }
  }
  auto timeout = ctx.int_arg(2, "ERR timeout is not an integer or out of range");
  if (!timeout) return;
  if (*timeout < 0) {
    ctx.reply.error("ERR timeout is negative");
    return;
  }
  // Redis adds the timeout to the clock without an overflow check; a wrapped (negative)
  // end time is a pause that has already ended.
  auto until = static_cast<int64_t>(static_cast<uint64_t>(ctx.clock.now_ms) + static_cast<uint64_t>(*timeout));
  ctx.server.pause_clients(until, writes_only);
  ctx.reply.ok();
}

void client_unpause(CommandContext& ctx) {
  ctx.server.unpause_clients();
  ctx.reply.ok();
}

void client_unblock(CommandContext& ctx) {
  if (ctx.argc() > 4) {
    ctx.reply.error("ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.");
    return;
  }
  auto id = ctx.int_arg(2);
  if (!id) return;
  bool with_error = false;
  if (ctx.argc() == 4) {
    if (equals_ignore_case(ctx.arg(3), "error")) {
      with_error = true;
    } else if (!equals_ignore_case(ctx.arg(3), "timeout")) {
      ctx.reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      return;
    }
  }
  Connection* target = ctx.server.find_client(static_cast<uint64_t>(*id));
  ctx.reply.integer(target != nullptr && ctx.server.unblock_client(*target, with_error) ? 1 : 0);
}

void client_reply(CommandContext& ctx) {
  // The server drops the output of commands run while replies are off or skipped, this
  // one's included; only ON answers.
  using Mode = Connection::ReplyMode;
  std::string_view mode = ctx.arg(2);
  if (equals_ignore_case(mode, "on")) {
    ctx.client.reply_mode = Mode::On;
    ctx.reply.ok();
  } else if (equals_ignore_case(mode, "off")) {
    ctx.client.reply_mode = Mode::Off;
  } else if (equals_ignore_case(mode, "skip")) {
    if (ctx.client.reply_mode != Mode::Off) ctx.client.reply_mode = Mode::SkipNext;
  } else {
    ctx.reply.error(errors::kSyntax);
  }
}

void client_no_evict(CommandContext& ctx) {
  if (equals_ignore_case(ctx.arg(2), "on")) {
    ctx.client.no_evict = true;
  } else if (equals_ignore_case(ctx.arg(2), "off")) {
    ctx.client.no_evict = false;
  } else {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  ctx.reply.ok();
}

// CLIENT SETINFO LIB-NAME|LIB-VER value, as Redis 7.2 defines it.
void client_setinfo(CommandContext& ctx) {
  std::string_view attribute = ctx.arg(2);
  std::string* target = nullptr;
  if (equals_ignore_case(attribute, "lib-name")) {
    target = &ctx.client.lib_name;
  } else if (equals_ignore_case(attribute, "lib-ver")) {
    target = &ctx.client.lib_version;
  } else {
    ctx.reply.error("ERR Unrecognized option '" + std::string(attribute) + "'");
    return;
  }
  if (!valid_client_attribute(ctx.arg(3))) {
    ctx.reply.error("ERR " + std::string(attribute) + " cannot contain spaces, newlines or special characters.");
    return;
  }
  *target = std::string(ctx.arg(3));
  ctx.reply.ok();
}

void client_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CACHING (YES|NO)",
      "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
      "         [OPTIN] [OPTOUT] [NOLOOP]",
      "    Control server assisted client side caching.",
      "TRACKINGINFO",
      "    Report tracking status for the current connection.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
  };
  ctx.help(kLines);
}

constexpr uint32_t kSub = kCmdNoScript | kCmdLoading | kCmdStale;
constexpr uint32_t kAdminSub = kCmdAdmin | kSub;
constexpr uint32_t kAcl = kAclSlow | kAclConnection;
constexpr uint32_t kAdminAcl = kAclAdmin | kAclSlow | kAclDangerous | kAclConnection;
constexpr std::string_view kGroup = "connection";

constexpr std::string_view kNondeterministic[] = {"nondeterministic_output"};

constexpr CommandArg kSetnameArgs[] = {{"connection-name", ArgType::String}};
constexpr CommandArg kListTypes[] = {
    {.name = "normal", .type = ArgType::PureToken, .token = "NORMAL"},
    {.name = "master", .type = ArgType::PureToken, .token = "MASTER"},
    {.name = "replica", .type = ArgType::PureToken, .token = "REPLICA"},
    {.name = "pubsub", .type = ArgType::PureToken, .token = "PUBSUB"},
};
constexpr CommandArg kListIds[] = {{.name = "client-id", .type = ArgType::Integer, .flags = kArgMultiple}};
constexpr CommandArg kListArgs[] = {
    {.name = "normal_master_replica_pubsub", .type = ArgType::OneOf, .token = "TYPE", .flags = kArgOptional,
     .arguments = kListTypes, .since = "5.0.0"},
    {.name = "id", .type = ArgType::Block, .token = "ID", .flags = kArgOptional, .arguments = kListIds,
     .since = "6.2.0"},
};
constexpr CommandHistory kListHistory[] = {
    {"2.8.12", "The id field."},
    {"5.0.0", "The TYPE filter."},
    {"6.0.0", "The user field."},
    {"6.2.0", "The argv-mem, tot-mem, laddr and redir fields, and the ID filter."},
    {"7.0.0", "The resp, multi-mem, rbs and rbp fields."},
    {"7.0.3", "The ssub field."},
};
constexpr CommandArg kKillTypes[] = {
    {.name = "normal", .type = ArgType::PureToken, .token = "NORMAL"},
    {.name = "master", .type = ArgType::PureToken, .token = "MASTER", .since = "3.2.0"},
    {.name = "slave", .type = ArgType::PureToken, .token = "SLAVE"},
    {.name = "replica", .type = ArgType::PureToken, .token = "REPLICA", .since = "5.0.0"},
    {.name = "pubsub", .type = ArgType::PureToken, .token = "PUBSUB"},
};
constexpr CommandArg kKillFilters[] = {
    {.name = "client-id", .type = ArgType::Integer, .token = "ID", .flags = kArgOptional, .since = "2.8.12"},
    {.name = "normal_master_slave_pubsub", .type = ArgType::OneOf, .token = "TYPE", .flags = kArgOptional,
     .arguments = kKillTypes, .since = "2.8.12"},
    {.name = "username", .type = ArgType::String, .token = "USER", .flags = kArgOptional},
    {.name = "ip:port", .type = ArgType::String, .token = "ADDR", .flags = kArgOptional},
    {.name = "ip:port", .type = ArgType::String, .token = "LADDR", .flags = kArgOptional, .since = "6.2.0"},
    {.name = "yes/no", .type = ArgType::String, .token = "SKIPME", .flags = kArgOptional},
};
constexpr CommandArg kKillForms[] = {
    {.name = "ip:port", .type = ArgType::String, .deprecated_since = "2.8.12"},
    {.name = "new-format", .type = ArgType::OneOf, .flags = kArgMultiple, .arguments = kKillFilters},
};
constexpr CommandArg kKillArgs[] = {{.name = "filter", .type = ArgType::OneOf, .arguments = kKillForms}};
constexpr CommandHistory kKillHistory[] = {
    {"2.8.12", "Filters in name-value pairs."},
    {"2.8.12", "The ID filter."},
    {"3.2.0", "The master client type."},
    {"5.0.0", "The replica client type; slave is still understood."},
    {"6.2.0", "The LADDR filter."},
};
constexpr CommandArg kPauseModes[] = {
    {.name = "write", .type = ArgType::PureToken, .token = "WRITE"},
    {.name = "all", .type = ArgType::PureToken, .token = "ALL"},
};
constexpr CommandArg kPauseArgs[] = {
    {"timeout", ArgType::Integer},
    {.name = "mode", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kPauseModes, .since = "6.2.0"},
};
constexpr CommandHistory kPauseHistory[] = {{"6.2.0", "The mode option, and pausing only writes."}};
constexpr CommandArg kReplyModes[] = {
    {.name = "on", .type = ArgType::PureToken, .token = "ON"},
    {.name = "off", .type = ArgType::PureToken, .token = "OFF"},
    {.name = "skip", .type = ArgType::PureToken, .token = "SKIP"},
};
constexpr CommandArg kUnblockReasons[] = {
    {.name = "timeout", .type = ArgType::PureToken, .token = "TIMEOUT"},
    {.name = "error", .type = ArgType::PureToken, .token = "ERROR"},
};
constexpr CommandArg kUnblockArgs[] = {
    {.name = "client-id", .type = ArgType::Integer},
    {.name = "timeout_error", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kUnblockReasons},
};
constexpr CommandArg kReplyArgs[] = {{.name = "on_off_skip", .type = ArgType::OneOf, .arguments = kReplyModes}};
constexpr CommandArg kOnOff[] = {
    {.name = "on", .type = ArgType::PureToken, .token = "ON"},
    {.name = "off", .type = ArgType::PureToken, .token = "OFF"},
};
constexpr CommandArg kNoEvictArgs[] = {{.name = "enabled", .type = ArgType::OneOf, .arguments = kOnOff}};
constexpr CommandArg kTrackingModes[] = {
    {.name = "on", .type = ArgType::PureToken, .token = "ON"},
    {.name = "off", .type = ArgType::PureToken, .token = "OFF"},
};
constexpr CommandArg kTrackingArgs[] = {
    {.name = "status", .type = ArgType::OneOf, .arguments = kTrackingModes},
    {.name = "client-id", .type = ArgType::Integer, .token = "REDIRECT", .flags = kArgOptional},
    {.name = "prefix", .type = ArgType::String, .token = "PREFIX",
     .flags = kArgOptional | kArgMultiple | kArgMultipleToken},
    {.name = "bcast", .type = ArgType::PureToken, .token = "BCAST", .flags = kArgOptional},
    {.name = "optin", .type = ArgType::PureToken, .token = "OPTIN", .flags = kArgOptional},
    {.name = "optout", .type = ArgType::PureToken, .token = "OPTOUT", .flags = kArgOptional},
    {.name = "noloop", .type = ArgType::PureToken, .token = "NOLOOP", .flags = kArgOptional},
};
constexpr CommandArg kCachingModes[] = {
    {.name = "yes", .type = ArgType::PureToken, .token = "YES"},
    {.name = "no", .type = ArgType::PureToken, .token = "NO"},
};
constexpr CommandArg kCachingArgs[] = {{.name = "mode", .type = ArgType::OneOf, .arguments = kCachingModes}};
constexpr CommandArg kSetinfoAttributes[] = {
    {.name = "libname", .type = ArgType::String, .token = "LIB-NAME"},
    {.name = "libver", .type = ArgType::String, .token = "LIB-VER"},
};
constexpr CommandArg kSetinfoArgs[] = {{.name = "attr", .type = ArgType::OneOf, .arguments = kSetinfoAttributes}};

// Summaries and history lines are our own words; the other fields follow Redis 7.0's
// COMMAND INFO and COMMAND DOCS (7.2's for SETINFO).
const CommandSpec kClientSubcommands[] = {
    {.name = "id", .arity = 2, .flags = kSub, .acl_categories = kAcl, .handler = client_id,
     .summary = "Tells the connection its unique id.", .since = "5.0.0", .group = kGroup, .complexity = "O(1)"},
    {.name = "setname", .arity = 3, .flags = kSub, .acl_categories = kAcl, .handler = client_setname,
     .summary = "Names the connection (an empty name removes it).", .since = "2.6.9", .group = kGroup,
     .complexity = "O(1)", .arguments = kSetnameArgs},
    {.name = "getname", .arity = 2, .flags = kSub, .acl_categories = kAcl, .handler = client_getname,
     .summary = "Tells the connection's name, if it has one.", .since = "2.6.9", .group = kGroup,
     .complexity = "O(1)"},
    {.name = "list", .arity = -2, .flags = kAdminSub, .acl_categories = kAdminAcl, .handler = client_list,
     .summary = "Describes the connected clients, one line each.", .since = "2.4.0", .group = kGroup,
     .complexity = "O(N) where N is the number of client connections", .arguments = kListArgs,
     .history = kListHistory, .tips = kNondeterministic},
    {.name = "info", .arity = 2, .flags = kSub, .acl_categories = kAcl, .handler = client_info,
     .summary = "Describes this connection as CLIENT LIST would.", .since = "6.2.0", .group = kGroup,
     .complexity = "O(1)", .tips = kNondeterministic},
    {.name = "kill", .arity = -3, .flags = kAdminSub, .acl_categories = kAdminAcl, .handler = client_kill,
     .summary = "Closes client connections chosen by address, id, type or user.", .since = "2.4.0",
     .group = kGroup, .complexity = "O(N) where N is the number of client connections", .arguments = kKillArgs,
     .history = kKillHistory},
    {.name = "pause", .arity = -3, .flags = kAdminSub, .acl_categories = kAdminAcl, .handler = client_pause,
     .summary = "Holds back clients' commands, all or only writes, for a while.", .since = "2.9.50",
     .group = kGroup, .complexity = "O(1)", .arguments = kPauseArgs, .history = kPauseHistory},
    {.name = "unpause", .arity = 2, .flags = kAdminSub, .acl_categories = kAdminAcl, .handler = client_unpause,
     .summary = "Ends a CLIENT PAUSE early.", .since = "6.2.0", .group = kGroup,
     .complexity = "O(N) Where N is the number of paused clients"},
    {.name = "unblock", .arity = -3, .flags = kAdminSub, .acl_categories = kAdminAcl, .handler = client_unblock,
     .summary = "Releases a client blocked in a blocking command, as a timeout or with an error.",
     .since = "5.0.0", .group = kGroup, .complexity = "O(log N) where N is the number of client connections",
     .arguments = kUnblockArgs},
    {.name = "reply", .arity = 3, .flags = kSub, .acl_categories = kAcl, .handler = client_reply,
     .summary = "Turns this connection's replies off or on, or drops the next one.", .since = "3.2.0",
     .group = kGroup, .complexity = "O(1)", .arguments = kReplyArgs},
    {.name = "no-evict", .arity = 3, .flags = kAdminSub, .acl_categories = kAdminAcl, .handler = client_no_evict,
     .summary = "Exempts this connection from client eviction, or stops exempting it.", .since = "7.0.0",
     .group = kGroup, .complexity = "O(1)", .arguments = kNoEvictArgs},
    {.name = "setinfo", .arity = 4, .flags = kSub, .acl_categories = kAcl, .handler = client_setinfo,
     .summary = "Records the client library's name or version for CLIENT LIST.", .since = "7.2.0",
     .group = kGroup, .complexity = "O(1)", .arguments = kSetinfoArgs},
    {.name = "tracking", .arity = -3, .flags = kSub, .acl_categories = kAcl, .handler = client_tracking,
     .summary = "Turns client-side caching invalidation messages on or off for this connection.",
     .since = "6.0.0", .group = kGroup, .complexity = "O(1). Some options may introduce additional complexity.",
     .arguments = kTrackingArgs},
    {.name = "caching", .arity = 3, .flags = kSub, .acl_categories = kAcl, .handler = client_caching,
     .summary = "Says whether the next command's keys are tracked (OPTIN/OPTOUT tracking).", .since = "6.0.0",
     .group = kGroup, .complexity = "O(1)", .arguments = kCachingArgs},
    {.name = "getredir", .arity = 2, .flags = kSub, .acl_categories = kAcl, .handler = client_getredir,
     .summary = "Tells which client this connection's invalidation messages go to.", .since = "6.0.0",
     .group = kGroup, .complexity = "O(1)"},
    {.name = "trackinginfo", .arity = 2, .flags = kSub, .acl_categories = kAcl, .handler = client_trackinginfo,
     .summary = "Describes this connection's client-side caching mode.", .since = "6.2.0", .group = kGroup,
     .complexity = "O(1)"},
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = kAcl, .handler = client_help,
     .summary = "Describes the CLIENT subcommands.", .since = "5.0.0", .group = kGroup, .complexity = "O(1)"},
};

const CommandSpec kCommands[] = {
    {.name = "client", .arity = -2, .flags = 0, .acl_categories = kAclSlow, .handler = nullptr,
     .subcommands = kClientSubcommands,
     .summary = "Inspects and controls client connections.", .since = "2.4.0", .group = kGroup,
     .complexity = "Depends on subcommand."},
};

}  // namespace

std::span<const CommandSpec> client_commands() { return kCommands; }

}  // namespace corvid
