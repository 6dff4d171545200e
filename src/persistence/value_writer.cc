#include "persistence/value_writer.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "db/hash_value.h"
#include "db/list_value.h"
#include "db/set_value.h"
#include "db/stream_value.h"
#include "db/zset_value.h"
#include "persistence/rdb_format.h"
#include "persistence/redis_encodings.h"

namespace corvid {

namespace {

// The type byte, then (in a file's key record) the key: the payload follows.
void begin(RdbOutput& out, uint8_t type, const std::string_view* key) {
  out.byte(type);
  if (key != nullptr) out.string(*key);
}

void write_string_value(RdbOutput& out, const KeyEntry& entry, const std::string_view* key) {
  begin(out, rdb::kString, key);
  if (entry.is_int()) {
    out.integer_string(entry.int_value());
    return;
  }
  char scratch[24];
  out.string(entry.string_value(scratch));
}

void write_list(RdbOutput& out, const ListValue& list, const std::string_view* key) {
  begin(out, rdb::kListQuicklist, key);
  out.length(list.items().node_count());
  redis_format::ListpackBuilder builder;
  list.items().for_each_node([&](const Listpack& node, bool plain) {
    Listpack::Scratch scratch;
    if (plain) {
      // A plain node is its element, stored as a string (Redis 7.0's PLAIN container).
      out.length(rdb::kQuicklistPlain);
      out.string(node.get(node.begin(), scratch));
      return;
    }
    for (Listpack::Pos p = node.begin(); p != node.end(); p = node.next(p)) {
      if (std::optional<int64_t> v = node.is_int(p) ? node.get_int(p) : std::nullopt) {
        builder.add_int(*v);
      } else {
        builder.add(node.get(p, scratch));
      }
    }
    out.length(rdb::kQuicklistPacked);
    out.blob(builder.finish());
  });
}

void write_set(RdbOutput& out, const SetValue& set, const std::string_view* key) {
  if (set.encoding() == Encoding::Intset) {
    begin(out, rdb::kSetIntset, key);
    std::string block;
    // An empty intset block is never stored (empty keys do not exist); build the same
    // layout from the members so that the block is exactly what Redis expects.
    block.resize(8);
    size_t width = 2;
    set.for_each([&](std::string_view m) { width = std::max(width, IntSet::width_for(*parse_int64(m))); });
    const auto w = static_cast<uint32_t>(width);
    const auto count = static_cast<uint32_t>(set.size());
    for (int i = 0; i < 4; ++i) block[i] = static_cast<char>((w >> (8 * i)) & 0xff);
    for (int i = 0; i < 4; ++i) block[4 + i] = static_cast<char>((count >> (8 * i)) & 0xff);
    set.for_each([&](std::string_view m) {
      const auto v = static_cast<uint64_t>(*parse_int64(m));
      for (size_t i = 0; i < width; ++i) block.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    });
    out.blob(block);
    return;
  }
  begin(out, rdb::kSet, key);
  out.length(set.size());
  set.for_each([&](std::string_view member) { out.string(member); });
}

void write_zset(RdbOutput& out, const ZSetValue& zset, const std::string_view* key) {
  if (zset.encoding() == Encoding::Listpack) {
    begin(out, rdb::kZSetListpack, key);
    redis_format::ListpackBuilder builder;
    zset.for_each([&](std::string_view member, double score) {
      builder.add(member);
      builder.add(ZSetValue::listpack_score_text(score));
    });
    out.blob(builder.finish());
    return;
  }
  begin(out, rdb::kZSet, key);
  out.length(zset.size());
  // Highest score first, as Redis writes it: a loader inserting at the head of a
  // skiplist then never walks.
  zset.visit_ranks(0, zset.size(), true, [&](std::string_view member, double score) {
    out.string(member);
    out.binary_double(score);
  });
}

// The earliest field deadline, or kNoExpiry when no field has one.
int64_t earliest_field_deadline(const HashValue& hash) {
  int64_t earliest = HashValue::kNoExpiry;
  if (!hash.has_field_deadlines()) return earliest;
  hash.for_each_with_expiry([&](std::string_view, std::string_view, int64_t when) {
    if (when != HashValue::kNoExpiry && (earliest == HashValue::kNoExpiry || when < earliest)) earliest = when;
  });
  return earliest;
}

void write_hash(RdbOutput& out, const HashValue& hash, const std::string_view* key) {
  const int64_t earliest = earliest_field_deadline(hash);
  const bool table = hash.encoding() == Encoding::Hashtable;
  if (earliest == HashValue::kNoExpiry) {
    if (!table) {
      begin(out, rdb::kHashListpack, key);
      redis_format::ListpackBuilder builder;
      hash.for_each([&](std::string_view field, std::string_view value) {
        builder.add(field);
        builder.add(value);
      });
      out.blob(builder.finish());
      return;
    }
    begin(out, rdb::kHash, key);
    out.length(hash.size());
    hash.for_each([&](std::string_view field, std::string_view value) {
      out.string(field);
      out.string(value);
    });
    return;
  }
  if (!table) {
    // Field, value, absolute deadline (0: none) triples after the earliest deadline.
    begin(out, rdb::kHashListpackEx, key);
    out.millis(earliest);
    redis_format::ListpackBuilder builder;
    hash.for_each_with_expiry([&](std::string_view field, std::string_view value, int64_t when) {
      builder.add(field);
      builder.add(value);
      builder.add_int(when == HashValue::kNoExpiry ? 0 : when);
    });
    out.blob(builder.finish());
    return;
  }
  // Deadlines relative to the earliest one, plus one (0 means none).
  begin(out, rdb::kHashMetadata, key);
  out.millis(earliest);
  out.length(hash.size());
  hash.for_each_with_expiry([&](std::string_view field, std::string_view value, int64_t when) {
    out.length(when == HashValue::kNoExpiry ? 0 : static_cast<uint64_t>(when - earliest) + 1);
    out.string(field);
    out.string(value);
  });
}

// A 128-bit stream ID as Redis keys its nodes and PELs: milliseconds then sequence,
// big-endian. In a fixed buffer, since a PEL writes one per entry.
struct StreamIdKey {
  explicit StreamIdKey(StreamID id) {
    for (int i = 0; i < 8; ++i) {
      bytes[i] = static_cast<char>(id.ms >> (56 - 8 * i));
      bytes[8 + i] = static_cast<char>(id.seq >> (56 - 8 * i));
    }
  }
  std::string_view view() const { return std::string_view(bytes, sizeof bytes); }
  char bytes[16];
};

// A consumer group as RDB_TYPE_STREAM_LISTPACKS_2 stores it: name, last ID, entries read
// (-1, "unknown", goes out as the 64-bit length 2^64-1), the group's PEL (raw ID, delivery
// time, delivery count), then each consumer: name, seen time and its PEL as raw IDs only
// (the delivery data is the group PEL's entry). Groups and consumers come in name order
// and IDs ascending, as Redis walks its radix trees, so that DUMP payloads match Redis's.
void write_stream_group(RdbOutput& out, std::string_view name, const StreamGroup& group) {
  out.string(name);
  out.length(group.last_id().ms);
  out.length(group.last_id().seq);
  out.length(static_cast<uint64_t>(group.entries_read()));
  out.length(group.pending().size());
  for (const auto& [id, entry] : group.pending()) {
    out.raw(StreamIdKey(id).view());
    out.millis(entry.delivery_time_ms);
    out.length(entry.delivery_count);
  }
  out.length(group.consumers().size());
  for (const auto& [consumer_name, consumer] : group.consumers()) {
    out.string(consumer_name);
    out.millis(consumer.seen_time_ms);
    out.length(consumer.pending.size());
    for (StreamID id : consumer.pending) out.raw(StreamIdKey(id).view());
  }
}

// RDB_TYPE_STREAM_LISTPACKS_2 (Redis 7.0): the nodes as they are, then the stream's
// numbers and its consumer groups.
void write_stream(RdbOutput& out, const StreamValue& value, const std::string_view* key) {
  const Stream& s = value.stream();
  begin(out, rdb::kStreamListpacks2, key);
  out.length(s.node_count());
  s.for_each_node([&](StreamID master, std::string_view node) {
    out.plain_string(StreamIdKey(master).view());
    out.blob(node);
  });
  out.length(s.length());
  out.length(s.last_id().ms);
  out.length(s.last_id().seq);
  out.length(s.first_id().ms);
  out.length(s.first_id().seq);
  out.length(s.max_deleted_id().ms);
  out.length(s.max_deleted_id().seq);
  out.length(s.entries_added());
  out.length(value.groups().size());
  for (const auto& [name, group] : value.groups()) write_stream_group(out, name, group);
}

}  // namespace

bool needs_field_expiry_types(const KeyEntry& entry) {
  if (entry.type() != ValueType::Hash) return false;
  return earliest_field_deadline(entry.object_as<HashValue>()) != HashValue::kNoExpiry;
}

int dump_version_for(const KeyEntry& entry) {
  return needs_field_expiry_types(entry) ? rdb::kVersionWithFieldExpiry : rdb::kVersion;
}

void write_value(RdbOutput& out, const KeyEntry& entry, const std::string_view* key) {
  switch (entry.type()) {
    case ValueType::String:
      write_string_value(out, entry, key);
      return;
    case ValueType::List:
      write_list(out, entry.object_as<ListValue>(), key);
      return;
    case ValueType::Set:
      write_set(out, entry.object_as<SetValue>(), key);
      return;
    case ValueType::ZSet:
      write_zset(out, entry.object_as<ZSetValue>(), key);
      return;
    case ValueType::Hash:
      write_hash(out, entry.object_as<HashValue>(), key);
      return;
    case ValueType::Stream:
      write_stream(out, entry.object_as<StreamValue>(), key);
      return;
  }
  throw std::logic_error("no RDB encoding for this value type");
}

}  // namespace corvid
