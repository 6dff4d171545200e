#pragma once
// A stream's consumer group: where it has read up to, its consumers, and its pending
// entries list (PEL) - the IDs delivered to a consumer and not yet acknowledged, each with
// its owner, last delivery time and delivery count.
//
// Every pending ID sits in the group's PEL and in its owner's, so that acknowledging,
// claiming (moving to another consumer) and listing one consumer's history are each a
// lookup. The PEL is ordered (ranges, cursors) and also hashed by ID: acknowledging one
// of millions of pending IDs is then a hash probe and two erasures by iterator, not two
// tree walks (which cost XACK half its throughput beside Redis's radix tree). Groups and consumers are ordered by name byte by byte, as Redis lists them.
// This file knows nothing of commands; the rules of what a read or a claim does to the
// PEL live in commands/ (stream_groups.cc), which uses the primitives below.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/stream.h"

namespace corvid {

struct StreamConsumer;

struct StreamPending {
  int64_t delivery_time_ms = 0;
  uint64_t delivery_count = 0;
  StreamConsumer* owner = nullptr;
  std::set<StreamID>::iterator in_owner;  // the ID's place in owner->pending
};

struct StreamIDHash {
  size_t operator()(StreamID id) const noexcept {
    uint64_t x = id.ms * 0x9E3779B97F4A7C15ULL ^ (id.seq + 0x632BE59BD9B4E019ULL + (id.ms << 6) + (id.ms >> 2));
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ULL;
    return static_cast<size_t>(x ^ (x >> 29));
  }
};

struct StreamConsumer {
  std::string name;
  int64_t seen_time_ms = 0;
  std::set<StreamID> pending;
};

class StreamGroup {
 public:
  StreamGroup(StreamID last_id, int64_t entries_read) : last_id_(last_id), entries_read_(entries_read) {}
  // Copies rebind each pending entry to the copy's own consumer.
  StreamGroup(const StreamGroup& other);
  StreamGroup& operator=(const StreamGroup&) = delete;

  StreamID last_id() const { return last_id_; }
  int64_t entries_read() const { return entries_read_; }
  void set_position(StreamID last_id, int64_t entries_read) {
    last_id_ = last_id;
    entries_read_ = entries_read;
  }

  using Consumers = std::map<std::string, StreamConsumer, std::less<>>;
  using Pending = std::map<StreamID, StreamPending>;
  const Consumers& consumers() const { return consumers_; }
  const Pending& pending() const { return pending_; }

  StreamConsumer* find_consumer(std::string_view name);
  // Null if the group already has a consumer of that name.
  StreamConsumer* add_consumer(std::string_view name, int64_t seen_time_ms);
  // Drops the consumer and its pending entries; returns how many it held (0 if absent).
  size_t remove_consumer(std::string_view name);

  StreamPending* find_pending(StreamID id);
  const StreamPending* find_pending(StreamID id) const;
  // Makes `owner` hold `id` (moving it from its current owner, or adding it to the PEL)
  // with the given delivery time and count.
  StreamPending& assign(StreamID id, StreamConsumer& owner, int64_t delivery_time_ms, uint64_t delivery_count);
  // Acknowledges `id`: false if it was not pending.
  bool acknowledge(StreamID id);

  // Bytes held by the consumers and PEL (for MEMORY USAGE and the memory figures).
  size_t memory_bytes() const;

 private:
  StreamID last_id_;
  int64_t entries_read_;
  Consumers consumers_;
  Pending pending_;
  std::unordered_map<StreamID, Pending::iterator, StreamIDHash> index_;
};

}  // namespace corvid
