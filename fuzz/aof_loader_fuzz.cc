// An AOF directory is untrusted bytes (copied from another machine, left behind by a
// crash, edited by hand). The input becomes one: a flags byte, a 2-byte little-endian
// length, the base file (an RDB preamble or commands, or none) and the rest as the
// incremental file; AofLoader loads the pair through a host that records the commands it
// would replay. Malformed input must end in RdbFormatError (the server's "exit with this
// message") and nothing else. When the load succeeds, loading the directory again - now
// with the truncated tail cut off, if aof-load-truncated cut one - must succeed with exactly
// the same commands and no further cut. With the manifest flag, the rest is a manifest's
// text instead: parsing it must not crash, and a parsed manifest must serialize to a text
// that parses back to the same serialization.

#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "db/standalone_keyspace.h"
#include "persistence/aof_loader.h"
#include "persistence/aof_manifest.h"
#include "persistence/rdb_input.h"
#include "server/config.h"
#include "server/log.h"
#include "value_checks.h"

namespace {

using namespace corvid;
using corvid::fuzzing::check;
using corvid::fuzzing::exercise_value;

constexpr int64_t kNowMs = 1'700'000'000'000;
constexpr uint8_t kHasBase = 1, kBaseIsRdb = 2, kLoadTruncated = 4, kManifestOnly = 8;

class RecordingHost final : public PersistenceHost {
 public:
  explicit RecordingHost(bool load_truncated) : keyspace_(kNowMs) { config_.aof_load_truncated = load_truncated; }
  std::vector<std::vector<std::string>> replayed;

  std::vector<Database*> databases() override { return keyspace_.databases(); }
  const Config& config() const override { return config_; }
  const Clock& clock() const override { return keyspace_.clock(); }
  const AccessPolicy& access_policy() const override { return access_; }
  KeyspaceStats& keyspace_stats() override { return keyspace_.stats(); }
  uint64_t used_memory() const override { return 0; }
  std::string replication_id() const override { return std::string(40, '0'); }
  void wake_loop() override {}
  void fatal(const std::string&) override { std::abort(); }  // the loader throws instead
  void bgsave_finished(bool) override {}
  bool snapshot_running() const override { return false; }
  void finish_other_snapshot() override {}
  std::optional<std::string> replay(std::span<const std::string_view> argv) override {
    check(!argv.empty());
    replayed.emplace_back(argv.begin(), argv.end());
    return std::nullopt;
  }
  std::vector<std::string> function_libraries() const override { return {}; }
  std::optional<std::string> load_function_library(const std::string&, bool) override { return std::nullopt; }
  void flush_function_libraries() override {}
  void exercise() {
    for (Database* db : keyspace_.databases()) db->for_each([](KeyEntry& entry) { exercise_value(entry); });
  }

 private:
  StandaloneKeyspace keyspace_;
  Config config_;
  AccessPolicy access_;
};

void write_file(const std::string& path, std::string_view bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  check(f != nullptr);
  check(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
  std::fclose(f);
}

uint64_t file_size(const std::string& path) {
  struct stat st {};
  check(::stat(path.c_str(), &st) == 0);
  return static_cast<uint64_t>(st.st_size);
}

// Loads the directory; the commands replayed, or nullopt if the loader refused it.
std::optional<std::vector<std::vector<std::string>>> load(const std::string& dir, const AofManifest& manifest,
                                                          bool load_truncated) {
  RecordingHost host(load_truncated);
  AofLoader loader(host, dir, manifest);
  try {
    check(loader.step(-1));
  } catch (const RdbFormatError&) {
    host.exercise();
    return std::nullopt;
  }
  host.exercise();
  return std::move(host.replayed);
}

void fuzz_manifest(std::string_view text) {
  std::string error;
  auto manifest = AofManifest::parse(std::string(text), &error);
  if (!manifest) return;
  const std::string once = manifest->serialize();
  auto again = AofManifest::parse(once, &error);
  check(again.has_value());
  check(again->serialize() == once);
}

// One directory per process, holding the files each input writes; removed at exit. A
// plain array, so that it outlives the exit handler that uses it.
char g_scratch[] = "/tmp/corvid-aof-fuzz-XXXXXX";
constexpr const char* kScratchFiles[] = {"appendonly.aof.1.base.aof", "appendonly.aof.1.base.rdb",
                                         "appendonly.aof.1.incr.aof"};

std::string scratch_dir() {
  static const bool made = [] {
    check(::mkdtemp(g_scratch) != nullptr);
    std::atexit([] {
      for (const char* name : kScratchFiles) ::unlink((std::string(g_scratch) + "/" + name).c_str());
      ::rmdir(g_scratch);
    });
    return true;
  }();
  (void)made;
  return g_scratch;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = (configure_log("/dev/null", "warning"), true);
  (void)quiet;
  if (size < 3) return 0;
  const uint8_t flags = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data) + 3, size - 3);
  if (flags & kManifestOnly) {
    fuzz_manifest(rest);
    return 0;
  }
  const size_t base_size = std::min<size_t>(rest.size(), data[1] | (size_t{data[2]} << 8));
  const std::string dir = scratch_dir();
  AofManifest manifest;
  if (flags & kHasBase) {
    manifest.base = AofFile{AofManifest::base_name("appendonly.aof", 1, flags & kBaseIsRdb), 1, AofFile::Kind::Base};
    write_file(dir + "/" + manifest.base->name, rest.substr(0, base_size));
  }
  const AofFile incr{AofManifest::incr_name("appendonly.aof", 1), 1, AofFile::Kind::Incr};
  manifest.incrs.push_back(incr);
  const std::string incr_path = dir + "/" + incr.name;
  write_file(incr_path, rest.substr(flags & kHasBase ? base_size : 0));

  const bool load_truncated = flags & kLoadTruncated;
  const auto first = load(dir, manifest, load_truncated);
  if (!first) return 0;
  const uint64_t size_after_first = file_size(incr_path);
  const auto second = load(dir, manifest, load_truncated);
  check(second.has_value());
  check(*second == *first);
  check(file_size(incr_path) == size_after_first);
  return 0;
}
