#include "core/skiplist.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

namespace corvid {

namespace {

// Distinct per list without a random_device read for every list created.
uint64_t next_seed() {
  static std::atomic<uint64_t> state{std::random_device{}()};
  return state.fetch_add(0x9E3779B97F4A7C15ULL, std::memory_order_relaxed);
}

}  // namespace

Skiplist::Skiplist()
    : head_(allocate(kMaxHeight, 0, {})), rng_(static_cast<std::minstd_rand::result_type>(next_seed() >> 33)) {}

Skiplist::~Skiplist() {
  Node* x = first();
  while (x != nullptr) {
    Node* next = x->next();
    free_node(x);
    x = next;
  }
  free_node(head_);
}

Skiplist::Node* Skiplist::allocate(int height, double score, std::string_view member) {
  const size_t bytes = sizeof(Node) + static_cast<size_t>(height) * (sizeof(Node*) + sizeof(uint32_t)) + member.size();
  void* memory = std::malloc(bytes);
  if (memory == nullptr) throw std::bad_alloc();
  Node* n = new (memory) Node;
  n->score_ = score;
  n->backward_ = nullptr;
  n->chain_next_ = nullptr;
  n->length_ = static_cast<uint32_t>(member.size());
  n->height_ = static_cast<uint8_t>(height);
  for (int i = 0; i < height; ++i) {
    n->forwards()[i] = nullptr;
    n->spans()[i] = 0;
  }
  if (!member.empty()) std::memcpy(n->spans() + height, member.data(), member.size());
  return n;
}

void Skiplist::free_node(Node* node) { std::free(node); }

int Skiplist::random_height() {
  int h = 1;
  while (h < kMaxHeight && (rng_() & 0xFFFF) < 0xFFFF / 4) ++h;
  return h;
}

void Skiplist::search_path(double score, std::string_view member, Node** update, size_t* ranks) const {
  Node* x = head_;
  for (int i = height_ - 1; i >= 0; --i) {
    ranks[i] = i == height_ - 1 ? 0 : ranks[i + 1];
    while (x->forwards()[i] != nullptr && sorts_before(*x->forwards()[i], score, member)) {
      ranks[i] += x->spans()[i];
      x = x->forwards()[i];
    }
    update[i] = x;
  }
}

void Skiplist::path_to_rank(size_t rank, Node** update) const {
  Node* x = head_;
  size_t traversed = 0;
  for (int i = height_ - 1; i >= 0; --i) {
    while (x->forwards()[i] != nullptr && traversed + x->spans()[i] <= rank) {
      traversed += x->spans()[i];
      x = x->forwards()[i];
    }
    update[i] = x;
  }
}

void Skiplist::link(Node* x, Node** update, const size_t* ranks) {
  const int h = x->height_;
  if (h > height_) {
    for (int i = height_; i < h; ++i) {
      update[i] = head_;
      head_->spans()[i] = static_cast<uint32_t>(length_);
    }
  }
  for (int i = 0; i < h; ++i) {
    const size_t rank_i = i < height_ ? ranks[i] : 0;
    x->forwards()[i] = update[i]->forwards()[i];
    update[i]->forwards()[i] = x;
    x->spans()[i] = static_cast<uint32_t>(update[i]->spans()[i] - (ranks[0] - rank_i));
    update[i]->spans()[i] = static_cast<uint32_t>(ranks[0] - rank_i + 1);
  }
  for (int i = h; i < height_; ++i) ++update[i]->spans()[i];
  if (h > height_) height_ = h;
  x->backward_ = update[0] == head_ ? nullptr : update[0];
  if (x->forwards()[0] != nullptr) {
    x->forwards()[0]->backward_ = x;
  } else {
    tail_ = x;
  }
  ++length_;
}

void Skiplist::unlink(Node* x, Node** update) {
  for (int i = 0; i < height_; ++i) {
    if (update[i]->forwards()[i] == x) {
      update[i]->spans()[i] += x->spans()[i] - 1;
      update[i]->forwards()[i] = x->forwards()[i];
    } else {
      --update[i]->spans()[i];
    }
  }
  if (x->forwards()[0] != nullptr) {
    x->forwards()[0]->backward_ = x->backward_;
  } else {
    tail_ = x->backward_;
  }
  while (height_ > 1 && head_->forwards()[height_ - 1] == nullptr) --height_;
  --length_;
}

Skiplist::Node* Skiplist::insert(double score, std::string_view member) {
  Node* update[kMaxHeight];
  size_t ranks[kMaxHeight];
  search_path(score, member, update, ranks);
  Node* x = allocate(random_height(), score, member);
  link(x, update, ranks);
  return x;
}

void Skiplist::erase(Node* node) {
  Node* update[kMaxHeight];
  size_t ranks[kMaxHeight];
  search_path(node->score_, node->member(), update, ranks);
  unlink(node, update);
  free_node(node);
}

void Skiplist::update_score(Node* node, double score) {
  // Staying between the same neighbours needs no relinking (the common ZINCRBY case).
  const Node* before = node->backward_;
  const Node* after = node->forwards()[0];
  if ((before == nullptr || before->score_ < score) && (after == nullptr || after->score_ > score)) {
    node->score_ = score;
    return;
  }
  Node* update[kMaxHeight];
  size_t ranks[kMaxHeight];
  search_path(node->score_, node->member(), update, ranks);
  unlink(node, update);
  node->score_ = score;
  search_path(score, node->member(), update, ranks);
  for (int i = 0; i < node->height_; ++i) node->forwards()[i] = nullptr;
  link(node, update, ranks);
}

size_t Skiplist::rank_of(const Node* node) const {
  const double score = node->score_;
  const std::string_view member = node->member();
  return count_while([&](const Node& n) { return sorts_before(n, score, member); });
}

Skiplist::Node* Skiplist::at_rank(size_t rank) const {
  if (rank >= length_) return nullptr;
  Node* update[kMaxHeight];
  path_to_rank(rank, update);
  return update[0]->forwards()[0];
}

size_t Skiplist::node_bytes(const Node* node) const { return malloc_usable_size(const_cast<Node*>(node)); }

size_t Skiplist::head_bytes() const { return sizeof(Skiplist) + malloc_usable_size(head_); }

}  // namespace corvid
