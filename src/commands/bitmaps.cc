// Bitmaps: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO. A bitmap is a
// string; bit 0 is the most significant bit of the first byte.

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "commands/context.h"
#include "commands/string_values.h"
#include "core/number_format.h"
#include "server/server.h"

namespace corvid {

namespace {

constexpr std::string_view kBadBitOffset = "ERR bit offset is not an integer or out of range";
constexpr std::string_view kBadBitValue = "ERR bit is not an integer or out of range";
constexpr std::string_view kBadBitArgument = "ERR The bit argument must be 1 or 0.";
constexpr std::string_view kBadBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
constexpr std::string_view kBadOverflowType = "ERR Invalid OVERFLOW type specified";
constexpr std::string_view kNotWithSeveralKeys = "ERR BITOP NOT must be called with a single source key.";
constexpr std::string_view kReadOnlyBitfield = "ERR BITFIELD_RO only supports the GET subcommand";

// ---- bit arithmetic -----------------------------------------------------------------

const uint8_t* bytes_of(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

uint64_t load_word(const uint8_t* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

void store_word(uint8_t* p, uint64_t word) { std::memcpy(p, &word, sizeof word); }

// The set bits of n bytes, four words per step, with the POPCNT instruction where the
// CPU has it: the compiler's portable fallback is several times slower on large bitmaps.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__POPCNT__) && !defined(__clang__)
__attribute__((target_clones("popcnt", "default")))
#endif
uint64_t count_set_bits(const uint8_t* p, size_t n) {
  uint64_t total = 0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    total += std::popcount(load_word(p + i)) + std::popcount(load_word(p + i + 8)) +
             std::popcount(load_word(p + i + 16)) + std::popcount(load_word(p + i + 24));
  }
  for (; i + 8 <= n; i += 8) total += std::popcount(load_word(p + i));
  for (; i < n; ++i) total += std::popcount(static_cast<unsigned>(p[i]));
  return total;
}

// Index of the first byte of p[0, n) that holds a `bit` (a byte that is not all the other
// bit), or n.
size_t first_byte_with(const uint8_t* p, size_t n, int bit) {
  const uint64_t skip_word = bit ? 0 : ~uint64_t{0};
  const uint8_t skip_byte = bit ? 0 : 0xff;
  size_t i = 0;
  while (i + 8 <= n && load_word(p + i) == skip_word) i += 8;
  while (i < n && p[i] == skip_byte) ++i;
  return i;
}

// Position (0-7, from the most significant) of the first `bit` in `byte`, or -1.
int first_bit_in_byte(uint8_t byte, int bit) {
  unsigned wanted = bit ? byte : static_cast<uint8_t>(~byte);
  return wanted == 0 ? -1 : std::countl_zero(static_cast<uint8_t>(wanted));
}

// Bits [offset, offset + bits) of `s` as an unsigned number (bits 1-64); bits past the
// end of the string are zeros.
uint64_t read_bits(std::string_view s, uint64_t offset, int bits) {
  const uint8_t* p = bytes_of(s);
  uint64_t value = 0;
  uint64_t position = offset;
  int remaining = bits;
  while (remaining > 0) {
    uint64_t byte_index = position >> 3;
    int in_byte = static_cast<int>(position & 7);
    int take = std::min(8 - in_byte, remaining);
    uint8_t byte = byte_index < s.size() ? p[byte_index] : 0;
    uint64_t chunk = (static_cast<unsigned>(byte) >> (8 - in_byte - take)) & ((1u << take) - 1);
    value = (value << take) | chunk;
    position += static_cast<uint64_t>(take);
    remaining -= take;
  }
  return value;
}

// Writes the low `bits` bits of `value` at bit `offset` of a buffer long enough for them.
void write_bits(uint8_t* p, uint64_t offset, int bits, uint64_t value) {
  uint64_t position = offset;
  int remaining = bits;
  while (remaining > 0) {
    uint64_t byte_index = position >> 3;
    int in_byte = static_cast<int>(position & 7);
    int take = std::min(8 - in_byte, remaining);
    int shift = 8 - in_byte - take;
    unsigned chunk = static_cast<unsigned>(value >> (remaining - take)) & ((1u << take) - 1);
    unsigned mask = ((1u << take) - 1) << shift;
    p[byte_index] = static_cast<uint8_t>((p[byte_index] & ~mask) | (chunk << shift));
    position += static_cast<uint64_t>(take);
    remaining -= take;
  }
}

// ---- arguments ----------------------------------------------------------------------

// A bit offset as Redis reads one: strict decimal, not negative, and addressing a byte
// below proto-max-bulk-len. BITFIELD also takes "#N", the N-th field of `bits` bits;
// the multiplication wraps around as Redis's does, so a huge N can land anywhere.
std::optional<uint64_t> bit_offset_arg(CommandContext& ctx, std::string_view text, int field_bits = 0) {
  bool by_field = field_bits > 0 && !text.empty() && text[0] == '#';
  auto parsed = parse_int64(by_field ? text.substr(1) : text);
  if (parsed) {
    int64_t offset = *parsed;
    if (by_field) offset = static_cast<int64_t>(static_cast<uint64_t>(offset) * static_cast<uint64_t>(field_bits));
    if (offset >= 0 && (static_cast<uint64_t>(offset) >> 3) < ctx.server.config().proto_max_bulk_len) {
      return static_cast<uint64_t>(offset);
    }
  }
  ctx.reply.error(kBadBitOffset);
  return std::nullopt;
}

enum class RangeUnit : uint8_t { Byte, Bit };

// BYTE or BIT (any case); replies a syntax error otherwise.
std::optional<RangeUnit> range_unit_arg(CommandContext& ctx, size_t i) {
  if (equals_ignore_case(ctx.arg(i), "BIT")) return RangeUnit::Bit;
  if (equals_ignore_case(ctx.arg(i), "BYTE")) return RangeUnit::Byte;
  ctx.reply.error(errors::kSyntax);
  return std::nullopt;
}

// A start/end pair in `unit`s, with negative values counting from the end, clamped to
// [0, length-1] as BITCOUNT and BITPOS clamp them; as a range of bits, possibly empty
// (first > last).
struct BitRange {
  int64_t first;
  int64_t last;
};

BitRange clamp_range(int64_t start, int64_t end, size_t byte_length, RangeUnit unit) {
  int64_t length = static_cast<int64_t>(byte_length) * (unit == RangeUnit::Bit ? 8 : 1);
  if (start < 0) start += length;
  if (end < 0) end += length;
  start = std::max<int64_t>(start, 0);
  end = std::max<int64_t>(end, 0);
  end = std::min(end, length - 1);
  if (unit == RangeUnit::Bit) return {start, end};
  if (start > end) return {1, 0};
  return {start * 8, end * 8 + 7};
}

// The string under a key for reading; `scratch` holds the digits of an int encoding.
std::string_view string_of(const KeyEntry* entry, char (&scratch)[24]) {
  return entry == nullptr ? std::string_view() : entry->string_value(scratch);
}

// ---- SETBIT / GETBIT ----------------------------------------------------------------

// Whether `entry` (a string, or null) already has at least `length` bytes: a write that
// must create or extend the string changes the key whatever bits it writes.
bool holds_bytes(const KeyEntry* entry, uint64_t length) {
  if (entry == nullptr) return false;
  char scratch[24];
  return entry->string_value(scratch).size() >= length;
}

void setbit(CommandContext& ctx) {
  auto offset = bit_offset_arg(ctx, ctx.arg(2));
  if (!offset) return;
  auto value = parse_int64(ctx.arg(3));
  if (!value || (*value & ~int64_t{1}) != 0) {
    ctx.reply.error(kBadBitValue);
    return;
  }
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  if (!string_or_absent(ctx, entry)) return;
  uint64_t byte_index = *offset >> 3;
  const bool grows = !holds_bytes(entry, byte_index + 1);
  RawString* raw = writable_string(ctx.db, key, entry, byte_index + 1);
  auto* byte = reinterpret_cast<uint8_t*>(raw->data()) + byte_index;
  const uint8_t mask = static_cast<uint8_t>(0x80u >> (*offset & 7));
  const int previous = (*byte & mask) != 0;
  *byte = static_cast<uint8_t>(*value ? (*byte | mask) : (*byte & ~mask));
  // Like Redis, rewriting a bit with its own value is no change, unless the string grew.
  if (grows || previous != *value) ctx.db.key_changed(key, kEventString, "setbit");
  ctx.reply.integer(previous);
}

void getbit(CommandContext& ctx) {
  auto offset = bit_offset_arg(ctx, ctx.arg(2));
  if (!offset) return;
  KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
  if (!string_or_absent(ctx, entry)) return;
  char scratch[24];
  std::string_view value = string_of(entry, scratch);
  ctx.reply.integer(static_cast<int64_t>(read_bits(value, *offset, 1)));
}

// ---- BITCOUNT -----------------------------------------------------------------------

uint64_t count_bits_in(std::string_view value, BitRange range) {
  if (range.first > range.last) return 0;
  const uint8_t* p = bytes_of(value);
  auto first_byte = static_cast<size_t>(range.first >> 3);
  auto last_byte = static_cast<size_t>(range.last >> 3);
  uint64_t total = count_set_bits(p + first_byte, last_byte - first_byte + 1);
  // Take back the bits of the end bytes that lie outside the range.
  const unsigned head_outside = static_cast<unsigned>(range.first & 7);
  const unsigned tail_outside = 7 - static_cast<unsigned>(range.last & 7);
  if (head_outside != 0) total -= std::popcount(static_cast<unsigned>(p[first_byte] >> (8 - head_outside)));
  if (tail_outside != 0) total -= std::popcount(static_cast<unsigned>(p[last_byte] & ((1u << tail_outside) - 1)));
  return total;
}

void bitcount(CommandContext& ctx) {
  // Redis looks the key up before reading the range: a missing key answers 0 whatever
  // the other arguments say.
  KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
  if (entry == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  if (!string_or_absent(ctx, entry)) return;
  char scratch[24];
  std::string_view value = entry->string_value(scratch);
  if (ctx.argc() == 2) {
    ctx.reply.integer(static_cast<int64_t>(count_set_bits(bytes_of(value), value.size())));
    return;
  }
  if (ctx.argc() > 5 || ctx.argc() == 3) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  auto start = ctx.int_arg(2);
  if (!start) return;
  auto end = ctx.int_arg(3);
  if (!end) return;
  RangeUnit unit = RangeUnit::Byte;
  if (ctx.argc() == 5) {
    auto parsed = range_unit_arg(ctx, 4);
    if (!parsed) return;
    unit = *parsed;
  }
  // Two negative indexes in the wrong order count nothing, before any clamping.
  if (*start < 0 && *end < 0 && *start > *end) {
    ctx.reply.integer(0);
    return;
  }
  ctx.reply.integer(static_cast<int64_t>(count_bits_in(value, clamp_range(*start, *end, value.size(), unit))));
}

// ---- BITPOS -------------------------------------------------------------------------

// The first `bit` within the bit range, or -1.
int64_t find_bit_in(std::string_view value, BitRange range, int bit) {
  if (range.first > range.last) return -1;
  const uint8_t* p = bytes_of(value);
  auto first_byte = static_cast<size_t>(range.first >> 3);
  auto last_byte = static_cast<size_t>(range.last >> 3);
  // The end bytes, with their bits outside the range made to hold the bit not sought.
  auto masked = [&](size_t index) {
    unsigned outside = 0;
    if (index == first_byte) outside |= ~(0xffu >> (range.first & 7)) & 0xffu;
    if (index == last_byte) outside |= (1u << (7 - (range.last & 7))) - 1;
    return static_cast<uint8_t>(bit ? (p[index] & ~outside) : (p[index] | outside));
  };
  int found = first_bit_in_byte(masked(first_byte), bit);
  if (found >= 0) return static_cast<int64_t>(first_byte) * 8 + found;
  if (first_byte == last_byte) return -1;
  size_t middle = first_byte + 1;
  size_t hit = middle + first_byte_with(p + middle, last_byte - middle, bit);
  if (hit == last_byte) {
    found = first_bit_in_byte(masked(last_byte), bit);
  } else {
    found = first_bit_in_byte(p[hit], bit);
  }
  return found < 0 ? -1 : static_cast<int64_t>(hit) * 8 + found;
}

void bitpos(CommandContext& ctx) {
  auto bit = ctx.int_arg(2);
  if (!bit) return;
  if (*bit != 0 && *bit != 1) {
    ctx.reply.error(kBadBitArgument);
    return;
  }
  // A missing key is an endless run of zeros.
  KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
  if (entry == nullptr) {
    ctx.reply.integer(*bit ? -1 : 0);
    return;
  }
  if (!string_or_absent(ctx, entry)) return;
  char scratch[24];
  std::string_view value = entry->string_value(scratch);
  if (ctx.argc() > 6) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  int64_t start = 0;
  int64_t end = -1;
  bool end_given = false;
  RangeUnit unit = RangeUnit::Byte;
  if (ctx.argc() >= 4) {
    auto parsed_start = ctx.int_arg(3);
    if (!parsed_start) return;
    start = *parsed_start;
    // The unit is read before the end, so a bad end with a bad unit is a syntax error.
    if (ctx.argc() == 6) {
      auto parsed_unit = range_unit_arg(ctx, 5);
      if (!parsed_unit) return;
      unit = *parsed_unit;
    }
    if (ctx.argc() >= 5) {
      auto parsed_end = ctx.int_arg(4);
      if (!parsed_end) return;
      end = *parsed_end;
      end_given = true;
    }
  }
  BitRange range = clamp_range(start, end, value.size(), unit);
  int64_t found = find_bit_in(value, range, static_cast<int>(*bit));
  // Without an explicit end, the string counts as followed by zeros: the first clear bit
  // of an all-ones range is the one just past the string.
  if (found < 0 && *bit == 0 && !end_given && range.first <= range.last) found = (range.last >> 3) * 8 + 8;
  ctx.reply.integer(found);
}

// ---- BITOP --------------------------------------------------------------------------

enum class BitOp : uint8_t { And, Or, Xor, Not };

template <class Combine>
void combine_words(uint8_t* out, const uint8_t* in, size_t n, Combine combine) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) store_word(out + i, combine(load_word(out + i), load_word(in + i)));
  for (; i < n; ++i) out[i] = static_cast<uint8_t>(combine(out[i], in[i]));
}

void bitop(CommandContext& ctx) {
  std::string_view name = ctx.arg(1);
  BitOp op;
  if (equals_ignore_case(name, "AND")) {
    op = BitOp::And;
  } else if (equals_ignore_case(name, "OR")) {
    op = BitOp::Or;
  } else if (equals_ignore_case(name, "XOR")) {
    op = BitOp::Xor;
  } else if (equals_ignore_case(name, "NOT")) {
    op = BitOp::Not;
  } else {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  const size_t source_count = ctx.argc() - 3;
  if (op == BitOp::Not && source_count != 1) {
    ctx.reply.error(kNotWithSeveralKeys);
    return;
  }
  struct Digits {
    char text[24];
  };
  std::vector<Digits> scratch(source_count);
  std::vector<std::string_view> sources(source_count);
  size_t result_length = 0;
  for (size_t i = 0; i < source_count; ++i) {
    KeyEntry* entry = ctx.db.lookup_read(ctx.arg(3 + i));
    if (!string_or_absent(ctx, entry)) return;
    if (entry != nullptr) {
      sources[i] = entry->string_value(scratch[i].text);
    }
    result_length = std::max(result_length, sources[i].size());
  }

  std::string_view destination = ctx.arg(2);
  if (result_length == 0) {
    if (ctx.db.remove(destination)) ctx.db.key_changed(destination, kEventGeneric, "del");
    ctx.reply.integer(0);
    return;
  }
  // Built apart from the keyspace: the destination may also be a source.
  RawString* result = RawString::create({}, result_length);
  result->length = result_length;
  auto* out = reinterpret_cast<uint8_t*>(result->data());
  // Sources shorter than the result count as zero-padded.
  if (!sources[0].empty()) std::memcpy(out, sources[0].data(), sources[0].size());
  std::memset(out + sources[0].size(), 0, result_length - sources[0].size());
  if (op == BitOp::Not) {
    size_t i = 0;
    for (; i + 8 <= result_length; i += 8) store_word(out + i, ~load_word(out + i));
    for (; i < result_length; ++i) out[i] = static_cast<uint8_t>(~out[i]);
  }
  for (size_t s = 1; s < source_count; ++s) {
    const uint8_t* in = bytes_of(sources[s]);
    size_t n = sources[s].size();
    if (op == BitOp::And) {
      combine_words(out, in, n, [](uint64_t a, uint64_t b) { return a & b; });
      std::memset(out + n, 0, result_length - n);
    } else if (op == BitOp::Or) {
      combine_words(out, in, n, [](uint64_t a, uint64_t b) { return a | b; });
    } else {
      combine_words(out, in, n, [](uint64_t a, uint64_t b) { return a ^ b; });
    }
  }

  // Stored as SET stores (any old type and TTL go), but always "raw", as Redis leaves it.
  KeyEntry* existing = ctx.db.lookup_write(destination);
  KeyEntry* entry = KeyEntry::create_raw(destination, result, KeyEntry::kNoExpiry);
  if (existing != nullptr) {
    ctx.db.replace(existing, entry);
  } else {
    ctx.db.insert(entry);
  }
  ctx.db.key_changed(destination, kEventString, "set");
  ctx.reply.integer(static_cast<int64_t>(result_length));
}

// ---- BITFIELD -----------------------------------------------------------------------

enum class FieldOp : uint8_t { Get, Set, IncrBy };
enum class Overflow : uint8_t { Wrap, Sat, Fail };

struct FieldOperation {
  FieldOp op;
  bool is_signed;
  int bits;
  uint64_t offset;
  int64_t operand;  // SET's value or INCRBY's increment
  Overflow overflow;
};

// "i1".."i64" or "u1".."u63", lower case only.
bool parse_field_type(std::string_view text, bool* is_signed, int* bits) {
  if (text.empty() || (text[0] != 'i' && text[0] != 'u')) return false;
  auto width = parse_int64(text.substr(1));
  *is_signed = text[0] == 'i';
  if (!width || *width < 1 || *width > (*is_signed ? 64 : 63)) return false;
  *bits = static_cast<int>(*width);
  return true;
}

// The low `bits` bits of `value`, as a field of that type reads them back.
int64_t truncate_to_field(__int128 value, bool is_signed, int bits) {
  auto low = static_cast<uint64_t>(value);
  if (bits < 64) low &= (uint64_t{1} << bits) - 1;
  if (is_signed && bits < 64 && (low >> (bits - 1)) != 0) low |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(low);
}

// What a field of the operation's type ends up holding when `wanted` is written to it,
// or nullopt when it does not fit and OVERFLOW FAIL forbids the write.
std::optional<int64_t> fit_to_field(const FieldOperation& f, __int128 wanted) {
  __int128 min = 0;
  __int128 max = (static_cast<__int128>(1) << f.bits) - 1;
  if (f.is_signed) {
    min = -(static_cast<__int128>(1) << (f.bits - 1));
    max = (static_cast<__int128>(1) << (f.bits - 1)) - 1;
  }
  if (wanted >= min && wanted <= max) return static_cast<int64_t>(wanted);
  switch (f.overflow) {
    case Overflow::Wrap:
      return truncate_to_field(wanted, f.is_signed, f.bits);
    case Overflow::Sat: {
      // Redis compares a signed SET's value with the maximum in 64-bit arithmetic, which
      // wraps for values within a field's maximum of INT64_MIN: those saturate upwards.
      bool wraps_upwards = f.op == FieldOp::Set && f.is_signed && f.bits < 64 &&
                           max - wanted > std::numeric_limits<int64_t>::max();
      return static_cast<int64_t>(wanted > max || wraps_upwards ? max : min);
    }
    case Overflow::Fail:
      break;
  }
  return std::nullopt;
}

int64_t read_field(std::string_view value, const FieldOperation& f) {
  return truncate_to_field(read_bits(value, f.offset, f.bits), f.is_signed, f.bits);
}

// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
// [OVERFLOW WRAP|SAT|FAIL] ...: every operation is parsed (and the first bad one refused)
// before the key is touched.
void bitfield_generic(CommandContext& ctx, bool read_only_command) {
  std::vector<FieldOperation> operations;
  Overflow overflow = Overflow::Wrap;
  bool writes = false;
  uint64_t highest_written_bit = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const size_t remaining = ctx.argc() - i - 1;
    std::string_view word = ctx.arg(i);
    FieldOp op;
    if (equals_ignore_case(word, "GET") && remaining >= 2) {
      op = FieldOp::Get;
    } else if (equals_ignore_case(word, "SET") && remaining >= 3) {
      op = FieldOp::Set;
    } else if (equals_ignore_case(word, "INCRBY") && remaining >= 3) {
      op = FieldOp::IncrBy;
    } else if (equals_ignore_case(word, "OVERFLOW") && remaining >= 1) {
      std::string_view kind = ctx.arg(++i);
      if (equals_ignore_case(kind, "WRAP")) {
        overflow = Overflow::Wrap;
      } else if (equals_ignore_case(kind, "SAT")) {
        overflow = Overflow::Sat;
      } else if (equals_ignore_case(kind, "FAIL")) {
        overflow = Overflow::Fail;
      } else {
        ctx.reply.error(kBadOverflowType);
        return;
      }
      continue;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
    FieldOperation f{op, false, 0, 0, 0, overflow};
    if (!parse_field_type(ctx.arg(i + 1), &f.is_signed, &f.bits)) {
      ctx.reply.error(kBadBitfieldType);
      return;
    }
    auto offset = bit_offset_arg(ctx, ctx.arg(i + 2), f.bits);
    if (!offset) return;
    f.offset = *offset;
    if (op != FieldOp::Get) {
      writes = true;
      highest_written_bit = std::max(highest_written_bit, f.offset + static_cast<uint64_t>(f.bits) - 1);
      auto operand = ctx.int_arg(i + 3);
      if (!operand) return;
      f.operand = *operand;
    }
    operations.push_back(f);
    i += op == FieldOp::Get ? 2 : 3;
  }

  std::string_view key = ctx.arg(1);
  if (!writes) {
    KeyEntry* entry = ctx.db.lookup_read(key);
    if (!string_or_absent(ctx, entry)) return;
    char scratch[24];
    std::string_view value = string_of(entry, scratch);
    ctx.reply.array(operations.size());
    for (const FieldOperation& f : operations) ctx.reply.integer(read_field(value, f));
    return;
  }
  if (read_only_command) {
    ctx.reply.error(kReadOnlyBitfield);
    return;
  }
  KeyEntry* entry = ctx.db.lookup_write(key);
  if (!string_or_absent(ctx, entry)) return;
  // Grown once to hold the farthest field written, even if every write then fails.
  const uint64_t needed = (highest_written_bit >> 3) + 1;
  const bool grows = !holds_bytes(entry, needed);
  RawString* raw = writable_string(ctx.db, key, entry, needed);
  auto* data = reinterpret_cast<uint8_t*>(raw->data());
  // As in Redis, the key counts as changed when a write succeeded and either grew the
  // string or changed the field; a call whose writes all failed creates a missing key
  // without reporting a change.
  bool changed = false;
  ctx.reply.array(operations.size());
  for (const FieldOperation& f : operations) {
    const int64_t current = read_field(raw->view(), f);
    if (f.op == FieldOp::Get) {
      ctx.reply.integer(current);
      continue;
    }
    // An unsigned SET takes its value as the 64-bit pattern it parses to: a negative
    // value is a huge one, which overflows upwards.
    __int128 wanted;
    if (f.op == FieldOp::IncrBy) {
      wanted = static_cast<__int128>(current) + f.operand;
    } else if (f.is_signed) {
      wanted = f.operand;
    } else {
      wanted = static_cast<uint64_t>(f.operand);
    }
    auto stored = fit_to_field(f, wanted);
    if (!stored) {
      ctx.reply.null();
      continue;
    }
    write_bits(data, f.offset, f.bits, static_cast<uint64_t>(*stored));
    changed = changed || grows || *stored != current;
    ctx.reply.integer(f.op == FieldOp::IncrBy ? *stored : current);
  }
  if (changed) ctx.db.key_changed(key, kEventString, "setbit");
}

void bitfield(CommandContext& ctx) { bitfield_generic(ctx, false); }
void bitfield_ro(CommandContext& ctx) { bitfield_generic(ctx, true); }

// BITFIELD reads its key, and writes it too when the arguments hold a SET or INCRBY.
// Like Redis, the words are walked loosely: GET skips two arguments and OVERFLOW one when
// they are there, and anything unexpected (the command will fail) counts as a write.
void bitfield_get_keys(std::span<const std::string_view> args, std::vector<KeyRef>& keys) {
  uint32_t flags = kKeyRO | kKeyAccess;
  for (size_t i = 2; i < args.size(); ++i) {
    const size_t remaining = args.size() - i - 1;
    if (equals_ignore_case(args[i], "GET") && remaining >= 2) {
      i += 2;
    } else if (equals_ignore_case(args[i], "OVERFLOW") && remaining >= 1) {
      i += 1;
    } else {
      flags = kKeyRW | kKeyAccess | kKeyUpdate;
      break;
    }
  }
  keys.push_back({1, flags});
}

// ---- the table ----------------------------------------------------------------------

constexpr uint32_t kBits = kAclBitmap;

constexpr KeySpec kReadKey[] = {{kKeyRO | kKeyAccess, 1, 0, 1}};
constexpr KeySpec kUpdateKey[] = {{kKeyRW | kKeyAccess | kKeyUpdate, 1, 0, 1}};
constexpr KeySpec kBitopKeys[] = {{kKeyOW | kKeyUpdate, 2, 0, 1}, {kKeyRO | kKeyAccess, 3, -1, 1}};
constexpr KeySpec kBitfieldKey[] = {{.flags = kKeyRW | kKeyAccess | kKeyUpdate | kKeyVariableFlags,
                                     .begin_index = 1,
                                     .last_key = 0,
                                     .key_step = 1,
                                     .notes = "This command allows both access and modification of the key"}};

constexpr CommandArg kSetbitArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "offset", .type = ArgType::Integer},
    {.name = "value", .type = ArgType::Integer},
};
constexpr CommandArg kGetbitArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "offset", .type = ArgType::Integer},
};
constexpr CommandArg kIndexUnit[] = {
    {.name = "byte", .type = ArgType::PureToken, .token = "BYTE"},
    {.name = "bit", .type = ArgType::PureToken, .token = "BIT"},
};
constexpr CommandArg kBitcountRange[] = {
    {.name = "start", .type = ArgType::Integer},
    {.name = "end", .type = ArgType::Integer},
    {.name = "index_unit", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kIndexUnit, .since = "7.0.0"},
};
constexpr CommandArg kBitcountArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "index", .type = ArgType::Block, .flags = kArgOptional, .arguments = kBitcountRange},
};
constexpr CommandArg kBitposEnd[] = {
    {.name = "end", .type = ArgType::Integer},
    {.name = "index_unit", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kIndexUnit, .since = "7.0.0"},
};
constexpr CommandArg kBitposRange[] = {
    {.name = "start", .type = ArgType::Integer},
    {.name = "end_index", .type = ArgType::Block, .flags = kArgOptional, .arguments = kBitposEnd},
};
constexpr CommandArg kBitposArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "bit", .type = ArgType::Integer},
    {.name = "index", .type = ArgType::Block, .flags = kArgOptional, .arguments = kBitposRange},
};
constexpr CommandArg kBitopArgs[] = {
    {.name = "operation", .type = ArgType::String},
    {.name = "destkey", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "key", .type = ArgType::Key, .key_spec_index = 1, .flags = kArgMultiple},
};
constexpr CommandArg kEncodingOffset[] = {
    {.name = "encoding", .type = ArgType::String},
    {.name = "offset", .type = ArgType::Integer},
};
constexpr CommandArg kEncodingOffsetValue[] = {
    {.name = "encoding", .type = ArgType::String},
    {.name = "offset", .type = ArgType::Integer},
    {.name = "value", .type = ArgType::Integer},
};
constexpr CommandArg kEncodingOffsetIncrement[] = {
    {.name = "encoding", .type = ArgType::String},
    {.name = "offset", .type = ArgType::Integer},
    {.name = "increment", .type = ArgType::Integer},
};
constexpr CommandArg kOverflowKinds[] = {
    {.name = "wrap", .type = ArgType::PureToken, .token = "WRAP"},
    {.name = "sat", .type = ArgType::PureToken, .token = "SAT"},
    {.name = "fail", .type = ArgType::PureToken, .token = "FAIL"},
};
constexpr CommandArg kWriteOperations[] = {
    {.name = "encoding_offset_value", .type = ArgType::Block, .token = "SET", .arguments = kEncodingOffsetValue},
    {.name = "encoding_offset_increment", .type = ArgType::Block, .token = "INCRBY",
     .arguments = kEncodingOffsetIncrement},
};
constexpr CommandArg kBitfieldWrite[] = {
    {.name = "wrap_sat_fail", .type = ArgType::OneOf, .token = "OVERFLOW", .flags = kArgOptional,
     .arguments = kOverflowKinds},
    {.name = "write_operation", .type = ArgType::OneOf, .arguments = kWriteOperations},
};
constexpr CommandArg kBitfieldOperations[] = {
    {.name = "encoding_offset", .type = ArgType::Block, .token = "GET", .arguments = kEncodingOffset},
    {.name = "write", .type = ArgType::Block, .arguments = kBitfieldWrite},
};
constexpr CommandArg kBitfieldArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "operation", .type = ArgType::OneOf, .flags = kArgOptional | kArgMultiple,
     .arguments = kBitfieldOperations},
};
constexpr CommandArg kBitfieldRoArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "encoding_offset", .type = ArgType::Block, .token = "GET",
     .flags = kArgOptional | kArgMultiple | kArgMultipleToken, .arguments = kEncodingOffset},
};

