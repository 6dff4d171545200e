#pragma once
// The text of INFO: Redis 7.0's sections, field names, order and number formats, filled
// with this server's real figures. Fields of subsystems that do not exist yet (scripting,
// persistence, replicas) show what Redis shows with that subsystem idle or switched off.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace corvid {

class Server;

// INFO [section ...]: section names in any case. No names means "default"; "all",
// "default" and "everything" select groups; unknown names select nothing. Sections come
// out in Redis's order whatever the order of the names.
std::string build_info(Server& server, std::span<const std::string_view> sections);

// Memory as INFO reports it, from jemalloc when the server is linked with it, else
// from the sanitizer's or glibc's allocator statistics.
struct MemoryFigures {
  uint64_t used = 0;       // bytes the program has allocated (server/memory_gauge.h)
  uint64_t allocated = 0;  // the same, as the allocator's own statistics count it
  uint64_t active = 0;     // bytes in pages the allocator has in use
  uint64_t resident = 0;   // bytes the allocator keeps resident
  uint64_t rss = 0;        // the process's resident set
  std::string allocator;   // "jemalloc-5.3.0", "libc"
};
MemoryFigures memory_figures();


// "1.18M": Redis's human-readable byte counts.
std::string bytes_to_human(uint64_t bytes);

}  // namespace corvid
