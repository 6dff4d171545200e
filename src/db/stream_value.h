#pragma once
// A stream (XADD and friends): its entries and numbers (core/stream.h) and its consumer
// groups (core/stream_group.h), by name.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/stream.h"
#include "core/stream_group.h"
#include "db/value_object.h"

namespace corvid {

// stream-node-max-bytes / -entries, read from the config by callers.
using StreamLimits = Stream::Limits;

class StreamValue final : public ValueObject {
 public:
  using Groups = std::map<std::string, StreamGroup, std::less<>>;

  Stream& stream() { return stream_; }
  const Stream& stream() const { return stream_; }
  Groups& groups() { return groups_; }
  const Groups& groups() const { return groups_; }
  StreamGroup* find_group(std::string_view name) {
    auto it = groups_.find(name);
    return it == groups_.end() ? nullptr : &it->second;
  }
  const StreamGroup* find_group(std::string_view name) const {
    auto it = groups_.find(name);
    return it == groups_.end() ? nullptr : &it->second;
  }

  Encoding encoding() const override { return Encoding::Stream; }
  std::unique_ptr<ValueObject> clone() const override { return std::make_unique<StreamValue>(*this); }
  size_t allocated_bytes() const override {
    size_t bytes = sizeof(*this) + stream_.memory_bytes();
    for (const auto& [name, group] : groups_) bytes += name.capacity() + group.memory_bytes();
    return bytes;
  }
  // As Redis weighs it for lazy freeing: its radix tree's nodes, and each group with a
  // PEL the size of the first group's (Redis's estimate, kept so that the same UNLINKs go
  // to the background).
  size_t free_effort() const override {
    size_t effort = stream_.radix_tree_nodes();
    if (!groups_.empty()) effort += groups_.size() * (1 + groups_.begin()->second.pending().size());
    return effort;
  }

 private:
  Stream stream_;
  Groups groups_;
};

}  // namespace corvid
