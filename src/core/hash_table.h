#pragma once
// The keyspace dictionary: an intrusive chained hash table whose resizes are spread
// over many operations (incremental rehashing), so a multi-million-key table never
// stalls the event loop to grow or shrink.
//
// Shape: bucket arrays are powers of two. Normally only array 0 exists. A resize
// allocates array 1 and moves array 0's chains over a few buckets at a time, from
// every insert/find/remove/random_node/sample and from explicit rehash_steps() /
// rehash_for() calls (server cron). Buckets of array 0 below `rehash_idx_` are
// already migrated and therefore empty. When array 0 is empty, array 1 becomes array 0.
//
// The table owns its bucket arrays only; nodes belong to the caller. Nodes carry the
// chain link, so inserting never allocates except when a resize starts.

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <random>
#include <string_view>
#include <utility>

namespace corvid {

template <class Traits, class Node>
concept HashTableTraits = requires(const Node& cn, Node& n, Node* p) {
  { Traits::key(cn) } -> std::convertible_to<std::string_view>;
  { Traits::next(cn) } -> std::same_as<Node*>;
  Traits::set_next(n, p);
};

template <class Node, class Traits>
  requires HashTableTraits<Traits, Node>
class HashTable {
 public:
  static constexpr size_t kMinBuckets = 4;
  // A resize shrinks once fewer than 1/kShrinkRatio of the buckets would be used.
  static constexpr size_t kShrinkRatio = 8;
  // With resizing disallowed (e.g. while a fork shares pages copy-on-write), growth
  // still happens once chains average this long, because lookups would degrade badly.
  static constexpr size_t kForceGrowRatio = 4;
  // Each bucket migrated may cost this many empty buckets skipped, so a step over a
  // sparse array (the source of a shrink) still does bounded work.
  static constexpr size_t kEmptyVisitsPerStep = 10;

  explicit HashTable(uint64_t seed = default_seed()) noexcept : seed_(seed) {}

  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;

  HashTable(HashTable&& other) noexcept { steal(other); }

  // Frees this table's bucket arrays (not its nodes: move out or clear() first).
  HashTable& operator=(HashTable&& other) noexcept {
    if (this != &other) {
      release_arrays();
      steal(other);
    }
    return *this;
  }

  ~HashTable() { release_arrays(); }

  // Exchanges contents and seeds (SWAPDB). Never allocates.
  void swap(HashTable& other) noexcept {
    std::swap(t_[0], other.t_[0]);
    std::swap(t_[1], other.t_[1]);
    std::swap(rehash_idx_, other.rehash_idx_);
    std::swap(seed_, other.seed_);
    std::swap(resize_allowed_, other.resize_allowed_);
    // Pausing belongs to an in-progress scan of a particular object; it does not travel.
  }

  size_t size() const { return t_[0].used + t_[1].used; }
  bool empty() const { return size() == 0; }
  bool is_rehashing() const { return t_[1].slots != nullptr; }

  // Total buckets allocated, counting both arrays while rehashing (what the memory
  // holds). 0 until the first insert: construction never allocates.
  size_t bucket_count() const { return t_[0].size + t_[1].size; }
  // Array 0 (the source while rehashing) and array 1 (the target, 0 when not rehashing).
  size_t main_buckets() const { return t_[0].size; }
  size_t rehash_target_buckets() const { return t_[1].size; }
  size_t bucket_memory() const { return bucket_count() * sizeof(Node*); }

  uint64_t seed() const { return seed_; }

  // While disallowed, no resize starts except a forced growth (see kForceGrowRatio);
  // a rehash already under way keeps progressing.
  void set_resize_allowed(bool allowed) { resize_allowed_ = allowed; }
  bool resize_allowed() const { return resize_allowed_; }

  Node* find(std::string_view key) {
    if (t_[0].slots == nullptr) return nullptr;
    rehash_step_from_op();
    return peek(key);
  }

  // A lookup that never changes the table: safe inside for_each/scan visitors.
  Node* peek(std::string_view key) const {
    if (size() == 0) return nullptr;
    const uint64_t h = hash(key);
    for (int j = 0; j <= 1; ++j) {
      const Array& a = t_[j];
      if (a.slots == nullptr) break;
      for (Node* n = a.slots[h & a.mask()]; n != nullptr; n = Traits::next(*n)) {
        if (Traits::key(*n) == key) return n;
      }
    }
    return nullptr;
  }

