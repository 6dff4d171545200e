#pragma once
// maxclients needs a descriptor per client plus a few for the server's own files
// (listeners, the AOF, a dump being written). As Redis does, the process raises its
// RLIMIT_NOFILE to fit maxclients when it can; when the system allows fewer, maxclients
// is lowered to what fits, with Redis's log lines. Without this a server under a
// connection flood would run out of descriptors, and accept would fail over and over.

#include <cstdint>
#include <optional>
#include <string>

namespace corvid {

// Descriptors kept back for the server's own use beyond one per client.
inline constexpr uint32_t kReservedDescriptors = 32;

// Raises the descriptor limit towards maxclients + kReservedDescriptors. Returns the
// maxclients that fits (the requested one, or less; a lowered one is logged), or nullopt
// when not even the reserved descriptors fit and the server cannot run; `fatal` then
// holds Redis's message for it.
std::optional<uint32_t> fit_open_files_limit(uint32_t maxclients, std::string* fatal);

}  // namespace corvid
