#pragma once
// Builds a value from its RDB encoding: every type and encoding Redis 7.0 writes or
// still loads (linked lists, ziplists, zipmaps, intsets, quicklists of ziplists or
// listpacks, text and binary sorted-set scores), streams with their consumer groups
// (types 15, 19 and Redis 7.2's 21), Redis 7.2's listpack sets and Redis 7.4's hashes
// with field deadlines. The payload is untrusted: it is validated as it is read (bounds,
// encodings, duplicates, scores, PELs that agree with each other), as Redis does with
// sanitize-dump-payload yes, and anything malformed throws RdbFormatError.
//
// Values are built through their types' normal APIs with the configured thresholds, so
// a loaded value has the encoding the same commands would have given it.

#include <cstdint>
#include <string_view>

#include "db/key_entry.h"
#include "db/value_limits.h"
#include "persistence/rdb_input.h"

namespace corvid {

// Whether `type` is a value type byte (as opposed to an opcode or garbage).
bool is_rdb_value_type(uint8_t type);

// Reads the payload of a value of RDB type `type` and returns a new entry for `key`
// holding it, or nullptr when it is an empty collection (which loaders skip and RESTORE
// refuses). Throws RdbFormatError on malformed or unsupported data.
KeyEntry* read_value(RdbInput& in, uint8_t type, std::string_view key, int64_t expire_at_ms,
                     const ValueLimits& limits);

}  // namespace corvid
