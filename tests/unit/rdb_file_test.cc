// Whole RDB streams (persistence/rdb_writer.h, persistence/rdb_loader.h): header, aux
// fields, database selectors, key records with expiry and access hints, EOF and the
// CRC-64 trailer, loaded back into Databases; files written by Redis 7.0.15; and the
// ways a stream can be refused.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "db/hash_value.h"
#include "db/list_value.h"
#include "db/set_value.h"
#include "db/standalone_keyspace.h"
#include "db/value_limits.h"
#include "db/zset_value.h"
#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_input.h"
#include "persistence/rdb_loader.h"
#include "persistence/rdb_output.h"
#include "persistence/rdb_writer.h"
#include "test_support.h"

using namespace std::literals;

namespace corvid {
namespace {

using testing_support::from_hex;
using testing_support::EntryPtr;

std::string u64_le(uint64_t v) {
  std::string s;
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}

// The CRC-64 trailer of `body`.
std::string with_trailer(const std::string& body) { return body + u64_le(crc64(0, body)); }

constexpr int64_t kNowMs = 1'700'000'000'000;  // the loader's "now"
constexpr uint32_t kNowS = static_cast<uint32_t>(kNowMs / 1000);

// Small helpers that build values.
EntryPtr string_entry(std::string_view key, std::string_view value, int64_t expire = KeyEntry::kNoExpiry) {
  return EntryPtr(KeyEntry::create_string(key, value, expire));
}

EntryPtr list_entry(std::string_view key, const std::vector<std::string>& elements) {
  auto list = std::make_unique<ListValue>(Quicklist(-2));
  for (const std::string& e : elements) list->items().push_back(e);
  return EntryPtr(KeyEntry::create_object(key, ValueType::List, std::move(list), KeyEntry::kNoExpiry));
}

EntryPtr set_entry(std::string_view key, const std::vector<std::string>& members,
                   int64_t expire = KeyEntry::kNoExpiry) {
  const SetLimits limits;
  auto set = SetValue::create_for(members.front(), members.size(), limits);
  for (const std::string& m : members) set->add(m, limits);
  return EntryPtr(KeyEntry::create_object(key, ValueType::Set, std::move(set), expire));
}

EntryPtr zset_entry(std::string_view key, const std::vector<std::pair<std::string, double>>& members) {
  auto zset = std::make_unique<ZSetValue>();
  for (const auto& [m, s] : members) zset->set(m, s, ZSetLimits{});
  return EntryPtr(KeyEntry::create_object(key, ValueType::ZSet, std::move(zset), KeyEntry::kNoExpiry));
}

EntryPtr hash_entry(std::string_view key, const std::vector<std::pair<std::string, std::string>>& fields,
                    const std::map<std::string, int64_t>& deadlines = {}) {
  auto hash = std::make_unique<HashValue>();
  for (const auto& [f, v] : fields) hash->set(f, v, HashLimits{});
  for (const auto& [f, when] : deadlines) hash->set_field_expiry(f, when);
  return EntryPtr(KeyEntry::create_object(key, ValueType::Hash, std::move(hash), KeyEntry::kNoExpiry));
}

// A comparable rendering of a value (order-independent for sets and hashes).
std::string describe(const KeyEntry& e) {
  std::string out;
  switch (e.type()) {
    case ValueType::String: {
      char scratch[24];
      out = "string:" + std::string(e.string_value(scratch));
      break;
    }
    case ValueType::List:
      out = "list:";
      e.object_as<ListValue>().items().for_each([&](std::string_view s) { out += std::string(s) + ","; });
      break;
    case ValueType::Set: {
      std::vector<std::string> members;
      e.object_as<SetValue>().for_each([&](std::string_view m) { members.emplace_back(m); });
      std::sort(members.begin(), members.end());
      out = "set:";
      for (const std::string& m : members) out += m + ",";
      break;
    }
    case ValueType::ZSet:
      out = "zset:";
      e.object_as<ZSetValue>().for_each([&](std::string_view m, double s) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", s);
        out += std::string(m) + "=" + buf + ",";
      });
      break;
    case ValueType::Hash: {
      std::map<std::string, std::string> fields;
      e.object_as<HashValue>().for_each_with_expiry([&](std::string_view f, std::string_view v, int64_t when) {
        fields[std::string(f)] = std::string(v) + (when == HashValue::kNoExpiry ? "" : "@" + std::to_string(when));
      });
      out = "hash:";
      for (const auto& [f, v] : fields) out += f + "=" + v + ",";
      break;
    }
    case ValueType::Stream:
      out = "stream";
      break;
  }
  return out;
}

class RdbFileTest : public ::testing::Test {
 protected:
  std::vector<Database*> db_pointers() { return dbs; }

