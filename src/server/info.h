#pragma once
// The text of INFO: Redis 7.0's sections, field names, order and number formats, filled
// with this server's real figures. Fields of subsystems that do not exist yet (scripting,
// persistence, replicas) show what Redis shows with that subsystem idle or switched off.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corvid {

class Server;

// INFO [section ...]: section names in any case. No names means "default"; "all",
// "default" and "everything" select groups; unknown names select nothing. Sections come
// out in Redis's order whatever the order of the names.
std::string build_info(Server& server, std::span<const std::string_view> sections);

// The replication id this process reports (INFO replication, RDB aux fields): one per
// process, as a master that has never had a replica keeps.
const std::string& master_replid();
// DEBUG CHANGE-REPL-ID: a new random replication id.
void change_master_replid();

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

// How used memory divides between structure and data, as INFO memory and MEMORY STATS
// both report it.
struct MemoryOverview {
  MemoryFigures figures;
  uint64_t peak = 0;             // the highest used figure, now included
  uint64_t startup = 0;          // what the process held before serving (used_memory_startup)
  uint64_t clients_normal = 0;   // the connections and their buffers
  uint64_t clients_slaves = 0;   // the same for replicas (SYNC connections)
  uint64_t overhead = 0;         // start-up, clients and keyspace tables, at most `used`
  uint64_t dataset = 0;          // used - overhead
  uint64_t net_used = 0;         // used - startup (0 if below)
  // Per database: the keyspace's bucket array and its list of keys with a TTL.
  struct DatabaseTables {
    int index = 0;
    uint64_t keys = 0;
    uint64_t main_table = 0;
    uint64_t expires_table = 0;
  };
  std::vector<DatabaseTables> databases;  // every database, empty or not
};
MemoryOverview memory_overview(Server& server);


// "1.18M": Redis's human-readable byte counts.
std::string bytes_to_human(uint64_t bytes);

}  // namespace corvid
