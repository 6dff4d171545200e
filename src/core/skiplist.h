#pragma once
// An order-statistic skiplist of (score, member) pairs sorted by score, then by member
// bytes: the ordered half of a large sorted set. Every forward link carries a span (how
// many ranks it jumps), so rank lookups, "how many elements precede this bound" and
// element-by-rank are O(log N) like searches.
//
// One allocation per element: a node holds its score, backward link, a spare chain link
// for an intrusive member index (a HashTable with SkiplistNodeTraits), its level array
// and the member bytes inline. The skiplist owns the nodes; an index only links them.
//
// Node layout: [Node][forward: Node* x height][span: uint32 x height][member bytes]
// Spans are 32-bit: a sorted set of more than 4 billion elements is not supported.

#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>

namespace corvid {

// A score interval; the exclusive flags come from "(" bounds.
struct ScoreRange {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool max_exclusive = false;

  bool above_min(double s) const { return min_exclusive ? s > min : s >= min; }
  bool below_max(double s) const { return max_exclusive ? s < max : s <= max; }
  bool contains(double s) const { return above_min(s) && below_max(s); }
};

// One end of a member interval: "-" and "+" are the infinities, "[x" and "(x" inclusive
// and exclusive bounds.
struct LexBound {
  enum Kind : uint8_t { NegativeInfinity, PositiveInfinity, Inclusive, Exclusive };
  Kind kind = NegativeInfinity;
  std::string_view value;
};

struct LexRange {
  LexBound min;
  LexBound max;

  bool above_min(std::string_view m) const {
    switch (min.kind) {
      case LexBound::NegativeInfinity:
        return true;
      case LexBound::PositiveInfinity:
        return false;
      case LexBound::Inclusive:
        return m >= min.value;
      case LexBound::Exclusive:
        return m > min.value;
    }
    return false;
  }
  bool below_max(std::string_view m) const {
    switch (max.kind) {
      case LexBound::NegativeInfinity:
        return false;
      case LexBound::PositiveInfinity:
        return true;
      case LexBound::Inclusive:
        return m <= max.value;
      case LexBound::Exclusive:
        return m < max.value;
    }
    return false;
  }
  bool contains(std::string_view m) const { return above_min(m) && below_max(m); }
};

class Skiplist {
 public:
  static constexpr int kMaxHeight = 32;

  class Node {
   public:
    double score() const { return score_; }
    std::string_view member() const { return {reinterpret_cast<const char*>(spans() + height_), length_}; }
    // Neighbours in sorted order; null past either end.
    Node* next() const { return forwards()[0]; }
    Node* prev() const { return backward_; }
    int height() const { return height_; }

    // For an intrusive member index (see SkiplistNodeTraits).
    Node* chain_next() const { return chain_next_; }
    void set_chain_next(Node* n) { chain_next_ = n; }

   private:
    friend class Skiplist;
    Node** forwards() const {
      return reinterpret_cast<Node**>(const_cast<char*>(reinterpret_cast<const char*>(this + 1)));
    }
    uint32_t* spans() const { return reinterpret_cast<uint32_t*>(forwards() + height_); }

    double score_;
    Node* backward_;
    Node* chain_next_;
    uint32_t length_;
    uint8_t height_;
  };

  Skiplist();
  ~Skiplist();
  Skiplist(const Skiplist&) = delete;
  Skiplist& operator=(const Skiplist&) = delete;

  size_t size() const { return length_; }
  Node* first() const { return head_->forwards()[0]; }
  Node* last() const { return tail_; }

  // Adds a node; the caller guarantees `member` is not present.
  Node* insert(double score, std::string_view member);
  // Unlinks and frees `node`.
  void erase(Node* node);
  // Moves `node` to its place for `score`, keeping the same allocation (so an index
  // that links it stays valid).
  void update_score(Node* node, double score);

  // 0-based rank of a node of this list.
  size_t rank_of(const Node* node) const;
  // The node at 0-based `rank`, or null past the end.
  Node* at_rank(size_t rank) const;
  // How many leading elements satisfy `pred(const Node&)`, which must hold for a prefix
  // of the order and fail for the rest (e.g. "score below a bound").
  template <class Pred>
  size_t count_while(Pred&& pred) const {
    size_t rank = 0;
    const Node* x = head_;
    for (int i = height_ - 1; i >= 0; --i) {
      while (x->forwards()[i] != nullptr && pred(static_cast<const Node&>(*x->forwards()[i]))) {
        rank += x->spans()[i];
        x = x->forwards()[i];
      }
    }
    return rank;
  }

  // Removes the elements of ranks [first, last), calling `unlinked(Node*)` for each
  // before it is freed (so an index can drop it).
  template <class F>
  void erase_ranks(size_t first, size_t last, F&& unlinked) {
    if (last > length_) last = length_;
    if (first >= last) return;
    Node* update[kMaxHeight];
    path_to_rank(first, update);
    for (size_t n = last - first; n > 0; --n) {
      Node* x = update[0]->forwards()[0];
      unlink(x, update);
      unlinked(x);
      free_node(x);
    }
  }

  // Bytes of the nodes and the head, as allocated.
  size_t node_bytes(const Node* node) const;
  size_t head_bytes() const;

  // Heights follow Redis's distribution (each level with probability 1/4); exposed for tests.
  int random_height();
  void seed(uint64_t s) { rng_.seed(s); }

 private:
  static Node* allocate(int height, double score, std::string_view member);
  static void free_node(Node* node);
  static bool sorts_before(const Node& n, double score, std::string_view member) {
    return n.score_ < score || (n.score_ == score && n.member() < member);
  }
  // update[i]: the last node at level i that sorts before (score, member); ranks[i] its rank.
  void search_path(double score, std::string_view member, Node** update, size_t* ranks) const;
  // update[i]: the last node at level i with rank below `rank` (0-based).
  void path_to_rank(size_t rank, Node** update) const;
  void link(Node* x, Node** update, const size_t* ranks);
  void unlink(Node* x, Node** update);

  Node* head_;
  Node* tail_ = nullptr;
  size_t length_ = 0;
  int height_ = 1;
  std::minstd_rand rng_;
};

struct SkiplistNodeTraits {
  static std::string_view key(const Skiplist::Node& n) { return n.member(); }
  static Skiplist::Node* next(const Skiplist::Node& n) { return n.chain_next(); }
  static void set_next(Skiplist::Node& n, Skiplist::Node* next) { n.set_chain_next(next); }
};

}  // namespace corvid