  // Links `node` unless its key is present, in which case the present node is returned
  // and `node` is left alone. Throws std::bad_alloc only if the very first bucket array
  // cannot be allocated; a failed resize just leaves the table more loaded.
  Node* insert(Node* node) {
    const std::string_view key = Traits::key(*node);
    if (t_[0].slots == nullptr) {
      if (!allocate(t_[0], kMinBuckets)) throw std::bad_alloc();
    } else if (is_rehashing()) {
      // A shrink's target can fill up faster than one bucket per insert drains the
      // (possibly huge, sparse) source; work harder the more overloaded it is.
      const size_t overload = t_[1].used / t_[1].size;
      rehash_step_from_op(overload == 0 ? 1 : std::min<size_t>(64, overload * 4));
    }

    const uint64_t h = hash(key);
    for (int j = 0; j <= 1; ++j) {
      const Array& a = t_[j];
      if (a.slots == nullptr) break;
      for (Node* n = a.slots[h & a.mask()]; n != nullptr; n = Traits::next(*n)) {
        if (Traits::key(*n) == key) return n;
      }
    }

    // Grow before linking so the node lands in the array it will stay in.
    if (!is_rehashing() && pause_ == 0) maybe_grow(size() + 1);
    Array& dst = is_rehashing() ? t_[1] : t_[0];
    Node*& head = dst.slots[h & dst.mask()];
    Traits::set_next(*node, head);
    head = node;
    ++dst.used;
    return nullptr;
  }

  // Unlinks the node with `key` (its link is reset to nullptr) and returns it.
  Node* remove(std::string_view key) {
    if (size() == 0) return nullptr;
    rehash_step_from_op();
    const uint64_t h = hash(key);
    for (int j = 0; j <= 1; ++j) {
      Array& a = t_[j];
      if (a.slots == nullptr) break;
      Node*& head = a.slots[h & a.mask()];
      Node* prev = nullptr;
      for (Node* n = head; n != nullptr; prev = n, n = Traits::next(*n)) {
        if (Traits::key(*n) == key) {
          unlink(head, prev, n, Traits::next(*n));
          Traits::set_next(*n, nullptr);
          --a.used;
          if (pause_ == 0) maybe_shrink();
          return n;
        }
      }
    }
    return nullptr;
  }

  // `new_node` takes `old_node`'s place in its chain; both have the same key and
  // `old_node` must be linked in this table. No rehashing or resizing happens, so it
  // is safe inside scan/for_each visitors (for the visited node).
  void replace(Node* old_node, Node* new_node) {
    assert(Traits::key(*old_node) == Traits::key(*new_node));
    const uint64_t h = hash(Traits::key(*old_node));
    for (int j = 0; j <= 1; ++j) {
      Array& a = t_[j];
      if (a.slots == nullptr) break;
      Node*& head = a.slots[h & a.mask()];
      Node* prev = nullptr;
      for (Node* n = head; n != nullptr; prev = n, n = Traits::next(*n)) {
        if (n == old_node) {
          Traits::set_next(*new_node, Traits::next(*old_node));
          unlink(head, prev, old_node, new_node);
          Traits::set_next(*old_node, nullptr);
          return;
        }
      }
    }
    assert(false && "replace: old_node is not in the table");
  }

  // Reverse-binary cursor SCAN. Every node present from the first call (cursor 0) to the
  // call returning 0 is visited at least once, across any number of grows and shrinks
  // in between; some may be visited more than once.
  //
  // The cursor's low bits index the bucket, but it is incremented from its top bit down.
  // Doubling the array splits bucket b into b and b|size (a new high index bit), and
  // halving merges them: with the increment on reversed bits, the buckets already
  // covered are exactly those whose low bits are "below" the cursor in reversed order,
  // whatever the current size, so nothing is skipped.
  //
  // visit(Node&) may remove() or replace() the node it is given (rehashing and resizing
  // are held off during the call), but must not insert or touch other nodes' links.
  template <class F>
  uint64_t scan(uint64_t cursor, F&& visit) {
    if (size() == 0) return 0;
    {
      PauseGuard guard(*this);
      auto visit_chain = [&visit](Node* n) {
        while (n != nullptr) {
          Node* next = Traits::next(*n);  // visit may unlink or replace n
          visit(*n);
          n = next;
        }
      };
      if (!is_rehashing()) {
        const uint64_t m = t_[0].mask();
        visit_chain(t_[0].slots[cursor & m]);
        cursor = advance_cursor(cursor, m);
      } else {
        const Array* small = &t_[0];
        const Array* large = &t_[1];
        if (small->size > large->size) std::swap(small, large);
        const uint64_t ms = small->mask();
        const uint64_t ml = large->mask();
        visit_chain(small->slots[cursor & ms]);
        // Every large bucket that the small bucket splits into: they share the low bits,
        // and differ in the bits of (ml ^ ms), which the reversed increment walks through.
        do {
          visit_chain(large->slots[cursor & ml]);
          cursor = advance_cursor(cursor, ml);
        } while ((cursor & (ms ^ ml)) != 0);
      }
    }
    // Removals during the visit skipped the shrink check.
    if (pause_ == 0) maybe_shrink();
    return cursor;
  }

