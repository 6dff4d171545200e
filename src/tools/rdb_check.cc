// The RDB check behind corvid-check-rdb and corvid-check-aof's RDB bases (see rdb_check.h).

#include "tools/rdb_check.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "db/standalone_keyspace.h"
#include "db/value_limits.h"
#include "persistence/rdb_input.h"
#include "persistence/rdb_loader.h"

namespace corvid::tools {

namespace {

// As many databases as a server started with the default `databases 16`: a file that
// selects a higher one is refused, as such a server would refuse it.
constexpr int kDatabases = 16;

// The loader's reasons, in redis-check-rdb's words where they differ.
std::string reason_of(const std::string& what) {
  if (what == kShortRead) return "Unexpected EOF reading RDB file";
  if (what.rfind("Wrong RDB checksum", 0) == 0) return "RDB CRC error: " + what;
  std::string out = what;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
  return out;
}

void print_counts(const RdbLoadStats& stats, StandaloneKeyspace& scratch) {
  uint64_t expires = 0, already_expired = 0;
  for (Database* db : scratch.databases()) {
    db->for_each([&](KeyEntry& entry) {
      if (!entry.has_expiry()) return;
      ++expires;
      if (entry.expire_at_ms() < scratch.clock().now_ms) ++already_expired;
    });
  }
  // Keys are loaded expired or not (skip_expired is off), so keys_expired stays 0; it is
  // added anyway so that no key read can go uncounted.
  const uint64_t read = stats.keys_loaded + stats.keys_expired + stats.empty_keys_skipped;
  std::printf("[info] %llu keys read\n", static_cast<unsigned long long>(read));
  std::printf("[info] %llu expires\n", static_cast<unsigned long long>(expires + stats.keys_expired));
  std::printf("[info] %llu already expired\n", static_cast<unsigned long long>(already_expired + stats.keys_expired));
  if (stats.empty_keys_skipped > 0) {
    std::printf("[info] %llu empty keys skipped\n", static_cast<unsigned long long>(stats.empty_keys_skipped));
  }
}

}  // namespace

RdbCheckResult check_rdb_stream(const std::string& path, const std::string& name, bool followed_by_commands) {
  RdbCheckResult result;
  std::printf("[offset 0] Checking RDB file %s\n", name.c_str());
  std::unique_ptr<FileInput> input = FileInput::open(path);
  if (!input) {
    const int e = errno;
    std::printf("--- RDB ERROR DETECTED ---\n");
    std::printf("[offset 0] Can't open the RDB file %s: %s\n", name.c_str(), std::strerror(e));
    std::fflush(stdout);
    return result;
  }
  result.file_size = input->size();

  // The databases the file is loaded into, thrown away afterwards.
  StandaloneKeyspace scratch(-1, kDatabases);
  RdbLoadOptions options;
  options.limits = ValueLimits{};
  options.now_ms = scratch.clock().now_ms;
  options.skip_expired = false;  // counted as "already expired", not dropped
  options.verify_checksum = true;
  FileInput& in = *input;
  RdbLoader loader(in, scratch.databases(), options, [&in](const std::string& line) {
    std::printf("[offset %llu] %s\n", static_cast<unsigned long long>(in.offset()), line.c_str());
  });

  std::string error;
  try {
    loader.begin();
    loader.step(-1);
  } catch (const RdbFormatError& e) {
    error = reason_of(e.what());
  } catch (const std::bad_alloc&) {
    error = "Out of memory loading the RDB file";
  } catch (const std::exception& e) {
    error = e.what();
    if (error.empty()) error = "Unknown error loading the RDB file";
  }

  const unsigned long long offset = in.offset();
  if (!error.empty()) {
    std::printf("--- RDB ERROR DETECTED ---\n");
    std::printf("[offset %llu] %s\n", offset, error.c_str());
    print_counts(loader.stats(), scratch);
    std::fflush(stdout);
    return result;
  }

  const RdbLoadStats& stats = loader.stats();
  if (stats.checksum_checked) {
    std::printf("[offset %llu] Checksum OK\n", offset);
  } else if (stats.version < 5) {
    std::printf("[offset %llu] No checksum in RDB version %d\n", offset, stats.version);
  }
  std::printf("[offset %llu] \\o/ RDB looks OK! \\o/\n", offset);
  print_counts(stats, scratch);
  if (!followed_by_commands && in.size() > offset) {
    std::printf("[info] %llu bytes after the end of the RDB data (ignored when loading)\n",
                static_cast<unsigned long long>(in.size()) - offset);
  }
  std::fflush(stdout);
  result.ok = true;
  result.end_offset = offset;
  return result;
}

}  // namespace corvid::tools
