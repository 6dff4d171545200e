#pragma once
// DEBUG PROTOCOL <type>: a sample reply of each RESP type, for client test suites.

namespace corvid {

struct CommandContext;

void debug_protocol(CommandContext& ctx);

}  // namespace corvid
