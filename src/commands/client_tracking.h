#pragma once
// Handlers of the client-side caching subcommands of CLIENT (commands/client.cc lists
// them in its table).

#include "commands/context.h"

namespace corvid {

void client_tracking(CommandContext& ctx);
void client_caching(CommandContext& ctx);
void client_getredir(CommandContext& ctx);
void client_trackinginfo(CommandContext& ctx);

}  // namespace corvid