  // A random non-empty bucket, then a uniform node of its chain. While rehashing, the
  // array is first chosen in proportion to the nodes it holds, so that nodes already
  // moved to a small shrink target are not starved by a huge sparse source. Expected
  // work is O(1 + buckets/size) of the chosen array, which the shrink policy keeps at
  // about 8 except while a shrink is draining a sparse array; there the sequential
  // fallback favours nodes that follow long runs of empty buckets.
  template <class Rng>
  Node* random_node(Rng& rng) {
    if (size() == 0) return nullptr;
    rehash_step_from_op();
    int j = 0;
    if (is_rehashing() && rand_below(rng, size()) >= t_[0].used) j = 1;
    Node* const* slots = t_[j].slots + (j == 0 ? rehash_idx_ : 0);
    const uint64_t total = t_[j].size - (j == 0 ? rehash_idx_ : 0);
    Node* chain = nullptr;
    static constexpr int kAttempts = 16;
    for (int i = 0; i < kAttempts && chain == nullptr; ++i) {
      chain = slots[rand_below(rng, total)];
    }
    if (chain == nullptr) {
      // Random probes keep missing: walk forward instead, which touches memory
      // sequentially and ends because the chosen array has t_[j].used > 0 nodes.
      uint64_t r = rand_below(rng, total);
      while ((chain = slots[r]) == nullptr) r = (r + 1 == total) ? 0 : r + 1;
    }
    size_t len = 0;
    for (Node* n = chain; n != nullptr; n = Traits::next(*n)) ++len;
    for (uint64_t k = rand_below(rng, len); k > 0; --k) chain = Traits::next(*chain);
    return chain;
  }

  // A random node as Redis's "fair" random key picks one: uniformly among the nodes of a
  // run of consecutive buckets from a random start. random_node favours nodes of short
  // chains; this evens that out, and is exactly uniform while the table holds at most
  // kFairSample nodes in at most 150 buckets (the run then covers them all).
  static constexpr size_t kFairSample = 15;
  template <class Rng>
  Node* fair_random_node(Rng& rng) {
    Node* sampled[kFairSample];
    const size_t n = sample(sampled, kFairSample, rng);
    if (n == 0) return random_node(rng);
    return sampled[rand_below(rng, n)];
  }

  // Up to `count` distinct nodes from consecutive buckets starting at a random one
  // (eviction / expiry sampling). Visits at most max(count * 10, 16) bucket indexes,
  // so it returns fewer when the table is sparse.
  template <class Rng>
  size_t sample(Node** out, size_t count, Rng& rng) {
    if (count == 0 || size() == 0) return 0;
    count = std::min(count, size());
    rehash_step_from_op();
    const bool rehashing = is_rehashing();
    const size_t big = std::max(t_[0].size, t_[1].size);
    const size_t mask = big - 1;
    // Never wrap past the start, so no bucket (and no node) is taken twice.
    const size_t budget = std::min(big, std::max<size_t>(count * 10, 16));
    size_t i = rand_below(rng, big);
    size_t stored = 0;
    for (size_t v = 0; v < budget && stored < count; ++v, i = (i + 1) & mask) {
      for (int j = 0; j <= (rehashing ? 1 : 0) && stored < count; ++j) {
        const Array& a = t_[j];
        // The smaller array is covered only by the part of the walk within its range,
        // so each of its buckets is also visited at most once.
        if (i >= a.size) continue;
        for (Node* n = a.slots[i]; n != nullptr && stored < count; n = Traits::next(*n)) {
          out[stored++] = n;
        }
      }
    }
    return stored;
  }

