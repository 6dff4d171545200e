#pragma once
// A hash (HSET and friends): field -> value, where a field may carry its own deadline
// (HEXPIRE and friends, Redis 7.4).
//
// Small hashes live in one listpack of alternating field/value entries; once a hash holds
// more entries, or a longer field or value, than the configured limits allow, it moves to
// a chained hash table for good (as Redis does: a hash never converts back).
//
// Field deadlines cost nothing until a field gets one. The listpack then switches to
// field/value/deadline triples (0 for "none", what Redis 7.4 calls "listpackex"), and a
// table node grows an 8-byte deadline slot in its own allocation. The hash remembers its
// earliest deadline, so "is anything due?" is O(1); expire_due() drops what is.
// Readers never filter by time: the Database calls expire_due() on every lookup, so what
// they see has no due fields.
//
// Memory: a plain small hash is the object header plus its listpack pointer, 16 bytes,
// like Redis's robj. Everything else (the table, or the triples and the earliest
// deadline) hangs off one "extension" block whose tagged pointer takes the listpack's
// place, so only hashes that need it pay for it.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/hash_table.h"
#include "core/listpack.h"
#include "db/key_entry.h"
#include "db/value_object.h"

namespace corvid {

// hash-max-listpack-entries / hash-max-listpack-value, read from the config by callers so
// that this type does not depend on the server.
struct HashLimits {
  size_t max_listpack_entries = 512;
  size_t max_listpack_value = 64;
};

class HashValue final : public ValueObject {
 public:
  // Holds a rendered integer entry of the listpack encoding while a view of it is used.
  using Scratch = Listpack::Scratch;

  // A field without a deadline.
  static constexpr int64_t kNoExpiry = -1;
  // Field deadlines are Unix milliseconds below 2^48, the range Redis accepts for them.
  static constexpr int64_t kMaxExpiryMs = (int64_t{1} << 48) - 1;

  HashValue();
  ~HashValue() override;
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;

  Encoding encoding() const override {
    return table() ? Encoding::Hashtable : triples() ? Encoding::ListpackEx : Encoding::Listpack;
  }
  // The listpack holds field/value/deadline triples (Redis's "listpackex").
  bool listpack_with_deadlines() const { return triples(); }
  size_t size() const;
  bool contains(std::string_view field) const;
  // The view lives until the next mutation (and, for the listpack, as long as `scratch`).
  std::optional<std::string_view> get(std::string_view field, Scratch& scratch) const;
  // Adds or overwrites; true when the field is new. May convert to a hash table. An
  // overwritten field loses its deadline (HSET) unless `keep_deadline` (HINCRBY, KEEPTTL).
  bool set(std::string_view field, std::string_view value, const HashLimits& limits, bool keep_deadline = false);
  bool erase(std::string_view field);

  // Field deadlines.
  // nullopt when the field is absent, kNoExpiry when it has no deadline.
  std::optional<int64_t> field_expiry(std::string_view field) const;
  // Gives an existing field a deadline (0..kMaxExpiryMs), or removes it with kNoExpiry.
  // False when the field is absent.
  bool set_field_expiry(std::string_view field, int64_t expire_at_ms);
  // May some field have a deadline? Can stay true for a while after the last deadline is
  // removed (until the next expire_due() looks), never false while one is set.
  bool has_field_deadlines() const {
    const Extension* e = ext();
    return e != nullptr && e->next_expiry_valid;
  }
  bool has_due_fields(int64_t now_ms) const {
    const Extension* e = ext();
    return e != nullptr && e->next_expiry_valid && static_cast<int64_t>(e->next_expiry) <= now_ms;
  }
  // Removes every field whose deadline is at or before `now_ms`; returns how many.
  size_t expire_due(int64_t now_ms);

  // visit(std::string_view field, std::string_view value), in storage order.
  template <class F>
  void for_each(F&& visit) const {
    for_each_with_expiry([&visit](std::string_view field, std::string_view value, int64_t) { visit(field, value); });
  }
  // visit(field, value, expire_at_ms or kNoExpiry), in storage order.
  template <class F>
  void for_each_with_expiry(F&& visit) const {
    if (const Table* t = table()) {
      t->for_each([&visit](const Node& n) { visit(n.field(), n.value(), n.expire_at_ms()); });
      return;
    }
    const Listpack& lp = listpack();
    Scratch field_scratch, value_scratch;
    for (Listpack::Pos p = lp.begin(); p != lp.end();) {
      const int64_t deadline = listpack_deadline(p);
      std::string_view field = lp.get(p, field_scratch);
      p = lp.next(p);
      visit(field, lp.get(p, value_scratch), deadline);
      p = skip_deadline(lp.next(p));
    }
  }

  // A uniformly chosen field and its value; the hash must not be empty. Not const: on
  // the table it performs a rehash step, as lookups do. Views as for get().
  template <class Rng>
  std::pair<std::string_view, std::string_view> random_entry(Rng& rng, Scratch& field_scratch,
                                                             Scratch& value_scratch) {
    if (Table* t = table()) {
      const Node* n = t->fair_random_node(rng);
      return {n->field(), n->value()};
    }
    const Listpack& lp = listpack();
    const int64_t pick = static_cast<int64_t>(std::uniform_int_distribution<size_t>(0, size() - 1)(rng));
    Listpack::Pos p = *lp.at(static_cast<int64_t>(stride()) * pick);
    return {lp.get(p, field_scratch), lp.get(lp.next(p), value_scratch)};
  }

