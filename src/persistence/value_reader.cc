#include "persistence/value_reader.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "core/number_format.h"
#include "db/list_value.h"
#include "db/stream_value.h"
#include "persistence/rdb_format.h"
#include "persistence/redis_encodings.h"

namespace corvid {

namespace {

using redis_format::Element;

void require(bool condition, const char* what) { RdbInput::require(condition, what); }

// A score stored as an element of a ziplist or listpack.
double element_score(const Element& e) {
  if (e.is_int) return static_cast<double>(e.integer);
  std::string text(e.bytes);
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  require(!text.empty() && end == text.c_str() + text.size() && !std::isnan(v), "invalid sorted set score");
  return v;
}

KeyEntry* finish(std::string_view key, ValueType type, std::unique_ptr<ValueObject> value, size_t size,
                 int64_t expire_at_ms) {
  if (size == 0) return nullptr;
  return KeyEntry::create_object(key, type, std::move(value), expire_at_ms);
}

// --- lists

class ListBuilder {
 public:
  explicit ListBuilder(const ValueLimits& limits) : list_(std::make_unique<ListValue>(
                                                    Quicklist(limits.list_fill, limits.list_compress_depth))) {}
  void push(std::string_view element) { list_->items().push_back(element); }
  void push(const Element& e) {
    if (e.is_int) {
      char digits[kInt64MaxChars + 1];
      push(std::string_view(digits, format_int64(e.integer, digits)));
    } else {
      push(e.bytes);
    }
  }
  KeyEntry* finish(std::string_view key, int64_t expire_at_ms) {
    const size_t size = list_->size();
    return corvid::finish(key, ValueType::List, std::move(list_), size, expire_at_ms);
  }

 private:
  std::unique_ptr<ListValue> list_;
};

KeyEntry* read_list(RdbInput& in, uint8_t type, std::string_view key, int64_t expire_at_ms,
                    const ValueLimits& limits) {
  ListBuilder list(limits);
  auto push_element = [&list](const Element& e) { list.push(e); };
  switch (type) {
    case rdb::kListLinked: {
      for (uint64_t n = in.count(); n > 0; --n) list.push(in.string());
      break;
    }
    case rdb::kListZiplist:
      require(redis_format::read_ziplist(in.string(), push_element), "ziplist integrity check failed");
      break;
    case rdb::kListQuicklistZiplist:
    case rdb::kListQuicklist: {
      for (uint64_t nodes = in.count(); nodes > 0; --nodes) {
        uint64_t container = rdb::kQuicklistPacked;
        if (type == rdb::kListQuicklist) {
          container = in.length();
          require(container == rdb::kQuicklistPacked || container == rdb::kQuicklistPlain,
                  "quicklist integrity check failed");
        }
        const std::string node = in.string();
        if (container == rdb::kQuicklistPlain) {
          list.push(node);
          continue;
        }
        require(!node.empty(), "empty quicklist node");
        const bool valid = type == rdb::kListQuicklist ? redis_format::read_listpack(node, push_element)
                                                        : redis_format::read_ziplist(node, push_element);
        require(valid, "listpack integrity check failed");
      }
      break;
    }
    default:
      throw RdbFormatError("unknown list encoding");
  }
  return list.finish(key, expire_at_ms);
}

// --- sets

class SetBuilder {
 public:
  explicit SetBuilder(const ValueLimits& limits, size_t size_hint) : limits_(limits.set), hint_(size_hint) {}
  void add(std::string_view member) {
    if (!set_) set_ = SetValue::create_for(member, hint_, limits_);
    require(set_->add(member, limits_), "duplicate set members detected");
  }
  KeyEntry* finish(std::string_view key, int64_t expire_at_ms) {
    if (!set_) return nullptr;
    const size_t size = set_->size();
    return corvid::finish(key, ValueType::Set, std::move(set_), size, expire_at_ms);
  }