constexpr CommandHistory kRangeUnitHistory[] = {
    {"7.0.0", "The range may be given in bits as well as bytes (the `BYTE|BIT` option)."},
};

// Summaries are our own words; the other fields follow Redis 7.0's COMMAND DOCS.
const CommandSpec kCommands[] = {
    {.name = "setbit", .arity = 4, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kAclWrite | kBits | kAclSlow,
     .handler = setbit, .key_specs = kUpdateKey,
     .summary = "Sets or clears one bit of the string at a key and replies with its previous value.",
     .since = "2.2.0", .group = "bitmap", .complexity = "O(1)", .arguments = kSetbitArgs},
    {.name = "getbit", .arity = 3, .flags = kCmdReadOnly | kCmdFast, .acl_categories = kAclRead | kBits | kAclFast,
     .handler = getbit, .key_specs = kReadKey,
     .summary = "Returns one bit of the string at a key (0 past its end).", .since = "2.2.0", .group = "bitmap",
     .complexity = "O(1)", .arguments = kGetbitArgs},
    {.name = "bitcount", .arity = -2, .flags = kCmdReadOnly, .acl_categories = kAclRead | kBits | kAclSlow,
     .handler = bitcount, .key_specs = kReadKey,
     .summary = "Counts the bits set to 1 in the string at a key, optionally within a range.", .since = "2.6.0",
     .group = "bitmap", .complexity = "O(N)", .arguments = kBitcountArgs, .history = kRangeUnitHistory},
    {.name = "bitpos", .arity = -3, .flags = kCmdReadOnly, .acl_categories = kAclRead | kBits | kAclSlow,
     .handler = bitpos, .key_specs = kReadKey,
     .summary = "Finds the position of the first bit set to 1, or to 0, in the string at a key.",
     .since = "2.8.7", .group = "bitmap", .complexity = "O(N)", .arguments = kBitposArgs,
     .history = kRangeUnitHistory},
    {.name = "bitop", .arity = -4, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kAclWrite | kBits | kAclSlow,
     .handler = bitop, .key_specs = kBitopKeys,
     .summary = "Combines strings bit by bit (AND, OR, XOR, NOT) and stores the result at a key.",
     .since = "2.6.0", .group = "bitmap", .complexity = "O(N)", .arguments = kBitopArgs},
    {.name = "bitfield", .arity = -2, .flags = kCmdWrite | kCmdDenyOom,
     .acl_categories = kAclWrite | kBits | kAclSlow, .handler = bitfield, .key_specs = kBitfieldKey,
     .summary = "Reads, writes and increments integer fields of any width at any bit offset of a string.",
     .since = "3.2.0", .group = "bitmap", .complexity = "O(1) for each subcommand specified",
     .arguments = kBitfieldArgs, .get_keys = bitfield_get_keys},
    {.name = "bitfield_ro", .arity = -2, .flags = kCmdReadOnly | kCmdFast,
     .acl_categories = kAclRead | kBits | kAclFast, .handler = bitfield_ro, .key_specs = kReadKey,
     .summary = "Reads integer fields of a string, as BITFIELD GET does, without writing.", .since = "6.0.0",
     .group = "bitmap", .complexity = "O(1) for each subcommand specified", .arguments = kBitfieldRoArgs},
};

}  // namespace

std::span<const CommandSpec> bitmap_commands() { return kCommands; }

}  // namespace corvid
