// HyperLogLog: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST (being built).

#include "commands/context.h"

namespace corvid {

std::span<const CommandSpec> hyperloglog_commands() { return {}; }

}  // namespace corvid
