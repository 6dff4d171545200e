// Connection commands: PING, ECHO, QUIT, SELECT, HELLO, RESET, AUTH.

#include <cctype>

#include "commands/context.h"
#include "core/number_format.h"
#include "server/server.h"

namespace corvid {

namespace {

void ping(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    ctx.wrong_arity();
    return;
  }
  if (ctx.client.subscribed() && !ctx.reply.resp3()) {
    // A RESP2 subscriber's replies travel among messages, so PING answers in their shape.
    ctx.reply.array(2);
    ctx.reply.bulk("pong");
    ctx.reply.bulk(ctx.argc() == 2 ? ctx.arg(1) : std::string_view());
  } else if (ctx.argc() == 2) {
    ctx.reply.bulk(ctx.arg(1));
  } else {
    ctx.reply.simple("PONG");
  }
}

void echo(CommandContext& ctx) { ctx.reply.bulk(ctx.arg(1)); }

void quit(CommandContext& ctx) {
  ctx.reply.ok();
  ctx.client.close_after_reply();
}

void select(CommandContext& ctx) {
  auto index = ctx.int_arg(1);
  if (!index) return;
  if (*index < INT32_MIN || *index > INT32_MAX) {
    ctx.reply.error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return;
  }
  if (*index < 0 || *index >= ctx.server.database_count()) {
    ctx.reply.error(errors::kDbIndexOutOfRange);
    return;
  }
  ctx.client.db_index = static_cast<int>(*index);
  ctx.reply.ok();
}

// Redis accepts only printable ASCII without spaces in client names.
bool valid_client_name(std::string_view name) {
  for (unsigned char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

// AUTH and HELLO AUTH: `command_name` is what ACL LOG names a failure after.
bool check_password(CommandContext& ctx, std::string_view user, std::string_view password,
                    std::string_view command_name) {
  if (!ctx.server.authenticate(ctx.client, user, password, command_name)) {
    ctx.reply.error("WRONGPASS invalid username-password pair or user is disabled.");
    return false;
  }
  return true;
}

void auth(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  if (ctx.argc() == 2 && ctx.server.acl().default_user()->nopass()) {
    ctx.reply.error(
        "ERR AUTH <password> called without any password configured for the default user. Are you sure your "
        "configuration is correct?");
    return;
  }
  std::string_view user = ctx.argc() == 3 ? ctx.arg(1) : std::string_view("default");
  if (check_password(ctx, user, ctx.arg(ctx.argc() - 1), "AUTH")) ctx.reply.ok();
}

void hello(CommandContext& ctx) {
  int protocol = ctx.client.reply().protocol();
  size_t next = 1;
  if (ctx.argc() >= 2) {
    auto version = parse_int64(ctx.arg(1));
    if (!version) {
      ctx.reply.error("ERR Protocol version is not an integer or out of range");
      return;
    }
    if (*version < 2 || *version > 3) {
      ctx.reply.error("NOPROTO unsupported protocol version");
      return;
    }
    protocol = static_cast<int>(*version);
    next = 2;
  }
  std::string_view new_name;
  bool set_name = false;
  // Options are all validated before any takes effect.
  for (size_t i = next; i < ctx.argc(); ++i) {
    bool more = i + 1 < ctx.argc();
    if (equals_ignore_case(ctx.arg(i), "AUTH") && i + 2 < ctx.argc()) {
      if (!check_password(ctx, ctx.arg(i + 1), ctx.arg(i + 2), "HELLO")) return;
      i += 2;
    } else if (equals_ignore_case(ctx.arg(i), "SETNAME") && more) {
      new_name = ctx.arg(i + 1);
      if (!valid_client_name(new_name)) {
        ctx.reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
        return;
      }
      set_name = true;
      ++i;
    } else {
      ctx.reply.error("ERR Syntax error in HELLO option '" + std::string(ctx.arg(i)) + "'");
      return;
    }
  }
  // Unlike other commands, HELLO looks at the flag itself: a client that never
  // authenticated is refused even after the password is removed, as in Redis.
  if (!ctx.client.authenticated) {
    ctx.reply.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                    "AUTH <user> <pass> option can be used to authenticate the client and select the "
                    "RESP protocol version at the same time");
    return;
  }
  if (set_name) ctx.client.name = std::string(new_name);
  ctx.client.reply().set_protocol(protocol);
  ReplyWriter& r = ctx.reply;
  r.map(7);
  r.bulk("server");
  r.bulk("redis");
  r.bulk("version");
  r.bulk("7.0.15");
  r.bulk("proto");
  r.integer(protocol);
  r.bulk("id");
  r.integer(static_cast<int64_t>(ctx.client.id()));
  r.bulk("mode");
  r.bulk("standalone");
  r.bulk("role");
  r.bulk("master");
  r.bulk("modules");
  r.array(0);
}

void reset(CommandContext& ctx) {
  Connection& c = ctx.client;
  c.db_index = 0;
  c.name.clear();
  c.reply().set_protocol(2);
  c.reply_mode = Connection::ReplyMode::On;
  c.no_evict = false;
  ctx.server.sign_in_as_default(c);
  ctx.server.transactions().forget(c);
  ctx.server.pubsub().remove_client(c);
  ctx.server.tracking().disable(c);
  if (c.monitor) {
    ctx.server.monitors().remove(c);
    c.monitor = false;
  }
  ctx.reply.simple("RESET");
}

constexpr uint32_t kConn = kAclConnection;
constexpr uint32_t kSessionFlags = kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdNoAuth | kCmdAllowBusy;

constexpr std::string_view kPingTips[] = {"request_policy:all_shards", "response_policy:all_succeeded"};
constexpr CommandArg kPingArgs[] = {{"message", ArgType::String, -1, {}, kArgOptional}};
constexpr CommandArg kMessageArg[] = {{"message", ArgType::String}};
constexpr CommandArg kSelectArgs[] = {{"index", ArgType::Integer}};
constexpr CommandArg kAuthArgs[] = {
    {"username", ArgType::String, -1, {}, kArgOptional, {}, "6.0.0"},
    {"password", ArgType::String},
};
constexpr CommandHistory kAuthHistory[] = {{"6.0.0", "Accepts a username as well as a password (ACL style)."}};
constexpr CommandArg kHelloCredentials[] = {{"username", ArgType::String}, {"password", ArgType::String}};
constexpr CommandArg kHelloBlock[] = {
    {"protover", ArgType::Integer},
    {"username_password", ArgType::Block, -1, "AUTH", kArgOptional, kHelloCredentials},
    {"clientname", ArgType::String, -1, "SETNAME", kArgOptional},
};
constexpr CommandArg kHelloArgs[] = {{"arguments", ArgType::Block, -1, {}, kArgOptional, kHelloBlock}};
constexpr CommandHistory kHelloHistory[] = {
    {"6.2.0", "The protocol version became optional; alone, HELLO reports the connection's context."}};

// Summaries are our own words; the other fields follow Redis 7.0's COMMAND DOCS.
const CommandSpec kCommands[] = {
    {.name = "ping", .arity = -1, .flags = kCmdFast, .acl_categories = kAclFast | kConn, .handler = ping,
     .summary = "Checks that the server answers, optionally echoing a message.", .since = "1.0.0",
     .group = "connection", .complexity = "O(1)", .arguments = kPingArgs, .tips = kPingTips},
    {.name = "echo", .arity = 2, .flags = kCmdLoading | kCmdStale | kCmdFast, .acl_categories = kAclFast | kConn,
     .handler = echo, .summary = "Replies with its argument.", .since = "1.0.0", .group = "connection",
     .complexity = "O(1)", .arguments = kMessageArg},
    {.name = "quit", .arity = -1, .flags = kSessionFlags, .acl_categories = kAclFast | kConn, .handler = quit,
     .summary = "Closes the connection once the reply is sent.", .since = "1.0.0", .group = "connection",
     .complexity = "O(1)"},
    {.name = "select", .arity = 2, .flags = kCmdLoading | kCmdStale | kCmdFast, .acl_categories = kAclFast | kConn,
     .handler = select, .summary = "Switches the connection to another numbered database.", .since = "1.0.0",
     .group = "connection", .complexity = "O(1)", .arguments = kSelectArgs},
    {.name = "auth", .arity = -2, .flags = kSessionFlags, .acl_categories = kAclFast | kConn, .handler = auth,
     .summary = "Authenticates the connection with a password, or a user name and password.", .since = "1.0.0",
     .group = "connection", .complexity = "O(N) where N is the number of passwords defined for the user",
     .arguments = kAuthArgs, .history = kAuthHistory},
    {.name = "hello", .arity = -1, .flags = kSessionFlags, .acl_categories = kAclFast | kConn, .handler = hello,
     .summary = "Chooses the protocol version, optionally authenticating and naming the connection.",
     .since = "6.0.0", .group = "connection", .complexity = "O(1)", .arguments = kHelloArgs,
     .history = kHelloHistory},
    {.name = "reset", .arity = 1, .flags = kSessionFlags, .acl_categories = kAclFast | kConn, .handler = reset,
     .summary = "Returns the connection to its initial state.", .since = "6.2.0", .group = "connection",
     .complexity = "O(1)"},
};

}  // namespace

std::span<const CommandSpec> connection_commands() { return kCommands; }

}  // namespace corvid
