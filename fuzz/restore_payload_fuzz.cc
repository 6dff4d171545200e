// RESTORE payloads are untrusted bytes: the first input byte is the RDB value type and
// the rest its payload (a DUMP output without its version and CRC footer), read by
// read_value with the default encoding limits. Whatever it accepts must be a value that
// can be walked completely (every member found again by lookup, sizes matching the
// walks), written back with write_value (plain and LZF-compressed), and read again to a
// value with the same DEBUG DIGEST-VALUE. Malformed input must throw RdbFormatError and
// nothing else; anything else (a crash, another exception, a sanitizer report, a broken
// property) is a finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "db/digest.h"
#include "db/hash_value.h"
#include "db/list_value.h"
#include "db/set_value.h"
#include "db/value_limits.h"
#include "db/zset_value.h"
#include "persistence/rdb_input.h"
#include "persistence/rdb_output.h"
#include "persistence/value_reader.h"
#include "persistence/value_writer.h"
#include "value_checks.h"

namespace {

using corvid::fuzzing::check;
using corvid::fuzzing::exercise_value;

struct EntryDeleter {
  void operator()(corvid::KeyEntry* e) const {
    if (e != nullptr) corvid::KeyEntry::destroy(e);
  }
};
using EntryPtr = std::unique_ptr<corvid::KeyEntry, EntryDeleter>;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const corvid::ValueLimits limits;
  const std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  EntryPtr entry;
  try {
    corvid::MemoryInput in(payload);
    entry.reset(corvid::read_value(in, data[0], "key", corvid::KeyEntry::kNoExpiry, limits));
  } catch (const corvid::RdbFormatError&) {
    return 0;
  }
  if (!entry) return 0;  // an empty collection
  exercise_value(*entry);
  const corvid::Sha1 digest = corvid::value_digest(*entry);

  for (bool compress : {false, true}) {
    corvid::StringOutput out(compress);
    corvid::write_value(out, *entry);
    const std::string& written = out.data();
    check(!written.empty());
    corvid::MemoryInput again(written);
    const uint8_t type = again.byte();
    EntryPtr copy;
    try {
      copy.reset(corvid::read_value(again, type, "key", corvid::KeyEntry::kNoExpiry, limits));
    } catch (const corvid::RdbFormatError&) {
      std::abort();  // Corvid could not read what it wrote
    }
    check(copy != nullptr);
    check(again.remaining() == 0);
    check(copy->type() == entry->type());
    exercise_value(*copy);
    check(corvid::value_digest(*copy) == digest);
  }
  return 0;
}