 private:
  const SetLimits& limits_;
  size_t hint_;
  std::unique_ptr<SetValue> set_;
};

KeyEntry* read_set(RdbInput& in, uint8_t type, std::string_view key, int64_t expire_at_ms,
                   const ValueLimits& limits) {
  if (type == rdb::kSet) {
    const uint64_t n = in.count();
    SetBuilder set(limits, n);
    for (uint64_t i = 0; i < n; ++i) set.add(in.string());
    return set.finish(key, expire_at_ms);
  }
  const std::string blob = in.string();
  if (type == rdb::kSetIntset) {
    require(redis_format::valid_intset(blob), "intset integrity check failed");
    const size_t width = static_cast<unsigned char>(blob[0]);
    const size_t count = (blob.size() - 8) / width;
    SetBuilder set(limits, count);
    char digits[kInt64MaxChars + 1];
    for (size_t i = 0; i < count; ++i) {
      uint64_t v = 0;
      for (size_t b = 0; b < width; ++b) v |= uint64_t{static_cast<unsigned char>(blob[8 + i * width + b])} << (8 * b);
      const unsigned shift = static_cast<unsigned>(64 - 8 * width);
      const int64_t member = static_cast<int64_t>(v << shift) >> shift;
      set.add(std::string_view(digits, format_int64(member, digits)));
    }
    return set.finish(key, expire_at_ms);
  }
  require(type == rdb::kSetListpack, "unknown set encoding");
  SetBuilder set(limits, 0);
  require(redis_format::read_listpack(blob, [&set](const Element& e) { set.add(e.text()); }),
          "set listpack integrity check failed");
  return set.finish(key, expire_at_ms);
}

// --- sorted sets

KeyEntry* read_zset(RdbInput& in, uint8_t type, std::string_view key, int64_t expire_at_ms,
                    const ValueLimits& limits) {
  auto zset = std::make_unique<ZSetValue>();
  auto add = [&](std::string_view member, double score) {
    require(!std::isnan(score), "sorted set score is NaN");
    require(zset->set(member, score, limits.zset), "duplicate sorted set members detected");
  };
  if (type == rdb::kZSetText || type == rdb::kZSet) {
    for (uint64_t n = in.count(); n > 0; --n) {
      std::string member = in.string();
      add(member, type == rdb::kZSet ? in.binary_double() : in.text_double());
    }
  } else {
    require(type == rdb::kZSetZiplist || type == rdb::kZSetListpack, "unknown sorted set encoding");
    const std::string blob = in.string();
    std::string member;
    bool have_member = false;
    auto visit = [&](const Element& e) {
      if (!have_member) {
        member = e.text();
        have_member = true;
        return;
      }
      add(member, element_score(e));
      have_member = false;
    };
    const bool valid = type == rdb::kZSetListpack ? redis_format::read_listpack(blob, visit)
                                                  : redis_format::read_ziplist(blob, visit);
    require(valid && !have_member, "sorted set listpack integrity check failed");
  }
  const size_t size = zset->size();
  return finish(key, ValueType::ZSet, std::move(zset), size, expire_at_ms);
}

// --- hashes

class HashBuilder {
 public:
  explicit HashBuilder(const ValueLimits& limits) : limits_(limits.hash), hash_(std::make_unique<HashValue>()) {}
  void add(std::string_view field, std::string_view value, int64_t expire_at_ms = HashValue::kNoExpiry) {
    require(hash_->set(field, value, limits_), "duplicate hash fields detected");
    if (expire_at_ms != HashValue::kNoExpiry) {
      require(expire_at_ms >= 0 && expire_at_ms <= HashValue::kMaxExpiryMs, "invalid hash field expiry time");
      hash_->set_field_expiry(field, expire_at_ms);
    }
  }
  KeyEntry* finish(std::string_view key, int64_t expire_at_ms) {
    const size_t size = hash_->size();
    return corvid::finish(key, ValueType::Hash, std::move(hash_), size, expire_at_ms);
  }

