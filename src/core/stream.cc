#include "core/stream.h"

#include <algorithm>
#include <array>

namespace corvid {
namespace {

constexpr int64_t kDeleted = 1;
constexpr int64_t kSameFields = 2;
// Redis's ceiling for one node whatever stream-node-max-bytes says.
constexpr size_t kNodeMaxBytes = size_t{1} << 30;

std::string element_text(const RedisListpack::Element& e) {
  return e.is_int ? std::to_string(e.integer) : std::string(e.bytes);
}

}  // namespace

std::string StreamID::text() const { return std::to_string(ms) + "-" + std::to_string(seq); }

bool StreamID::increment() {
  if (seq < UINT64_MAX) {
    ++seq;
    return true;
  }
  if (ms < UINT64_MAX) {
    ++ms;
    seq = 0;
    return true;
  }
  return false;
}

bool StreamID::decrement() {
  if (seq > 0) {
    --seq;
    return true;
  }
  if (ms > 0) {
    --ms;
    seq = UINT64_MAX;
    return true;
  }
  return false;
}

RedisListpack::Pos Stream::first_entry(const RedisListpack& node, std::vector<std::string>& names) {
  RedisListpack::Pos p = node.first();
  p = node.next(p);  // live count
  p = node.next(p);  // deleted count
  const int64_t master_fields = node.read_int(p);
  p = node.next(p);
  names.clear();
  for (int64_t i = 0; i < master_fields; ++i, p = node.next(p)) names.push_back(element_text(node.read(p)));
  return node.next(p);  // past the master entry's terminating 0
}

RedisListpack::Pos Stream::read_entry(const RedisListpack& node, StreamID master,
                                      const std::vector<std::string>& names, RedisListpack::Pos p, Parsed& out,
                                      bool with_fields) {
  out.flags_pos = p;
  const int64_t flags = node.read_int(p);
  p = node.next(p);
  out.deleted = (flags & kDeleted) != 0;
  out.id.ms = master.ms + static_cast<uint64_t>(node.read_int(p));
  p = node.next(p);
  out.id.seq = master.seq + static_cast<uint64_t>(node.read_int(p));
  p = node.next(p);
  out.fields.clear();
  if (flags & kSameFields) {
    for (const std::string& name : names) {
      if (with_fields) out.fields.emplace_back(name, element_text(node.read(p)));
      p = node.next(p);
    }
  } else {
    const int64_t count = node.read_int(p);
    p = node.next(p);
    for (int64_t i = 0; i < count; ++i) {
      if (with_fields) {
        std::string field = element_text(node.read(p));
        out.fields.emplace_back(std::move(field), element_text(node.read(node.next(p))));
      }
      p = node.next(node.next(p));
    }
  }
  return node.next(p);  // past the lp-count
}

RedisListpack::Pos Stream::entry_before(const RedisListpack& node, RedisListpack::Pos p) {
  p = node.prev(p);  // the lp-count: how many elements the entry has before it
  for (int64_t n = node.read_int(p); n > 0; --n) p = node.prev(p);
  return p;
}

std::vector<Stream::Parsed> Stream::parse(StreamID master, const RedisListpack& node) {
  std::vector<Parsed> out;
  std::vector<std::string> names;
  for (RedisListpack::Pos p = first_entry(node, names); p != node.end();) {
    Parsed e;
    p = read_entry(node, master, names, p, e, true);
    out.push_back(std::move(e));
  }
  return out;
}

void Stream::append(StreamID id, std::span<const FieldValue> fields, const Limits& limits) {
  RedisListpack* node = nullptr;
  StreamID master;
  if (!nodes_.empty()) {
    auto& [last_master, last_node] = *nodes_.rbegin();
    size_t added_bytes = 0;
    for (const auto& [field, value] : fields) added_bytes += field.size() + value.size();
    const size_t max_bytes =
        limits.node_max_bytes == 0 || limits.node_max_bytes > kNodeMaxBytes ? kNodeMaxBytes : limits.node_max_bytes;
    bool full = last_node.bytes() + added_bytes >= max_bytes;
    if (!full && limits.node_max_entries > 0) {
      const RedisListpack::Pos live = last_node.first();
      const int64_t entries = last_node.read_int(live) + last_node.read_int(last_node.next(live));
      full = entries >= limits.node_max_entries;
    }
    if (!full) {
      node = &last_node;
      master = last_master;
    } else {
      // The node is done growing: give back the room its appends reserved.
      last_node.shrink_to_fit();
    }
  }
  int64_t flags = 0;
  if (node == nullptr) {
    master = id;
    RedisListpack fresh;
    fresh.push_back_int(1);
    fresh.push_back_int(0);
    fresh.push_back_int(static_cast<int64_t>(fields.size()));
    for (const auto& [field, value] : fields) fresh.push_back(field);
    fresh.push_back_int(0);
    node = &nodes_.emplace(id, std::move(fresh)).first->second;
    flags = kSameFields;
  } else {
    const RedisListpack::Pos live = node->first();
    node->replace_int(live, node->read_int(live) + 1);
    RedisListpack::Pos p = node->next(node->next(live));
    const int64_t master_fields = node->read_int(p);
    if (master_fields == static_cast<int64_t>(fields.size())) {
      bool same = true;
      p = node->next(p);
      for (const auto& [field, value] : fields) {
        const RedisListpack::Element name = node->read(p);
        if (element_text(name) != field) {
          same = false;
          break;
        }
        p = node->next(p);
      }
      if (same) flags = kSameFields;
    }
  }
  node->push_back_int(flags);
  node->push_back_int(static_cast<int64_t>(id.ms - master.ms));
  node->push_back_int(static_cast<int64_t>(id.seq - master.seq));
  if (!(flags & kSameFields)) node->push_back_int(static_cast<int64_t>(fields.size()));
  for (const auto& [field, value] : fields) {
    if (!(flags & kSameFields)) node->push_back(field);
    node->push_back(value);
  }
  const auto n = static_cast<int64_t>(fields.size());
  node->push_back_int((flags & kSameFields) ? n + 3 : 2 * n + 4);

  if (length_ == 0) first_id_ = id;
  ++length_;
  ++entries_added_;
  last_id_ = id;
}

bool Stream::remove(StreamID id) {
  auto it = nodes_.upper_bound(id);
  if (it == nodes_.begin()) return false;
  --it;
  RedisListpack& node = it->second;
  for (const Parsed& e : parse(it->first, node)) {
    if (e.id != id) continue;
    if (e.deleted) return false;
    node.replace_int(e.flags_pos, node.read_int(e.flags_pos) | kDeleted);
    const RedisListpack::Pos live = node.first();
    const int64_t remaining = node.read_int(live) - 1;
    node.replace_int(live, remaining);
    const RedisListpack::Pos deleted = node.next(node.first());
    node.replace_int(deleted, node.read_int(deleted) + 1);
    if (remaining == 0) nodes_.erase(it);
    --length_;
    if (id > max_deleted_id_) max_deleted_id_ = id;
    if (id == first_id_) refresh_first_id();
    return true;
  }
  return false;
}

int64_t Stream::trim(const Trim& trim) {
  using Strategy = Trim::Strategy;
  if (trim.strategy == Strategy::None) return 0;
  int64_t removed = 0;
  while (!nodes_.empty()) {
    if (trim.strategy == Strategy::MaxLen && length_ <= trim.max_length) break;
    auto it = nodes_.begin();
    RedisListpack& node = it->second;
    const int64_t live = node.read_int(node.first());
    // No more work than the limit allows (whole nodes count whole).
    if (trim.limit > 0 && removed + live > trim.limit) break;
    std::vector<Parsed> entries = parse(it->first, node);
    bool whole_node;
    if (trim.strategy == Strategy::MaxLen) {
      whole_node = length_ - static_cast<uint64_t>(live) >= trim.max_length;
    } else {
      // The node's last entry, deleted or not, decides.
      whole_node = entries.back().id < trim.min_id;
    }
    if (whole_node) {
      nodes_.erase(it);
      length_ -= static_cast<uint64_t>(live);
      removed += live;
      continue;
    }
    if (trim.approximate) break;
    // Exact: mark entries of this node deleted until the condition holds.
    int64_t marked = 0;
    for (const Parsed& e : entries) {
      const bool done = trim.strategy == Strategy::MaxLen ? length_ <= trim.max_length : e.id >= trim.min_id;
      if (done) break;
      if (e.deleted) continue;
      node.replace_int(e.flags_pos, node.read_int(e.flags_pos) | kDeleted);
      ++marked;
      --length_;
    }
    removed += marked;
    const RedisListpack::Pos live_pos = node.first();
    node.replace_int(live_pos, live - marked);
    const RedisListpack::Pos deleted_pos = node.next(node.first());
    node.replace_int(deleted_pos, node.read_int(deleted_pos) + marked);
    break;
  }
  refresh_first_id();
  return removed;
}

void Stream::refresh_first_id() {
  first_id_ = StreamID{};
  if (length_ == 0) return;
  for (const auto& [master, node] : nodes_) {
    for (const Parsed& e : parse(master, node)) {
      if (!e.deleted) {
        first_id_ = e.id;
        return;
      }
    }
  }
}

size_t Stream::memory_bytes() const {
  size_t total = 0;
  for (const auto& [master, node] : nodes_) total += node.capacity() + sizeof(master) + sizeof(node) + 4 * sizeof(void*);
  return total;
}

}  // namespace corvid

