#include "core/quicklist.h"

#include <algorithm>
#include <cassert>
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

Quicklist::Quicklist(Quicklist&& other) noexcept
    : head_(std::exchange(other.head_, nullptr)),
      tail_(std::exchange(other.tail_, nullptr)),
      count_(std::exchange(other.count_, 0)),
      node_count_(std::exchange(other.node_count_, 0)),
      fill_(other.fill_) {}

Quicklist& Quicklist::operator=(Quicklist&& other) noexcept {
  if (this != &other) {
    clear();
    head_ = std::exchange(other.head_, nullptr);
    tail_ = std::exchange(other.tail_, nullptr);
    count_ = std::exchange(other.count_, 0);
    node_count_ = std::exchange(other.node_count_, 0);
    fill_ = other.fill_;
  }
  return *this;
}

Quicklist Quicklist::clone() const {
  Quicklist copy(fill_);
  for (const Node* n = head_; n != nullptr; n = n->next) {
    Node* node = new Node;
    node->lp.append(n->lp);
    copy.link_after(copy.tail_, node);
  }
  copy.count_ = count_;
  return copy;
}

void Quicklist::set_fill(int fill) { fill_ = std::clamp(fill, kMinFill, kMaxFill); }

size_t Quicklist::allocated_bytes() const {
  size_t total = 0;
  for (const Node* n = head_; n != nullptr; n = n->next) total += sizeof(Node) + n->lp.bytes();
  return total;
}

bool Quicklist::fits_bytes(size_t bytes, size_t entries) const {
  if (fill_ < 0) return bytes <= kSizeLevels[-fill_ - 1];
  return bytes <= kSafetyLimit && entries <= static_cast<size_t>(fill_);
}