  RdbLoadOptions default_options() const {
    RdbLoadOptions options;
    options.now_ms = kNowMs;
    return options;
  }

  // Loads from memory to the end; returns the loader's statistics.
  RdbLoadStats load(std::string_view bytes, const RdbLoadOptions* options = nullptr) {
    const RdbLoadOptions opts = options != nullptr ? *options : default_options();
    MemoryInput in(bytes);
    RdbLoader loader(in, db_pointers(), opts, [this](const std::string& line) { log.push_back(line); });
    loader.begin();
    EXPECT_TRUE(loader.step(-1));
    EXPECT_EQ(loader.bytes_read(), bytes.size());
    return loader.stats();
  }

  // Writes `bytes` to a temporary file and loads it through FileInput.
  RdbLoadStats load_file(const std::string& bytes, const RdbLoadOptions* options = nullptr) {
    char path[] = "/tmp/corvid-rdb-test-XXXXXX";
    const int fd = ::mkstemp(path);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    ::close(fd);
    struct Unlink {
      const char* p;
      ~Unlink() { ::unlink(p); }
    } unlink_at_exit{path};
    std::unique_ptr<FileInput> in = FileInput::open(path);
    EXPECT_NE(in, nullptr);
    EXPECT_EQ(in->size(), bytes.size());
    const RdbLoadOptions opts = options != nullptr ? *options : default_options();
    RdbLoader loader(*in, db_pointers(), opts, [this](const std::string& line) { log.push_back(line); });
    loader.begin();
    EXPECT_TRUE(loader.step(-1));
    return loader.stats();
  }

  // Expects loading `bytes` to throw RdbFormatError (at begin() or while stepping).
  void expect_load_error(std::string_view bytes, const RdbLoadOptions* options = nullptr) {
    const RdbLoadOptions opts = options != nullptr ? *options : default_options();
    MemoryInput in(bytes);
    RdbLoader loader(in, db_pointers(), opts, nullptr);
    EXPECT_THROW(
        {
          loader.begin();
          loader.step(-1);
        },
        RdbFormatError);
  }

  std::string value_of(int db, std::string_view key) {
    KeyEntry* e = dbs[db]->find(key);
    return e == nullptr ? "(absent)" : describe(*e);
  }

