#pragma once
// Redis's compact encodings as they appear inside RDB strings: listpack (written and
// read), and the older ziplist and zipmap (read only; Redis 7.0 still loads them).
// Corvid's in-memory listpack (core/listpack.h) is a different layout, so values are
// transcoded entry by entry; Redis's intset layout is Corvid's own (core/intset.h).
//
// Readers validate the whole blob before or while handing out entries: every header,
// length and back-pointer is checked against the blob's bounds, and a blob that fails
// makes the reader return false, never read outside it.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace corvid::redis_format {

// One element of a compact encoding: an integer or a byte string.
struct Element {
  bool is_int = false;
  int64_t integer = 0;
  std::string_view bytes;
  // The element as text (an integer rendered in decimal).
  std::string text() const;
};

using ElementVisitor = std::function<void(const Element&)>;

// Walks a Redis listpack (validating all of it); false when it is malformed.
bool read_listpack(std::string_view blob, const ElementVisitor& visit);
// Walks a ziplist; false when it is malformed.
bool read_ziplist(std::string_view blob, const ElementVisitor& visit);
// Walks a zipmap as alternating field, value elements; false when it is malformed.
bool read_zipmap(std::string_view blob, const ElementVisitor& visit);
// Checks an intset blob: a valid width, a count that matches the size, and strictly
// ascending elements.
bool valid_intset(std::string_view blob);

// Builds a Redis listpack. Strings that are canonical 64-bit integers are stored as
// integers, as Redis stores them.
class ListpackBuilder {
 public:
  ListpackBuilder();
  void add(std::string_view value);
  void add_int(int64_t value);
  size_t count() const { return count_; }
  // The finished blob (header filled in).
  std::string finish();

 private:
  std::string data_;
  size_t count_ = 0;
};

}  // namespace corvid::redis_format
