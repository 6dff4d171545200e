#include "core/stream_group.h"

namespace corvid {
namespace {

// A red-black tree node: three links and a colour beside the value.
constexpr size_t kTreeNodeOverhead = 4 * sizeof(void*);

}  // namespace

StreamGroup::StreamGroup(const StreamGroup& other)
    : last_id_(other.last_id_), entries_read_(other.entries_read_), consumers_(other.consumers_) {
  index_.reserve(other.pending_.size());
  for (const auto& [id, entry] : other.pending_) {
    StreamPending copy = entry;
    copy.owner = &consumers_.find(entry.owner->name)->second;
    copy.in_owner = copy.owner->pending.find(id);
    index_.emplace(id, pending_.emplace_hint(pending_.end(), id, copy));
  }
}

StreamConsumer* StreamGroup::find_consumer(std::string_view name) {
  auto it = consumers_.find(name);
  return it == consumers_.end() ? nullptr : &it->second;
}

StreamConsumer* StreamGroup::add_consumer(std::string_view name, int64_t seen_time_ms) {
  auto [it, added] = consumers_.try_emplace(std::string(name));
  if (!added) return nullptr;
  it->second.name = it->first;
  it->second.seen_time_ms = seen_time_ms;
  return &it->second;
}

size_t StreamGroup::remove_consumer(std::string_view name) {
  auto it = consumers_.find(name);
  if (it == consumers_.end()) return 0;
  const size_t held = it->second.pending.size();
  for (StreamID id : it->second.pending) {
    auto found = index_.find(id);
    pending_.erase(found->second);
    index_.erase(found);
  }
  consumers_.erase(it);
  return held;
}

StreamPending* StreamGroup::find_pending(StreamID id) {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &it->second->second;
}

const StreamPending* StreamGroup::find_pending(StreamID id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &it->second->second;
}

StreamPending& StreamGroup::assign(StreamID id, StreamConsumer& owner, int64_t delivery_time_ms,
                                   uint64_t delivery_count) {
  auto [slot, added] = index_.try_emplace(id);
  if (added) {
    // Deliveries mostly come in ID order: the hint makes appending constant time.
    auto hint = pending_.empty() || pending_.rbegin()->first < id ? pending_.end() : pending_.lower_bound(id);
    slot->second = pending_.emplace_hint(hint, id, StreamPending{});
  }
  StreamPending& entry = slot->second->second;
  if (entry.owner != &owner) {
    if (entry.owner != nullptr) entry.owner->pending.erase(entry.in_owner);
    entry.in_owner = owner.pending.insert(id).first;
    entry.owner = &owner;
  }
  entry.delivery_time_ms = delivery_time_ms;
  entry.delivery_count = delivery_count;
  return entry;
}

bool StreamGroup::acknowledge(StreamID id) {
  auto it = index_.find(id);
  if (it == index_.end()) return false;
  StreamPending& entry = it->second->second;
  entry.owner->pending.erase(entry.in_owner);
  pending_.erase(it->second);
  index_.erase(it);
  return true;
}

size_t StreamGroup::memory_bytes() const {
  size_t bytes = sizeof(*this) + pending_.size() * (kTreeNodeOverhead + sizeof(StreamID) + sizeof(StreamPending));
  // The hash index: a node (link, ID, iterator) and a bucket per pending ID.
  bytes += index_.bucket_count() * sizeof(void*) + index_.size() * (2 * sizeof(void*) + sizeof(StreamID));
  for (const auto& [name, consumer] : consumers_) {
    bytes += kTreeNodeOverhead + sizeof(std::string) + sizeof(StreamConsumer) + 2 * name.capacity();
    bytes += consumer.pending.size() * (kTreeNodeOverhead + sizeof(StreamID));
  }
  return bytes;
}

}  // namespace corvid