  StandaloneKeyspace keyspace{kNowMs};
  std::vector<Database*> dbs = keyspace.databases();
  std::vector<std::string> log;
};

// A stream: header, the records `body` writes, EOF; with the CRC trailer unless told.
std::string build(const std::function<void(RdbOutput&)>& body, int version = 10, bool trailer = true) {
  StringOutput out(false);
  RdbHeader header;
  header.version = version;
  header.ctime_s = 1'699'999'000;
  header.used_mem = 3 * 1024 * 1024;
  write_rdb_header(out, header);
  body(out);
  write_eof(out);
  return trailer ? with_trailer(out.data()) : out.data();
}

void record(RdbOutput& out, const KeyEntry& e) { write_key_record(out, e, AccessHint::None, AccessPolicy{}, kNowS); }

TEST_F(RdbFileTest, HeaderBytes) {
  StringOutput out(false);
  RdbHeader header;
  header.ctime_s = 1'699'999'000;
  write_rdb_header(out, header);
  const std::string& data = out.data();
  EXPECT_EQ(data.substr(0, 9), "REDIS0010");
  // The first aux field, as Redis writes it: 0xFA, "redis-ver", "7.0.15".
  EXPECT_EQ(data.substr(9, 18), "\xfa\x09redis-ver\x06" "7.0.15"s);
  StringOutput v12(false);
  header.version = 12;
  write_rdb_header(v12, header);
  EXPECT_EQ(v12.data().substr(0, 9), "REDIS0012");
}

TEST_F(RdbFileTest, SelectResizeAndEofBytes) {
  StringOutput out(false);
  write_select_db(out, 0);
  write_select_db(out, 100);
  write_resize_db(out, 3, 1);
  write_eof(out);
  EXPECT_EQ(out.data(), "\xfe\x00\xfe\x40\x64\xfb\x03\x01\xff"s);
}

TEST_F(RdbFileTest, KeyRecordBytes) {
  StringOutput out(false);
  record(out, *string_entry("k", "v"));
  EXPECT_EQ(out.data(), "\x00\x01k\x01v"s);
  StringOutput timed(false);
  record(timed, *string_entry("k", "v", 0x0102030405060708));
  EXPECT_EQ(timed.data(), "\xfc\x08\x07\x06\x05\x04\x03\x02\x01\x00\x01k\x01v"s);
}

TEST_F(RdbFileTest, RoundTripOfEveryType) {
  const int64_t future = kNowMs + 3'600'000;
  std::vector<EntryPtr> db0, db3;
  db0.push_back(string_entry("str", "hello"));
  db0.push_back(string_entry("int", "12345"));
  db0.push_back(string_entry("long", std::string(5000, 'x'), future));
  db0.push_back(list_entry("list", {"a", "1", "b", std::string(100, 'q')}));
  db0.push_back(set_entry("intset", {"1", "2", "3"}));
  db0.push_back(set_entry("strset", {"a", "b"}, future + 1));
  db0.push_back(zset_entry("zset", {{"m", 1.5}, {"n", -INFINITY}}));
  db0.push_back(hash_entry("hash", {{"f", "v"}, {"g", "12"}}));
  db3.push_back(string_entry("other", "x"));
  db3.push_back(zset_entry("big", {{std::string(100, 'm'), 2}}));
  const std::string file = build([&](RdbOutput& out) {
    write_select_db(out, 0);
    write_resize_db(out, db0.size(), 2);
    for (const EntryPtr& e : db0) record(out, *e);
    write_select_db(out, 3);
    write_resize_db(out, db3.size(), 0);
    for (const EntryPtr& e : db3) record(out, *e);
  });
  const RdbLoadStats s = load(file);
  EXPECT_EQ(s.version, 10);
  EXPECT_EQ(s.producer_version, "7.0.15");
  EXPECT_EQ(s.ctime_s, 1'699'999'000);
  EXPECT_EQ(s.used_mem, 3u * 1024 * 1024);
  EXPECT_FALSE(s.aof_base);
  EXPECT_EQ(s.keys_loaded, db0.size() + db3.size());
  EXPECT_EQ(s.keys_expired, 0u);
  EXPECT_EQ(s.empty_keys_skipped, 0u);
  EXPECT_FALSE(s.checksum_checked);  // only a file input is checksummed
  EXPECT_EQ(dbs[0]->size(), db0.size());
  EXPECT_EQ(dbs[3]->size(), db3.size());
  for (int i : {1, 2, 4, 15}) EXPECT_EQ(dbs[i]->size(), 0u);
  for (const EntryPtr& e : db0) {
    SCOPED_TRACE(e->key());
    KeyEntry* loaded = dbs[0]->find(e->key());
    ASSERT_NE(loaded, nullptr);
    EXPECT_EQ(describe(*loaded), describe(*e));
    EXPECT_EQ(loaded->encoding(), e->encoding());
    EXPECT_EQ(loaded->expire_at_ms(), e->expire_at_ms());
  }
  EXPECT_EQ(value_of(3, "other"), "string:x");
  EXPECT_EQ(value_of(3, "big"), describe(*db3[1]));
  EXPECT_EQ(dbs[0]->volatile_count(), 2u);
  // Redis's notices.
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0], "Loading RDB produced by version 7.0.15");
}

TEST_F(RdbFileTest, HashFieldDeadlinesNeedVersion12) {
  EntryPtr listpack = hash_entry("lp", {{"a", "1"}, {"b", "2"}}, {{"a", kNowMs + 5000}});
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 0; i < 600; ++i) many.emplace_back("f" + std::to_string(i), "v");
  EntryPtr table = hash_entry("table", many, {{"f7", kNowMs + 1}, {"f9", kNowMs + 99}});
  const std::string file = build(
      [&](RdbOutput& out) {
        write_select_db(out, 0);
        record(out, *listpack);
        record(out, *table);
      },
      12);
  const RdbLoadStats s = load(file);
  EXPECT_EQ(s.version, 12);
  EXPECT_EQ(s.keys_loaded, 2u);
  EXPECT_EQ(value_of(0, "lp"), describe(*listpack));
  EXPECT_EQ(value_of(0, "table"), describe(*table));
  EXPECT_EQ(dbs[0]->find("lp")->encoding(), Encoding::ListpackEx);
  EXPECT_EQ(dbs[0]->find("table")->encoding(), Encoding::Hashtable);
}

