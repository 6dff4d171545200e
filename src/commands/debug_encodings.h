#pragma once
// DEBUG's subcommands about how values are encoded (debug.cc's table names them):
// LISTPACK and QUICKLIST print a value's low-level layout on standard output, in
// Corvid's own format (Redis prints its own structures there too), and
// QUICKLIST-PACKED-THRESHOLD sets the size from which a list element gets a plain node
// of its own (core/quicklist.h).

namespace corvid {

struct CommandContext;

void debug_listpack(CommandContext& ctx);
void debug_quicklist(CommandContext& ctx);
void debug_quicklist_packed_threshold(CommandContext& ctx);

}  // namespace corvid
