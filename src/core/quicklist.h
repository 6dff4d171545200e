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
// An element of at least the packed threshold (1 GB unless DEBUG QUICKLIST-PACKED-
// THRESHOLD lowers it) is "plain", as in Redis 7.0: it always sits alone in its node, which
// never takes other elements nor merges, and RDB files store it as a plain string rather
// than a listpack. Such nodes come and go with their element.
//
// Compression (list-compress-depth): with a depth d > 0, every node more than d nodes
// from both ends is kept LZF-compressed when that saves space (small nodes, and nodes
// that do not shrink, stay raw), so a long list's middle costs a fraction of its text.
// The d nodes at each end, where pushes and pops happen, are never compressed. Reading
// an element in a compressed node expands that node and keeps it expanded ("open") until
// another compressed node is read; at most one node is open at a time. Writing a node expands it for good, and the mutator compresses it again before
// it returns if it lies inside.
//
// Positions name one element (a node and an offset in its listpack); they survive a
// node's compression and expansion. Any mutation invalidates every Position except the
// ones the mutator returns. A view returned by get() lives until the next call that
// changes the list or reads another node.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/listpack.h"

namespace corvid {

class Quicklist {
 private:
  struct Node;

 public:
  using Scratch = Listpack::Scratch;

  // Redis clamps list-max-listpack-size to this range, and list-compress-depth to 0..65535.
  static constexpr int kMinFill = -5;
  static constexpr int kMaxFill = (1 << 15) - 1;
  static constexpr int kDefaultFill = -2;
  static constexpr int kMaxCompressDepth = (1 << 16) - 1;
  static constexpr size_t kDefaultPackedThreshold = size_t{1} << 30;

  // The packed threshold, for every list of the process (Redis keeps one too). 0 restores
  // the default; false (and no change) above 4 GB less 1 MB, which a listpack could not
  // hold beside its header.
  static bool set_packed_threshold(uint64_t bytes);
  static size_t packed_threshold() { return packed_threshold_; }

  enum class Direction : uint8_t { Forward, Backward };

  // One element, or the end of a walk when `node` is null.
  struct Position {
    Node* node = nullptr;
    Listpack::Pos pos = 0;
    explicit operator bool() const { return node != nullptr; }
  };

  explicit Quicklist(int fill = kDefaultFill, int compress_depth = 0) {
    set_fill(fill);
    set_compress_depth(compress_depth);
  }
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
  int compress_depth() const { return compress_depth_; }
  // Compresses (or expands) the existing nodes to match.
  void set_compress_depth(int depth);
  // Nodes held compressed now (an open node counts), and the bytes the nodes' listpacks
  // take expanded: DEBUG OBJECT's ql_uncompressed_size.
  size_t compressed_node_count() const;
  size_t uncompressed_bytes() const;
  // Each node's state, front to back: 'r' raw, 'c' compressed, 'o' compressed and open
  // (tests).
  std::string node_states() const;

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  size_t node_count() const { return node_count_; }
  // Node headers, listpack blocks and compressed blocks, as the allocator is asked for them.
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

  // visit(std::string_view) for every element, front to back. Compressed nodes are
  // expanded into a temporary, one at a time, and left compressed.
  template <class F>
  void for_each(F&& visit) const {
    for_each_node([&visit](const Listpack& lp) {
      Scratch scratch;
      for (Listpack::Pos p = lp.begin(); p != lp.end(); p = lp.next(p)) visit(lp.get(p, scratch));
    });
  }

  // visit(const Listpack&) for every node, front to back, expanded (serialization, tests);
  // or visit(const Listpack&, bool plain) to learn which nodes hold a plain element.
  template <class F>
  void for_each_node(F&& visit) const {
    for (const Node* n = head_; n != nullptr; n = n->next) {
      std::optional<Listpack> expanded;
      if (is_closed(n)) expanded = expand(n);
      const Listpack& lp = expanded ? *expanded : n->lp;
      if constexpr (std::is_invocable_v<F, const Listpack&, bool>) {
        visit(lp, n->plain);
      } else {
        visit(lp);
      }
    }
  }

 private:
  struct Node {
    Node* prev = nullptr;
    Node* next = nullptr;
    // The entries; unallocated while the node is compressed and not open.
    Listpack lp;
    // While compressed: a std::malloc'd [expanded bytes: u32][entries: u32][LZF bytes:
    // u32][LZF data]. An open node has both; a write drops this.
    uint8_t* packed = nullptr;
    bool plain = false;  // holds one element of at least the packed threshold
  };
  // Nodes a change wrote or created, to compress again if they lie inside. One change
  // touches at most the node it starts at, its neighbours and two new nodes.
  struct Touched {
    Node* nodes[6] = {};
    int count = 0;
    bool overflowed = false;  // more than fit: settle() then checks every node
    void add(Node* node);
    void forget(Node* node);
  };

  static bool is_closed(const Node* n) { return n->packed != nullptr && !n->lp.allocated(); }
  static size_t entries(const Node* n);
  static size_t node_bytes(const Node* n);
  // A fresh expanded copy of a compressed node's listpack.
  static Listpack expand(const Node* n);
  // The node's listpack for reading, opening it (and closing the open one) if compressed.
  const Listpack& view(Node* n) const;
  // The node's listpack for writing: expanded for good and remembered in `touched`.
  Listpack& edit(Node* n, Touched& touched);
  // Drops an open node's expanded copy.
  void close(Node* n) const;
  // Compresses a raw node when that pays; closes an open one.
  void compress(Node* n);
  // Whether more than compress_depth_ nodes lie on each side of `n`.
  bool is_inner(const Node* n) const;
  // After a change: nodes near the ends raw, touched and newly inner nodes compressed.
  void settle(const Touched& touched);
  void free_node(Node* n, Touched* touched);

  // Whether `node` may take an element of `value_bytes` more (Redis's estimate, which
  // counts integers as their text).
  bool fits(const Node* node, size_t value_bytes) const;
  bool fits_bytes(size_t bytes, size_t entries) const;
  // Links a new node holding `value` after `at` (at the head when `at` is null).
  Node* add_node_after(Node* at, std::string_view value, Touched& touched);
  void link_after(Node* at, Node* node);
  void unlink(Node* node);
  // Inserts `value` before entry `before` of `node` (its end() appends to the node),
  // splitting the node when it is full and the spot is in its middle.
  void insert_at(Node* node, Listpack::Pos before, std::string_view value, Touched& touched);
  // Folds `b` (a's successor) into `a` when the result fits; false otherwise.
  bool try_merge(Node* a, Node* b, Touched& touched);
  Position erase_at(Position p, Direction direction, Touched& touched);

  Node* head_ = nullptr;
  Node* tail_ = nullptr;
  // The compressed node open for reading, if any.
  mutable Node* open_ = nullptr;
  size_t count_ = 0;
  uint32_t node_count_ = 0;
  int16_t fill_ = kDefaultFill;
  uint16_t compress_depth_ = 0;

  static inline size_t packed_threshold_ = kDefaultPackedThreshold;
};

}  // namespace corvid
