// Streams with consumer groups through the RDB value writer and reader
// (persistence/value_writer.h, persistence/value_reader.h): a round trip keeps every group,
// consumer and pending entry; a payload Redis 7.0.15 wrote (DUMP) reads and writes back
// byte for byte; types 15 (no entries read stored) and 21 (Redis 7.2's consumer active
// time) read; and payloads whose PELs disagree, or that are cut short, are refused with
// RdbFormatError (RESTORE payloads come from clients). Also the groups in an AOF base
// without preamble (persistence/aof_rewrite_format.h), as Redis 7.0.15 writes them.

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/stream.h"
#include "core/stream_group.h"
#include "db/stream_value.h"
#include "db/value_limits.h"
#include "persistence/aof_rewrite_format.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_input.h"
#include "persistence/rdb_output.h"
#include "persistence/value_reader.h"
#include "persistence/value_writer.h"
#include "test_support.h"

using namespace std::literals;

namespace corvid {
namespace {

using testing_support::EntryPtr;
using testing_support::from_hex;
using testing_support::to_hex;

const ValueLimits kLimits{};

// --- building and describing streams

const StreamValue& stream_of(const EntryPtr& e) { return e->object_as<StreamValue>(); }

EntryPtr stream_entry(std::unique_ptr<StreamValue> value) {
  return EntryPtr(KeyEntry::create_object("k", ValueType::Stream, std::move(value), KeyEntry::kNoExpiry));
}

// Entries 1-1 .. n-1 with one field each.
std::unique_ptr<StreamValue> stream_with_entries(uint64_t n) {
  auto value = std::make_unique<StreamValue>();
  for (uint64_t i = 1; i <= n; ++i) {
    const std::string v = std::to_string(i);
    const Stream::FieldValue fields[] = {{"f", v}};
    value->stream().append(StreamID{i, 1}, fields, StreamLimits{});
  }
  return value;
}

StreamGroup& add_group(StreamValue& value, std::string name, StreamID last_id, int64_t entries_read) {
  return value.groups().try_emplace(std::move(name), last_id, entries_read).first->second;
}

// Everything a round trip must keep, as comparable text.
std::string describe(const KeyEntry& e) {
  const StreamValue& value = e.object_as<StreamValue>();
  const Stream& s = value.stream();
  std::ostringstream out;
  out << "length " << s.length() << " last " << s.last_id().text() << " first " << s.first_id().text()
      << " max-deleted " << s.max_deleted_id().text() << " added " << s.entries_added() << "\n";
  s.visit(StreamID::min(), StreamID::max(), false, [&](const Stream::Entry& entry) {
    out << entry.id.text();
    for (const auto& [f, v] : entry.fields) out << " " << f << "=" << v;
    out << "\n";
    return true;
  });
  for (const auto& [name, group] : value.groups()) {
    out << "group [" << name << "] last " << group.last_id().text() << " read " << group.entries_read() << "\n";
    for (const auto& [id, p] : group.pending()) {
      out << "  pel " << id.text() << " @" << p.delivery_time_ms << " x" << p.delivery_count << " owner ["
          << (p.owner ? p.owner->name : "<none>") << "]\n";
    }
    for (const auto& [cname, c] : group.consumers()) {
      out << "  consumer [" << cname << "/" << c.name << "] seen " << c.seen_time_ms << ":";
      for (StreamID id : c.pending) out << " " << id.text();
      out << "\n";
    }
  }
  return out.str();
}

std::string serialize(const KeyEntry& e, bool compress) {
  StringOutput out(compress);
  write_value(out, e);
  return std::move(out.data());
}

EntryPtr deserialize(std::string_view payload) {
  MemoryInput in(payload);
  const uint8_t type = in.byte();
  EntryPtr e(read_value(in, type, "k", KeyEntry::kNoExpiry, kLimits));
  EXPECT_EQ(in.remaining(), 0u) << "payload not consumed";
  return e;
}

// The reader's refusal (as the error text, to name it in a failure), or "" if it read.
std::string refusal(std::string_view payload) {
  try {
    MemoryInput in(payload);
    const uint8_t type = in.byte();
    EntryPtr e(read_value(in, type, "k", KeyEntry::kNoExpiry, kLimits));
    return in.remaining() == 0 ? "" : "(trailing bytes)";
  } catch (const RdbFormatError& error) {
    return error.what();
  }
}

// Three groups: one with consumers holding entries (one of them deleted from the stream
// since), one with an idle consumer and unknown entries read, one empty; names that sort
// differently as text and numbers, one integer-encoded.
EntryPtr grouped_stream() {
  auto value = stream_with_entries(6);
  value->stream().remove(StreamID{2, 1});
  StreamGroup& g = add_group(*value, "g1", StreamID{5, 1}, 5);
  StreamConsumer* alice = g.add_consumer("alice", 1700000000123);
  StreamConsumer* bob = g.add_consumer("bob", 1700000000456);
  g.add_consumer("carol", 1700000000789);  // idle: nothing pending
  g.assign(StreamID{1, 1}, *alice, 1700000000100, 1);
  g.assign(StreamID{2, 1}, *alice, 1700000000200, 3);  // deleted from the stream, still pending
  g.assign(StreamID{4, 1}, *bob, 1700000000300, 0);    // XCLAIM ... RETRYCOUNT 0
  g.assign(StreamID{5, 1}, *bob, 1700000000400, UINT64_MAX >> 1);
  StreamGroup& unknown = add_group(*value, "123", StreamID{3, 1}, Stream::kUnknownEntriesRead);
  unknown.add_consumer("1000", 42);
  add_group(*value, "empty", StreamID{}, 0);
  return stream_entry(std::move(value));
}

TEST(StreamGroupSerialization, RoundTripKeepsGroupsConsumersAndPending) {
  EntryPtr original = grouped_stream();
  for (bool compress : {false, true}) {
    SCOPED_TRACE(compress ? "compressed" : "plain");
    const std::string payload = serialize(*original, compress);
    EXPECT_EQ(static_cast<uint8_t>(payload[0]), rdb::kStreamListpacks2);
    EntryPtr copy = deserialize(payload);
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(describe(*copy), describe(*original));
    EXPECT_EQ(serialize(*copy, compress), payload);
    // Each pending entry points at the copy's own consumer, which lists it.
    for (const auto& [name, group] : stream_of(copy).groups()) {
      for (const auto& [id, p] : group.pending()) {
        ASSERT_NE(p.owner, nullptr);
        EXPECT_EQ(p.owner, &group.consumers().at(p.owner->name));
        EXPECT_TRUE(p.owner->pending.contains(id));
      }
    }
  }
}

TEST(StreamGroupSerialization, EmptyStreamWithAGroup) {
  // XGROUP CREATE ... MKSTREAM: a stream with no entries at all, kept for its group.
  auto value = std::make_unique<StreamValue>();
  add_group(*value, "g", StreamID{}, Stream::kUnknownEntriesRead);
  EntryPtr original = stream_entry(std::move(value));
  const std::string payload = serialize(*original, false);
  // Redis 7.0.15's DUMP of XGROUP CREATE nokey g 0 MKSTREAM, without version and CRC.
  EXPECT_EQ(to_hex(payload),
            "13"
            "000000000000000000"
            "01"
            "0167"
            "0000"
            "81ffffffffffffffff"
            "0000");
  EntryPtr copy = deserialize(payload);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(describe(*copy), describe(*original));
}

// DUMP of a stream built in redis-server 7.0.15 (entries 1-1, 2-0, 3-0; group "123" made
// with $ (entries read unknown); group g1 read by alice (1-1, 2-0), 2-0 XCLAIMed by bob
// with TIME 1700000000000 RETRYCOUNT 5, carol made by CREATECONSUMER, then 1-1 XDELed),
// without its version and CRC trailer. The node listpack is LZF-compressed.
constexpr std::string_view kRedisDump =
    "13011000000000000000010000000000000001c3363c073c000000180002014000078161020001030100200102010104600501dfff"
    "201a05816202020106200f0002a00f02630203200f00ff020300020001010302c07b030081ffffffffffffffff00000267310200"
    "02020000000000000001000000000000000132b8b34da2010000010000000000000002000000000000000000"
    "68e5cf8b010000050305616c69636532b8b34da20100000100000000000000010000000000000001"
    "03626f623eb8b34da20100000100000000000000020000000000000000056361726f6c4bb8b34da201000000";

TEST(StreamGroupSerialization, RedisPayloadReadsAndWritesBackByteForByte) {
  const std::string payload = from_hex(kRedisDump);
  EntryPtr e = deserialize(payload);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(describe(*e),
            "length 2 last 3-0 first 2-0 max-deleted 1-1 added 3\n"
            "2-0 b=2\n"
            "3-0 c=3\n"
            "group [123] last 3-0 read -1\n"
            "group [g1] last 2-0 read 2\n"
            "  pel 1-1 @1796599953458 x1 owner [alice]\n"
            "  pel 2-0 @1700000000000 x5 owner [bob]\n"
            "  consumer [alice/alice] seen 1796599953458: 1-1\n"
            "  consumer [bob/bob] seen 1796599953470: 2-0\n"
            "  consumer [carol/carol] seen 1796599953483:\n");
  EXPECT_EQ(to_hex(serialize(*e, true)), to_hex(payload));
}

// --- other stream types, and damaged payloads, built record by record

std::string le64(int64_t v) {
  StringOutput out(false);
  out.millis(v);
  return std::move(out.data());
}
std::string len(uint64_t n) {
  StringOutput out(false);
  out.length(n);
  return std::move(out.data());
}
std::string str(std::string_view s) {
  StringOutput out(false);
  out.string(s);
  return std::move(out.data());
}
std::string raw_id(uint64_t ms, uint64_t seq) {
  std::string key(16, '\0');
  for (int i = 0; i < 8; ++i) {
    key[static_cast<size_t>(i)] = static_cast<char>(ms >> (56 - 8 * i));
    key[static_cast<size_t>(8 + i)] = static_cast<char>(seq >> (56 - 8 * i));
  }
  return key;
}

// A type-`type` payload up to (not including) the consumer group count: the stream of
// `entries` (1-1 .. n-1) as the writer lays it out, with the numbers each type stores.
std::string stream_head(uint8_t type, uint64_t entries) {
  EntryPtr e = stream_entry(stream_with_entries(entries));
  std::string v2 = serialize(*e, false);
  v2.pop_back();  // the group count (0)
  if (type == rdb::kStreamListpacks2) return v2;
  if (type == rdb::kStreamListpacks3) return "\x15"s + v2.substr(1);
  // Type 15 stops after the length and last ID: drop first ID, max deleted ID and entries
  // added (all one-byte lengths for these small streams).
  return "\x0f"s + v2.substr(1, v2.size() - 1 - 5);
}

// One group record for type 19: name, last ID, entries read, then the PEL and consumers
// given as already-encoded bytes.
std::string group(std::string_view name, StreamID last, uint64_t entries_read, std::string_view pel,
                  std::string_view consumers) {
  return str(name) + len(last.ms) + len(last.seq) + len(entries_read) + std::string(pel) + std::string(consumers);
}
std::string pel_entry(uint64_t ms, uint64_t seq, int64_t time, uint64_t count) {
  return raw_id(ms, seq) + le64(time) + len(count);
}
std::string consumer(std::string_view name, int64_t seen, const std::vector<std::pair<uint64_t, uint64_t>>& ids) {
  std::string out = str(name) + le64(seen) + len(ids.size());
  for (const auto& [ms, seq] : ids) out += raw_id(ms, seq);
  return out;
}

TEST(StreamGroupSerialization, HandBuiltPayloadMatchesTheWriter) {
  // The same bytes the writer gives, which is the layout checked against Redis above.
  auto value = stream_with_entries(2);
  StreamGroup& g = add_group(*value, "g", StreamID{2, 1}, 2);
  g.assign(StreamID{1, 1}, *g.add_consumer("c", 77), 66, 2);
  g.add_consumer("d", 88);
  EntryPtr e = stream_entry(std::move(value));
  const std::string hand = stream_head(rdb::kStreamListpacks2, 2) + len(1) +
                           group("g", {2, 1}, 2, len(1) + pel_entry(1, 1, 66, 2),
                                 len(2) + consumer("c", 77, {{1, 1}}) + consumer("d", 88, {}));
  EXPECT_EQ(to_hex(serialize(*e, false)), to_hex(hand));
}

TEST(StreamGroupSerialization, Type15EstimatesEntriesRead) {
  // Redis 5/6 files store no entries read: it is worked out from the last ID where the
  // stream allows (no deletions here), and unknown (-1) in the middle of the entries.
  auto no_pel = [](std::string_view name, StreamID last) {
    return str(name) + len(last.ms) + len(last.seq) + len(0) + len(0);
  };
  const std::string payload = stream_head(rdb::kStreamListpacks, 3) + len(3) + no_pel("at-end", {3, 1}) +
                              no_pel("before", {0, 0}) + no_pel("middle", {2, 1});
  EntryPtr e = deserialize(payload);
  ASSERT_NE(e, nullptr);
  const auto& groups = stream_of(e).groups();
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups.at("at-end").entries_read(), 3);
  EXPECT_EQ(groups.at("before").entries_read(), 0);
  EXPECT_EQ(groups.at("middle").entries_read(), Stream::kUnknownEntriesRead);
  EXPECT_EQ(groups.at("middle").last_id(), (StreamID{2, 1}));
}

TEST(StreamGroupSerialization, Type21ConsumerActiveTimeIsReadAndDropped) {
  const std::string consumers = len(2) + str("c") + le64(1000) + le64(999) + len(1) + raw_id(1, 1) + str("idle") +
                                le64(2000) + le64(1500) + len(0);
  const std::string payload = stream_head(rdb::kStreamListpacks3, 2) + len(1) +
                              group("g", {1, 1}, 1, len(1) + pel_entry(1, 1, 500, 4), consumers);
  EntryPtr e = deserialize(payload);
  ASSERT_NE(e, nullptr);
  const StreamGroup& g = stream_of(e).groups().at("g");
  EXPECT_EQ(g.consumers().at("c").seen_time_ms, 1000);
  EXPECT_EQ(g.consumers().at("idle").seen_time_ms, 2000);
  EXPECT_EQ(g.pending().at(StreamID{1, 1}).delivery_count, 4u);
  EXPECT_EQ(g.pending().at(StreamID{1, 1}).owner->name, "c");
  // Written back as Redis 7.0's type 19.
  EXPECT_EQ(static_cast<uint8_t>(serialize(*e, false)[0]), rdb::kStreamListpacks2);
}

TEST(StreamGroupSerialization, InconsistentGroupsAreRefused) {
  const std::string head = stream_head(rdb::kStreamListpacks2, 3);
  const std::string one_pel = len(1) + pel_entry(1, 1, 10, 1);
  struct Case {
    const char* what;
    std::string groups;
    std::string_view reason;  // part of the error text
  };
  const std::vector<Case> cases = {
      {"duplicate group name", len(2) + group("g", {1, 1}, 1, len(0), len(0)) + group("g", {2, 1}, 2, len(0), len(0)),
       "duplicated stream consumer group name"},
      {"duplicate integer-encoded group name",
       len(2) + group("7", {1, 1}, 1, len(0), len(0)) +
           "\x01"
           "7" +
           len(1) + len(1) + len(1) + len(0) + len(0),
       "duplicated stream consumer group name"},
      {"duplicate consumer name",
       len(1) + group("g", {1, 1}, 1, len(0), len(2) + consumer("c", 1, {}) + consumer("c", 2, {})),
       "duplicated stream consumer name"},
      {"duplicate group PEL ID",
       len(1) + group("g", {1, 1}, 1, len(2) + pel_entry(1, 1, 10, 1) + pel_entry(1, 1, 20, 2),
                      len(1) + consumer("c", 1, {{1, 1}})),
       "duplicated stream group PEL entry"},
      {"consumer PEL ID missing from the group PEL",
       len(1) + group("g", {2, 1}, 2, one_pel, len(1) + consumer("c", 1, {{1, 1}, {2, 1}})), "not in the group PEL"},
      {"consumer PEL ID with an empty group PEL",
       len(1) + group("g", {2, 1}, 2, len(0), len(1) + consumer("c", 1, {{1, 1}})), "not in the group PEL"},
      {"one ID held by two consumers",
       len(1) + group("g", {1, 1}, 1, one_pel, len(2) + consumer("a", 1, {{1, 1}}) + consumer("b", 1, {{1, 1}})),
       "listed by consumers twice"},
      {"one ID twice in a consumer's PEL",
       len(1) + group("g", {1, 1}, 1, one_pel, len(1) + consumer("a", 1, {{1, 1}, {1, 1}})),
       "listed by consumers twice"},
      {"group PEL entry owned by no consumer",
       len(1) + group("g", {2, 1}, 2, len(2) + pel_entry(1, 1, 10, 1) + pel_entry(2, 1, 10, 1),
                      len(1) + consumer("c", 1, {{1, 1}})),
       "without a consumer"},
      {"group PEL entry and no consumers at all", len(1) + group("g", {1, 1}, 1, one_pel, len(0)),
       "without a consumer"},
      {"entries read below -1", len(1) + group("g", {1, 1}, uint64_t{1} << 63, len(0), len(0)),
       "invalid stream group entries read"},
      {"entries read of -2", len(1) + group("g", {1, 1}, UINT64_MAX - 1, len(0), len(0)),
       "invalid stream group entries read"},
      {"more groups than bytes", len(uint64_t{1} << 40) + group("g", {1, 1}, 1, len(0), len(0)), kShortRead},
      {"more PEL entries than bytes", len(1) + group("g", {1, 1}, 1, len(1000), len(0)), kShortRead},
      {"more consumers than bytes", len(1) + group("g", {1, 1}, 1, len(0), len(UINT32_MAX)), kShortRead},
      {"more consumer PEL IDs than bytes",
       len(1) + group("g", {1, 1}, 1, one_pel, len(1) + str("c") + le64(1) + len(5) + raw_id(1, 1)), kShortRead},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_NE(refusal(head + c.groups).find(c.reason), std::string::npos) << refusal(head + c.groups);
  }
  // The consistent forms of the same records read.
  EXPECT_EQ(refusal(head + len(1) + group("g", {1, 1}, 1, one_pel, len(1) + consumer("a", 1, {{1, 1}}))), "");
  EXPECT_EQ(refusal(head + len(1) + group("g", {1, 1}, UINT64_MAX, len(0), len(0))), "");
  EXPECT_EQ(refusal(head + len(1) + group("g", {1, 1}, INT64_MAX, len(0), len(0))), "");
}

TEST(StreamGroupSerialization, EveryTruncationIsRefused) {
  EntryPtr original = grouped_stream();
  const std::string payload = serialize(*original, false);
  for (size_t cut = 0; cut < payload.size(); ++cut) {
    SCOPED_TRACE(cut);
    EXPECT_NE(refusal(std::string_view(payload).substr(0, cut)), "");
  }
}

TEST(StreamGroupSerialization, CorruptedBytesNeverCrash) {
  // Flipping each byte of the groups section in turn: whatever the reader makes of it, it
  // either refuses or builds a consistent value (checked by writing it again and
  // reading that back), and ASan/LSan see no fault or leak.
  EntryPtr original = grouped_stream();
  const std::string payload = serialize(*original, false);
  const size_t groups_from = stream_head(rdb::kStreamListpacks2, 6).size() - 20;  // some slack before
  for (size_t at = groups_from; at < payload.size(); ++at) {
    for (uint8_t flip : {0x01, 0x80, 0xff}) {
      std::string damaged = payload;
      damaged[at] = static_cast<char>(damaged[at] ^ flip);
      if (!refusal(damaged).empty()) continue;
      EntryPtr e = deserialize(damaged);
      if (e == nullptr) continue;
      const std::string again = serialize(*e, false);
      EntryPtr reread = deserialize(again);
      ASSERT_NE(reread, nullptr);
      EXPECT_EQ(describe(*reread), describe(*e));
    }
  }
}

TEST(StreamGroupSerialization, AofRewriteWritesGroupsAsRedisDoes) {
  // Redis 7.0.15's base file for: XADD s 1-1 a 1, 2-0 b 2, 3-0 c 3; XGROUP CREATE s g1 0;
  // XGROUP CREATE s 123 $; XREADGROUP GROUP g1 alice COUNT 2 (1-1, 2-0); XGROUP
  // CREATECONSUMER s g1 bob; XDEL s 2-0 (still pending, and claimed all the same).
  auto value = std::make_unique<StreamValue>();
  for (uint64_t i = 1; i <= 3; ++i) {
    const std::string field(1, static_cast<char>('a' + i - 1));
    const std::string v = std::to_string(i);
    const Stream::FieldValue fields[] = {{field, v}};
    value->stream().append(StreamID{i, i == 1 ? 1u : 0u}, fields, StreamLimits{});
  }
  value->stream().remove(StreamID{2, 0});
  add_group(*value, "123", StreamID{3, 0}, Stream::kUnknownEntriesRead);
  StreamGroup& g1 = add_group(*value, "g1", StreamID{2, 0}, 2);
  StreamConsumer* alice = g1.add_consumer("alice", 1796599874603);
  g1.assign(StreamID{1, 1}, *alice, 1796599874603, 1);
  g1.assign(StreamID{2, 0}, *alice, 1796599874603, 1);
  g1.add_consumer("bob", 1796599874609);
  EntryPtr e(KeyEntry::create_object("s", ValueType::Stream, std::move(value), KeyEntry::kNoExpiry));
  StringOutput out(false);
  write_key_as_commands(out, *e);
  auto resp = [](std::initializer_list<std::string_view> argv) {
    std::string r = "*" + std::to_string(argv.size()) + "\r\n";
    for (std::string_view a : argv) r += "$" + std::to_string(a.size()) + "\r\n" + std::string(a) + "\r\n";
    return r;
  };
  const std::string expected =
      resp({"XADD", "s", "1-1", "a", "1"}) + resp({"XADD", "s", "3-0", "c", "3"}) +
      resp({"XSETID", "s", "3-0", "ENTRIESADDED", "3", "MAXDELETEDID", "2-0"}) +
      resp({"XGROUP", "CREATE", "s", "123", "3-0", "ENTRIESREAD", "-1"}) +
      resp({"XGROUP", "CREATE", "s", "g1", "2-0", "ENTRIESREAD", "2"}) +
      resp({"XCLAIM", "s", "g1", "alice", "0", "1-1", "TIME", "1796599874603", "RETRYCOUNT", "1", "JUSTID", "FORCE"}) +
      resp({"XCLAIM", "s", "g1", "alice", "0", "2-0", "TIME", "1796599874603", "RETRYCOUNT", "1", "JUSTID", "FORCE"}) +
      resp({"XGROUP", "CREATECONSUMER", "s", "g1", "bob"});
  EXPECT_EQ(out.data(), expected);
}

}  // namespace
}  // namespace corvid
