// Bitmaps: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO (being built).

#include "commands/context.h"

namespace corvid {

std::span<const CommandSpec> bitmap_commands() { return {}; }

}  // namespace corvid
