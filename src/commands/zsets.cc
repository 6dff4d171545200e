// Sorted sets: commands to come (issue 3).

#include "commands/context.h"

namespace corvid {

std::span<const CommandSpec> sorted_set_commands() { return {}; }

}  // namespace corvid
