#pragma once
// A collection value (hash, list, set, sorted set, stream) held by a KeyEntry. Each
// type derives from it and chooses its own encodings; the entry owns the object and
// reaches it through this base for what every value must answer.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace corvid {

// Names as OBJECT ENCODING reports them. "listpackex" is Redis 7.4's listpack hash whose
// fields carry expiry times.
enum class Encoding : uint8_t { Int, Embstr, Raw, Listpack, ListpackEx, Quicklist, Intset, Hashtable, Skiplist, Stream };

// The name OBJECT ENCODING and DEBUG OBJECT show.
constexpr std::string_view encoding_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::Int: return "int";
    case Encoding::Embstr: return "embstr";
    case Encoding::Raw: return "raw";
    case Encoding::Listpack: return "listpack";
    case Encoding::ListpackEx: return "listpackex";
    case Encoding::Quicklist: return "quicklist";
    case Encoding::Intset: return "intset";
    case Encoding::Hashtable: return "hashtable";
    case Encoding::Skiplist: return "skiplist";
    case Encoding::Stream: return "stream";
  }
  return "unknown";
}

class ValueObject {
 public:
  virtual ~ValueObject() = default;
  // The encoding in use now: a value converts itself, and OBJECT ENCODING asks it.
  virtual Encoding encoding() const = 0;
  // A deep copy (COPY, MOVE to a database that must own its own).
  virtual std::unique_ptr<ValueObject> clone() const = 0;
  // Bytes held, as the allocator sees them (MEMORY USAGE, INFO).
  virtual size_t allocated_bytes() const = 0;
  // How many allocations freeing this takes: UNLINK and FLUSH ASYNC hand big values to
  // the lazy-free thread, as Redis does past 64.
  virtual size_t free_effort() const = 0;
};

}  // namespace corvid
