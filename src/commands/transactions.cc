// Transaction commands: MULTI EXEC DISCARD WATCH UNWATCH. The state they manage, and the
// queuing of commands between MULTI and EXEC, are in server/transactions.h and
// Server::dispatch.

#include "commands/context.h"
#include "server/server.h"

namespace corvid {

namespace {

void multi(CommandContext& ctx) {
  Transactions& transactions = ctx.server.transactions();
  if (transactions.in_multi(ctx.client)) {
    ctx.reply.error("ERR MULTI calls can not be nested");
    return;
  }
  transactions.begin(ctx.client);
  ctx.reply.ok();
}

void exec(CommandContext& ctx) {
  Transactions& transactions = ctx.server.transactions();
  if (!transactions.in_multi(ctx.client)) {
    ctx.reply.error("ERR EXEC without MULTI");
    return;
  }
  const bool failed = transactions.fails_on_exec(ctx.client);
  // A watched key whose TTL ran out since WATCH counts as changed: looking it up reclaims
  // it, which reports the change.
  for (const DbKey& watched : transactions.watched_keys(ctx.client)) ctx.server.db(watched.db).find(watched.key);
  const bool dirty = transactions.dirty(ctx.client);
  std::vector<QueuedCommand> queued = transactions.end(ctx.client);
  transactions.unwatch(ctx.client);
  if (failed) {
    ctx.reply.error("EXECABORT Transaction discarded because of previous errors.");
    return;
  }
  if (dirty) {
    ctx.reply.null_array();
    return;
  }
  ctx.reply.array(queued.size());
  ctx.server.run_transaction(ctx.client, queued);
  // The queued commands propagated themselves (wrapped in MULTI/EXEC when several did).
  ctx.propagate_nothing();
}

void discard(CommandContext& ctx) {
  Transactions& transactions = ctx.server.transactions();
  if (!transactions.in_multi(ctx.client)) {
    ctx.reply.error("ERR DISCARD without MULTI");
    return;
  }
  transactions.end(ctx.client);
  transactions.unwatch(ctx.client);
  ctx.reply.ok();
}

void watch(CommandContext& ctx) {
  Transactions& transactions = ctx.server.transactions();
  if (transactions.in_multi(ctx.client)) {
    ctx.reply.error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  for (size_t i = 1; i < ctx.argc(); ++i) {
    // A key whose TTL has run out goes first, so that reclaiming it later is no change.
    ctx.db.find(ctx.arg(i));
    transactions.watch(ctx.client, ctx.db.index(), ctx.arg(i));
  }
  ctx.reply.ok();
}

void unwatch(CommandContext& ctx) {
  ctx.server.transactions().unwatch(ctx.client);
  ctx.reply.ok();
}

constexpr uint32_t kManageFlags = kCmdNoScript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy;
constexpr KeySpec kWatchKeys[] = {{kKeyRO, 1, -1, 1}};
constexpr CommandArg kWatchArgs[] = {{"key", ArgType::Key, 0, {}, kArgMultiple}};

// Summaries are our own words; the other fields follow Redis 7.0's COMMAND DOCS.
const CommandSpec kCommands[] = {
    {.name = "multi", .arity = 1, .flags = kManageFlags, .acl_categories = kAclTransaction, .handler = multi,
     .summary = "Starts a transaction: the commands that follow are queued until EXEC.", .since = "1.2.0",
     .group = "transactions", .complexity = "O(1)"},
    {.name = "exec", .arity = 1, .flags = kCmdNoScript | kCmdLoading | kCmdStale | kCmdSkipSlowlog,
     .acl_categories = kAclTransaction, .handler = exec,
     .summary = "Runs the queued commands of a transaction, unless a watched key changed.", .since = "1.2.0",
     .group = "transactions", .complexity = "Depends on commands in the transaction"},
    {.name = "discard", .arity = 1, .flags = kManageFlags, .acl_categories = kAclTransaction, .handler = discard,
     .summary = "Drops the queued commands of a transaction.", .since = "2.0.0", .group = "transactions",
     .complexity = "O(N), when N is the number of queued commands"},
    {.name = "watch", .arity = -2, .flags = kManageFlags, .acl_categories = kAclTransaction, .handler = watch,
     .key_specs = kWatchKeys, .summary = "Makes the next EXEC fail if any of the keys changes before it.",
     .since = "2.2.0", .group = "transactions", .complexity = "O(1) for every key.", .arguments = kWatchArgs},
    {.name = "unwatch", .arity = 1, .flags = kManageFlags, .acl_categories = kAclTransaction, .handler = unwatch,
     .summary = "Forgets every key watched by this connection.", .since = "2.2.0", .group = "transactions",
     .complexity = "O(1)"},
};

}  // namespace

std::span<const CommandSpec> transaction_commands() { return kCommands; }

}  // namespace corvid
