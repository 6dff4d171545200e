#pragma once
// A listpack in Redis's own byte layout (its published listpack format), for the values
// Corvid keeps exactly as Redis does: stream nodes, whose byte size decides where Redis
// starts a new node (and so what approximate trimming removes), and which RDB files and
// DUMP payloads carry as they are. Corvid's general-purpose listpack (core/listpack.h) is
// a different, smaller layout.
//
//   [total bytes: u32 LE][element count: u16 LE, 65535 = too many to count][element]...[0xFF]
//   element: [encoding + data][backlen: the encoding+data size, 1-5 bytes, readable
//            from its last byte backwards]
//
// Integers take the smallest of Redis's integer encodings (7-bit unsigned, 13, 16, 24, 32
// or 64-bit signed); strings that are canonical 64-bit integers are stored as integers, as
// Redis stores them. Positions are byte offsets of elements; end() is the terminator's.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace corvid {

// Appends one element's encoding (with its backlen) to `out`.
void append_redis_listpack_int(std::string& out, int64_t value);
void append_redis_listpack_string(std::string& out, std::string_view value);  // an integer if canonical
// How many bytes the back length of an element of `body` bytes (encoding + data) takes.
size_t redis_listpack_backlen_size(uint64_t body);
// The size of the element append_redis_listpack_string would write.
size_t redis_listpack_string_size(std::string_view value);

class RedisListpack {
 public:
  using Pos = size_t;
  static constexpr size_t kHeaderSize = 6;

  struct Element {
    bool is_int = false;
    int64_t integer = 0;
    std::string_view bytes;  // a string element's bytes (empty for integers)
  };

  RedisListpack();
  // Adopts bytes already checked to be a well-formed listpack.
  static RedisListpack adopt(std::string bytes);

  std::string_view raw() const { return data_; }
  size_t bytes() const { return data_.size(); }
  size_t count() const { return count_; }

  void push_back(std::string_view value);
  void push_back_int(int64_t value);

  Pos first() const { return kHeaderSize; }
  Pos end() const { return data_.size() - 1; }
  Pos next(Pos p) const;
  Pos prev(Pos p) const;  // p > first()
  Element read(Pos p) const;
  // The integer at `p` (a string element reads as 0: callers only ask where they wrote ints).
  int64_t read_int(Pos p) const { return read(p).integer; }
  // Replaces the integer element at `p`; elements after it move if the size changes.
  void replace_int(Pos p, int64_t value);
  // Frees the capacity appends reserved beyond the bytes in use.
  void shrink_to_fit() { data_.shrink_to_fit(); }
  size_t capacity() const { return data_.capacity(); }

 private:
  void set_header();
  size_t element_size(Pos p) const;  // encoding + data + backlen

  std::string data_;
  size_t count_ = 0;
};

}  // namespace corvid