TEST_F(RdbFileTest, KeysBeforeAnySelectGoToDatabaseZero) {
  const std::string file = build([&](RdbOutput& out) { record(out, *string_entry("k", "v")); });
  EXPECT_EQ(load(file).keys_loaded, 1u);
  EXPECT_EQ(value_of(0, "k"), "string:v");
}

TEST_F(RdbFileTest, ExpiredKeysAreSkipped) {
  const std::string file = build([&](RdbOutput& out) {
    write_select_db(out, 0);
    record(out, *string_entry("past", "v", kNowMs - 1));
    record(out, *string_entry("now", "v", kNowMs));
    record(out, *string_entry("future", "v", kNowMs + 1));
    record(out, *set_entry("past-set", {"a", "b"}, 1));
    record(out, *string_entry("plain", "v"));
  });
  const RdbLoadStats s = load(file);
  EXPECT_EQ(s.keys_expired, 2u);
  EXPECT_EQ(s.keys_loaded, 3u);
  EXPECT_EQ(value_of(0, "past"), "(absent)");
  EXPECT_EQ(value_of(0, "past-set"), "(absent)");
  EXPECT_EQ(value_of(0, "future"), "string:v");
  EXPECT_EQ(value_of(0, "plain"), "string:v");
  ASSERT_NE(dbs[0]->find("future"), nullptr);
  EXPECT_EQ(dbs[0]->find("future")->expire_at_ms(), kNowMs + 1);
  EXPECT_FALSE(dbs[0]->find("plain")->has_expiry());
}

TEST_F(RdbFileTest, ExpiredKeysKeptWhenAsked) {
  const std::string file = build([&](RdbOutput& out) { record(out, *string_entry("past", "v", kNowMs - 1000)); });
  RdbLoadOptions options = default_options();
  options.skip_expired = false;
  const RdbLoadStats s = load(file, &options);
  EXPECT_EQ(s.keys_expired, 0u);
  EXPECT_EQ(s.keys_loaded, 1u);
  // (find() would expire it lazily: count instead.)
  EXPECT_EQ(dbs[0]->size(), 1u);
}

// Disabled: fails today (reported; src/persistence/rdb_loader.cc treats every negative
// EXPIRETIME_MS as "no TTL"). Redis 7.0 uses only -1 as "none": any other time before now,
// negative ones included, is an expired key, skipped on load (Redis 7.0.15 logs "keys
// loaded: 0, keys expired: 1" for this stream).
TEST_F(RdbFileTest, NegativeExpireTimeIsAnExpiredKey) {
  std::string body = "\xfe\x00\xfc"s + u64_le(static_cast<uint64_t>(int64_t{-5})) + "\x00\x01k\x01v"s;
  const std::string file = build([&](RdbOutput& out) { out.raw(body); });
  const RdbLoadStats s = load(file);
  EXPECT_EQ(s.keys_expired, 1u);
  EXPECT_EQ(s.keys_loaded, 0u);
  EXPECT_EQ(dbs[0]->size(), 0u);
}

TEST_F(RdbFileTest, MinusOneExpireTimeMeansNoTtl) {
  // -1 is the "no expiry" value in Redis's loader too: the key loads without a TTL.
  std::string body = "\xfe\x00\xfc"s + u64_le(~uint64_t{0}) + "\x00\x01k\x01v"s;
  const std::string file = build([&](RdbOutput& out) { out.raw(body); });
  EXPECT_EQ(load(file).keys_loaded, 1u);
  EXPECT_EQ(dbs[0]->size(), 1u);
}

TEST_F(RdbFileTest, ExpireTimeInSecondsOpcode) {
  // Opcode 253 (EXPIRETIME, seconds as u32 LE) from old files.
  const uint32_t seconds = kNowS + 100;
  std::string body = "\xfe\x00\xfd"s;
  for (int i = 0; i < 4; ++i) body.push_back(static_cast<char>((seconds >> (8 * i)) & 0xff));
  body += "\x00\x01k\x01v"s;
  const std::string file = build([&](RdbOutput& out) { out.raw(body); });
  EXPECT_EQ(load(file).keys_loaded, 1u);
  ASSERT_NE(dbs[0]->find("k"), nullptr);
  EXPECT_EQ(dbs[0]->find("k")->expire_at_ms(), int64_t{seconds} * 1000);
}

