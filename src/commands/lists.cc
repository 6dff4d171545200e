// Lists: commands to come (issue 3).

#include "commands/context.h"

namespace corvid {

std::span<const CommandSpec> list_commands() { return {}; }

}  // namespace corvid
