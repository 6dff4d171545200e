// SYNC: a replica (or a tool watching propagation) asks for the dataset and the stream of
// changes after it (replication/replicas.h). REPLCONF: what the SYNC to come should send.

#include "commands/admin_flags.h"
#include "commands/context.h"
#include "server/config_syntax.h"
#include "server/server.h"

namespace corvid {

namespace {

void sync(CommandContext& ctx) {
  // No reply: the dump and the stream that follow are the answer, so they must be the
  // first bytes the replica reads after sending SYNC. Replies still unsent (those of
  // commands pipelined before it) make Redis refuse, and Corvid too. A replica's or a
  // MONITOR client's SYNC is ignored.
  if (ctx.client.replica || ctx.client.monitor) return;
  if (ctx.client.has_pending_output()) {
    ctx.reply.error("ERR SYNC and PSYNC are invalid with pending output");
    return;
  }
  // Redis sends filtered dumps only in its diskless form, to replicas that read it; Corvid
  // sends them with their size, but asks for the capability as Redis does.
  if (ctx.client.sync_filter != Connection::SyncFilter::Everything && !ctx.client.sync_capa_eof) {
    ctx.reply.error("ERR Filtered replica requires EOF capability");
    return;
  }
  ctx.server.start_sync(ctx.client);
}

// REPLCONF <option> <value> [<option> <value> ...]. What is built: capa (announced
// capabilities; Corvid's SYNC sends a dump with its size whatever they are, which every
// replica reads, but a filtered dump needs "eof" as in Redis), rdb-only and
// rdb-filter-only (redis-cli --rdb / --functions-rdb, and --replica, whose empty filter
// list asks for a dump without keys or functions). The options of replicas that stay
// connected (listening-port, ack, getack ...) belong with PSYNC, which is not built: they
// are refused as unknown.
void replconf(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  Connection& client = ctx.client;
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    const std::string_view option = ctx.arg(i);
    const std::string_view value = ctx.arg(i + 1);
    if (equals_ignore_case(option, "capa")) {
      if (equals_ignore_case(value, "eof")) client.sync_capa_eof = true;
    } else if (equals_ignore_case(option, "rdb-only")) {
      auto flag = ctx.int_arg(i + 1);
      if (!flag) return;
      if (*flag < 0 || *flag > 1) {
        ctx.reply.error("ERR value is out of range, value must between 0 and 1");
        return;
      }
      client.sync_rdb_only = *flag == 1;
    } else if (equals_ignore_case(option, "rdb-filter-only")) {
      // A list of what to keep, split as config lines are; "functions" is the one filter there is.
      const std::optional<std::vector<std::string>> words = config_detail::split_line(value);
      if (!words) {
        ctx.reply.error("ERR Missing rdb-filter-only values");
        return;
      }
      bool functions = false;
      for (const std::string& word : *words) {
        if (!equals_ignore_case(word, "functions")) {
          ctx.reply.error("ERR Unsupported rdb-filter-only option: " + std::string(word));
          return;
        }
        functions = true;
      }
      client.sync_filter = functions ? Connection::SyncFilter::Functions : Connection::SyncFilter::Nothing;
    } else {
      ctx.reply.error("ERR Unrecognized REPLCONF option: " + std::string(option));
      return;
    }
  }
  ctx.reply.ok();
}

const CommandSpec kCommands[] = {
    {.name = "replconf", .arity = -1,
     .flags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale | kCmdAllowBusy, .acl_categories = kAdminAcl,
     .handler = replconf, .summary = "Tells the server what the replication to come should send.",
     .since = "3.0.0", .group = kServerGroup, .complexity = "O(1)", .doc_flags = kDocSysCmd},
    {.name = "sync", .arity = 1, .flags = kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading | kCmdNoMulti,
     .acl_categories = kAdminAcl, .handler = sync, .summary = "Asks for a full copy of the dataset and the changes after it.",
     .since = "1.0.0", .group = kServerGroup},
};

}  // namespace

std::span<const CommandSpec> replication_commands() { return kCommands; }

}  // namespace corvid