TEST_F(RdbFileTest, EmptyKeysAreSkipped) {
  const std::string file = build([&](RdbOutput& out) {
    write_select_db(out, 0);
    out.raw("\x02\x05" "empty\x00"s);  // a set with no members
    out.raw("\x04\x02" "eh\x00"s);     // a hash with no fields
    record(out, *string_entry("k", "v"));
  });
  const RdbLoadStats s = load(file);
  EXPECT_EQ(s.empty_keys_skipped, 2u);
  EXPECT_EQ(s.keys_loaded, 1u);
  EXPECT_EQ(dbs[0]->size(), 1u);
  EXPECT_EQ(value_of(0, "empty"), "(absent)");
}

TEST_F(RdbFileTest, DuplicateKeysThrow) {
  const std::string file = build([&](RdbOutput& out) {
    write_select_db(out, 2);
    record(out, *string_entry("dup", "first"));
    record(out, *string_entry("dup", "second"));
  });
  expect_load_error(file);
  // The same key in two databases is fine.
  for (auto& db : dbs) {
    std::unique_ptr<DetachedKeys> gone = db->detach_all();
    gone->dispose();
  }
  const std::string two_dbs = build([&](RdbOutput& out) {
    write_select_db(out, 0);
    record(out, *string_entry("dup", "first"));
    write_select_db(out, 1);
    record(out, *string_entry("dup", "second"));
  });
  EXPECT_EQ(load(two_dbs).keys_loaded, 2u);
}

TEST_F(RdbFileTest, DuplicateKeysReplaceWhenMerging) {
  const std::string file = build([&](RdbOutput& out) {
    record(out, *string_entry("dup", "first"));
    record(out, *string_entry("dup", "second"));
  });
  RdbLoadOptions options = default_options();
  options.replace_existing = true;
  load(file, &options);
  EXPECT_EQ(value_of(0, "dup"), "string:second");
}

TEST_F(RdbFileTest, DatabaseIndexBeyondTheCountThrows) {
  const std::string ok = build([&](RdbOutput& out) {
    write_select_db(out, 15);
    record(out, *string_entry("k", "v"));
  });
  EXPECT_EQ(load(ok).keys_loaded, 1u);
  EXPECT_EQ(value_of(15, "k"), "string:v");
  for (int index : {16, 17, 1000}) {
    const std::string file = build([&](RdbOutput& out) {
      write_select_db(out, index);
      record(out, *string_entry("k2", "v"));
    });
    expect_load_error(file);
  }
}

TEST_F(RdbFileTest, SignatureAndVersion) {
  const std::string valid = build([](RdbOutput&) {});
  EXPECT_EQ(load(valid).version, 10);
  std::string bad = valid;
  bad[0] = 'X';
  expect_load_error(bad);
  bad = valid;
  bad.replace(5, 4, "0013");
  expect_load_error(bad);
  bad.replace(5, 4, "0000");
  expect_load_error(bad);
  bad.replace(5, 4, "00a1");
  expect_load_error(bad);
  bad.replace(5, 4, "9999");
  expect_load_error(bad);
  expect_load_error("REDIS");
  expect_load_error("");
  // Every version from 1 to 12 is accepted (no trailer before version 5).
  for (int version = 1; version <= 12; ++version) {
    SCOPED_TRACE(version);
    char magic[16];
    std::snprintf(magic, sizeof magic, "REDIS%04d", version);
    std::string file = std::string(magic) + "\xfe\x00\x00\x01k\x01v\xff"s;
    if (version >= 5) file = with_trailer(file);
    for (auto& db : dbs) db->detach_all()->dispose();
    EXPECT_EQ(load(file).version, version);
    EXPECT_EQ(value_of(0, "k"), "string:v");
  }
}

TEST_F(RdbFileTest, IdleHint) {
  EntryPtr e = string_entry("k", "v");
  e->set_access_clock(kNowS - 500);
  StringOutput out(false);
  write_key_record(out, *e, AccessHint::Idle, AccessPolicy{}, kNowS);
  // IDLE (0xF8), 500 as a 14-bit length, then the key record.
  EXPECT_EQ(out.data(), "\xf8\x41\xf4\x00\x01k\x01v"s);
  // An access clock in the future means idle 0.
  EntryPtr fresh = string_entry("k2", "v");
  fresh->set_access_clock(kNowS + 10);
  write_key_record(out, *fresh, AccessHint::Idle, AccessPolicy{}, kNowS);
  const std::string file = build([&](RdbOutput& o) { o.raw(out.data()); });
  load(file);
  ASSERT_NE(dbs[0]->find("k"), nullptr);
  EXPECT_EQ(dbs[0]->find("k")->access_clock(), kNowS - 500);
  EXPECT_EQ(dbs[0]->find("k2")->access_clock(), kNowS);
}

