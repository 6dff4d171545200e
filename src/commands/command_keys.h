#pragma once
// Which arguments of a command are keys, found through its key specs (or its own key
// finder where the specs cannot say). COMMAND GETKEYS reports them; client-side caching
// remembers the keys a tracking client read.

#include <span>
#include <string_view>
#include <vector>

#include "commands/command.h"

namespace corvid {

// Whether the command takes key arguments at all.
bool has_key_arguments(const CommandSpec& spec);
// The keys of `args` (args[0] is the command name), in the order the specs list them.
std::vector<KeyRef> command_keys(const CommandSpec& spec, std::span<const std::string_view> args);

}  // namespace corvid
