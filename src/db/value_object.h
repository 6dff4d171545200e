#pragma once
// A collection value (hash, list, set, sorted set, stream) held by a KeyEntry. Each
// type derives from it and chooses its own encodings; the entry owns the object and
// reaches it through this base for what every value must answer.

#include <cstddef>
#include <memory>

namespace corvid {

class ValueObject {
 public:
  virtual ~ValueObject() = default;
  // A deep copy (COPY, MOVE to a database that must own its own).
  virtual std::unique_ptr<ValueObject> clone() const = 0;
  // Bytes held, as the allocator sees them (MEMORY USAGE, INFO).
  virtual size_t allocated_bytes() const = 0;
  // How many allocations freeing this takes: UNLINK and FLUSH ASYNC hand big values to
  // the lazy-free thread, as Redis does past 64.
  virtual size_t free_effort() const = 0;
};

}  // namespace corvid
