#pragma once
// A sorted set (ZADD and friends): members with scores, ordered by score then member.
// Small sets live in one listpack of alternating member/score entries kept in order;
// once a set holds more entries, or a longer member, than the configured limits allow,
// it moves for good (as in Redis 7.0) to an order-statistic skiplist whose nodes double
// as the nodes of a member -> node hash table: one allocation per member.
//
// Positions are ranks: 0 is the lowest (score, member). Range queries turn a score or
// member interval into a rank interval [first, last), which every reader and remover
// then works on.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/hash_table.h"
#include "core/listpack.h"
#include "core/skiplist.h"
#include "db/key_entry.h"
#include "db/value_object.h"

namespace corvid {

// zset-max-listpack-entries / zset-max-listpack-value, read from the config by callers.
struct ZSetLimits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;

  // The encoding Redis gives a set built at once with `count` members, the longest
  // `longest_member` bytes (ZRANGESTORE, ZUNIONSTORE...).
  bool fits_listpack(size_t count, size_t longest_member) const {
    return count <= max_listpack_entries && longest_member <= max_listpack_value;
  }
};

class ZSetValue;
std::unique_ptr<ZSetValue> zset_from_sorted(const std::vector<std::pair<std::string, double>>& sorted,
                                            const ZSetLimits& limits);

class ZSetValue final : public ValueObject {
 public:
  using Scratch = Listpack::Scratch;

  ZSetValue();
  ~ZSetValue() override;
  ZSetValue(const ZSetValue&) = delete;
  ZSetValue& operator=(const ZSetValue&) = delete;

  Encoding encoding() const override { return big_ ? Encoding::Skiplist : Encoding::Listpack; }
  size_t size() const;

  std::optional<double> score(std::string_view member) const;
  // Adds `member` or moves it to `score`; true when it is new. May convert to a skiplist.
  bool set(std::string_view member, double score, const ZSetLimits& limits);
  bool erase(std::string_view member);
  // Unconditionally leaves the listpack (ZADD on a new key with a long first member).
  void convert_to_skiplist();

  // 0-based ascending rank of `member`.
  std::optional<size_t> rank(std::string_view member) const;
  // The ranks [first, last) whose scores / members fall in the interval (last <= first
  // when none). Member intervals assume equal scores, as ZRANGEBYLEX does.
  std::pair<size_t, size_t> ranks_in(const ScoreRange& range) const;
  std::pair<size_t, size_t> ranks_in(const LexRange& range) const;

  // visit(std::string_view member, double score) for ranks [first, last), from last - 1
  // down when `reverse`. A member view lives until the next visit or mutation.
  template <class F>
  void visit_ranks(size_t first, size_t last, bool reverse, F&& visit) const {
    if (last > size()) last = size();
    if (first >= last) return;
    size_t n = last - first;
    if (big_) {
      const Skiplist::Node* x = big_->list.at_rank(reverse ? last - 1 : first);
      for (; n > 0 && x != nullptr; --n, x = reverse ? x->prev() : x->next()) visit(x->member(), x->score());
      return;
    }
    Scratch scratch;
    Listpack::Pos p = *lp_.at(2 * static_cast<int64_t>(reverse ? last - 1 : first));
    for (;;) {
      visit(lp_.get(p, scratch), listpack_score(lp_.next(p)));
      if (--n == 0) break;
      p = reverse ? *lp_.prev(*lp_.prev(p)) : lp_.next(lp_.next(p));
    }
  }
  template <class F>
  void for_each(F&& visit) const {
    visit_ranks(0, size(), false, visit);
  }
  // Removes ranks [first, last).
  void erase_ranks(size_t first, size_t last);

  // A uniformly chosen member and its score; the set must not be empty. Not const: on the
  // skiplist it picks through the hash table, which rehashes a step as lookups do.
  template <class Rng>
  std::pair<std::string_view, double> random_entry(Rng& rng, Scratch& scratch) {
    if (big_) {
      const Skiplist::Node* n = big_->index.fair_random_node(rng);
      return {n->member(), n->score()};
    }
    const auto pick = static_cast<int64_t>(std::uniform_int_distribution<size_t>(0, size() - 1)(rng));
    Listpack::Pos p = *lp_.at(2 * pick);
    return {lp_.get(p, scratch), listpack_score(lp_.next(p))};
  }

  // One step of a cursor walk: visit(member, score) for what the step covers; returns the
  // next cursor, 0 when done. A listpack is covered in one step.
  template <class F>
  uint64_t scan(uint64_t cursor, F&& visit) {
    if (!big_) {
      for_each(visit);
      return 0;
    }
    return big_->index.scan(cursor, [&visit](Skiplist::Node& n) { visit(n.member(), n.score()); });
  }

  // How a listpack stores a score, which ZSCAN replies as is.
  static std::string listpack_score_text(double score);

  std::unique_ptr<ValueObject> clone() const override;
  size_t allocated_bytes() const override;
  // A listpack is one block; a skiplist frees each node.
  size_t free_effort() const override { return big_ ? big_->list.size() : 1; }

 private:
  friend std::unique_ptr<ZSetValue> zset_from_sorted(const std::vector<std::pair<std::string, double>>& sorted,
                                                     const ZSetLimits& limits);
  using Index = HashTable<Skiplist::Node, SkiplistNodeTraits>;
  struct Big {
    Skiplist list;
    Index index;
  };

  double listpack_score(Listpack::Pos p) const;
  // Position of the member entry of the pair for `member`.
  std::optional<Listpack::Pos> listpack_find(std::string_view member) const;
  void listpack_insert(std::string_view member, double score);
  void big_insert(std::string_view member, double score);
  // The listpack pair appended last must sort after every other (building from sorted input).
  void listpack_append(std::string_view member, double score);

  Listpack lp_;
  std::unique_ptr<Big> big_;  // null while the listpack encoding is in use
};


// A sorted set holding `sorted` (ascending by score then member, no duplicates), in the
// encoding Redis picks for a result of that size.
std::unique_ptr<ZSetValue> zset_from_sorted(const std::vector<std::pair<std::string, double>>& sorted,
                                            const ZSetLimits& limits);

}  // namespace corvid
