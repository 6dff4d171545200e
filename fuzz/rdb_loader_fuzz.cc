// RDB streams are untrusted bytes (a dump.rdb from anywhere, later a primary's full
// sync): the input is a whole stream, loaded by RdbLoader from memory into 16 databases.
// Malformed input must throw RdbFormatError and nothing else. After a load, complete or
// not, every key in the databases must be readable from end to end and digestible; after
// a complete load, writing the databases back out as an RDB stream and loading that into
// fresh databases must give the same DEBUG DIGEST. Anything else (a crash, another
// exception, a sanitizer report, a broken property) is a finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "db/standalone_keyspace.h"
#include "db/digest.h"
#include "db/hash_value.h"
#include "db/list_value.h"
#include "db/set_value.h"
#include "db/zset_value.h"
#include "persistence/rdb_input.h"
#include "persistence/rdb_loader.h"
#include "persistence/rdb_output.h"
#include "persistence/rdb_writer.h"
#include "value_checks.h"

namespace {

using namespace corvid;
using corvid::fuzzing::check;
using corvid::fuzzing::exercise_value;

constexpr int64_t kNowMs = 1'700'000'000'000;

// Databases at a fixed instant, so that a run is reproducible.
struct Keyspace : StandaloneKeyspace {
  Keyspace() : StandaloneKeyspace(kNowMs) {}
};

void exercise_all(Keyspace& keyspace) {
  for (Database* db : keyspace.databases()) {
    size_t n = 0;
    db->for_each([&](KeyEntry& entry) {
      exercise_value(entry);
      (void)value_digest(entry);
      ++n;
    });
    check(n == db->size());
  }
  (void)dataset_digest(keyspace.databases());
}

// The whole keyspace as an RDB stream (version 12, so that field deadlines may appear).
std::string save(Keyspace& keyspace) {
  StringOutput out(false);
  RdbHeader header;
  header.version = 12;
  write_rdb_header(out, header);
  for (Database* db : keyspace.databases()) {
    if (db->size() == 0) continue;
    write_select_db(out, db->index());
    write_resize_db(out, db->size(), db->volatile_count());
    db->for_each([&](KeyEntry& entry) {
      write_key_record(out, entry, AccessHint::None, AccessPolicy{}, static_cast<uint32_t>(kNowMs / 1000));
    });
  }
  write_eof(out);
  out.raw(std::string(8, '\0'));  // "no checksum"
  return std::move(out.data());
}

bool load(Keyspace& keyspace, std::string_view bytes) {
  MemoryInput in(bytes);
  RdbLoadOptions options;
  options.now_ms = kNowMs;
  RdbLoader loader(in, keyspace.databases(), options, nullptr);
  try {
    loader.begin();
    return loader.step(-1);
  } catch (const RdbFormatError&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Keyspace keyspace;
  const bool complete = load(keyspace, std::string_view(reinterpret_cast<const char*>(data), size));
  exercise_all(keyspace);
  if (!complete) return 0;

  const Sha1 digest = dataset_digest(keyspace.databases());
  const std::string saved = save(keyspace);
  Keyspace reloaded;
  MemoryInput in(saved);
  RdbLoadOptions options;
  options.now_ms = kNowMs;
  RdbLoader loader(in, reloaded.databases(), options, nullptr);
  try {
    loader.begin();
    check(loader.step(-1));
  } catch (const RdbFormatError&) {
    std::abort();  // Corvid could not load what it saved
  }
  check(in.remaining() == 0);
  exercise_all(reloaded);
  check(dataset_digest(reloaded.databases()) == digest);
  return 0;
}
