#pragma once
// A list (LPUSH and friends). Redis 7.0 keeps every list as a quicklist, however
// small, so OBJECT ENCODING always answers "quicklist"; the quicklist's listpack nodes
// make small lists as compact as a single listpack would.

#include <cstddef>
#include <memory>
#include <utility>

#include "core/quicklist.h"
#include "db/value_object.h"

namespace corvid {

class ListValue final : public ValueObject {
 public:
  ListValue() = default;
  explicit ListValue(Quicklist items) : items_(std::move(items)) {}

  Quicklist& items() { return items_; }
  const Quicklist& items() const { return items_; }
  size_t size() const { return items_.size(); }
  // Redis 7.0 keeps every list as a quicklist, however small.
  Encoding encoding() const override { return Encoding::Quicklist; }

  std::unique_ptr<ValueObject> clone() const override;
  size_t allocated_bytes() const override;
  // Freeing walks the nodes, as Redis counts it for lists.
  size_t free_effort() const override { return items_.node_count(); }

 private:
  Quicklist items_;
};

}  // namespace corvid
