// corvid-check-rdb <file.rdb>: redis-check-rdb for Corvid. Validates a dump (any RDB
// version Corvid reads, 1 to 12) by loading it with the server's own loader into throwaway
// databases (16 of them, Redis's default: a file selecting a higher database is an error,
// as it would be for a server with `databases 16`), with the default encoding thresholds.
// Prints redis-check-rdb's lines (see tools/rdb_check.h): "\o/ RDB looks OK! \o/" and exit
// status 0, or "--- RDB ERROR DETECTED ---" with the offset and reason and exit status 1.
// Keys already expired are loaded and counted ("[info] N already expired"), not dropped.
// The whole dataset is held in memory while checking, as a server loading it would.

#include <cstdio>
#include <cstring>
#include <string>

#include "tools/rdb_check.h"

int main(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-v") == 0)) {
    std::printf("corvid-check-rdb v=%s (checks RDB files of Redis 7.0 and earlier)\n", CORVID_VERSION);
    return 0;
  }
  if (argc != 2 || std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0) {
    std::fprintf(stderr, "Usage: %s <rdb-file-name>\n", argc > 0 ? argv[0] : "corvid-check-rdb");
    return 1;
  }
  const std::string path = argv[1];
  return corvid::tools::check_rdb_stream(path, path, false).ok ? 0 : 1;
}
