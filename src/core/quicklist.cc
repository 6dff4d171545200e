#include "core/quicklist.h"

#include <liblzf/lzf.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

namespace corvid {

namespace {

// Node size limits for fill -1 .. -5.
constexpr size_t kSizeLevels[] = {4096, 8192, 16384, 32768, 65536};
// With a count limit, a node still stops at this size, so that a few huge elements
// cannot make one node's memmoves arbitrarily slow.
constexpr size_t kSafetyLimit = 8192;
// What merging two blocks saves: one header and one terminator.
constexpr size_t kBlockOverhead = Listpack::kHeaderSize + 1;
// Nodes smaller than this are not worth compressing, and a compressed form must save at
// least kMinCompressGain bytes to be kept.
constexpr size_t kMinCompressBytes = 48;
constexpr size_t kMinCompressGain = 8;
// The compressed block's header: expanded bytes, entries, LZF bytes.
constexpr size_t kPackedHeader = 12;
// Where every listpack's first entry starts, compressed or not.
constexpr Listpack::Pos kFirstEntry = Listpack::kHeaderSize;

uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

void store_u32(uint8_t* p, size_t v) {
  const auto narrow = static_cast<uint32_t>(v);
  std::memcpy(p, &narrow, 4);
}

size_t backlen_bytes(size_t body) {
  size_t n = 1;
  while (n < 5 && body >= (size_t{1} << (7 * n))) ++n;
  return n;
}

// The bytes an element of `length` takes as a string entry; integers take less, so
// this overestimates them, which only makes nodes a little emptier.
size_t entry_estimate(size_t length) {
  const size_t header = length <= 63 ? 1 : length <= 4095 ? 2 : 5;
  return header + length + backlen_bytes(header + length);
}

}  // namespace

void Quicklist::Touched::add(Node* node) {
  for (int i = 0; i < count; ++i) {
    if (nodes[i] == node) return;
  }
  if (count == static_cast<int>(std::size(nodes))) {
    overflowed = true;
    return;
  }
  nodes[count++] = node;
}

void Quicklist::Touched::forget(Node* node) {
  for (int i = 0; i < count; ++i) {
    if (nodes[i] == node) {
      nodes[i] = nodes[--count];
      return;
    }
  }
}

Quicklist::Quicklist(Quicklist&& other) noexcept
    : head_(std::exchange(other.head_, nullptr)),
      tail_(std::exchange(other.tail_, nullptr)),
      open_(std::exchange(other.open_, nullptr)),
      count_(std::exchange(other.count_, 0)),
      node_count_(std::exchange(other.node_count_, 0)),
      fill_(other.fill_),
      compress_depth_(other.compress_depth_) {}

Quicklist& Quicklist::operator=(Quicklist&& other) noexcept {
  if (this != &other) {
    clear();
    head_ = std::exchange(other.head_, nullptr);
    tail_ = std::exchange(other.tail_, nullptr);
    open_ = std::exchange(other.open_, nullptr);
    count_ = std::exchange(other.count_, 0);
    node_count_ = std::exchange(other.node_count_, 0);
    fill_ = other.fill_;
    compress_depth_ = other.compress_depth_;
  }
  return *this;
}

Quicklist Quicklist::clone() const {
  Quicklist copy(fill_, compress_depth_);
  for (const Node* n = head_; n != nullptr; n = n->next) {
    Node* node = new Node;
    if (n->packed != nullptr) {
      const size_t size = kPackedHeader + load_u32(n->packed + 8);
      node->packed = static_cast<uint8_t*>(std::malloc(size));
      if (node->packed == nullptr) throw std::bad_alloc();
      std::memcpy(node->packed, n->packed, size);
    } else {
      node->lp.append(n->lp);
    }
    node->plain = n->plain;
    copy.link_after(copy.tail_, node);
  }
  copy.count_ = count_;
  return copy;
}

bool Quicklist::set_packed_threshold(uint64_t bytes) {
  constexpr uint64_t kLargest = (uint64_t{1} << 32) - (uint64_t{1} << 20);
  if (bytes > kLargest) return false;
  packed_threshold_ = bytes == 0 ? kDefaultPackedThreshold : static_cast<size_t>(bytes);
  return true;
}

void Quicklist::set_fill(int fill) { fill_ = static_cast<int16_t>(std::clamp(fill, kMinFill, kMaxFill)); }

void Quicklist::set_compress_depth(int depth) {
  compress_depth_ = static_cast<uint16_t>(std::clamp(depth, 0, kMaxCompressDepth));
  Touched every;
  every.overflowed = true;
  settle(every);
}

size_t Quicklist::allocated_bytes() const {
  size_t total = 0;
  for (const Node* n = head_; n != nullptr; n = n->next) {
    total += sizeof(Node);
    if (n->lp.allocated() || n->packed == nullptr) total += n->lp.bytes();
    if (n->packed != nullptr) total += kPackedHeader + load_u32(n->packed + 8);
  }
  return total;
}

size_t Quicklist::compressed_node_count() const {
  size_t compressed = 0;
  for (const Node* n = head_; n != nullptr; n = n->next) compressed += n->packed != nullptr ? 1 : 0;
  return compressed;
}

std::string Quicklist::node_states() const {
  std::string states;
  for (const Node* n = head_; n != nullptr; n = n->next) states += n->packed == nullptr ? 'r' : is_closed(n) ? 'c' : 'o';
  return states;
}

size_t Quicklist::uncompressed_bytes() const {
  size_t total = 0;
  for (const Node* n = head_; n != nullptr; n = n->next) total += node_bytes(n);
  return total;
}

// ---- Compression -----------------------------------------------------------------------

size_t Quicklist::entries(const Node* n) { return is_closed(n) ? load_u32(n->packed + 4) : n->lp.size(); }

size_t Quicklist::node_bytes(const Node* n) { return is_closed(n) ? load_u32(n->packed) : n->lp.bytes(); }

Listpack Quicklist::expand(const Node* n) {
  const size_t bytes = load_u32(n->packed);
  auto* block = static_cast<uint8_t*>(std::malloc(bytes));
  if (block == nullptr) throw std::bad_alloc();
  const unsigned expanded = lzf_decompress(n->packed + kPackedHeader, load_u32(n->packed + 8), block,
                                           static_cast<unsigned>(bytes));
  // The data was compressed here from a listpack of exactly this size.
  assert(expanded == bytes);
  (void)expanded;
  return Listpack::adopt(block);
}

const Listpack& Quicklist::view(Node* n) const {
  if (is_closed(n)) {
    if (open_ != nullptr) close(open_);
    n->lp = expand(n);
    open_ = n;
  }
  return n->lp;
}

Listpack& Quicklist::edit(Node* n, Touched& touched) {
  view(n);
  if (n->packed != nullptr) {
    std::free(n->packed);
    n->packed = nullptr;
    if (open_ == n) open_ = nullptr;
  }
  if (compress_depth_ != 0) touched.add(n);
  return n->lp;
}

void Quicklist::close(Node* n) const {
  n->lp.clear();
  if (open_ == n) open_ = nullptr;
}

void Quicklist::compress(Node* n) {
  if (n->packed != nullptr) {
    if (n->lp.allocated()) close(n);
    return;
  }
  const std::string_view raw = n->lp.raw();
  if (raw.size() < kMinCompressBytes) return;
  const size_t budget = raw.size() - kMinCompressGain;
  auto* packed = static_cast<uint8_t*>(std::malloc(kPackedHeader + budget));
  if (packed == nullptr) throw std::bad_alloc();
  const unsigned written = lzf_compress(raw.data(), static_cast<unsigned>(raw.size()), packed + kPackedHeader,
                                        static_cast<unsigned>(budget));
  if (written == 0) {  // would not save enough
    std::free(packed);
    return;
  }
  if (auto* shrunk = static_cast<uint8_t*>(std::realloc(packed, kPackedHeader + written))) packed = shrunk;
  store_u32(packed, raw.size());
  store_u32(packed + 4, n->lp.size());
  store_u32(packed + 8, written);
  n->packed = packed;
  n->lp.clear();
}

bool Quicklist::is_inner(const Node* n) const {
  const Node* back = n;
  const Node* ahead = n;
  for (int i = 0; i < compress_depth_; ++i) {
    back = back->prev;
    ahead = ahead->next;
    if (back == nullptr || ahead == nullptr) return false;
  }
  return true;
}

void Quicklist::settle(const Touched& touched) {
  if (compress_depth_ == 0) {
    // Compression switched off: whatever was compressed is expanded for good.
    if (!touched.overflowed) return;
    Touched ignored;
    for (Node* n = head_; n != nullptr; n = n->next) {
      if (n->packed != nullptr) edit(n, ignored);
    }
    return;
  }
  if (touched.overflowed) {
    size_t index = 0;
    for (Node* n = head_; n != nullptr; n = n->next, ++index) {
      const bool inner = index >= compress_depth_ && index + compress_depth_ < node_count_;
      if (inner) {
        compress(n);
      } else if (n->packed != nullptr) {
        Touched ignored;
        edit(n, ignored);
      }
    }
    return;
  }
  for (int i = 0; i < touched.count; ++i) {
    if (is_inner(touched.nodes[i])) compress(touched.nodes[i]);
  }
  // Nodes near the ends stay raw; a change near an end can push up to two nodes past
  // the depth (a split plus a new node), which become inner.
  constexpr size_t kPushedInward = 2;
  const size_t depth = compress_depth_;
  auto walk_from = [&](Node* n, Node* Node::*toward_middle) {
    Touched ignored;
    for (size_t index = 0; n != nullptr && index < depth + kPushedInward; ++index, n = n->*toward_middle) {
      if (index < depth) {
        if (n->packed != nullptr) edit(n, ignored);
      } else if (node_count_ > 2 * depth && index < node_count_ - depth) {
        compress(n);
      }
    }
  };
  walk_from(head_, &Node::next);
  walk_from(tail_, &Node::prev);
}

void Quicklist::free_node(Node* n, Touched* touched) {
  if (open_ == n) open_ = nullptr;
  if (touched != nullptr) touched->forget(n);
  std::free(n->packed);
  delete n;
}

bool Quicklist::fits_bytes(size_t bytes, size_t entries) const {
  if (fill_ < 0) return bytes <= kSizeLevels[-fill_ - 1];
  return bytes <= kSafetyLimit && entries <= static_cast<size_t>(fill_);
}

bool Quicklist::fits(const Node* node, size_t value_bytes) const {
  if (node == nullptr || node->plain || value_bytes >= packed_threshold_) return false;
  return fits_bytes(node_bytes(node) + entry_estimate(value_bytes), entries(node) + 1);
}

void Quicklist::link_after(Node* at, Node* node) {
  node->prev = at;
  node->next = at ? at->next : head_;
  if (node->next) {
    node->next->prev = node;
  } else {
    tail_ = node;
  }
  if (at) {
    at->next = node;
  } else {
    head_ = node;
  }
  ++node_count_;
}

void Quicklist::unlink(Node* node) {
  if (node->prev) {
    node->prev->next = node->next;
  } else {
    head_ = node->next;
  }
  if (node->next) {
    node->next->prev = node->prev;
  } else {
    tail_ = node->prev;
  }
  --node_count_;
}

Quicklist::Node* Quicklist::add_node_after(Node* at, std::string_view value, Touched& touched) {
  Node* node = new Node;
  node->lp.push_back(value);
  node->plain = value.size() >= packed_threshold_;
  link_after(at, node);
  if (compress_depth_ != 0) touched.add(node);
  return node;
}

bool Quicklist::try_merge(Node* a, Node* b, Touched& touched) {
  if (a == nullptr || b == nullptr || a->plain || b->plain) return false;
  if (!fits_bytes(node_bytes(a) + node_bytes(b) - kBlockOverhead, entries(a) + entries(b))) return false;
  Listpack& into = edit(a, touched);
  into.append(view(b));
  unlink(b);
  free_node(b, &touched);
  return true;
}

void Quicklist::insert_at(Node* node, Listpack::Pos before, std::string_view value, Touched& touched) {
  ++count_;
  Listpack& lp = edit(node, touched);
  if (fits(node, value.size())) {
    lp.insert(before, value);
    return;
  }
  if (before == lp.end()) {
    if (fits(node->next, value.size())) {
      edit(node->next, touched).push_front(value);
    } else {
      add_node_after(node, value, touched);
    }
    return;
  }
  if (before == lp.begin()) {
    if (fits(node->prev, value.size())) {
      edit(node->prev, touched).push_back(value);
    } else {
      add_node_after(node->prev, value, touched);
    }
    return;
  }
  // The middle of a full node: split it there and put the value at the seam.
  Node* right = new Node;
  right->lp = lp.split_off(before);
  link_after(node, right);
  if (compress_depth_ != 0) touched.add(right);
  if (fits(node, value.size())) {
    lp.push_back(value);
  } else if (fits(right, value.size())) {
    right->lp.push_front(value);
  } else {
    add_node_after(node, value, touched);
  }
  try_merge(right, right->next, touched);
  try_merge(node->prev, node, touched);
}

void Quicklist::push_front(std::string_view value) {
  Touched touched;
  if (head_ == nullptr) {
    add_node_after(nullptr, value, touched);
    ++count_;
  } else {
    insert_at(head_, kFirstEntry, value, touched);
  }
  settle(touched);
}

void Quicklist::push_back(std::string_view value) {
  Touched touched;
  if (tail_ == nullptr) {
    add_node_after(nullptr, value, touched);
    ++count_;
  } else {
    insert_at(tail_, view(tail_).end(), value, touched);
  }
  settle(touched);
}

void Quicklist::pop_front() {
  assert(head_ != nullptr);
  erase(first(), Direction::Forward);
}

void Quicklist::pop_back() {
  assert(tail_ != nullptr);
  erase(last(), Direction::Backward);
}

Quicklist::Position Quicklist::first() const {
  if (head_ == nullptr) return {};
  return {head_, head_->lp.begin()};
}

Quicklist::Position Quicklist::last() const {
  if (tail_ == nullptr) return {};
  return {tail_, *view(tail_).last()};
}

Quicklist::Position Quicklist::at(int64_t index) const {
  const auto n = static_cast<int64_t>(count_);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return {};
  if (index < n / 2) {
    Node* node = head_;
    auto offset = static_cast<size_t>(index);
    while (offset >= entries(node)) {
      offset -= entries(node);
      node = node->next;
    }
    return {node, *view(node).at(static_cast<int64_t>(offset))};
  }
  Node* node = tail_;
  auto from_back = static_cast<size_t>(n - 1 - index);
  while (from_back >= entries(node)) {
    from_back -= entries(node);
    node = node->prev;
  }
  return {node, *view(node).at(-1 - static_cast<int64_t>(from_back))};
}

Quicklist::Position Quicklist::step(Position p, Direction direction) const {
  const Listpack& lp = view(p.node);
  if (direction == Direction::Forward) {
    const Listpack::Pos next = lp.next(p.pos);
    if (next != lp.end()) return {p.node, next};
    Node* node = p.node->next;
    return node ? Position{node, lp.begin()} : Position{};
  }
  if (auto prev = lp.prev(p.pos)) return {p.node, *prev};
  Node* node = p.node->prev;
  return node ? Position{node, *view(node).last()} : Position{};
}

std::string_view Quicklist::get(Position p, Scratch& scratch) const { return view(p.node).get(p.pos, scratch); }

bool Quicklist::equals(Position p, std::string_view value) const {
  Scratch scratch;
  return get(p, scratch) == value;
}

void Quicklist::insert(Position p, std::string_view value, bool after) {
  Touched touched;
  insert_at(p.node, after ? view(p.node).next(p.pos) : p.pos, value, touched);
  settle(touched);
}

void Quicklist::replace(Position p, std::string_view value) {
  Touched touched;
  const bool large = value.size() >= packed_threshold_;
  if (p.node->plain) {
    // The element's own node goes. A small new element joins the front of the next node
    // when it fits there (never the previous one, as in Redis); otherwise, or when it is
    // large too, it gets a node where the old one was.
    Node* prev = p.node->prev;
    Node* next = p.node->next;
    erase_at(p, Direction::Forward, touched);
    if (fits(next, value.size())) {
      edit(next, touched).push_front(value);
    } else {
      add_node_after(prev, value, touched);
    }
    ++count_;
    settle(touched);
    return;
  }
  Listpack& lp = edit(p.node, touched);
  const size_t old_entry = lp.next(p.pos) - p.pos;
  if (!large && (lp.size() == 1 || fits_bytes(lp.bytes() - old_entry + entry_estimate(value.size()), lp.size()))) {
    lp.replace(p.pos, value);
  } else if (large && lp.size() == 1) {
    // A lone element replaced by a plain one: the node becomes its plain node.
    lp.replace(p.pos, value);
    p.node->plain = true;
  } else {
    // Too big for this node: take the old one out and insert as LINSERT would. The node
    // keeps its other elements, so it survives the erase.
    const Listpack::Pos following = lp.erase(p.pos);
    --count_;
    insert_at(p.node, following, value, touched);
  }
  settle(touched);
}

Quicklist::Position Quicklist::erase(Position p, Direction direction) {
  Touched touched;
  const Position next = erase_at(p, direction, touched);
  settle(touched);
  return next;
}

Quicklist::Position Quicklist::erase_at(Position p, Direction direction, Touched& touched) {
  Node* node = p.node;
  --count_;
  if (entries(node) == 1) {
    Node* prev = node->prev;
    Node* next = node->next;
    unlink(node);
    free_node(node, &touched);
    if (direction == Direction::Forward) return next ? Position{next, kFirstEntry} : Position{};
    return prev ? Position{prev, *view(prev).last()} : Position{};
  }
  // Entries before the erased one keep their offsets; the following one takes its place.
  Listpack& lp = edit(node, touched);
  const Listpack::Pos following = lp.erase(p.pos);
  if (direction == Direction::Forward) {
    if (following != lp.end()) return {node, following};
    return node->next ? Position{node->next, lp.begin()} : Position{};
  }
  if (auto prev = lp.prev(following)) return {node, *prev};
  return node->prev ? Position{node->prev, *view(node->prev).last()} : Position{};
}

void Quicklist::erase_front(size_t n) {
  Touched touched;
  while (n > 0 && head_ != nullptr) {
    const size_t in_node = entries(head_);
    if (in_node > n) {
      Listpack& lp = edit(head_, touched);
      lp.erase(lp.begin(), n);
      count_ -= n;
      break;
    }
    Node* node = head_;
    unlink(node);
    free_node(node, &touched);
    count_ -= in_node;
    n -= in_node;
  }
  settle(touched);
}

void Quicklist::erase_back(size_t n) {
  Touched touched;
  while (n > 0 && tail_ != nullptr) {
    const size_t in_node = entries(tail_);
    if (in_node > n) {
      Listpack& lp = edit(tail_, touched);
      lp.erase(*lp.at(-static_cast<int64_t>(n)), n);
      count_ -= n;
      break;
    }
    Node* node = tail_;
    unlink(node);
    free_node(node, &touched);
    count_ -= in_node;
    n -= in_node;
  }
  settle(touched);
}

void Quicklist::clear() {
  for (Node* n = head_; n != nullptr;) {
    Node* next = n->next;
    free_node(n, nullptr);
    n = next;
  }
  head_ = tail_ = nullptr;
  open_ = nullptr;
  count_ = 0;
  node_count_ = 0;
}

}  // namespace corvid
