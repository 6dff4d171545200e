// Unit tests for core/stream_group (a group's consumers and pending entries list) and the
// numbers a stream gives the group rules: entries_read_at, may_have_deleted_from and the
// radix-tree node count XINFO reports (small cases worked by hand from how Redis's radix
// tree stores 16-byte keys; larger ones are compared with redis-server in the differential
// cases and random sequences).

#include "core/stream_group.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using corvid::Stream;
using corvid::StreamGroup;
using corvid::StreamID;

void add(Stream& s, StreamID id, const Stream::Limits& limits = {}) {
  const Stream::FieldValue fv[] = {{"f", "v"}};
  s.append(id, fv, limits);
}

TEST(StreamGroup, AssignMovesBetweenConsumersAndAcknowledges) {
  StreamGroup g(StreamID{}, 0);
  auto* alice = g.add_consumer("alice", 10);
  auto* bob = g.add_consumer("bob", 20);
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(g.add_consumer("alice", 30), nullptr);
  EXPECT_EQ(g.find_consumer("alice")->seen_time_ms, 10);
  g.assign({1, 0}, *alice, 100, 1);
  g.assign({2, 0}, *alice, 100, 1);
  g.assign({2, 0}, *bob, 200, 5);  // a claim: moves the entry
  EXPECT_EQ(alice->pending.size(), 1u);
  EXPECT_EQ(bob->pending.size(), 1u);
  EXPECT_EQ(g.find_pending({2, 0})->owner, bob);
  EXPECT_EQ(g.find_pending({2, 0})->delivery_count, 5u);
  EXPECT_TRUE(g.acknowledge({1, 0}));
  EXPECT_FALSE(g.acknowledge({1, 0}));
  EXPECT_TRUE(alice->pending.empty());
  EXPECT_EQ(g.pending().size(), 1u);
  EXPECT_EQ(g.remove_consumer("nobody"), 0u);
  EXPECT_EQ(g.remove_consumer("bob"), 1u);
  EXPECT_TRUE(g.pending().empty());
  EXPECT_EQ(g.consumers().size(), 1u);
}

TEST(StreamGroup, CopiesOwnTheirConsumers) {
  StreamGroup g(StreamID{5, 0}, 3);
  g.assign({1, 0}, *g.add_consumer("c", 1), 100, 2);
  StreamGroup copy(g);
  ASSERT_NE(copy.find_pending({1, 0}), nullptr);
  EXPECT_EQ(copy.find_pending({1, 0})->owner, copy.find_consumer("c"));
  EXPECT_NE(copy.find_pending({1, 0})->owner, g.find_consumer("c"));
  EXPECT_TRUE(copy.acknowledge({1, 0}));
  EXPECT_EQ(g.pending().size(), 1u);
  EXPECT_EQ(g.find_consumer("c")->pending.size(), 1u);
  EXPECT_EQ(copy.last_id(), (StreamID{5, 0}));
  EXPECT_EQ(copy.entries_read(), 3);
}

TEST(Stream, EntriesReadAtFollowsRedisRules) {
  Stream s;
  EXPECT_EQ(s.entries_read_at({9, 0}), 0);  // nothing ever added
  for (uint64_t i = 1; i <= 5; ++i) add(s, {i, 0});
  EXPECT_EQ(s.entries_read_at({5, 0}), 5);  // the last ID
  EXPECT_EQ(s.entries_read_at({6, 0}), Stream::kUnknownEntriesRead);  // the future
  EXPECT_EQ(s.entries_read_at({1, 0}), 1);  // the first entry
  EXPECT_EQ(s.entries_read_at({0, 5}), 0);  // before the first
  EXPECT_EQ(s.entries_read_at({3, 0}), Stream::kUnknownEntriesRead);  // in the middle
  EXPECT_FALSE(s.may_have_deleted_from({0, 0}));
  s.remove({3, 0});
  s.set_max_deleted_id({3, 0});
  EXPECT_TRUE(s.may_have_deleted_from({2, 0}));
  EXPECT_TRUE(s.may_have_deleted_from({3, 0}));
  EXPECT_FALSE(s.may_have_deleted_from({3, 1}));
  EXPECT_EQ(s.entries_read_at({1, 0}), Stream::kUnknownEntriesRead);  // a deletion in the way
}

TEST(Stream, RadixTreeNodesOfSmallStreams) {
  Stream s;
  EXPECT_EQ(s.radix_tree_nodes(), 1u);  // the empty root
  const Stream::Limits one_per_node{4096, 1};
  add(s, {1, 1}, one_per_node);
  EXPECT_EQ(s.radix_tree_nodes(), 2u);  // a root holding the key, and the key
  // Differing in the last byte: a root with the 15 shared bytes, a branch, two keys.
  add(s, {1, 2}, one_per_node);
  EXPECT_EQ(s.radix_tree_nodes(), 4u);
  // Differing from both at byte 14: a branch there; the old keys hang below the branch at
  // 15 through a one-byte edge (no node of its own), the new key through a two-byte edge
  // (a node for its second byte). redis-server says 7.
  add(s, {1, 256}, one_per_node);
  EXPECT_EQ(s.radix_tree_nodes(), 7u);
  // Differing in the first byte: the root becomes that branch, the old root's run stays
  // below it, and the new key gets a run of 15 bytes. redis-server says 10.
  add(s, {uint64_t{1} << 56, 0}, one_per_node);
  EXPECT_EQ(s.radix_tree_nodes(), 10u);
}

}  // namespace
