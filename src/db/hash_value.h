#pragma once
// A hash (HSET and friends): field -> value. Small hashes live in one listpack of
// alternating field/value entries; once a hash holds more entries, or a longer field or
// value, than the configured limits allow, it moves to a chained hash table for good
// (as Redis 7.0 does: a hash never converts back).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

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