bool Quicklist::fits(const Node* node, size_t value_bytes) const {
  return node != nullptr && fits_bytes(node->lp.bytes() + entry_estimate(value_bytes), node->lp.size() + 1);
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

Quicklist::Node* Quicklist::add_node_after(Node* at, std::string_view value) {
  Node* node = new Node;
  node->lp.push_back(value);
  link_after(at, node);
  return node;
}

bool Quicklist::try_merge(Node* a, Node* b) {
  if (a == nullptr || b == nullptr) return false;
  if (!fits_bytes(a->lp.bytes() + b->lp.bytes() - kBlockOverhead, a->lp.size() + b->lp.size())) return false;
  a->lp.append(b->lp);
  unlink(b);
  delete b;
  return true;
}

void Quicklist::insert_at(Node* node, Listpack::Pos before, std::string_view value) {
  ++count_;
  if (fits(node, value.size())) {
    node->lp.insert(before, value);
    return;
  }
  if (before == node->lp.end()) {
    if (fits(node->next, value.size())) {
      node->next->lp.push_front(value);
    } else {
      add_node_after(node, value);
    }
    return;
  }
  if (before == node->lp.begin()) {
    if (fits(node->prev, value.size())) {
      node->prev->lp.push_back(value);
    } else {
      add_node_after(node->prev, value);
    }
    return;
  }
  // The middle of a full node: split it there and put the value at the seam.
  Node* right = new Node;
  right->lp = node->lp.split_off(before);
  link_after(node, right);
  if (fits(node, value.size())) {
    node->lp.push_back(value);
  } else if (fits(right, value.size())) {
    right->lp.push_front(value);
  } else {
    add_node_after(node, value);
  }
  try_merge(right, right->next);
  try_merge(node->prev, node);
}

void Quicklist::push_front(std::string_view value) {
  if (head_ == nullptr) {
    add_node_after(nullptr, value);
    ++count_;
    return;
  }
  insert_at(head_, head_->lp.begin(), value);
}

void Quicklist::push_back(std::string_view value) {
  if (tail_ == nullptr) {
    add_node_after(nullptr, value);
    ++count_;
    return;
  }
  insert_at(tail_, tail_->lp.end(), value);
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
  return {tail_, *tail_->lp.last()};
}

Quicklist::Position Quicklist::at(int64_t index) const {
  const auto n = static_cast<int64_t>(count_);
  if (index < 0) index += n;
  if (index < 0 || index >= n) return {};
  if (index < n / 2) {
    Node* node = head_;
    auto offset = static_cast<size_t>(index);
    while (offset >= node->lp.size()) {
      offset -= node->lp.size();
      node = node->next;
    }
    return {node, *node->lp.at(static_cast<int64_t>(offset))};
  }
  Node* node = tail_;
  auto from_back = static_cast<size_t>(n - 1 - index);
  while (from_back >= node->lp.size()) {
    from_back -= node->lp.size();
    node = node->prev;
  }
  return {node, *node->lp.at(-1 - static_cast<int64_t>(from_back))};
}

Quicklist::Position Quicklist::step(Position p, Direction direction) const {
  const Listpack& lp = p.node->lp;
  if (direction == Direction::Forward) {
    const Listpack::Pos next = lp.next(p.pos);
    if (next != lp.end()) return {p.node, next};
    Node* node = p.node->next;
    return node ? Position{node, node->lp.begin()} : Position{};
  }
  if (auto prev = lp.prev(p.pos)) return {p.node, *prev};
  Node* node = p.node->prev;
  return node ? Position{node, *node->lp.last()} : Position{};
}

std::string_view Quicklist::get(Position p, Scratch& scratch) const { return p.node->lp.get(p.pos, scratch); }

bool Quicklist::equals(Position p, std::string_view value) const {
  Scratch scratch;
  return get(p, scratch) == value;
}

void Quicklist::insert(Position p, std::string_view value, bool after) {
  insert_at(p.node, after ? p.node->lp.next(p.pos) : p.pos, value);
}

void Quicklist::replace(Position p, std::string_view value) {
  Listpack& lp = p.node->lp;
  const size_t old_entry = lp.next(p.pos) - p.pos;
  if (lp.size() == 1 || fits_bytes(lp.bytes() - old_entry + entry_estimate(value.size()), lp.size())) {
    lp.replace(p.pos, value);
    return;
  }
  // Too big for this node: take the old one out and insert as LINSERT would. The node
  // keeps its other elements, so it survives the erase.
  const Listpack::Pos following = lp.erase(p.pos);
  --count_;
  insert_at(p.node, following, value);
}

Quicklist::Position Quicklist::erase(Position p, Direction direction) {
  Node* node = p.node;
  --count_;
  if (node->lp.size() == 1) {
    Node* prev = node->prev;
    Node* next = node->next;
    unlink(node);
    delete node;
    if (direction == Direction::Forward) return next ? Position{next, next->lp.begin()} : Position{};
    return prev ? Position{prev, *prev->lp.last()} : Position{};
  }
  // Entries before the erased one keep their offsets; the following one takes its place.
  const Listpack::Pos following = node->lp.erase(p.pos);
  if (direction == Direction::Forward) {
    if (following != node->lp.end()) return {node, following};
    return node->next ? Position{node->next, node->next->lp.begin()} : Position{};
  }
  if (auto prev = node->lp.prev(following)) return {node, *prev};
  return node->prev ? Position{node->prev, *node->prev->lp.last()} : Position{};
}

void Quicklist::erase_front(size_t n) {
  while (n > 0 && head_ != nullptr) {
    const size_t in_node = head_->lp.size();
    if (in_node > n) {
      head_->lp.erase(head_->lp.begin(), n);
      count_ -= n;
      return;
    }
    Node* node = head_;
    unlink(node);
    delete node;
    count_ -= in_node;
    n -= in_node;
  }
}

void Quicklist::erase_back(size_t n) {
  while (n > 0 && tail_ != nullptr) {
    const size_t in_node = tail_->lp.size();
    if (in_node > n) {
      tail_->lp.erase(*tail_->lp.at(-static_cast<int64_t>(n)), n);
      count_ -= n;
      return;
    }
    Node* node = tail_;
    unlink(node);
    delete node;
    count_ -= in_node;
    n -= in_node;
  }
}

void Quicklist::clear() {
  for (Node* n = head_; n != nullptr;) {
    Node* next = n->next;
    delete n;
    n = next;
  }
  head_ = tail_ = nullptr;
  count_ = 0;
  node_count_ = 0;
}

}  // namespace corvid
