#pragma once
// A stream (XADD and friends): its entries and numbers (core/stream.h). Consumer groups
// will live here too.

#include <cstddef>
#include <memory>

#include "core/stream.h"
#include "db/value_object.h"

namespace corvid {

// stream-node-max-bytes / -entries, read from the config by callers.
using StreamLimits = Stream::Limits;

class StreamValue final : public ValueObject {
 public:
  Stream& stream() { return stream_; }
  const Stream& stream() const { return stream_; }

  Encoding encoding() const override { return Encoding::Stream; }
  std::unique_ptr<ValueObject> clone() const override { return std::make_unique<StreamValue>(*this); }
  size_t allocated_bytes() const override { return sizeof(*this) + stream_.memory_bytes(); }
  size_t free_effort() const override { return stream_.node_count(); }

 private:
  Stream stream_;
};

}  // namespace corvid
