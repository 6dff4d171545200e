#pragma once
// A hash (HSET and friends): field -> value. Small hashes live in one listpack of
// alternating field/value entries; once a hash holds more entries, or a longer field or
// value, than the configured limits allow, it moves to a chained hash table for good
// (as Redis 7.0 does: a hash never converts back).

#include <cstddef>
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

  HashValue();
  ~HashValue() override;
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;

  Encoding encoding() const { return table_ ? Encoding::Hashtable : Encoding::Listpack; }
  size_t size() const;
  bool contains(std::string_view field) const;
  // The view lives until the next mutation (and, for the listpack, as long as `scratch`).
  std::optional<std::string_view> get(std::string_view field, Scratch& scratch) const;
  // Adds or overwrites; true when the field is new. May convert to a hash table.
  bool set(std::string_view field, std::string_view value, const HashLimits& limits);
  bool erase(std::string_view field);

  // visit(std::string_view field, std::string_view value), in storage order.
  template <class F>
  void for_each(F&& visit) const {
    if (table_) {
      table_->for_each([&visit](const Node& n) { visit(std::string_view(n.field), std::string_view(n.value)); });
      return;
    }
    Scratch field_scratch, value_scratch;
    for (Listpack::Pos p = lp_.begin(); p != lp_.end();) {
      std::string_view field = lp_.get(p, field_scratch);
      p = lp_.next(p);
      visit(field, lp_.get(p, value_scratch));
      p = lp_.next(p);
    }
  }

  // A uniformly chosen field and its value; the hash must not be empty. Not const: on
  // the table it performs a rehash step, as lookups do. Views as for get().
  template <class Rng>
  std::pair<std::string_view, std::string_view> random_entry(Rng& rng, Scratch& field_scratch,
                                                             Scratch& value_scratch) {
    if (table_) {
      const Node* n = table_->random_node(rng);
      return {n->field, n->value};
    }
    const int64_t pick = static_cast<int64_t>(std::uniform_int_distribution<size_t>(0, size() - 1)(rng));
    Listpack::Pos p = *lp_.at(2 * pick);
    return {lp_.get(p, field_scratch), lp_.get(lp_.next(p), value_scratch)};
  }

  // Fields in listpack order, for repeated random picks without walking the listpack
  // each time. Empty on the table encoding. Positions die with the next mutation.
  std::vector<Listpack::Pos> listpack_fields() const {
    std::vector<Listpack::Pos> out;
    if (table_) return out;
    out.reserve(size());
    for (Listpack::Pos p = lp_.begin(); p != lp_.end(); p = lp_.next(lp_.next(p))) out.push_back(p);
    return out;
  }
  // The field at `p` (from listpack_fields()) and its value.
  std::pair<std::string_view, std::string_view> listpack_entry(Listpack::Pos p, Scratch& field_scratch,
                                                               Scratch& value_scratch) const {
    return {lp_.get(p, field_scratch), lp_.get(lp_.next(p), value_scratch)};
  }

  // One step of a cursor walk: visit(field, value) for what the step covers; returns the
  // next cursor, 0 when done. A listpack is small enough to be covered in one step.
  template <class F>
  uint64_t scan(uint64_t cursor, F&& visit) {
    if (!table_) {
      for_each(visit);
      return 0;
    }
    return table_->scan(cursor, [&visit](Node& n) { visit(std::string_view(n.field), std::string_view(n.value)); });
  }

  std::unique_ptr<ValueObject> clone() const override;
  size_t allocated_bytes() const override;
  // A listpack is one block; a table frees each node.
  size_t free_effort() const override { return table_ ? table_->size() : 1; }

 private:
  struct Node {
    std::string field;
    std::string value;
    Node* next = nullptr;
  };
  struct NodeTraits {
    static std::string_view key(const Node& n) { return n.field; }
    static Node* next(const Node& n) { return n.next; }
    static void set_next(Node& n, Node* next) { n.next = next; }
  };
  using Table = HashTable<Node, NodeTraits>;

  void convert_to_table();

  Listpack lp_;
  std::unique_ptr<Table> table_;  // null while the listpack encoding is in use
};

// Sets `field` on the hash of `entry`, keeping the entry's reported encoding in step with
// a conversion. Returns true when the field is new.
bool hash_set(KeyEntry& entry, std::string_view field, std::string_view value, const HashLimits& limits);

}  // namespace corvid
