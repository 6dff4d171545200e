// Unit tests for core/stream and core/redis_listpack: entries in, ranges out both ways,
// deletion, trimming, and node boundaries. The expected lengths after XTRIM MAXLEN ~ come
// from redis-server 7.0.15 running the same XADDs: they hold only if nodes fill and split
// exactly where Redis's do (by entries and by listpack bytes).

#include "core/stream.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using corvid::RedisListpack;
using corvid::Stream;
using corvid::StreamID;

std::vector<StreamID> ids(const Stream& s, StreamID start = StreamID::min(), StreamID end = StreamID::max(),
                          bool reverse = false) {
  std::vector<StreamID> out;
  s.visit(start, end, reverse, [&](const Stream::Entry& e) {
    out.push_back(e.id);
    return true;
  });
  return out;
}

void add(Stream& s, uint64_t ms, std::string_view field, std::string_view value, const Stream::Limits& limits = {}) {
  const Stream::FieldValue fv[] = {{field, value}};
  s.append(StreamID{ms, 0}, fv, limits);
}

// n entries "i-0" (i from 1) with one field, values of `size` bytes (or the index).
Stream filled(int n, size_t size, bool varied_fields = false) {
  Stream s;
  for (int i = 0; i < n; ++i) {
    const std::string field = varied_fields ? "f" + std::to_string(i % 3) : "f";
    const std::string value = size ? std::string(size, 'v') : std::to_string(i);
    add(s, static_cast<uint64_t>(i + 1), field, value);
  }
  return s;
}

uint64_t trimmed_length(Stream s, uint64_t max_length, bool approximate = true) {
  Stream::Trim trim;
  trim.strategy = Stream::Trim::Strategy::MaxLen;
  trim.max_length = max_length;
  trim.approximate = approximate;
  s.trim(trim);
  return s.length();
}

TEST(RedisListpack, ElementsRoundTrip) {
  RedisListpack lp;
  const std::vector<std::string> values = {"0", "127", "128", "-1", "4095", "-4096", "32767", "8388607",
                                           "2147483647", "-9223372036854775808", "abc", "", "007",
                                           std::string(100, 'x'), std::string(5000, 'y')};
  for (const std::string& v : values) lp.push_back(v);
  EXPECT_EQ(lp.count(), values.size());
  size_t i = 0;
  for (RedisListpack::Pos p = lp.first(); p != lp.end(); p = lp.next(p), ++i) {
    const RedisListpack::Element e = lp.read(p);
    EXPECT_EQ(e.is_int ? std::to_string(e.integer) : std::string(e.bytes), values[i]);
  }
  EXPECT_EQ(i, values.size());
  // Backwards too.
  RedisListpack::Pos p = lp.end();
  for (size_t j = values.size(); j-- > 0;) {
    p = lp.prev(p);
    const RedisListpack::Element e = lp.read(p);
    EXPECT_EQ(e.is_int ? std::to_string(e.integer) : std::string(e.bytes), values[j]);
  }
  EXPECT_EQ(p, lp.first());
  // Replacing an integer with a wider one moves what follows.
  lp.replace_int(lp.first(), 100000);
  EXPECT_EQ(lp.read_int(lp.first()), 100000);
  EXPECT_EQ(lp.read(lp.next(lp.first())).integer, 127);
  EXPECT_EQ(lp.raw().size(), lp.bytes());
  EXPECT_EQ(static_cast<uint8_t>(lp.raw()[0]) | (static_cast<uint8_t>(lp.raw()[1]) << 8), lp.bytes());
}

TEST(Stream, AppendAndRanges) {
  Stream s;
  add(s, 1, "a", "1");
  add(s, 2, "a", "2");
  add(s, 3, "b", "3");  // other field names than the master entry's
  ASSERT_EQ(s.length(), 3u);
  EXPECT_EQ(ids(s), (std::vector<StreamID>{{1, 0}, {2, 0}, {3, 0}}));
  EXPECT_EQ(ids(s, {2, 0}, StreamID::max(), true), (std::vector<StreamID>{{3, 0}, {2, 0}}));
  std::vector<std::pair<std::string, std::string>> third;
  s.visit({3, 0}, {3, 0}, false, [&](const Stream::Entry& e) {
    third = e.fields;
    return true;
  });
  EXPECT_EQ(third, (std::vector<std::pair<std::string, std::string>>{{"b", "3"}}));
  EXPECT_EQ(s.first_id(), (StreamID{1, 0}));
  EXPECT_EQ(s.last_id(), (StreamID{3, 0}));
  EXPECT_EQ(s.entries_added(), 3u);
}

TEST(Stream, RemoveMarksAndDropsEmptyNodes) {
  Stream s = filled(150, 0);
  EXPECT_EQ(s.node_count(), 2u);
  EXPECT_TRUE(s.remove({1, 0}));
  EXPECT_FALSE(s.remove({1, 0}));
  EXPECT_FALSE(s.remove({999, 0}));
  EXPECT_EQ(s.first_id(), (StreamID{2, 0}));
  EXPECT_EQ(s.max_deleted_id(), (StreamID{1, 0}));
  for (uint64_t i = 101; i <= 150; ++i) EXPECT_TRUE(s.remove({i, 0}));
  EXPECT_EQ(s.node_count(), 1u);
  EXPECT_EQ(s.length(), 99u);
  EXPECT_EQ(s.last_id(), (StreamID{150, 0}));  // the last ID stays
}

TEST(Stream, NodeBoundariesMatchRedis) {
  EXPECT_EQ(trimmed_length(filled(250, 0), 120), 150u);
  EXPECT_EQ(trimmed_length(filled(10, 1000), 1), 2u);
  EXPECT_EQ(trimmed_length(filled(40, 100), 1), 4u);
  EXPECT_EQ(trimmed_length(filled(40, 100, true), 1), 5u);
  EXPECT_EQ(trimmed_length(filled(300, 5), 1), 100u);
  EXPECT_EQ(trimmed_length(filled(300, 200), 1), 15u);
}

TEST(Stream, ExactTrimAndMinId) {
  EXPECT_EQ(trimmed_length(filled(250, 0), 120, false), 120u);
  Stream s = filled(250, 0);
  Stream::Trim trim;
  trim.strategy = Stream::Trim::Strategy::MinId;
  trim.min_id = {130, 0};
  EXPECT_EQ(s.trim(trim), 129);
  EXPECT_EQ(s.first_id(), (StreamID{130, 0}));
  EXPECT_EQ(ids(s).front(), (StreamID{130, 0}));
  // A limit stops before a node that would go past it.
  Stream limited = filled(250, 0);
  Stream::Trim bounded;
  bounded.strategy = Stream::Trim::Strategy::MaxLen;
  bounded.approximate = true;
  bounded.limit = 150;
  EXPECT_EQ(limited.trim(bounded), 100);
  EXPECT_EQ(limited.length(), 150u);
}

TEST(StreamID, StepsAndText) {
  StreamID id{5, UINT64_MAX};
  EXPECT_TRUE(id.increment());
  EXPECT_EQ(id, (StreamID{6, 0}));
  EXPECT_TRUE(id.decrement());
  EXPECT_EQ(id, (StreamID{5, UINT64_MAX}));
  StreamID top = StreamID::max();
  EXPECT_FALSE(top.increment());
  StreamID bottom = StreamID::min();
  EXPECT_FALSE(bottom.decrement());
  EXPECT_EQ((StreamID{12, 3}).text(), "12-3");
}

}  // namespace
