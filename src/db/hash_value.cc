#include "db/hash_value.h"

namespace corvid {

HashValue::HashValue() = default;

HashValue::~HashValue() {
  if (table_) table_->clear([](Node* n) { delete n; });
}

size_t HashValue::size() const { return table_ ? table_->size() : lp_.size() / 2; }

bool HashValue::contains(std::string_view field) const {
  if (table_) return table_->peek(field) != nullptr;
  return lp_.find(lp_.begin(), field, 2).has_value();
}

std::optional<std::string_view> HashValue::get(std::string_view field, Scratch& scratch) const {
  if (table_) {
    const Node* n = table_->peek(field);
    if (n == nullptr) return std::nullopt;
    return std::string_view(n->value);
  }
  auto p = lp_.find(lp_.begin(), field, 2);
  if (!p) return std::nullopt;
  return lp_.get(lp_.next(*p), scratch);
}

bool HashValue::set(std::string_view field, std::string_view value, const HashLimits& limits) {
  if (!table_ && (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value)) {
    convert_to_table();
  }
  if (table_) {
    if (Node* n = table_->find(field)) {
      n->value.assign(value);
      return false;
    }
    table_->insert(new Node{std::string(field), std::string(value)});
    return true;
  }
  if (auto p = lp_.find(lp_.begin(), field, 2)) {
    lp_.replace(lp_.next(*p), value);
    return false;
  }
  lp_.push_back(field);
  lp_.push_back(value);
  if (size() > limits.max_listpack_entries) convert_to_table();
  return true;
}

bool HashValue::erase(std::string_view field) {
  if (table_) {
    Node* n = table_->remove(field);
    delete n;
    return n != nullptr;
  }
  auto p = lp_.find(lp_.begin(), field, 2);
  if (!p) return false;
  lp_.erase(*p, 2);
  return true;
}

void HashValue::convert_to_table() {
  auto table = std::make_unique<Table>();
  Scratch field_scratch, value_scratch;
  for (Listpack::Pos p = lp_.begin(); p != lp_.end();) {
    std::string_view field = lp_.get(p, field_scratch);
    p = lp_.next(p);
    std::string_view value = lp_.get(p, value_scratch);
    p = lp_.next(p);
    table->insert(new Node{std::string(field), std::string(value)});
  }
  table_ = std::move(table);
  lp_.clear();
}

std::unique_ptr<ValueObject> HashValue::clone() const {
  auto copy = std::make_unique<HashValue>();
  if (table_) {
    copy->table_ = std::make_unique<Table>();
    table_->for_each([&copy](const Node& n) { copy->table_->insert(new Node{n.field, n.value}); });
  } else if (auto block = Listpack::from_bytes(lp_.raw())) {
    copy->lp_ = std::move(*block);
  }
  return copy;
}

size_t HashValue::allocated_bytes() const {
  size_t total = sizeof(HashValue);
  if (!table_) return total + (lp_.empty() ? 0 : lp_.bytes());
  total += sizeof(Table) + table_->bucket_memory();
  auto heap = [](const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; };
  table_->for_each([&](const Node& n) { total += sizeof(Node) + heap(n.field) + heap(n.value); });
  return total;
}

bool hash_set(KeyEntry& entry, std::string_view field, std::string_view value, const HashLimits& limits) {
  auto& hash = entry.object_as<HashValue>();
  bool created = hash.set(field, value, limits);
  entry.set_encoding(hash.encoding());
  return created;
}

}  // namespace corvid