TEST_F(RdbFileTest, FrequencyHint) {
  AccessPolicy lfu;
  lfu.lfu = true;
  EntryPtr e = string_entry("k", "v");
  e->set_lfu_counter(42);
  e->set_access_clock(kNowS);
  StringOutput out(false);
  write_key_record(out, *e, AccessHint::Frequency, lfu, kNowS);
  // FREQ (0xF9), one byte, then the key record.
  EXPECT_EQ(out.data(), "\xf9\x2a\x00\x01k\x01v"s);
  // The counter is written decayed: three idle minutes take three off.
  EntryPtr idle = string_entry("k2", "v");
  idle->set_lfu_counter(42);
  idle->set_access_clock(kNowS - 180);
  write_key_record(out, *idle, AccessHint::Frequency, lfu, kNowS);
  RdbLoadOptions options = default_options();
  options.access = lfu;
  load(build([&](RdbOutput& o) { o.raw(out.data()); }), &options);
  ASSERT_NE(dbs[0]->find("k"), nullptr);
  EXPECT_EQ(dbs[0]->find("k")->lfu_counter(), 42);
  EXPECT_EQ(dbs[0]->find("k2")->lfu_counter(), 39);
}

TEST_F(RdbFileTest, AccessHintForPolicy) {
  EXPECT_EQ(access_hint_for("allkeys-lru"), AccessHint::Idle);
  EXPECT_EQ(access_hint_for("volatile-lru"), AccessHint::Idle);
  EXPECT_EQ(access_hint_for("allkeys-lfu"), AccessHint::Frequency);
  EXPECT_EQ(access_hint_for("volatile-lfu"), AccessHint::Frequency);
  EXPECT_EQ(access_hint_for("noeviction"), AccessHint::None);
  EXPECT_EQ(access_hint_for("allkeys-random"), AccessHint::None);
  EXPECT_EQ(access_hint_for("volatile-ttl"), AccessHint::None);
}

TEST_F(RdbFileTest, ChecksumVerifiedFromFile) {
  const std::string file = build([&](RdbOutput& out) {
    write_select_db(out, 0);
    record(out, *string_entry("key", "a value of some length"));
  });
  const RdbLoadStats s = load_file(file);
  EXPECT_TRUE(s.checksum_checked);
  EXPECT_EQ(value_of(0, "key"), "string:a value of some length");
}

TEST_F(RdbFileTest, ChecksumMismatchThrows) {
  std::string file = build([&](RdbOutput& out) {
    write_select_db(out, 0);
    record(out, *string_entry("key", "a value of some length"));
  });
  // Change one byte of the value: still a valid stream, but not the one checksummed.
  const size_t at = file.find("value");
  ASSERT_NE(at, std::string::npos);
  file[at] = 'V';
  EXPECT_THROW(load_file(file), RdbFormatError);
  // A wrong trailer.
  std::string bad_trailer = build([](RdbOutput&) {});
  bad_trailer.back() = static_cast<char>(bad_trailer.back() ^ 1);
  EXPECT_THROW(load_file(bad_trailer), RdbFormatError);
  // Unless verification is off.
  RdbLoadOptions options = default_options();
  options.verify_checksum = false;
  EXPECT_FALSE(load_file(bad_trailer, &options).checksum_checked);
}

TEST_F(RdbFileTest, ZeroTrailerMeansNoChecksum) {
  std::string file = build([&](RdbOutput& out) { record(out, *string_entry("k", "v")); }, 10, false);
  file += std::string(8, '\0');
  const RdbLoadStats s = load_file(file);
  EXPECT_FALSE(s.checksum_checked);
  EXPECT_EQ(s.keys_loaded, 1u);
}

TEST_F(RdbFileTest, MissingTrailerThrows) {
  const std::string file = build([&](RdbOutput& out) { record(out, *string_entry("k", "v")); }, 10, false);
  expect_load_error(file);
  EXPECT_THROW(load_file(file), RdbFormatError);
}

