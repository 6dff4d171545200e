#pragma once
// A stream's entries and the numbers Redis keeps about them, stored as Redis stores them
// so that node boundaries (and so what XTRIM ~ removes), RDB files and DUMP payloads are
// the same: entries packed into nodes, each a listpack in Redis's byte layout
// (core/redis_listpack.h) keyed by the ID of its first entry (the "master" ID).
//
// A node starts with its master entry: live count, deleted count, the field names of the
// entry that opened the node, and a 0. Each entry follows as: flags (1 deleted, 2 same
// field names as the master entry), ID minus the master ID (milliseconds, sequence), the
// field count and names unless flag 2, the values, and the number of elements the entry
// used before this last one. An entry goes into the last node unless that node has
// reached node_max_bytes (with the new entry's field and value bytes) or node_max_entries
// (live and deleted); then it opens a new node. Deleting marks the entry's flags; a node
// whose entries are all deleted goes.
//
// Consumer groups live beside the entries (db/stream_value.h); this class knows nothing of
// commands.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/redis_listpack.h"

namespace corvid {

struct StreamID {
  uint64_t ms = 0;
  uint64_t seq = 0;

  auto operator<=>(const StreamID&) const = default;
  static constexpr StreamID min() { return {0, 0}; }
  static constexpr StreamID max() { return {UINT64_MAX, UINT64_MAX}; }
  // "ms-seq".
  std::string text() const;
  // The next / previous ID; false at the end of the range (the ID is then unchanged).
  bool increment();
  bool decrement();
};

class Stream {
 public:
  struct Limits {
    size_t node_max_bytes = 4096;   // stream-node-max-bytes (0: no limit but Redis's 1 GB)
    int64_t node_max_entries = 100;  // stream-node-max-entries (0: no limit)
  };
  using FieldValue = std::pair<std::string_view, std::string_view>;
  struct Entry {
    StreamID id;
    std::vector<std::pair<std::string, std::string>> fields;
  };

  // XTRIM / XADD's trimming: MAXLEN keeps the newest `max_length` entries, MINID removes
  // entries below `min_id`. Approximate trimming removes whole nodes only; `limit` bounds
  // the entries removed (0: none).
  struct Trim {
    enum class Strategy : uint8_t { None, MaxLen, MinId } strategy = Strategy::None;
    uint64_t max_length = 0;
    StreamID min_id;
    bool approximate = false;
    int64_t limit = 0;
  };

  uint64_t length() const { return length_; }
  StreamID last_id() const { return last_id_; }
  StreamID first_id() const { return first_id_; }
  StreamID max_deleted_id() const { return max_deleted_id_; }
  uint64_t entries_added() const { return entries_added_; }
  void set_last_id(StreamID id) { last_id_ = id; }
  void set_max_deleted_id(StreamID id) { max_deleted_id_ = id; }
  void set_entries_added(uint64_t n) { entries_added_ = n; }

  // Appends an entry; `id` must be greater than last_id(). Updates last_id and
  // entries_added.
  void append(StreamID id, std::span<const FieldValue> fields, const Limits& limits);
  // XDEL of one ID: false if there is no such live entry.
  bool remove(StreamID id);
  // Returns how many entries went.
  int64_t trim(const Trim& trim);

  // Calls visit(const Entry&) for live entries with start <= id <= end, ascending or (if
  // `reverse`) descending, until it returns false.
  template <class Visit>
  void visit(StreamID start, StreamID end, bool reverse, Visit&& visit) const;

  // The nodes, for RDB files and DUMP payloads: (master ID, listpack bytes), ascending.
  size_t node_count() const { return nodes_.size(); }
  template <class Visit>
  void for_each_node(Visit&& visit) const {
    for (const auto& [master, lp] : nodes_) visit(master, lp.raw());
  }
  // Loading: a node as Redis wrote it (checked by the caller), then the stream's numbers.
  void load_node(StreamID master, RedisListpack node) { nodes_.emplace(master, std::move(node)); }
  void set_loaded(uint64_t length, StreamID last, StreamID first, StreamID max_deleted, uint64_t added) {
    length_ = length, last_id_ = last, first_id_ = first, max_deleted_id_ = max_deleted, entries_added_ = added;
  }
  // Bytes held by the nodes (their listpacks and the index entries).
  size_t memory_bytes() const;

