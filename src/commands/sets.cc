// Sets: commands to come (issue 3).

#include "commands/context.h"

namespace corvid {

std::span<const CommandSpec> set_commands() { return {}; }

}  // namespace corvid