TEST_F(RdbFileTest, EveryTruncationThrows) {
  const std::string file = build([&](RdbOutput& out) {
    write_select_db(out, 0);
    write_resize_db(out, 3, 1);
    record(out, *string_entry("s", "hello", kNowMs + 1000));
    record(out, *list_entry("l", {"a", "b"}));
    record(out, *hash_entry("h", {{"f", "v"}}));
    write_select_db(out, 1);
    record(out, *zset_entry("z", {{"m", 1}}));
  });
  for (size_t keep = 0; keep < file.size(); ++keep) {
    for (auto& db : dbs) db->detach_all()->dispose();
    SCOPED_TRACE(keep);
    expect_load_error(std::string_view(file).substr(0, keep));
  }
}

TEST_F(RdbFileTest, UnsupportedContentThrows) {
  auto with_body = [](std::string body) { return with_trailer("REDIS0010"s + body + "\xff"s); };
  expect_load_error(with_body("\xf7\x01" "x"s));  // module aux
  expect_load_error(with_body("\xf6\x01" "x"s));  // function library, pre-GA
  expect_load_error(with_body("\xf5\x05" "ab"s));  // function library, cut short
  expect_load_error(with_body("\x08\x01k\x00"s));  // no such type
  expect_load_error(with_body("\x0f\x01k\x00"s));  // stream
  expect_load_error(with_body("\x07\x01k\x00"s));  // module value
  expect_load_error(with_body("\xfe\x00\x00\x01k"s));  // a key without its value
}

TEST_F(RdbFileTest, FunctionLibrariesGoToTheHost) {
  const std::string bytes = with_trailer("REDIS0010"s + "\xf5\x03lib" "\xf5\x04lib2" "\xff"s);
  // Without a taker they are read and passed over.
  EXPECT_EQ(load(bytes).functions_loaded, 2u);
  std::vector<std::pair<std::string, bool>> taken;
  RdbLoadOptions options = default_options();
  options.replace_existing = true;
  options.load_function = [&](const std::string& code, bool replace) -> std::optional<std::string> {
    taken.emplace_back(code, replace);
    return std::nullopt;
  };
  EXPECT_EQ(load(bytes, &options).functions_loaded, 2u);
  EXPECT_EQ(taken, (std::vector<std::pair<std::string, bool>>{{"lib", true}, {"lib2", true}}));
  // A library the host refuses fails the load.
  options.load_function = [](const std::string&, bool) -> std::optional<std::string> { return "no"; };
  expect_load_error(bytes, &options);
}

TEST_F(RdbFileTest, AuxFieldsAreRead) {
  std::string body = "REDIS0010"s;
  auto aux = [&](std::string_view name, std::string_view value) {
    StringOutput out(false);
    out.byte(rdb::kOpAux);
    out.string(name);
    out.string(value);
    body += out.data();
  };
  aux("redis-ver", "6.2.14");
  aux("ctime", "1600000000");
  aux("used-mem", "1048576");
  aux("aof-base", "1");
  aux("lua", "return 1");  // an unknown aux field is ignored
  aux("repl-id", "0123456789abcdef0123456789abcdef01234567");
  body += "\xff"s;
  const RdbLoadStats s = load(with_trailer(body));
  EXPECT_EQ(s.producer_version, "6.2.14");
  EXPECT_EQ(s.ctime_s, 1600000000);
  EXPECT_EQ(s.used_mem, 1048576u);
  EXPECT_TRUE(s.aof_base);
  EXPECT_EQ(s.keys_loaded, 0u);
}

TEST_F(RdbFileTest, StepsInSlices) {
  const std::string file = build([&](RdbOutput& out) {
    for (int i = 0; i < 2000; ++i) record(out, *string_entry("key:" + std::to_string(i), std::to_string(i)));
  });
  MemoryInput in(file);
  RdbLoader loader(in, db_pointers(), default_options(), nullptr);
  loader.begin();
  // A zero budget still makes progress; keep stepping until done.
  int steps = 0;
  while (!loader.step(0)) {
    ++steps;
    ASSERT_LT(steps, 100000);
  }
  EXPECT_TRUE(loader.step(0));  // done stays done
  EXPECT_EQ(loader.stats().keys_loaded, 2000u);
  EXPECT_EQ(dbs[0]->size(), 2000u);
}