  // Fields in listpack order, for repeated random picks without walking the listpack
  // each time. Empty on the table encoding. Positions die with the next mutation.
  std::vector<Listpack::Pos> listpack_fields() const {
    std::vector<Listpack::Pos> out;
    if (table()) return out;
    const Listpack& lp = listpack();
    out.reserve(size());
    for (Listpack::Pos p = lp.begin(); p != lp.end(); p = skip_deadline(lp.next(lp.next(p)))) out.push_back(p);
    return out;
  }
  // The field at `p` (from listpack_fields()) and its value.
  std::pair<std::string_view, std::string_view> listpack_entry(Listpack::Pos p, Scratch& field_scratch,
                                                               Scratch& value_scratch) const {
    const Listpack& lp = listpack();
    return {lp.get(p, field_scratch), lp.get(lp.next(p), value_scratch)};
  }

  // One step of a cursor walk: visit(field, value) for what the step covers; returns the
  // next cursor, 0 when done. A listpack is small enough to be covered in one step.
  template <class F>
  uint64_t scan(uint64_t cursor, F&& visit) {
    Table* t = table();
    if (t == nullptr) {
      for_each(visit);
      return 0;
    }
    return t->scan(cursor, [&visit](Node& n) { visit(n.field(), n.value()); });
  }

  std::unique_ptr<ValueObject> clone() const override;
  size_t allocated_bytes() const override;
  // A listpack is one block; a table frees each node.
  size_t free_effort() const override { return table() ? table()->size() : 1; }

 private:
  // One table entry in one allocation: this header, the deadline when the field has one,
  // then the field bytes and the value bytes.
  struct Node {
    Node* next;
    uint32_t field_length : 31;
    uint32_t has_deadline : 1;
    uint32_t value_length;

    static Node* create(std::string_view field, std::string_view value, int64_t expire_at_ms);
    static void destroy(Node* n);
    size_t bytes() const;
    int64_t expire_at_ms() const;
    void set_expire_at_ms(int64_t when);
    char* payload() { return reinterpret_cast<char*>(this + 1) + (has_deadline ? sizeof(int64_t) : 0); }
    const char* payload() const {
      return reinterpret_cast<const char*>(this + 1) + (has_deadline ? sizeof(int64_t) : 0);
    }
    std::string_view field() const { return {payload(), field_length}; }
    std::string_view value() const { return {payload() + field_length, value_length}; }
  };
  struct NodeTraits {
    static std::string_view key(const Node& n) { return n.field(); }
    static Node* next(const Node& n) { return n.next; }
    static void set_next(Node& n, Node* next) { n.next = next; }
  };
  using Table = HashTable<Node, NodeTraits>;

  // Whatever a plain listpack hash does not need.
  // Kept to 24 bytes (a table is allocated apart) so that triples cost little more.
  struct Extension {
    std::unique_ptr<Table> table;  // the entries, once converted
    Listpack triples;              // the entries as field/value/deadline triples, until then
    uint64_t next_expiry : 48 = 0;
    uint64_t next_expiry_valid : 1 = 0;
  };
  static constexpr uintptr_t kExtensionTag = 1;
  static_assert(sizeof(Listpack) == sizeof(uintptr_t) && alignof(Extension) > kExtensionTag);

  // storage_ holds either a live Listpack (a plain hash) or an Extension pointer with
  // kExtensionTag set. A Listpack is a single pointer to an aligned block (or null), so
  // its bytes never have that bit set; reading them as bytes is always allowed.
  uintptr_t storage_bits() const {
    uintptr_t bits;
    std::memcpy(&bits, storage_, sizeof bits);
    return bits;
  }
  Extension* ext() const {
    const uintptr_t bits = storage_bits();
    return (bits & kExtensionTag) != 0 ? reinterpret_cast<Extension*>(bits & ~kExtensionTag) : nullptr;
  }
  Listpack& plain() { return *std::launder(reinterpret_cast<Listpack*>(storage_)); }
  const Listpack& plain() const { return *std::launder(reinterpret_cast<const Listpack*>(storage_)); }
  // The entries' listpack (only while not a table).
  Listpack& listpack() {
    Extension* e = ext();
    return e != nullptr ? e->triples : plain();
  }
  const Listpack& listpack() const {
    const Extension* e = ext();
    return e != nullptr ? e->triples : plain();
  }
  Table* table() const {
    Extension* e = ext();
    return e != nullptr ? e->table.get() : nullptr;
  }
  bool triples() const {
    const Extension* e = ext();
    return e != nullptr && e->table == nullptr;
  }
  // Replaces the plain listpack (destroyed; move its entries out first) by `e`.
  void install(Extension* e);

  size_t stride() const { return triples() ? 3 : 2; }
  // From the entry after a value to the next field: past the deadline entry, if any.
  Listpack::Pos skip_deadline(Listpack::Pos p) const { return triples() ? listpack().next(p) : p; }
  std::optional<Listpack::Pos> find_in_listpack(std::string_view field) const {
    const Listpack& lp = listpack();
    return lp.find(lp.begin(), field, stride());
  }
  int64_t listpack_deadline(Listpack::Pos field_pos) const;
  void write_listpack_deadline(Listpack::Pos field_pos, int64_t expire_at_ms);
  void convert_to_triples();
  void convert_to_table();
  void note_deadline(int64_t expire_at_ms);
  // Swaps `n` for a copy with another deadline presence (and/or value); frees `n`.
  Node* rebuild_node(Node* n, std::string_view value, int64_t expire_at_ms);

  alignas(Listpack) unsigned char storage_[sizeof(Listpack)];
};


}  // namespace corvid
