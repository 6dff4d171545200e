#include "db/hash_value.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

#include "core/number_format.h"

namespace corvid {

namespace {

// A listpack triple's third entry: the deadline, or 0 for none (as Redis stores it).
constexpr int64_t kListpackNoDeadline = 0;

std::string_view deadline_text(int64_t expire_at_ms, char (&digits)[kInt64MaxChars + 1]) {
  const int64_t stored = expire_at_ms == HashValue::kNoExpiry ? kListpackNoDeadline : expire_at_ms;
  return {digits, format_int64(stored, digits)};
}

}  // namespace

HashValue::Node* HashValue::Node::create(std::string_view field, std::string_view value, int64_t expire_at_ms) {
  // The field length shares its word with the deadline flag.
  if (field.size() >= (size_t{1} << 31) || value.size() > UINT32_MAX) throw std::length_error("hash entry too large");
  const bool with_deadline = expire_at_ms != kNoExpiry;
  const size_t total = sizeof(Node) + (with_deadline ? sizeof(int64_t) : 0) + field.size() + value.size();
  auto* n = static_cast<Node*>(::operator new(total));
  n->next = nullptr;
  n->field_length = static_cast<uint32_t>(field.size());
  n->has_deadline = with_deadline;
  n->value_length = static_cast<uint32_t>(value.size());
  if (with_deadline) n->set_expire_at_ms(expire_at_ms);
  if (!field.empty()) std::memcpy(n->payload(), field.data(), field.size());
  if (!value.empty()) std::memcpy(n->payload() + field.size(), value.data(), value.size());
  return n;
}

void HashValue::Node::destroy(Node* n) { ::operator delete(n); }

size_t HashValue::Node::bytes() const {
  return sizeof(Node) + (has_deadline ? sizeof(int64_t) : 0) + field_length + value_length;
}

int64_t HashValue::Node::expire_at_ms() const {
  if (!has_deadline) return kNoExpiry;
  int64_t when;
  std::memcpy(&when, this + 1, sizeof when);
  return when;
}

void HashValue::Node::set_expire_at_ms(int64_t when) { std::memcpy(this + 1, &when, sizeof when); }

HashValue::HashValue() { new (storage_) Listpack(); }

HashValue::~HashValue() {
  if (Extension* e = ext()) {
    if (e->table) e->table->clear([](Node* n) { Node::destroy(n); });
    delete e;
  } else {
    plain().~Listpack();
  }
}

void HashValue::install(Extension* e) {
  plain().~Listpack();
  const uintptr_t bits = reinterpret_cast<uintptr_t>(e) | kExtensionTag;
  std::memcpy(storage_, &bits, sizeof bits);
}

size_t HashValue::size() const {
  if (const Table* t = table()) return t->size();
  return listpack().size() / stride();
}

bool HashValue::contains(std::string_view field) const {
  if (const Table* t = table()) return t->peek(field) != nullptr;
  return find_in_listpack(field).has_value();
}

std::optional<std::string_view> HashValue::get(std::string_view field, Scratch& scratch) const {
  if (const Table* t = table()) {
    const Node* n = t->peek(field);
    if (n == nullptr) return std::nullopt;
    return n->value();
  }
  auto p = find_in_listpack(field);
  if (!p) return std::nullopt;
  const Listpack& lp = listpack();
  return lp.get(lp.next(*p), scratch);
}

HashValue::Node* HashValue::rebuild_node(Node* n, std::string_view value, int64_t expire_at_ms) {
  Node* replacement = Node::create(n->field(), value, expire_at_ms);
  table()->replace(n, replacement);
  Node::destroy(n);
  return replacement;
}

bool HashValue::set(std::string_view field, std::string_view value, const HashLimits& limits, bool keep_deadline) {
  if (!table() && (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value)) {
    convert_to_table();
  }
  if (Table* t = table()) {
    if (Node* n = t->find(field)) {
      const int64_t deadline = keep_deadline ? n->expire_at_ms() : kNoExpiry;
      if (n->value_length == value.size() && (deadline != kNoExpiry) == static_cast<bool>(n->has_deadline)) {
        // Same shape: overwrite in place (a view of the old value may alias the new one).
        std::memmove(n->payload() + n->field_length, value.data(), value.size());
        if (deadline != kNoExpiry) n->set_expire_at_ms(deadline);
      } else {
        rebuild_node(n, value, deadline);
      }
      return false;
    }
    t->insert(Node::create(field, value, kNoExpiry));
    return true;
  }
  Listpack& lp = listpack();
  if (auto p = find_in_listpack(field)) {
    Listpack::Pos value_pos = lp.replace(lp.next(*p), value);
    if (triples() && !keep_deadline) {
      char digits[kInt64MaxChars + 1];
      lp.replace(lp.next(value_pos), deadline_text(kNoExpiry, digits));
    }
    return false;
  }
  lp.push_back(field);
  lp.push_back(value);
  if (triples()) {
    char digits[kInt64MaxChars + 1];
    lp.push_back(deadline_text(kNoExpiry, digits));
  }
  if (size() > limits.max_listpack_entries) convert_to_table();
  return true;
}

bool HashValue::erase(std::string_view field) {
  if (Table* t = table()) {
    Node* n = t->remove(field);
    if (n == nullptr) return false;
    Node::destroy(n);
    return true;
  }
  auto p = find_in_listpack(field);
  if (!p) return false;
  listpack().erase(*p, stride());
  return true;
}

int64_t HashValue::listpack_deadline(Listpack::Pos field_pos) const {
  if (!triples()) return kNoExpiry;
  const Listpack& lp = listpack();
  const int64_t stored = lp.get_int(lp.next(lp.next(field_pos))).value_or(kListpackNoDeadline);
  return stored == kListpackNoDeadline ? kNoExpiry : stored;
}

void HashValue::write_listpack_deadline(Listpack::Pos field_pos, int64_t expire_at_ms) {
  Listpack& lp = listpack();
  char digits[kInt64MaxChars + 1];
  lp.replace(lp.next(lp.next(field_pos)), deadline_text(expire_at_ms, digits));
}

std::optional<int64_t> HashValue::field_expiry(std::string_view field) const {
  if (const Table* t = table()) {
    const Node* n = t->peek(field);
    if (n == nullptr) return std::nullopt;
    return n->expire_at_ms();
  }
  auto p = find_in_listpack(field);
  if (!p) return std::nullopt;
  return listpack_deadline(*p);
}

void HashValue::note_deadline(int64_t expire_at_ms) {
  Extension* e = ext();
  if (expire_at_ms == kNoExpiry || e == nullptr) return;
  if (!e->next_expiry_valid || static_cast<uint64_t>(expire_at_ms) < e->next_expiry) {
    e->next_expiry = static_cast<uint64_t>(expire_at_ms);
    e->next_expiry_valid = 1;
  }
}

bool HashValue::set_field_expiry(std::string_view field, int64_t expire_at_ms) {
  expire_at_ms = expire_at_ms == kNoExpiry ? kNoExpiry : std::clamp<int64_t>(expire_at_ms, 0, kMaxExpiryMs);
  if (Table* t = table()) {
    Node* n = t->find(field);
    if (n == nullptr) return false;
    if (n->has_deadline && expire_at_ms != kNoExpiry) {
      n->set_expire_at_ms(expire_at_ms);
    } else if (n->has_deadline || expire_at_ms != kNoExpiry) {
      rebuild_node(n, n->value(), expire_at_ms);
    }
    note_deadline(expire_at_ms);
    return true;
  }
  auto p = find_in_listpack(field);
  if (!p) return false;
  if (!triples()) {
    if (expire_at_ms == kNoExpiry) return true;
    convert_to_triples();
    p = find_in_listpack(field);
  }
  write_listpack_deadline(*p, expire_at_ms);
  note_deadline(expire_at_ms);
  return true;
}

size_t HashValue::expire_due(int64_t now_ms) {
  if (!has_due_fields(now_ms)) return 0;
  // One pass drops what is due and finds the next deadline among the rest.
  Extension* e = ext();
  e->next_expiry_valid = 0;
  e->next_expiry = 0;
  size_t removed = 0;
  if (Table* t = table()) {
    t->for_each([&](Node& n) {
      const int64_t when = n.expire_at_ms();
      if (when == kNoExpiry) return;
      if (when <= now_ms) {
        Node::destroy(t->remove(n.field()));
        ++removed;
      } else {
        note_deadline(when);
      }
    });
    return removed;
  }
  Listpack& lp = listpack();
  for (Listpack::Pos p = lp.begin(); p != lp.end();) {
    const int64_t when = listpack_deadline(p);
    if (when != kNoExpiry && when <= now_ms) {
      p = lp.erase(p, 3);
      ++removed;
      continue;
    }
    note_deadline(when);
    p = lp.next(lp.next(lp.next(p)));
  }
  return removed;
}

void HashValue::convert_to_triples() {
  auto e = std::make_unique<Extension>();
  const Listpack& lp = plain();
  char digits[kInt64MaxChars + 1];
  const std::string_view none = deadline_text(kNoExpiry, digits);
  Scratch field_scratch, value_scratch;
  for (Listpack::Pos p = lp.begin(); p != lp.end();) {
    e->triples.push_back(lp.get(p, field_scratch));
    p = lp.next(p);
    e->triples.push_back(lp.get(p, value_scratch));
    p = lp.next(p);
    e->triples.push_back(none);
  }
  install(e.release());
}

void HashValue::convert_to_table() {
  std::unique_ptr<Extension> fresh;
  Extension* e = ext();
  if (e == nullptr) {
    fresh = std::make_unique<Extension>();
    e = fresh.get();
  }
  auto table = std::make_unique<Table>();
  for_each_with_expiry([&table](std::string_view field, std::string_view value, int64_t deadline) {
    table->insert(Node::create(field, value, deadline));
  });
  if (fresh) {
    install(fresh.release());
  } else {
    e->triples.clear();
  }
  e->table = std::move(table);
}

std::unique_ptr<ValueObject> HashValue::clone() const {
  auto copy = std::make_unique<HashValue>();
  const Extension* e = ext();
  if (e == nullptr) {
    if (auto block = Listpack::from_bytes(plain().raw())) copy->plain() = std::move(*block);
    return copy;
  }
  auto twin = std::make_unique<Extension>();
  if (e->table) {
    twin->table = std::make_unique<Table>();
    e->table->for_each([&twin](const Node& n) {
      auto* node = static_cast<Node*>(::operator new(n.bytes()));
      std::memcpy(static_cast<void*>(node), &n, n.bytes());
      node->next = nullptr;
      twin->table->insert(node);
    });
  } else if (auto block = Listpack::from_bytes(e->triples.raw())) {
    twin->triples = std::move(*block);
  }
  twin->next_expiry = e->next_expiry;
  twin->next_expiry_valid = e->next_expiry_valid;
  copy->install(twin.release());
  return copy;
}

size_t HashValue::allocated_bytes() const {
  size_t total = sizeof(HashValue);
  const Extension* e = ext();
  if (e != nullptr) total += sizeof(Extension);
  if (const Table* t = table()) {
    total += sizeof(Table) + t->bucket_memory();
    t->for_each([&](const Node& n) { total += n.bytes(); });
    return total;
  }
  const Listpack& lp = listpack();
  return total + (lp.empty() ? 0 : lp.bytes());
}

}  // namespace corvid