// dump.rdb written by Redis 7.0.15 after: SET s hello; SET n 12345; RPUSH l a 1 b;
// SADD si 1 2 3; ZADD z 1.5 m; HSET h f v; SET t v; PEXPIREAT t 4102444800000;
// SELECT 1; SET other x; SAVE.
constexpr std::string_view kRedisSmallRdb =
    "524544495330303130fa0972656469732d76657206372e302e3135fa0a72656469732d62697473c040fa056374696d65c27880156bfa"
    "08757365642d6d656dc2a03d1300fa08616f662d62617365c000fe00fb070111017a0f0f0000000200816d0283312e3504ff100168"
    "0d0d0000000200816602817602ff0b0273690e0200000003000000010002000300fc00d8c32cbb03000000017401760001730568656c"
    "6c6f00016ec1393012016c01020f0f00000003008161020101816202fffe01fb010000056f746865720178ff7d0f88a2801390f7";

// The same server under allkeys-lfu: SET a 1; GET a; SET b 2; SAVE (FREQ opcodes).
constexpr std::string_view kRedisLfuRdb =
    "524544495330303130fa0972656469732d76657206372e302e3135fa0a72656469732d62697473c040fa056374696d65c27880156bfa"
    "08757365642d6d656dc2b09c1300fa08616f662d62617365c000fe00fb0200f900000162c002f901000161c001ff193b89daceb1782c";

TEST_F(RdbFileTest, LoadsRedisFile) {
  const std::string file = from_hex(kRedisSmallRdb);
  ASSERT_EQ(file.size(), 213u);
  const RdbLoadStats s = load_file(file);
  EXPECT_TRUE(s.checksum_checked);
  EXPECT_EQ(s.version, 10);
  EXPECT_EQ(s.producer_version, "7.0.15");
  EXPECT_EQ(s.keys_loaded, 8u);
  EXPECT_EQ(value_of(0, "s"), "string:hello");
  EXPECT_EQ(value_of(0, "n"), "string:12345");
  EXPECT_EQ(dbs[0]->find("n")->encoding(), Encoding::Int);
  EXPECT_EQ(value_of(0, "l"), "list:a,1,b,");
  EXPECT_EQ(value_of(0, "si"), "set:1,2,3,");
  EXPECT_EQ(dbs[0]->find("si")->encoding(), Encoding::Intset);
  EXPECT_EQ(value_of(0, "z"), "zset:m=1.5,");
  EXPECT_EQ(value_of(0, "h"), "hash:f=v,");
  EXPECT_EQ(value_of(0, "t"), "string:v");
  EXPECT_EQ(dbs[0]->find("t")->expire_at_ms(), 4102444800000);
  EXPECT_EQ(value_of(1, "other"), "string:x");
  EXPECT_EQ(dbs[0]->size(), 7u);
  EXPECT_EQ(dbs[1]->size(), 1u);
}

TEST_F(RdbFileTest, RedisFileCorruptedAnywhereIsRefused) {
  const std::string good = from_hex(kRedisSmallRdb);
  // Flip one bit per byte position: the checksum (or the format) must catch each.
  for (size_t at = 0; at < good.size(); ++at) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    for (auto& db : dbs) db->detach_all()->dispose();
    SCOPED_TRACE(at);
    EXPECT_THROW(load_file(bad), RdbFormatError);
  }
}

TEST_F(RdbFileTest, LoadsRedisFileWithFrequencies) {
  RdbLoadOptions options = default_options();
  options.access.lfu = true;
  const RdbLoadStats s = load_file(from_hex(kRedisLfuRdb), &options);
  EXPECT_TRUE(s.checksum_checked);
  EXPECT_EQ(s.keys_loaded, 2u);
  EXPECT_EQ(value_of(0, "a"), "string:1");
  EXPECT_EQ(value_of(0, "b"), "string:2");
  EXPECT_EQ(dbs[0]->find("a")->lfu_counter(), 1);
  EXPECT_EQ(dbs[0]->find("b")->lfu_counter(), 0);
}

TEST_F(RdbFileTest, CorvidFileHasRedisTrailer) {
  // The trailer Corvid computes for Redis's own file body is Redis's trailer.
  const std::string file = from_hex(kRedisSmallRdb);
  const std::string body = file.substr(0, file.size() - 8);
  EXPECT_EQ(with_trailer(body), file);
}

}  // namespace
}  // namespace corvid