  // Migrates up to `buckets` non-empty buckets, skipping at most `buckets` * 10 empty
  // ones. Returns whether a rehash is still in progress afterwards (a finished rehash
  // may immediately start the next resize if the size calls for it).
  bool rehash_steps(size_t buckets) {
    if (!is_rehashing() || pause_ != 0) return is_rehashing();
    // Saturating, so rehash_steps(SIZE_MAX) means "finish".
    size_t empty_budget =
        buckets > SIZE_MAX / kEmptyVisitsPerStep ? SIZE_MAX : buckets * kEmptyVisitsPerStep;
    Array& src = t_[0];
    Array& dst = t_[1];
    while (buckets > 0 && src.used != 0) {
      // used != 0 guarantees a non-empty bucket at or after rehash_idx_.
      while (src.slots[rehash_idx_] == nullptr) {
        if (empty_budget == 0) return true;
        --empty_budget;
        ++rehash_idx_;
      }
      Node* n = src.slots[rehash_idx_];
      src.slots[rehash_idx_] = nullptr;
      while (n != nullptr) {
        Node* next = Traits::next(*n);
        Node*& head = dst.slots[hash(Traits::key(*n)) & dst.mask()];
        Traits::set_next(*n, head);
        head = n;
        --src.used;
        ++dst.used;
        n = next;
      }
      ++rehash_idx_;
      --buckets;
    }
    if (src.used == 0) {
      std::free(src.slots);
      t_[0] = t_[1];
      t_[1] = Array{};
      rehash_idx_ = 0;
      // Growth (or shrinkage) may have outpaced this resize; chain into the next one.
      maybe_grow(size());
      maybe_shrink();
    }
    return is_rehashing();
  }

  // Rehashes in batches until done or `budget` has elapsed (server cron).
  bool rehash_for(std::chrono::nanoseconds budget) {
    const auto deadline = std::chrono::steady_clock::now() + budget;
    while (rehash_steps(100)) {
      if (std::chrono::steady_clock::now() >= deadline) return true;
    }
    return false;
  }

  // Starts a resize so that `n` nodes fit without further growth (bulk loads).
  // Returns false if a rehash is already running or the allocation failed.
  bool reserve(size_t n) {
    const size_t want = bucket_size_for(n);
    if (t_[0].slots == nullptr) return allocate(t_[0], want);
    if (is_rehashing() || want <= t_[0].size) return false;
    return start_resize(want);
  }

  // visit(Node&) sees every node once. It must not insert; like scan's visitor it may
  // remove() or replace() the node it is given, and nothing else.
  template <class F>
  void for_each(F&& visit) const {
    PauseGuard guard(*this);
    for (int j = 0; j <= 1; ++j) {
      const Array& a = t_[j];
      if (a.slots == nullptr || a.used == 0) continue;
      for (size_t i = (j == 0 ? rehash_idx_ : 0); i < a.size; ++i) {
        for (Node* n = a.slots[i]; n != nullptr;) {
          Node* next = Traits::next(*n);
          visit(*n);
          n = next;
        }
      }
    }
  }

  // dispose(Node*) is called exactly once per node (it may free the node); the table is
  // left empty with no bucket arrays, as if freshly constructed with the same seed.
  template <class F>
  void clear(F&& dispose) {
    for (int j = 0; j <= 1; ++j) {
      Array& a = t_[j];
      if (a.slots == nullptr || a.used == 0) continue;
      for (size_t i = (j == 0 ? rehash_idx_ : 0); i < a.size && a.used > 0; ++i) {
        Node* n = a.slots[i];
        a.slots[i] = nullptr;
        while (n != nullptr) {
          Node* next = Traits::next(*n);
          --a.used;
          dispose(n);
          n = next;
        }
      }
    }
    release_arrays();
  }

  // Per-process random seed, so bucket placement (and thus SCAN order and collision
  // patterns) cannot be predicted or forced by clients.
  static uint64_t default_seed() {
    static const uint64_t seed = [] {
      std::random_device rd;
      uint64_t s = (uint64_t{rd()} << 32) ^ uint64_t{rd()};
      s ^= static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
      return s;
    }();
    return seed;
  }

 private:
  struct Array {
    Node** slots = nullptr;
    size_t size = 0;  // power of two, or 0 when unallocated
    size_t used = 0;
    size_t mask() const { return size - 1; }
  };

