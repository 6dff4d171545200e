#pragma once
// A sequence of byte strings packed into one contiguous heap block: the compact
// representation small hashes, lists, sets and sorted sets use before they grow
// into real containers. Per entry overhead is 2-3 bytes instead of a node, a
// pointer pair and a separate allocation, and the block is its own serialized
// form, so an RDB/RESTORE payload can be adopted after validate() without
// re-encoding.
//
// Block layout (all multi-byte fields little endian):
//
//   [total bytes: u32][entry count: u32][entry]...[0xFF]
//
// Each entry is  [header][payload][backlen]. Strings that are canonical int64
// text (what parse_int64 accepts) are stored as integers, so "123" costs one
// byte while "0123", "+1" and "-0" stay strings and read back byte-exact.
//
//   header byte        meaning                              header  payload
//   0xxxxxxx           int 0..127 (the 7 bits)                1      0
//   10llllll           string, length 0..63                   1      len
//   110vvvvv vvvvvvvv  int -4096..4095, 13-bit two's compl.   2      0
//   1110llll llllllll  string, length 64..4095 (12 bits)      2      len
//   1111nnnn, n=1..8   int in n bytes, two's complement       1+n    0
//   0xF9 + u32 len     string, any length                     5      len
//   0xFF               end of block (never an entry)
//   0xF0, 0xFA..0xFE   invalid
//
// Encoders always pick the smallest form; decoders accept any well-formed one.
//
// backlen is the entry's header+payload length ("body"), written so it can be
// decoded walking backwards from the next entry: 7 bits per byte, the last
// byte holds the lowest 7 bits, and a byte's top bit says another, more
// significant, byte precedes it. It takes 1 byte for bodies < 128, 2 < 2^14,
// 3 < 2^21, 4 < 2^28, else 5, and must be exactly that size. Together with the
// header this makes both next and prev O(1).
//
// Positions (Pos) are byte offsets of entries within the block; end() is the
// offset of the 0xFF terminator. Any mutation invalidates every Pos except the
// ones the mutator returns; passing a Pos that did not come from this listpack
// since its last mutation is a precondition violation.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/number_format.h"

namespace corvid {

class Listpack {
 public:
  using Pos = size_t;
  // Where integer entries are rendered when read as text.
  using Scratch = std::array<char, kInt64MaxChars + 1>;

  static constexpr size_t kHeaderSize = 8;
  // The total-bytes field is 32 bits; growing past it throws std::length_error.
  static constexpr size_t kMaxBytes = UINT32_MAX;

  Listpack() = default;
  ~Listpack();
  Listpack(Listpack&& other) noexcept;
  Listpack& operator=(Listpack&& other) noexcept;
  Listpack(const Listpack&) = delete;
  Listpack& operator=(const Listpack&) = delete;

  // Checks a whole untrusted block: header fields, every entry's encoding and
  // bounds, every backlen, the entry count and the terminator. Anything that
  // passes can be walked in both directions and read without going out of
  // bounds.
  static bool validate(std::string_view block);
  bool validate() const { return validate(raw()); }
  // A copy of `block` if it validates.
  static std::optional<Listpack> from_bytes(std::string_view block);
  // Takes ownership of `block`, a std::malloc'd block this process wrote itself (trusted,
  // not validated): a compressed quicklist node expanded again.
  static Listpack adopt(uint8_t* block);
  // Whether a block is allocated (an empty listpack may have none).
  bool allocated() const { return data_ != nullptr; }
  // The serialized form (the block itself).
  std::string_view raw() const;

  size_t size() const;
  bool empty() const { return size() == 0; }
  // Block length; an empty listpack reports the 9 bytes it would serialize to
  // even before it allocates them.
  size_t bytes() const;

  Pos begin() const { return kHeaderSize; }
  Pos end() const { return bytes() - 1; }
  // The entry after p, or end(); next(end()) stays at end().
  Pos next(Pos p) const;
  // The entry before p (p may be end()), or nullopt at begin().
  std::optional<Pos> prev(Pos p) const;
  std::optional<Pos> last() const { return prev(end()); }
  // Entry by index; negative indexes count from the back (-1 is the last),
  // as LINDEX does. Walks from whichever end is closer.
  std::optional<Pos> at(int64_t index) const;

  bool is_int(Pos p) const;
  // The entry's bytes; integer entries are rendered into `scratch`, so the
  // view lives as long as both the scratch and the listpack are unmodified.
  std::string_view get(Pos p, Scratch& scratch) const;
  std::string get_string(Pos p) const;
  // The entry as an int64: integer entries directly, string entries when they
  // parse (only possible in a block loaded from outside).
  std::optional<int64_t> get_int(Pos p) const;

  void push_back(std::string_view value);
  void push_front(std::string_view value);
  // Inserts before `before` (end() appends); returns the new entry's Pos.
  Pos insert(Pos before, std::string_view value);
  // Returns the Pos of the entry that followed the erased one(s).
  Pos erase(Pos p);
  // Erases up to `count` entries starting at `first`, stopping at the end.
  Pos erase(Pos first, size_t count);
  // Returns p, which now holds the new value.
  Pos replace(Pos p, std::string_view value);
  void clear();

  // First entry equal to `needle`, examining `start` and then every
  // `stride`-th entry after it (stride 2 from begin() searches a hash's fields
  // and skips its values). A stride of 0 is treated as 1.
  std::optional<Pos> find(Pos start, std::string_view needle, size_t stride = 1) const;

  // Moves the entries from `at` (end() moves none) into a new listpack, leaving the
  // ones before it here. Entries are self-contained, so this copies bytes without
  // re-encoding (splitting a quicklist node).
  Listpack split_off(Pos at);
  // Appends copies of all of `other`'s entries (merging quicklist nodes).
  void append(const Listpack& other);

 private:
  struct Encoded;
  const uint8_t* block() const;
  void ensure_block();
  // Replaces bytes [at, at + remove_bytes), which held `removed_entries`
  // entries, with `ins` (if any).
  void splice(size_t at, size_t remove_bytes, size_t removed_entries, const Encoded* ins);
  bool aliases(std::string_view s) const;

  // Null until the first mutation so empty (and moved-from) listpacks cost
  // nothing; readers then see a shared static empty block.
  uint8_t* data_ = nullptr;
};

}  // namespace corvid
