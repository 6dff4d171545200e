#include "core/quicklist.h"

#include <gtest/gtest.h>

#include <liblzf/lzf.h>

#include <algorithm>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace corvid {
namespace {

using Direction = Quicklist::Direction;

std::vector<std::string> contents(const Quicklist& q) {
  std::vector<std::string> out;
  q.for_each([&](std::string_view v) { out.emplace_back(v); });
  return out;
}

std::vector<size_t> node_sizes(const Quicklist& q) {
  std::vector<size_t> out;
  q.for_each_node([&](const Listpack& lp) { out.push_back(lp.size()); });
  return out;
}

size_t byte_limit(int fill) {
  if (fill >= 0) return 8192;
  return size_t{4096} << (-fill - 1);
}

// Every node is a valid, non-empty listpack within the fill limits (a node alone with one
// element may exceed the byte limit), and the counts add up.
void expect_well_formed(const Quicklist& q) {
  size_t total = 0, nodes = 0;
  q.for_each_node([&](const Listpack& lp) {
    ++nodes;
    total += lp.size();
    EXPECT_TRUE(lp.validate());
    ASSERT_GT(lp.size(), 0u);
    if (lp.size() > 1) {
      EXPECT_LE(lp.bytes(), byte_limit(q.fill()));
      if (q.fill() >= 0) {
        EXPECT_LE(lp.size(), static_cast<size_t>(q.fill()));
      }
    }
  });
  EXPECT_EQ(total, q.size());
  EXPECT_EQ(nodes, q.node_count());
}

std::string at(const Quicklist& q, int64_t index) {
  Quicklist::Scratch scratch;
  auto p = q.at(index);
  return p ? std::string(q.get(p, scratch)) : std::string("<none>");
}

TEST(QuicklistTest, PushPopBothEnds) {
  Quicklist q(4);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.first());
  EXPECT_FALSE(q.last());
  for (int i = 0; i < 10; ++i) q.push_back(std::to_string(i));
  q.push_front("-1");
  q.push_front("x");
  EXPECT_EQ(q.size(), 12u);
  EXPECT_EQ(contents(q), (std::vector<std::string>{"x", "-1", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  expect_well_formed(q);
  Quicklist::Scratch scratch;
  EXPECT_EQ(q.get(q.first(), scratch), "x");
  EXPECT_EQ(q.get(q.last(), scratch), "9");
  q.pop_front();
  q.pop_back();
  EXPECT_EQ(q.get(q.first(), scratch), "-1");
  EXPECT_EQ(q.get(q.last(), scratch), "8");
  while (!q.empty()) q.pop_back();
  EXPECT_EQ(q.node_count(), 0u);
  EXPECT_EQ(q.allocated_bytes(), 0u);
}

TEST(QuicklistTest, ValuesReadBackByteExact) {
  Quicklist q;
  const std::vector<std::string> values = {"0", "-0", "01", "+1", "9223372036854775807", "-9223372036854775808",
                                           "9223372036854775808", "", " 1", std::string(5000, 'z')};
  for (const auto& v : values) q.push_back(v);
  EXPECT_EQ(contents(q), values);
}

TEST(QuicklistTest, IndexFromEitherEnd) {
  Quicklist q(3);
  for (int i = 0; i < 20; ++i) q.push_back(std::to_string(i));
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(at(q, i), std::to_string(i));
    EXPECT_EQ(at(q, i - 20), std::to_string(i));
  }
  EXPECT_EQ(at(q, 20), "<none>");
  EXPECT_EQ(at(q, -21), "<none>");
  EXPECT_EQ(at(q, INT64_MIN), "<none>");
  EXPECT_EQ(at(q, INT64_MAX), "<none>");
}

TEST(QuicklistTest, StepWalksBothWays) {
  Quicklist q(2);
  for (int i = 0; i < 7; ++i) q.push_back(std::to_string(i));
  Quicklist::Scratch scratch;
  std::string forward, backward;
  for (auto p = q.first(); p; p = q.step(p, Direction::Forward)) forward += q.get(p, scratch);
  for (auto p = q.last(); p; p = q.step(p, Direction::Backward)) backward += q.get(p, scratch);
  EXPECT_EQ(forward, "0123456");
  EXPECT_EQ(backward, "6543210");
}

TEST(QuicklistTest, InsertBeforeAndAfter) {
  Quicklist q(4);
  for (const char* v : {"a", "b", "c"}) q.push_back(v);
  q.insert(q.at(1), "B-", false);
  q.insert(q.at(2), "B+", true);
  q.insert(q.at(0), "head", false);
  q.insert(q.at(-1), "tail", true);
  EXPECT_EQ(contents(q), (std::vector<std::string>{"head", "a", "B-", "b", "B+", "c", "tail"}));
  expect_well_formed(q);
}

TEST(QuicklistTest, SplitsFullNodeAndMergesHalves) {
  Quicklist q(4);
  for (const char* v : {"a", "b", "c", "d", "e"}) q.push_back(v);
  EXPECT_EQ(node_sizes(q), (std::vector<size_t>{4, 1}));
  // The first node is full: it splits after "b", takes "x", and its right half
  // [c d] merges with [e].
  q.insert(q.at(1), "x", true);
  EXPECT_EQ(contents(q), (std::vector<std::string>{"a", "b", "x", "c", "d", "e"}));
  EXPECT_EQ(node_sizes(q), (std::vector<size_t>{3, 3}));
  expect_well_formed(q);
}

TEST(QuicklistTest, InsertAtFullNodeEdgesUsesNeighbours) {
  Quicklist q(2);
  for (const char* v : {"a", "b", "c"}) q.push_back(v);
  EXPECT_EQ(node_sizes(q), (std::vector<size_t>{2, 1}));
  // After the last element of a full node: the next node has room.
  q.insert(q.at(1), "x", true);
  EXPECT_EQ(node_sizes(q), (std::vector<size_t>{2, 2}));
  // Before the first element of a full node whose predecessor is full: a new node.
  q.insert(q.at(2), "y", false);
  EXPECT_EQ(contents(q), (std::vector<std::string>{"a", "b", "y", "x", "c"}));
  EXPECT_EQ(node_sizes(q), (std::vector<size_t>{2, 1, 2}));
  expect_well_formed(q);
}

TEST(QuicklistTest, PositiveFillCountsEntries) {
  Quicklist q(5);
  for (int i = 0; i < 23; ++i) q.push_back("v");
  EXPECT_EQ(node_sizes(q), (std::vector<size_t>{5, 5, 5, 5, 3}));
  for (int i = 0; i < 3; ++i) q.push_front("w");
  EXPECT_EQ(node_sizes(q), (std::vector<size_t>{3, 5, 5, 5, 5, 3}));
  Quicklist zero(0);  // one element per node
  for (int i = 0; i < 3; ++i) zero.push_back("v");
  EXPECT_EQ(zero.node_count(), 3u);
}

TEST(QuicklistTest, PositiveFillStillCapsNodeBytes) {
  Quicklist q(1000);
  for (int i = 0; i < 10; ++i) q.push_back(std::string(3000, 'a' + i));
  // 8 KB safety limit: two 3000-byte elements per node.
  EXPECT_EQ(node_sizes(q), (std::vector<size_t>{2, 2, 2, 2, 2}));
  expect_well_formed(q);
}

TEST(QuicklistTest, NegativeFillCapsNodeBytes) {
  for (int fill = -1; fill >= -5; --fill) {
    Quicklist q(fill);
    for (int i = 0; i < 2000; ++i) q.push_back(std::string(100, 'x'));
    const size_t limit = byte_limit(fill);
    size_t biggest = 0;
    q.for_each_node([&](const Listpack& lp) { biggest = std::max(biggest, lp.bytes()); });
    EXPECT_LE(biggest, limit);
    EXPECT_GT(biggest, limit - 110) << "nodes should fill up to the limit, fill " << fill;
    expect_well_formed(q);
  }
}

TEST(QuicklistTest, HugeElementGetsItsOwnNode) {
  Quicklist q(-1);
  q.push_back("a");
  q.push_back(std::string(5000, 'h'));
  q.push_back("b");
  EXPECT_EQ(node_sizes(q), (std::vector<size_t>{1, 1, 1}));
  q.push_front(std::string(10000, 'i'));
  EXPECT_EQ(node_sizes(q), (std::vector<size_t>{1, 1, 1, 1}));
  q.push_back("c");
  EXPECT_EQ(node_sizes(q), (std::vector<size_t>{1, 1, 1, 2}));
  // Replacing with something too big moves the element out of its node.
  q.replace(q.at(-1), std::string(6000, 'r'));
  EXPECT_EQ(contents(q).back(), std::string(6000, 'r'));
  EXPECT_EQ(at(q, -2), "b");
  expect_well_formed(q);
}

TEST(QuicklistTest, FillIsClamped) {
  EXPECT_EQ(Quicklist(-100).fill(), -5);
  EXPECT_EQ(Quicklist(1 << 20).fill(), Quicklist::kMaxFill);
}

TEST(QuicklistTest, EraseReturnsNeighbour) {
  Quicklist q(2);
  for (const char* v : {"a", "b", "c", "d", "e"}) q.push_back(v);
  Quicklist::Scratch scratch;
  auto p = q.erase(q.at(1), Direction::Forward);  // b
  EXPECT_EQ(q.get(p, scratch), "c");
  p = q.erase(p, Direction::Backward);  // c, the only one in its node now
  EXPECT_EQ(q.get(p, scratch), "a");
  p = q.erase(q.at(-1), Direction::Forward);  // e
  EXPECT_FALSE(p);
  p = q.erase(q.at(0), Direction::Backward);  // a
  EXPECT_FALSE(p);
  EXPECT_EQ(contents(q), (std::vector<std::string>{"d"}));
  expect_well_formed(q);
}

TEST(QuicklistTest, EraseRangesFromEnds) {
  Quicklist q(4);
  for (int i = 0; i < 20; ++i) q.push_back(std::to_string(i));
  q.erase_front(6);  // a whole node and half of the next
  q.erase_back(5);
  EXPECT_EQ(q.size(), 9u);
  EXPECT_EQ(at(q, 0), "6");
  EXPECT_EQ(at(q, -1), "14");
  expect_well_formed(q);
  q.erase_back(100);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.node_count(), 0u);
}

TEST(QuicklistTest, CloneIsDeep) {
  Quicklist q(3);
  for (int i = 0; i < 10; ++i) q.push_back(std::to_string(i * 1000));
  Quicklist copy = q.clone();
  q.pop_front();
  q.replace(q.at(0), "changed");
  EXPECT_EQ(copy.size(), 10u);
  EXPECT_EQ(at(copy, 0), "0");
  EXPECT_EQ(at(copy, 1), "1000");
  EXPECT_EQ(copy.fill(), 3);
  EXPECT_EQ(copy.node_count(), 4u);
  expect_well_formed(copy);
  Quicklist moved = std::move(copy);
  EXPECT_EQ(moved.size(), 10u);
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
}

TEST(QuicklistTest, ListpackSplitAndAppendCopyEntries) {
  Listpack lp;
  for (const std::string& v : {std::string("a"), std::string("12"), std::string("-5000"), std::string("bb"),
                               std::string(70, 'c')}) {
    lp.push_back(v);
  }
  Listpack tail = lp.split_off(*lp.at(2));
  EXPECT_EQ(lp.size(), 2u);
  EXPECT_EQ(tail.size(), 3u);
  EXPECT_TRUE(lp.validate());
  EXPECT_TRUE(tail.validate());
  EXPECT_EQ(tail.get_string(tail.begin()), "-5000");
  EXPECT_TRUE(lp.split_off(lp.end()).empty());
  lp.append(tail);
  lp.append(Listpack());
  EXPECT_TRUE(lp.validate());
  EXPECT_EQ(lp.size(), 5u);
  EXPECT_EQ(lp.get_string(*lp.at(-1)), std::string(70, 'c'));
  Listpack all = lp.split_off(lp.begin());
  EXPECT_TRUE(lp.empty());
  EXPECT_TRUE(lp.validate());
  EXPECT_EQ(all.size(), 5u);
}

// Compression's invariant: the `depth` nodes at each end raw, at most one node open, and
// every inner node compressed unless compressing it would not pay.
void expect_compression_settled(const Quicklist& q) {
  const std::string states = q.node_states();
  const size_t depth = static_cast<size_t>(q.compress_depth());
  EXPECT_LE(std::count(states.begin(), states.end(), 'o'), 1) << states;
  std::vector<std::string> raw_nodes;
  q.for_each_node([&](const Listpack& lp) { raw_nodes.emplace_back(lp.raw()); });
  ASSERT_EQ(raw_nodes.size(), states.size());
  for (size_t i = 0; i < states.size(); ++i) {
    const bool inner = depth > 0 && i >= depth && i + depth < states.size();
    if (!inner) {
      EXPECT_EQ(states[i], 'r') << "node " << i << " of " << states;
    } else if (states[i] == 'r') {
      // Left raw: too small, or LZF cannot save 8 bytes of it.
      const std::string& raw = raw_nodes[i];
      std::string out(raw.size(), '\0');
      const unsigned written = raw.size() < 48 ? 0
                                               : lzf_compress(raw.data(), static_cast<unsigned>(raw.size()),
                                                              out.data(), static_cast<unsigned>(raw.size() - 8));
      EXPECT_EQ(written, 0u) << "inner node " << i << " of " << states << " left raw";
    }
  }
}

// Random operations against std::deque, for several fills and compression depths, with
// elements small and large, compressible and not.
TEST(QuicklistTest, RandomOpsMatchDeque) {
  for (int depth : {0, 1, 2}) {
  for (int fill : {1, 2, 3, 7, 128, -1, -2, -5}) {
    std::mt19937 rng(static_cast<unsigned>(fill + 100 + depth));
    Quicklist q(fill, depth);
    std::deque<std::string> model;
    auto value = [&]() -> std::string {
      switch (rng() % 7) {
        case 0: return std::to_string(static_cast<int>(rng() % 2000) - 1000);
        case 1: return std::string(rng() % 3000, 'a' + rng() % 26);
        case 2: return "";
        case 3: {
          std::string noise(rng() % 200, ' ');
          for (char& c : noise) c = static_cast<char>(rng());
          return noise;
        }
        default: return "v" + std::to_string(rng() % 50);
      }
    };
    for (int step = 0; step < 3000; ++step) {
      const size_t n = model.size();
      switch (rng() % 10) {
        case 0: {
          auto v = value();
          q.push_front(v);
          model.push_front(v);
          break;
        }
        case 1:
        case 2: {
          auto v = value();
          q.push_back(v);
          model.push_back(v);
          break;
        }
        case 3:
          if (n > 0) {
            if (rng() % 2) {
              q.pop_front();
              model.pop_front();
            } else {
              q.pop_back();
              model.pop_back();
            }
          }
          break;
        case 4:
          if (n > 0) {
            const size_t i = rng() % n;
            const bool after = rng() % 2;
            auto v = value();
            q.insert(q.at(static_cast<int64_t>(i)), v, after);
            model.insert(model.begin() + static_cast<long>(i + (after ? 1 : 0)), v);
          }
          break;
        case 5:
          if (n > 0) {
            const size_t i = rng() % n;
            auto v = value();
            q.replace(q.at(static_cast<int64_t>(i)), v);
            model[i] = v;
          }
          break;
        case 6:
          if (n > 0) {
            const size_t i = rng() % n;
            const auto dir = rng() % 2 ? Direction::Forward : Direction::Backward;
            auto p = q.erase(q.at(static_cast<int64_t>(i)), dir);
            model.erase(model.begin() + static_cast<long>(i));
            Quicklist::Scratch scratch;
            if (dir == Direction::Forward) {
              if (i < model.size()) {
                ASSERT_TRUE(p);
                EXPECT_EQ(q.get(p, scratch), model[i]);
              } else {
                EXPECT_FALSE(p);
              }
            } else if (i > 0) {
              ASSERT_TRUE(p);
              EXPECT_EQ(q.get(p, scratch), model[i - 1]);
            } else {
              EXPECT_FALSE(p);
            }
          }
          break;
        case 7: {
          const size_t k = rng() % 5;
          q.erase_front(k);
          model.erase(model.begin(), model.begin() + static_cast<long>(std::min(k, n)));
          break;
        }
        case 8: {
          const size_t k = rng() % 5;
          q.erase_back(k);
          model.erase(model.end() - static_cast<long>(std::min(k, n)), model.end());
          break;
        }
        case 9:
          if (n > 0) {
            const auto i = static_cast<int64_t>(rng() % n);
            ASSERT_EQ(at(q, i), model[static_cast<size_t>(i)]);
            ASSERT_EQ(at(q, i - static_cast<int64_t>(n)), model[static_cast<size_t>(i)]);
          }
          break;
      }
      ASSERT_EQ(q.size(), model.size()) << "fill " << fill << " step " << step;
      expect_compression_settled(q);
      if (step % 100 == 0) {
        ASSERT_EQ(contents(q), std::vector<std::string>(model.begin(), model.end())) << "fill " << fill;
        expect_well_formed(q);
        const Quicklist copy = q.clone();
        ASSERT_EQ(contents(copy), contents(q));
        ASSERT_EQ(copy.node_states().size(), q.node_count());
      }
    }
    ASSERT_EQ(contents(q), std::vector<std::string>(model.begin(), model.end())) << "fill " << fill;
    expect_well_formed(q);
  }
  }
}

TEST(QuicklistTest, CompressesInnerNodesOfText) {
  Quicklist q(-2, 1);
  const std::string line = "the quick brown fox jumps over the lazy dog, again and again and again";
  for (int i = 0; i < 2000; ++i) q.push_back(line + std::to_string(i % 10));
  ASSERT_GT(q.node_count(), 4u);
  const std::string states = q.node_states();
  EXPECT_EQ(states.front(), 'r');
  EXPECT_EQ(states.back(), 'r');
  EXPECT_EQ(states.substr(1, states.size() - 2), std::string(states.size() - 2, 'c'));
  EXPECT_LT(q.allocated_bytes() * 4, q.uncompressed_bytes());
  // Reading the middle opens one node; reading elsewhere closes it again.
  Quicklist::Scratch scratch;
  auto open_nodes = [&q] {
    const std::string now = q.node_states();
    return std::count(now.begin(), now.end(), 'o');
  };
  EXPECT_EQ(q.get(q.at(1000), scratch), line + "0");
  EXPECT_EQ(open_nodes(), 1);
  EXPECT_EQ(q.get(q.at(1500), scratch), line + "0");
  EXPECT_EQ(open_nodes(), 1);
  q.push_front("x");  // a change elsewhere leaves the open node open
  EXPECT_EQ(open_nodes(), 1);
  // Switching compression off expands everything; a deeper depth keeps more raw.
  q.set_compress_depth(0);
  EXPECT_EQ(q.compressed_node_count(), 0u);
  q.set_compress_depth(3);
  const std::string deeper = q.node_states();
  EXPECT_EQ(deeper.substr(0, 3), "rrr");
  EXPECT_EQ(deeper.substr(deeper.size() - 3), "rrr");
  EXPECT_EQ(q.compressed_node_count(), q.node_count() - 6);
  expect_compression_settled(q);
}

// Plain nodes: with the packed threshold lowered, every element at least that long sits
// alone in a node flagged plain, and no packed node holds one; checked through random
// operations of every kind, with compression on and off.
TEST(QuicklistTest, LargeElementsLiveInPlainNodes) {
  ASSERT_TRUE(Quicklist::set_packed_threshold(100));
  for (int depth : {0, 1}) {
    std::mt19937 rng(static_cast<unsigned>(7 + depth));
    Quicklist q(-2, depth);
    std::deque<std::string> model;
    auto value = [&]() -> std::string {
      const size_t length = rng() % 3 == 0 ? 100 + rng() % 300 : rng() % 99;
      return std::string(length, static_cast<char>('a' + rng() % 3));
    };
    for (int step = 0; step < 4000; ++step) {
      const size_t n = model.size();
      const unsigned op = rng() % 6;
      if (op == 0 || n == 0) {
        auto v = value();
        q.push_back(v);
        model.push_back(v);
      } else if (op == 1) {
        auto v = value();
        q.push_front(v);
        model.push_front(v);
      } else if (op == 2) {
        const size_t i = rng() % n;
        auto v = value();
        const bool after = rng() % 2;
        q.insert(q.at(static_cast<int64_t>(i)), v, after);
        model.insert(model.begin() + static_cast<long>(i + (after ? 1 : 0)), v);
      } else if (op == 3) {
        const size_t i = rng() % n;
        auto v = value();
        q.replace(q.at(static_cast<int64_t>(i)), v);
        model[i] = v;
      } else if (op == 4) {
        const size_t i = rng() % n;
        q.erase(q.at(static_cast<int64_t>(i)), Direction::Forward);
        model.erase(model.begin() + static_cast<long>(i));
      } else if (rng() % 2) {
        q.pop_front();
        model.pop_front();
      } else {
        q.pop_back();
        model.pop_back();
      }
      ASSERT_EQ(q.size(), model.size());
      if (step % 50 == 0) {
        ASSERT_EQ(contents(q), std::vector<std::string>(model.begin(), model.end())) << step;
        size_t nodes = 0;
        q.for_each_node([&](const Listpack& lp, bool plain) {
          ++nodes;
          Listpack::Scratch scratch;
          if (plain) {
            ASSERT_EQ(lp.size(), 1u);
            EXPECT_GE(lp.get(lp.begin(), scratch).size(), 100u);
          } else {
            for (auto p = lp.begin(); p != lp.end(); p = lp.next(p)) EXPECT_LT(lp.get(p, scratch).size(), 100u);
          }
        });
        EXPECT_EQ(nodes, q.node_count());
        expect_compression_settled(q);
      }
    }
  }
  EXPECT_FALSE(Quicklist::set_packed_threshold((uint64_t{1} << 32) - (1 << 20) + 1));
  EXPECT_EQ(Quicklist::packed_threshold(), 100u);
  ASSERT_TRUE(Quicklist::set_packed_threshold(0));
  EXPECT_EQ(Quicklist::packed_threshold(), Quicklist::kDefaultPackedThreshold);
}

TEST(QuicklistTest, CompressDepthIsClamped) {
  EXPECT_EQ(Quicklist(-2, -1).compress_depth(), 0);
  EXPECT_EQ(Quicklist(-2, 1 << 20).compress_depth(), Quicklist::kMaxCompressDepth);
}

}  // namespace
}  // namespace corvid