namespace corvid {

bool Stream::contains(StreamID id) const {
  bool found = false;
  visit(id, id, false, [&](const Entry&) { return !(found = true); });
  return found;
}

StreamID Stream::last_live_id() const {
  StreamID top;
  visit(StreamID::min(), StreamID::max(), true, [&](const Entry& e) {
    top = e.id;
    return false;
  });
  return top;
}

bool Stream::may_have_deleted_from(StreamID from) const {
  if (length_ == 0 || max_deleted_id_ == StreamID::min() || first_id_ > max_deleted_id_) return false;
  return from <= max_deleted_id_;
}

int64_t Stream::entries_read_at(StreamID id) const {
  if (entries_added_ == 0) return 0;
  const auto added = static_cast<int64_t>(entries_added_);
  if (length_ == 0 && id <= last_id_) return added;
  if (id == last_id_) return added;
  if (id > last_id_) return kUnknownEntriesRead;
  if (max_deleted_id_ == StreamID::min() || max_deleted_id_ < first_id_) {
    // Nothing was deleted from among the entries still here: counting back from the end
    // is exact.
    if (id < first_id_) return added - static_cast<int64_t>(length_);
    if (id == first_id_) return added - static_cast<int64_t>(length_) + 1;
  }
  return kUnknownEntriesRead;
}

size_t Stream::radix_tree_nodes() const {
  if (nodes_.empty()) return 1;  // the empty root
  auto key_of = [](StreamID id) {
    std::array<uint8_t, 16> key;
    for (int i = 0; i < 8; ++i) {
      key[i] = static_cast<uint8_t>(id.ms >> (56 - 8 * i));
      key[8 + i] = static_cast<uint8_t>(id.seq >> (56 - 8 * i));
    }
    return key;
  };
  constexpr size_t kLeafDepth = 16;
  if (nodes_.size() == 1) return 2;  // the root holding the whole key, and the key's node
  // Walking the keys in order, a stack holds the depths of the branch points on the path
  // to the latest key. Every node below a branch point is reached by an edge whose first
  // byte the branch point holds; an edge of two or more bytes needs a node for the rest.
  size_t branch_points = 0;
  size_t long_edges = 0;
  std::vector<size_t> open;
  auto edge = [&](size_t child_depth, size_t parent_depth) { long_edges += child_depth - parent_depth >= 2; };
  std::array<uint8_t, 16> previous = key_of(nodes_.begin()->first);
  for (auto it = std::next(nodes_.begin()); it != nodes_.end(); ++it) {
    const std::array<uint8_t, 16> key = key_of(it->first);
    size_t shared = 0;
    while (shared < kLeafDepth && key[shared] == previous[shared]) ++shared;
    size_t child = kLeafDepth;
    while (!open.empty() && open.back() > shared) {
      edge(child, open.back());
      child = open.back();
      open.pop_back();
    }
    edge(child, shared);
    if (open.empty() || open.back() != shared) {
      open.push_back(shared);
      ++branch_points;
    }
    previous = key;
  }
  size_t child = kLeafDepth;
  while (!open.empty()) {
    edge(child, open.back());
    child = open.back();
    open.pop_back();
  }
  // `child` is now the top branch point; bytes all keys share above it make a root node.
  const size_t root = child > 0 ? 1 : 0;
  return nodes_.size() + branch_points + long_edges + root;
}

}  // namespace corvid
