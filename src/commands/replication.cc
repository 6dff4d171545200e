// SYNC: a replica (or a tool watching propagation) asks for the dataset and the stream of
// changes after it (replication/replicas.h).

#include "commands/admin_flags.h"
#include "commands/context.h"
#include "server/server.h"

namespace corvid {

namespace {

void sync(CommandContext& ctx) {
  // No reply: the dump and the stream that follow are the answer.
  ctx.server.start_sync(ctx.client);
}

const CommandSpec kCommands[] = {
    {.name = "sync", .arity = 1, .flags = kCmdAdmin | kCmdNoScript | kCmdNoAsyncLoading | kCmdNoMulti,
     .acl_categories = kAdminAcl, .handler = sync, .summary = "Asks for a full copy of the dataset and the changes after it.",
     .since = "1.0.0", .group = kServerGroup},
};

}  // namespace

std::span<const CommandSpec> replication_commands() { return kCommands; }

}  // namespace corvid
