#pragma once
// Serializes one value in the RDB encoding Redis 7.0 loads: the type byte, then the
// payload. Shared by RDB files, DUMP and (later) replication.
//
//   string                 type 0   integer-encoded / LZF / plain string
//   list                   type 18  one Redis listpack per quicklist node
//   set, intset            type 11  the intset block (Corvid's layout is Redis's)
//   set, listpack/table    type 2   plain members (Redis 7.0 has no listpack sets)
//   sorted set, listpack   type 17  Redis listpack of member, score pairs
//   sorted set, skiplist   type 5   members with binary scores, highest first
//   hash, listpack         type 16  Redis listpack of field, value pairs
//   hash, table            type 4   plain fields and values
//   hash with field TTLs   type 25 (listpack) or 24 (table): Redis 7.4, RDB version 12
//   stream                 type 19  the nodes' listpacks, the numbers, consumer groups

#include <string_view>

#include "db/key_entry.h"
#include "persistence/rdb_output.h"

namespace corvid {

// Whether the value needs RDB version 12 (a hash with at least one field deadline).
bool needs_field_expiry_types(const KeyEntry& entry);
// The RDB version a DUMP of `entry` carries.
int dump_version_for(const KeyEntry& entry);

// Writes the type byte and the payload of `entry`'s value (a DUMP payload); with `key`,
// the key string goes between the two, as in an RDB file's key record.
void write_value(RdbOutput& out, const KeyEntry& entry, const std::string_view* key = nullptr);

}  // namespace corvid
