// SORT and SORT_RO: to come (issue 3).

#include "commands/context.h"

namespace corvid {

std::span<const CommandSpec> sort_commands() { return {}; }

}  // namespace corvid
