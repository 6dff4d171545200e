// SYNC: a replica (or a tool watching propagation) asks for the dataset and the stream of
// changes after it (replication/replicas.h). REPLCONF: what the SYNC to come should send.

#include "commands/admin_flags.h"
#include "commands/context.h"
#include "server/config_syntax.h"
#include "server/server.h"

namespace corvid {

namespace {

void sync(CommandContext& ctx) {
  // No reply: the dump and the stream that follow are the answer.
  ctx.server.start_sync(ctx.client);
}

// REPLCONF <option> <value> [<option> <value> ...]. What is built: capa (announced
// capabilities; Corvid's SYNC sends a disk-based dump whatever they are, which every
// replica accepts), rdb-only and rdb-filter-only (redis-cli --rdb / --functions-rdb). The
// options of replicas that stay connected (listening-port, ack, getack ...) belong with
// PSYNC, which is not built: they are refused as unknown.
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
      continue;
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
      client.sync_functions_only = functions;
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
