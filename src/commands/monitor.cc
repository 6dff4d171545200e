// MONITOR: turns the connection into a monitor (server/monitor.h).

#include "commands/admin_flags.h"
#include "commands/context.h"
#include "server/server.h"

namespace corvid {

namespace {

void monitor(CommandContext& ctx) {
  // Inside EXEC (or a script) every command must answer once; a monitor never stops.
  if (!ctx.server.may_block()) {
    ctx.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  // Asked again, Redis says nothing at all: the connection is already a monitor.
  if (ctx.client.monitor) return;
  ctx.client.monitor = true;
  ctx.server.monitors().add(ctx.client);
  ctx.reply.ok();
}

// The summary is our own words; the other fields follow Redis 7.0.
const CommandSpec kCommands[] = {
    {.name = "monitor", .arity = 1, .flags = kAdminFlags, .acl_categories = kAdminAcl, .handler = monitor,
     .summary = "Streams every command the server runs to this connection.", .since = "1.0.0",
     .group = kServerGroup},
};

}  // namespace

std::span<const CommandSpec> monitor_commands() { return kCommands; }

}  // namespace corvid
