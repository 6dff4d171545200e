#pragma once
// The RDB check shared by corvid-check-rdb and corvid-check-aof (for an AOF's RDB base or
// preamble): loads the RDB stream at the start of a file with the server's own loader
// (persistence/rdb_loader.h) into throwaway databases, and prints what redis-check-rdb
// prints: "[offset N] ..." progress lines, "Checksum OK" and "\o/ RDB looks OK! \o/", or
// the "--- RDB ERROR DETECTED ---" banner and the reason with its offset, then the
// "[info]" counts of keys read, keys with an expiry and keys already expired (keys past
// their deadline are loaded and counted, not dropped). Any input is reported, never
// crashed on: every error the loader can raise is caught and printed.

#include <cstdint>
#include <string>

namespace corvid::tools {

struct RdbCheckResult {
  bool ok = false;
  uint64_t end_offset = 0;  // where the RDB stream ended (the trailer's end) when ok
  uint64_t file_size = 0;
};

// Checks the RDB stream at the start of `path`; `name` is how the lines name the file.
// With `followed_by_commands` (an AOF preamble), bytes after the RDB data are the AOF
// tail, not something to mention.
RdbCheckResult check_rdb_stream(const std::string& path, const std::string& name, bool followed_by_commands);

}  // namespace corvid::tools
