#pragma once
// A list of byte strings as a doubly linked list of listpack nodes (Redis's quicklist):
// O(1) at both ends, a few bytes per element inside a node, and one node header per
// few hundred elements instead of one per element.
//
// How full a node may get is the `fill` (list-max-listpack-size): a negative fill -1..-5
// caps a node's listpack at 4, 8, 16, 32 or 64 KB; a positive fill caps its entry count
// (and, as a safety net, its size at 8 KB). An element too big for any node under the
// limit gets a node of its own. Insertion into the middle of a full node splits it, and
// the halves merge with their neighbours when the result fits.
//
// Positions name one element (a node and an offset in its listpack). Any mutation
// invalidates every Position except the ones the mutator returns.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/listpack.h"

namespace corvid {

class Quicklist {
 private:
  struct Node;

 public:
  using Scratch = Listpack::Scratch;

  // Redis clamps list-max-listpack-size to this range.
  static constexpr int kMinFill = -5;
  static constexpr int kMaxFill = (1 << 15) - 1;
  static constexpr int kDefaultFill = -2;

  enum class Direction : uint8_t { Forward, Backward };

  // One element, or the end of a walk when `node` is null.
  struct Position {
    Node* node = nullptr;
    Listpack::Pos pos = 0;
    explicit operator bool() const { return node != nullptr; }
  };

  explicit Quicklist(int fill = kDefaultFill) { set_fill(fill); }
  ~Quicklist() { clear(); }
  Quicklist(Quicklist&& other) noexcept;
  Quicklist& operator=(Quicklist&& other) noexcept;
  Quicklist(const Quicklist&) = delete;
  Quicklist& operator=(const Quicklist&) = delete;
  // A deep copy, node for node.
  Quicklist clone() const;

  int fill() const { return fill_; }
  // Applies to nodes filled from now on; existing nodes are left as they are.
  void set_fill(int fill);

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return node_count_; }
  // Node headers and listpack blocks, as the allocator is asked for them.
  size_t allocated_bytes() const;

  void push_front(std::string_view value);
  void push_back(std::string_view value);
  // The list must not be empty.
  void pop_front();
  void pop_back();

  Position first() const;
  Position last() const;
  // By index; negative counts from the back (-1 is the last). Walks from the nearer end.
  Position at(int64_t index) const;
  // The neighbour in `direction`, or an end position.
  Position step(Position p, Direction direction) const;
  // The element's bytes; integer entries are rendered into `scratch`.
  std::string_view get(Position p, Scratch& scratch) const;
  bool equals(Position p, std::string_view value) const;

  // Inserts next to `p` (after it when `after`).
  void insert(Position p, std::string_view value, bool after);
  void replace(Position p, std::string_view value);
  // Erases `p`; returns the element that followed it in `direction` (or an end).
  Position erase(Position p, Direction direction);
  // Erases up to `n` elements from one end.
  void erase_front(size_t n);
  void erase_back(size_t n);
  void clear();

  // visit(std::string_view) for every element, front to back.
  template <class F>
  void for_each(F&& visit) const {
    Scratch scratch;
    for (const Node* n = head_; n != nullptr; n = n->next) {
      for (Listpack::Pos p = n->lp.begin(); p != n->lp.end(); p = n->lp.next(p)) visit(n->lp.get(p, scratch));
    }
  }

  // visit(const Listpack&) for every node, front to back (tests, memory introspection).
  template <class F>
  void for_each_node(F&& visit) const {
    for (const Node* n = head_; n != nullptr; n = n->next) visit(n->lp);
  }

 private:
  struct Node {
    Node* prev = nullptr;
    Node* next = nullptr;
    Listpack lp;
  };

  // Whether `node` may take an element of `value_bytes` more (Redis's estimate, which
  // counts integers as their text).
  bool fits(const Node* node, size_t value_bytes) const;
  bool fits_bytes(size_t bytes, size_t entries) const;
  // Links a new node holding `value` after `at` (at the head when `at` is null).
  Node* add_node_after(Node* at, std::string_view value);
  void link_after(Node* at, Node* node);
  void unlink(Node* node);
  // Inserts `value` before entry `before` of `node` (its end() appends to the node),
  // splitting the node when it is full and the spot is in its middle.
  void insert_at(Node* node, Listpack::Pos before, std::string_view value);
  // Folds `b` (a's successor) into `a` when the result fits; false otherwise.
  bool try_merge(Node* a, Node* b);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  size_t count_ = 0;
  uint32_t node_count_ = 0;
  int32_t fill_ = kDefaultFill;
};

}  // namespace corvid