  struct PauseGuard {
    explicit PauseGuard(const HashTable& t) : table(t) { ++table.pause_; }
    ~PauseGuard() { --table.pause_; }
    PauseGuard(const PauseGuard&) = delete;
    PauseGuard& operator=(const PauseGuard&) = delete;
    const HashTable& table;
  };

  uint64_t hash(std::string_view key) const { return XXH3_64bits_withSeed(key.data(), key.size(), seed_); }

  // Points whatever linked to `n` (the bucket head or `prev`) at `successor`.
  static void unlink(Node*& head, Node* prev, Node* n, Node* successor) {
    if (prev == nullptr) {
      assert(head == n);
      head = successor;
    } else {
      Traits::set_next(*prev, successor);
    }
    (void)n;
  }

  static uint64_t reverse_bits(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
  }

  // Sets the bits above the mask so the increment of the reversed value carries
  // straight into the masked bits.
  static uint64_t advance_cursor(uint64_t cursor, uint64_t mask) {
    cursor |= ~mask;
    cursor = reverse_bits(cursor);
    ++cursor;
    return reverse_bits(cursor);
  }

  template <class Rng>
  static uint64_t rand_below(Rng& rng, uint64_t n) {
    return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng);
  }

  static size_t bucket_size_for(size_t n) {
    return std::max(kMinBuckets, std::bit_ceil(std::max<size_t>(n, 1)));
  }

  // calloc, because large arrays then come straight from fresh (lazily zeroed) pages:
  // a 16M-bucket array costs nothing until buckets are written. Relies on all-zero
  // bits being a null pointer, true on every platform we build for.
  static bool allocate(Array& a, size_t n) {
    auto* slots = static_cast<Node**>(std::calloc(n, sizeof(Node*)));
    if (slots == nullptr) return false;
    a = Array{slots, n, 0};
    return true;
  }

  bool start_resize(size_t n) {
    if (n == t_[0].size) return false;
    if (t_[0].used == 0) {
      // Nothing to migrate: swap arrays directly rather than starting a rehash.
      Array fresh;
      if (!allocate(fresh, n)) return false;
      std::free(t_[0].slots);
      t_[0] = fresh;
      rehash_idx_ = 0;
      return true;
    }
    if (!allocate(t_[1], n)) return false;
    rehash_idx_ = 0;
    return true;
  }

  // `needed` is the size the table is about to reach.
  void maybe_grow(size_t needed) {
    if (is_rehashing() || t_[0].slots == nullptr || pause_ != 0) return;
    const size_t buckets = t_[0].size;
    if (needed <= buckets) return;
    if (!resize_allowed_ && needed <= buckets * kForceGrowRatio) return;
    start_resize(std::max(buckets * 2, bucket_size_for(needed)));
  }

  void maybe_shrink() {
    if (is_rehashing() || t_[0].slots == nullptr || pause_ != 0 || !resize_allowed_) return;
    const size_t buckets = t_[0].size;
    const size_t n = size();
    if (buckets <= kMinBuckets || n >= buckets / kShrinkRatio) return;
    // Load about 1/4..1/2 afterwards: far from both the grow and the shrink thresholds,
    // so a workload hovering around one of them does not resize back and forth.
    start_resize(bucket_size_for(n * 2));
  }

  void rehash_step_from_op(size_t buckets = 1) {
    if (is_rehashing() && pause_ == 0) rehash_steps(buckets);
  }

  void steal(HashTable& other) noexcept {
    t_[0] = std::exchange(other.t_[0], Array{});
    t_[1] = std::exchange(other.t_[1], Array{});
    rehash_idx_ = std::exchange(other.rehash_idx_, 0);
    seed_ = other.seed_;
    resize_allowed_ = other.resize_allowed_;
    pause_ = 0;
  }

  void release_arrays() noexcept {
    std::free(t_[0].slots);
    std::free(t_[1].slots);
    t_[0] = Array{};
    t_[1] = Array{};
    rehash_idx_ = 0;
  }

  Array t_[2];
  size_t rehash_idx_ = 0;  // next bucket of t_[0] to migrate; meaningful while rehashing
  uint64_t seed_;
  // > 0 while a scan/for_each visitor runs: no rehash steps and no resizes, so chains
  // and arrays stay put under the iteration. Mutable because for_each is const.
  mutable int pause_ = 0;
  bool resize_allowed_ = true;
};

}  // namespace corvid