 private:
  const HashLimits& limits_;
  std::unique_ptr<HashValue> hash_;
};

KeyEntry* read_hash(RdbInput& in, uint8_t type, std::string_view key, int64_t expire_at_ms,
                    const ValueLimits& limits) {
  HashBuilder hash(limits);
  switch (type) {
    case rdb::kHash: {
      for (uint64_t n = in.count(2); n > 0; --n) {
        std::string field = in.string();
        hash.add(field, in.string());
      }
      break;
    }
    case rdb::kHashMetadata:
    case rdb::kHashMetadataPreGa: {
      // 7.4: each field's deadline is relative to the earliest plus one (0: none); the
      // pre-GA form stored absolute deadlines and no earliest.
      const int64_t earliest = type == rdb::kHashMetadata ? in.millis() : 0;
      for (uint64_t n = in.count(3); n > 0; --n) {
        const uint64_t stored = in.length();
        int64_t when = HashValue::kNoExpiry;
        if (type == rdb::kHashMetadataPreGa) {
          if (stored != 0) when = static_cast<int64_t>(stored);
        } else if (stored != 0) {
          require(stored - 1 <= static_cast<uint64_t>(HashValue::kMaxExpiryMs) && earliest >= 0 &&
                      earliest <= HashValue::kMaxExpiryMs,
                  "invalid hash field expiry time");
          when = earliest + static_cast<int64_t>(stored - 1);
        }
        std::string field = in.string();
        hash.add(field, in.string(), when);
      }
      break;
    }
    case rdb::kHashZipmap:
    case rdb::kHashZiplist:
    case rdb::kHashListpack:
    case rdb::kHashListpackEx:
    case rdb::kHashListpackExPreGa: {
      if (type == rdb::kHashListpackEx) (void)in.millis();  // the earliest deadline: recomputed
      const std::string blob = in.string();
      const size_t stride = (type == rdb::kHashListpackEx || type == rdb::kHashListpackExPreGa) ? 3 : 2;
      std::string parts[2];
      size_t at = 0;
      auto visit = [&](const Element& e) {
        if (at < 2) {
          parts[at++] = e.text();
          if (stride == 2 && at == 2) {
            hash.add(parts[0], parts[1]);
            at = 0;
          }
          return;
        }
        require(e.is_int && e.integer >= 0, "invalid hash field expiry time");
        hash.add(parts[0], parts[1], e.integer == 0 ? HashValue::kNoExpiry : e.integer);
        at = 0;
      };
      bool valid;
      if (type == rdb::kHashZipmap) {
        valid = redis_format::read_zipmap(blob, visit);
      } else if (type == rdb::kHashZiplist) {
        valid = redis_format::read_ziplist(blob, visit);
      } else {
        valid = redis_format::read_listpack(blob, visit);
      }
      require(valid && at == 0, "hash listpack integrity check failed");
      break;
    }
    default:
      throw RdbFormatError("unknown hash encoding");
  }
  return hash.finish(key, expire_at_ms);
}


}  // namespace

bool is_rdb_value_type(uint8_t type) { return type <= rdb::kModule || (type >= rdb::kHashZipmap && type <= rdb::kHashListpackEx); }

namespace {

// --- streams

StreamID stream_id_from_key(std::string_view key) {
  StreamID id;
  for (int i = 0; i < 8; ++i) {
    id.ms = (id.ms << 8) | static_cast<uint8_t>(key[static_cast<size_t>(i)]);
    id.seq = (id.seq << 8) | static_cast<uint8_t>(key[static_cast<size_t>(8 + i)]);
  }
  return id;
}

// Checks a node's layout element by element (the master entry, then every entry with a
// correct lp-count, IDs ascending after `*previous`); counts its live and deleted entries.
void check_stream_node(std::string_view blob, StreamID master, StreamID* previous, bool* have_previous,
                       uint64_t* live, std::optional<StreamID>* first_live) {
  std::vector<Element> e;
  require(redis_format::read_listpack(blob, [&](const Element& x) { e.push_back(x); }), "invalid stream listpack");
  size_t i = 0;
  auto next_int = [&](const char* what) {
    require(i < e.size() && e[i].is_int, what);
    return e[i++].integer;
  };
  const int64_t count = next_int("stream node without a count");
  const int64_t deleted = next_int("stream node without a deleted count");
  const int64_t master_fields = next_int("stream node without master fields");
  require(count >= 0 && deleted >= 0 && master_fields >= 0 && static_cast<size_t>(master_fields) <= e.size(),
          "invalid stream master entry");
  i += static_cast<size_t>(master_fields);
  require(next_int("stream master entry unterminated") == 0, "stream master entry unterminated");
  int64_t seen_live = 0, seen_deleted = 0;
  while (i < e.size()) {
    const size_t start = i;
    const int64_t flags = next_int("invalid stream entry flags");
    require((flags & ~int64_t{3}) == 0, "invalid stream entry flags");
    StreamID id;
    id.ms = master.ms + static_cast<uint64_t>(next_int("invalid stream entry ID"));
    id.seq = master.seq + static_cast<uint64_t>(next_int("invalid stream entry ID"));
    require(!*have_previous || id > *previous, "stream entry IDs out of order");
    require(id >= master, "stream entry before its node's master ID");
    *previous = id;
    *have_previous = true;
    int64_t fields = master_fields;
    if (!(flags & 2)) {
      fields = next_int("invalid stream entry field count");
      require(fields >= 0 && static_cast<size_t>(fields) <= e.size(), "invalid stream entry field count");
      i += 2 * static_cast<size_t>(fields);
    } else {
      i += static_cast<size_t>(fields);
    }
    require(i < e.size(), "stream entry cut short");
    const int64_t lp_count = next_int("invalid stream entry lp-count");
    require(lp_count == static_cast<int64_t>(i - 1 - start), "invalid stream entry lp-count");
    ++((flags & 1) ? seen_deleted : seen_live);
    if (!(flags & 1) && !*first_live) *first_live = id;
  }
  require(seen_live == count && seen_deleted == deleted && seen_live + seen_deleted > 0, "stream node counts mismatch");
  *live += static_cast<uint64_t>(count);
}

StreamID read_stream_id(RdbInput& in) {
  StreamID id;
  id.ms = in.length();
  id.seq = in.length();
  return id;
}

StreamID read_raw_stream_id(RdbInput& in) {
  char raw[16];
  in.read(raw, sizeof raw);
  return stream_id_from_key(std::string_view(raw, sizeof raw));
}

// The least bytes each record can take, so that no count read from the input loops (or
// allocates) beyond what the input can still hold: a group PEL entry is a raw ID, an
// 8-byte delivery time and a count; a consumer a name, its seen time (and, in type 21, its
// active time) and a PEL count; a group a name, its last ID, entries read (not in type 15)
// and two counts.
constexpr size_t kRawStreamIdBytes = 16;
constexpr size_t kMinGroupPendingBytes = kRawStreamIdBytes + 8 + 1;
constexpr size_t kMinConsumerBytes = 1 + 8 + 1;
constexpr size_t kMinGroupBytes = 1 + 2 + 2;

// A group's PEL and consumers. The file stores the delivery data once, in the group PEL,
// and each consumer's PEL as bare IDs; StreamGroup wants an owner for every pending entry,
// so the group PEL waits in `unclaimed` until a consumer names each ID. A payload whose
// PELs disagree (an ID twice, a consumer's ID missing from the group PEL, one ID held by
// two consumers, a group entry nobody holds) would leave dangling or ownerless entries
// behind: it is refused.
void read_stream_group_members(RdbInput& in, uint8_t type, StreamGroup& group) {
  struct Delivery {
    int64_t time_ms;
    uint64_t count;
  };
  std::map<StreamID, Delivery> unclaimed;
  for (uint64_t n = in.count(kMinGroupPendingBytes); n > 0; --n) {
    const StreamID id = read_raw_stream_id(in);
    const int64_t time_ms = in.millis();
    const uint64_t count = in.length();
    require(unclaimed.emplace(id, Delivery{time_ms, count}).second, "duplicated stream group PEL entry");
  }
  const bool has_active_time = type == rdb::kStreamListpacks3;
  for (uint64_t n = in.count(kMinConsumerBytes + (has_active_time ? 8 : 0)); n > 0; --n) {
    const std::string name = in.string();
    const int64_t seen_ms = in.millis();
    if (has_active_time) (void)in.millis();  // Redis 7.2's active time: 7.0 has no such field
    StreamConsumer* consumer = group.add_consumer(name, seen_ms);
    require(consumer != nullptr, "duplicated stream consumer name");
    for (uint64_t k = in.count(kRawStreamIdBytes); k > 0; --k) {
      const StreamID id = read_raw_stream_id(in);
      const auto it = unclaimed.find(id);
      if (it == unclaimed.end()) {
        throw RdbFormatError(group.find_pending(id) != nullptr ? "stream PEL entry listed by consumers twice"
                                                               : "stream consumer PEL entry not in the group PEL");
      }
      group.assign(id, *consumer, it->second.time_ms, it->second.count);
      unclaimed.erase(it);
    }
  }
  require(unclaimed.empty(), "stream group PEL entry without a consumer");
}

// The consumer groups after a stream's numbers (the stream is complete by then: type 15
// stores no entries read, which is estimated from the group's last ID as Redis does).
void read_stream_groups(RdbInput& in, uint8_t type, StreamValue& value) {
  const Stream& s = value.stream();
  for (uint64_t n = in.count(kMinGroupBytes); n > 0; --n) {
    std::string name = in.string();
    const StreamID last_id = read_stream_id(in);
    int64_t entries_read;
    if (type == rdb::kStreamListpacks) {
      entries_read = s.entries_read_at(last_id);
    } else {
      // Stored as unsigned; Redis only ever has -1 ("unknown") or a count, so anything that
      // reads below -1 is damage, not data.
      const uint64_t stored = in.length();
      require(stored <= static_cast<uint64_t>(INT64_MAX) || stored == UINT64_MAX, "invalid stream group entries read");
      entries_read = static_cast<int64_t>(stored);
    }
    auto [it, added] = value.groups().try_emplace(std::move(name), last_id, entries_read);
    require(added, "duplicated stream consumer group name");
    read_stream_group_members(in, type, it->second);
  }
}

KeyEntry* read_stream(RdbInput& in, uint8_t type, std::string_view key, int64_t expire_at_ms) {
  auto value = std::make_unique<StreamValue>();
  Stream& s = value->stream();
  const uint64_t nodes = in.length();
  StreamID previous;
  bool have_previous = false;
  uint64_t live = 0;
  std::optional<StreamID> first_live;
  for (uint64_t n = 0; n < nodes; ++n) {
    const std::string node_key = in.string();
    require(node_key.size() == 16, "stream node key is not a stream ID");
    std::string blob = in.string();
    const StreamID master = stream_id_from_key(node_key);
    // Nodes in ID order, each starting after what came before (so the index and the
    // entries agree).
    require(!have_previous || master > previous, "stream nodes out of order");
    check_stream_node(blob, master, &previous, &have_previous, &live, &first_live);
    s.load_node(master, RedisListpack::adopt(std::move(blob)));
  }
  const uint64_t length = in.length();
  const StreamID last = read_stream_id(in);
  StreamID first, max_deleted;
  uint64_t added = length;
  if (type != rdb::kStreamListpacks) {
    first = read_stream_id(in);
    max_deleted = read_stream_id(in);
    added = in.length();
  }
  require(length == live && (!have_previous || last >= previous) && added >= length, "stream numbers inconsistent");
  // The first ID is the first live entry's: version 1 files do not carry it, and a
  // later file's copy is not trusted over the entries.
  (void)first;
  s.set_loaded(length, last, first_live.value_or(StreamID{}), max_deleted, added);
  read_stream_groups(in, type, *value);
  return KeyEntry::create_object(key, ValueType::Stream, std::move(value), expire_at_ms);
}

}  // namespace

KeyEntry* read_value(RdbInput& in, uint8_t type, std::string_view key, int64_t expire_at_ms,
                     const ValueLimits& limits) {
  switch (type) {
    case rdb::kString: {
      std::string value = in.string();
      return KeyEntry::create_string(key, value, expire_at_ms);
    }
    case rdb::kListLinked:
    case rdb::kListZiplist:
    case rdb::kListQuicklistZiplist:
    case rdb::kListQuicklist:
      return read_list(in, type, key, expire_at_ms, limits);
    case rdb::kSet:
    case rdb::kSetIntset:
    case rdb::kSetListpack:
      return read_set(in, type, key, expire_at_ms, limits);
    case rdb::kZSetText:
    case rdb::kZSet:
    case rdb::kZSetZiplist:
    case rdb::kZSetListpack:
      return read_zset(in, type, key, expire_at_ms, limits);
    case rdb::kHash:
    case rdb::kHashZipmap:
    case rdb::kHashZiplist:
    case rdb::kHashListpack:
    case rdb::kHashMetadata:
    case rdb::kHashMetadataPreGa:
    case rdb::kHashListpackEx:
    case rdb::kHashListpackExPreGa:
      return read_hash(in, type, key, expire_at_ms, limits);
    case rdb::kStreamListpacks:
    case rdb::kStreamListpacks2:
    case rdb::kStreamListpacks3:
      return read_stream(in, type, key, expire_at_ms);
    case rdb::kModulePreGa:
    case rdb::kModule:
      throw RdbFormatError("module values are not supported");
    default:
      throw RdbFormatError("unknown value type");
  }
}

}  // namespace corvid