  // Whether a live entry has this ID (a PEL may name entries deleted since).
  bool contains(StreamID id) const;
  // The highest live ID (0-0 when empty).
  StreamID last_live_id() const;

  // A consumer group's "entries read" is the number of entries ever added up to the ID it
  // has read to; it can be known exactly only where no deleted entry could be skipped.
  // Whether an entry deleted from the middle may lie at or after `from`.
  bool may_have_deleted_from(StreamID from) const;
  // The entries-read count that `id` stands for, if it can be known without counting
  // (no deletions in the way); kUnknownEntriesRead otherwise.
  static constexpr int64_t kUnknownEntriesRead = -1;
  int64_t entries_read_at(StreamID id) const;

  // XINFO STREAM's radix-tree-keys and radix-tree-nodes: the nodes, and how many nodes a
  // radix tree over their 16-byte keys would have, built as Redis builds its own (one node
  // per branch point and per run of unshared bytes), so that XINFO answers as Redis does.
  size_t radix_tree_nodes() const;

 private:
  // The entries of one node in order, deleted ones included (flag kept).
  struct Parsed {
    StreamID id;
    bool deleted = false;
    RedisListpack::Pos flags_pos = 0;
    std::vector<std::pair<std::string, std::string>> fields;
  };
  static std::vector<Parsed> parse(StreamID master, const RedisListpack& node);
  // Walking a node in place: the position of its first entry (after the master entry,
  // whose field names go to `names`), and reading the entry at `p` (its flags): fills
  // `out` (fields only if `with_fields`) and returns the position after the entry.
  static RedisListpack::Pos first_entry(const RedisListpack& node, std::vector<std::string>& names);
  static RedisListpack::Pos read_entry(const RedisListpack& node, StreamID master,
                                       const std::vector<std::string>& names, RedisListpack::Pos p, Parsed& out,
                                       bool with_fields);
  // The flags position of the entry that ends just before `p` (found through its lp-count).
  static RedisListpack::Pos entry_before(const RedisListpack& node, RedisListpack::Pos p);
  // The lowest live ID, after the first node changed.
  void refresh_first_id();

  std::map<StreamID, RedisListpack> nodes_;
  uint64_t length_ = 0;
  StreamID last_id_;
  StreamID first_id_;
  StreamID max_deleted_id_;
  uint64_t entries_added_ = 0;
};

template <class Visit>
void Stream::visit(StreamID start, StreamID end, bool reverse, Visit&& visit) const {
  if (start > end || nodes_.empty()) return;
  // The node that may hold `start` is the last one whose master ID is not above it.
  auto first = nodes_.upper_bound(start);
  if (first != nodes_.begin()) --first;
  auto last = nodes_.upper_bound(end);  // one past the last node that may hold `end`
  std::vector<std::string> names;
  Parsed e;
  if (!reverse) {
    for (auto it = first; it != last; ++it) {
      const RedisListpack& node = it->second;
      for (RedisListpack::Pos p = first_entry(node, names); p != node.end();) {
        // Fields are read only for entries that are returned.
        const RedisListpack::Pos header = p;
        p = read_entry(node, it->first, names, header, e, false);
        if (e.deleted || e.id < start) continue;
        if (e.id > end) return;
        read_entry(node, it->first, names, header, e, true);
        if (!visit(Entry{e.id, std::move(e.fields)})) return;
      }
    }
    return;
  }
  for (auto it = last; it != first;) {
    --it;
    const RedisListpack& node = it->second;
    const RedisListpack::Pos begin = first_entry(node, names);
    for (RedisListpack::Pos p = node.end(); p != begin;) {
      p = entry_before(node, p);
      read_entry(node, it->first, names, p, e, false);
      if (e.deleted || e.id > end) continue;
      if (e.id < start) return;
      read_entry(node, it->first, names, p, e, true);
      if (!visit(Entry{e.id, std::move(e.fields)})) return;
    }
  }
}

}  // namespace corvid
