// Redis's compact encodings inside RDB strings (persistence/redis_encodings.h): the
// listpack builder and reader, the ziplist and zipmap readers, and the intset check.
// Expected bytes are worked out from the formats' documentation (and, where noted,
// taken from what Redis 7.0.15 writes), not from the encoder under test.

#include "persistence/redis_encodings.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>
#include "test_support.h"

using namespace std::literals;

namespace corvid::redis_format {
namespace {

using testing_support::from_hex;
using testing_support::to_hex;

void put_u32_le(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_u16_le(std::string& s, size_t at, uint16_t v) {
  s[at] = static_cast<char>(v & 0xff);
  s[at + 1] = static_cast<char>(v >> 8);
}
std::string u32_le(uint32_t v) {
  std::string s(4, '\0');
  put_u32_le(s, 0, v);
  return s;
}
// A listpack around `entries` (hex of encoded entries with their back lengths), with
// the right total size and the given count.
std::string raw_listpack(std::string_view entries_hex, uint16_t count) {
  std::string out(6, '\0');
  out += from_hex(entries_hex);
  out.push_back('\xff');
  put_u32_le(out, 0, static_cast<uint32_t>(out.size()));
  put_u16_le(out, 4, count);
  return out;
}
std::string le_bytes(uint64_t v, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}

struct Item {
  bool is_int;
  int64_t integer;
  std::string bytes;
  bool operator==(const Item&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Item& item) {
  if (item.is_int) return os << "int " << item.integer;
  return os << "str(" << item.bytes.size() << ") \"" << item.bytes.substr(0, 40) << "\"";
}

Item int_item(int64_t v) { return {true, v, {}}; }
Item str_item(std::string s) { return {false, 0, std::move(s)}; }

using Reader = bool (*)(std::string_view, const ElementVisitor&);

// The elements a reader hands out, or nullopt when it rejects the blob.
std::optional<std::vector<Item>> read_all(Reader reader, std::string_view blob) {
  std::vector<Item> items;
  const bool ok = reader(blob, [&](const Element& e) {
    items.push_back(e.is_int ? int_item(e.integer) : str_item(std::string(e.bytes)));
  });
  if (!ok) return std::nullopt;
  return items;
}

std::optional<std::vector<Item>> listpack_items(std::string_view blob) { return read_all(&read_listpack, blob); }
std::optional<std::vector<Item>> ziplist_items(std::string_view blob) { return read_all(&read_ziplist, blob); }
std::optional<std::vector<Item>> zipmap_items(std::string_view blob) { return read_all(&read_zipmap, blob); }

// The size of a listpack back length for an entry body of `body` bytes, as the listpack
// specification gives it (Redis uses one byte more than 7 bits per byte would need at the
// exact powers of two minus one).
size_t spec_backlen(size_t body) {
  if (body <= 127) return 1;
  if (body < 16383) return 2;
  if (body < 2097151) return 3;
  if (body < 268435455) return 4;
  return 5;
}

// --- listpack

TEST(RedisEncodingsListpack, ExactBytesOfATinyListpack) {
  ListpackBuilder b;
  b.add("a");
  b.add_int(1);
  EXPECT_EQ(b.count(), 2u);
  // total 12 (u32 LE), count 2 (u16 LE); "a": 0x81 'a', backlen 2; 1: 0x01, backlen 1; end.
  EXPECT_EQ(to_hex(b.finish()), "0c0000000200" "816102" "0101" "ff");
}

TEST(RedisEncodingsListpack, EmptyListpack) {
  ListpackBuilder b;
  const std::string blob = b.finish();
  EXPECT_EQ(to_hex(blob), "070000000000ff");
  auto items = listpack_items(blob);
  ASSERT_TRUE(items.has_value());
  EXPECT_TRUE(items->empty());
}

TEST(RedisEncodingsListpack, FinishResetsTheBuilder) {
  ListpackBuilder b;
  b.add("x");
  (void)b.finish();
  EXPECT_EQ(b.count(), 0u);
  b.add("y");
  EXPECT_EQ(to_hex(b.finish()), "0a0000000100" "817902" "ff");
}

TEST(RedisEncodingsListpack, MatchesRedisBytes) {
  // Redis 7.0.15: HSET h f v n 12 e "" is stored as this listpack (from its DUMP).
  ListpackBuilder b;
  for (std::string_view s : {"f"sv, "v"sv, "n"sv, "12"sv, "e"sv, ""sv}) b.add(s);
  EXPECT_EQ(to_hex(b.finish()), "1700000006008166028176028" "16e020c018165028001ff");
  // ZADD z 1.5 m3... : members and scores, "-inf"/"inf" and "1.5" as strings, 2 as an int.
  for (std::string_view s : {"m3"sv, "-inf"sv, "m1"sv, "1.5"sv, "m2"sv, "2"sv, "m5"sv, "3.25"sv, "m4"sv, "inf"sv}) {
    b.add(s);
  }
  EXPECT_EQ(to_hex(b.finish()),
            "330000000a00826d3303842d696e6605826d310383312e3504826d32030201826d350384332e323505826d340383696e6604ff");
  // RPUSH l a b 1 2 -5 300 70000 xyz "": one quicklist node.
  for (std::string_view s : {"a"sv, "b"sv, "1"sv, "2"sv, "-5"sv, "300"sv, "70000"sv, "xyz"sv, ""sv}) b.add(s);
  EXPECT_EQ(to_hex(b.finish()), "2300000009008161028162020101020" "1dffb02c12c02f2701101048378797a048001ff");
}

TEST(RedisEncodingsListpack, IntegerEncodingBoundaries) {
  struct Case {
    int64_t value;
    std::string encoding_hex;  // the entry's encoding and data, without the back length
  };
  const std::vector<Case> cases = {
      {0, "00"},
      {1, "01"},
      {127, "7f"},
      {128, "c080"},
      {-1, "dfff"},
      {-5, "dffb"},
      {300, "c12c"},
      {4095, "cfff"},
      {-4096, "d000"},
      {4096, "f10010"},
      {-4097, "f1ffef"},
      {32767, "f1ff7f"},
      {-32768, "f10080"},
      {32768, "f2008000"},
      {-32769, "f2ff7fff"},
      {70000, "f2701101"},
      {8388607, "f2ffff7f"},
      {-8388608, "f2000080"},
      {8388608, "f300008000"},
      {-8388609, "f3ffff7fff"},
      {std::numeric_limits<int32_t>::max(), "f3ffffff7f"},
      {std::numeric_limits<int32_t>::min(), "f300000080"},
      {int64_t{std::numeric_limits<int32_t>::max()} + 1, "f40000008000000000"},
      {int64_t{std::numeric_limits<int32_t>::min()} - 1, "f4ffffff7fffffffff"},
      {std::numeric_limits<int64_t>::max(), "f4ffffffffffffff7f"},
      {std::numeric_limits<int64_t>::min(), "f40000000000000080"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    // Through add_int, and through add() of the decimal text: both store an integer.
    for (int via_text = 0; via_text < 2; ++via_text) {
      ListpackBuilder b;
      if (via_text) {
        b.add(std::to_string(c.value));
      } else {
        b.add_int(c.value);
      }
      const std::string blob = b.finish();
      const size_t body = c.encoding_hex.size() / 2;
      ASSERT_EQ(blob.size(), 6 + body + 1 + 1);
      EXPECT_EQ(to_hex(blob.substr(6, body)), c.encoding_hex);
      EXPECT_EQ(size_t{static_cast<unsigned char>(blob[6 + body])}, body);  // one-byte back length
      auto items = listpack_items(blob);
      ASSERT_TRUE(items.has_value());
      ASSERT_EQ(items->size(), 1u);
      EXPECT_EQ((*items)[0], int_item(c.value));
    }
  }
}

TEST(RedisEncodingsListpack, AllIntegersRoundTripTogether) {
  std::vector<int64_t> values;
  for (int64_t base : {int64_t{0}, int64_t{127}, int64_t{4095}, int64_t{-4096}, int64_t{32767}, int64_t{-32768},
                       int64_t{8388607}, int64_t{-8388608}, int64_t{std::numeric_limits<int32_t>::max()},
                       int64_t{std::numeric_limits<int32_t>::min()}}) {
    for (int64_t d = -2; d <= 2; ++d) values.push_back(base + d);
  }
  values.push_back(std::numeric_limits<int64_t>::max());
  values.push_back(std::numeric_limits<int64_t>::min());
  ListpackBuilder b;
  for (int64_t v : values) b.add_int(v);
  const std::string blob = b.finish();
  auto items = listpack_items(blob);
  ASSERT_TRUE(items.has_value());
  ASSERT_EQ(items->size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ((*items)[i], int_item(values[i])) << i;
}

TEST(RedisEncodingsListpack, StringLengthBoundaries) {
  for (size_t n : {0u, 1u, 63u, 64u, 125u, 126u, 127u, 4095u, 4096u, 16377u, 16378u, 70000u}) {
    SCOPED_TRACE(n);
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + i % 26));
    ListpackBuilder b;
    b.add(s);
    const std::string blob = b.finish();
    const size_t header = n < 64 ? 1 : n < 4096 ? 2 : 5;
    const size_t body = header + n;
    ASSERT_EQ(blob.size(), 6 + body + spec_backlen(body) + 1);
    const size_t first = static_cast<unsigned char>(blob[6]);
    if (n < 64) {
      EXPECT_EQ(first, 0x80 | n);
    } else if (n < 4096) {
      EXPECT_EQ(first, 0xE0 | (n >> 8));
      EXPECT_EQ(size_t{static_cast<unsigned char>(blob[7])}, n & 0xff);
    } else {
      EXPECT_EQ(first, 0xF0);
      EXPECT_EQ(blob.substr(7, 4), u32_le(static_cast<uint32_t>(n)));
    }
    auto items = listpack_items(blob);
    ASSERT_TRUE(items.has_value());
    ASSERT_EQ(items->size(), 1u);
    EXPECT_EQ((*items)[0], str_item(s));
  }
}

TEST(RedisEncodingsListpack, BackLengthBytes) {
  // 126 bytes: body 128 (2-byte header), the first that needs a two-byte back length,
  // written high bits first, every byte after the first flagged with 0x80.
  ListpackBuilder b;
  b.add(std::string(126, 'q'));
  std::string blob = b.finish();
  ASSERT_EQ(blob.size(), 6u + 128 + 2 + 1);
  EXPECT_EQ(to_hex(blob.substr(6 + 128, 2)), "0180");
  // 16378 bytes: body 16383, which the specification encodes in three bytes.
  b.add(std::string(16378, 'q'));
  blob = b.finish();
  ASSERT_EQ(blob.size(), 6u + 16383 + 3 + 1);
  EXPECT_EQ(to_hex(blob.substr(6 + 16383, 3)), "00ffff");
}

TEST(RedisEncodingsListpack, NonCanonicalIntegerTextStaysString) {
  for (std::string_view s : {"007"sv, "+1"sv, "-0"sv, " 1"sv, "1 "sv, "0x10"sv, "1.0"sv, "1e3"sv, "-"sv, "00"sv,
                             "9223372036854775808"sv, "-9223372036854775809"sv, "99999999999999999999"sv}) {
    ListpackBuilder b;
    b.add(s);
    auto items = listpack_items(b.finish());
    ASSERT_TRUE(items.has_value());
    ASSERT_EQ(items->size(), 1u);
    EXPECT_EQ((*items)[0], str_item(std::string(s))) << s;
  }
  ListpackBuilder b;
  b.add("-9223372036854775808");
  b.add("9223372036854775807");
  b.add("-1");
  auto items = listpack_items(b.finish());
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(*items, (std::vector<Item>{int_item(std::numeric_limits<int64_t>::min()),
                                       int_item(std::numeric_limits<int64_t>::max()), int_item(-1)}));
}

TEST(RedisEncodingsListpack, ElementText) {
  Element e;
  e.is_int = true;
  e.integer = -42;
  EXPECT_EQ(e.text(), "-42");
  e.is_int = false;
  e.bytes = "abc";
  EXPECT_EQ(e.text(), "abc");
}

TEST(RedisEncodingsListpack, MoreThan65534EntriesDeclareUnknownCount) {
  ListpackBuilder b;
  for (int i = 0; i < 70000; ++i) b.add_int(i % 100);
  EXPECT_EQ(b.count(), 70000u);
  const std::string blob = b.finish();
  EXPECT_EQ(to_hex(blob.substr(4, 2)), "ffff");
  auto items = listpack_items(blob);
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(items->size(), 70000u);

  ListpackBuilder exact;
  for (int i = 0; i < 65534; ++i) exact.add_int(1);
  const std::string blob2 = exact.finish();
  EXPECT_EQ(to_hex(blob2.substr(4, 2)), "feff");
  EXPECT_TRUE(listpack_items(blob2).has_value());
}

// A valid two-entry listpack to corrupt: ["hello", 1000].
std::string two_entry_listpack() {
  ListpackBuilder b;
  b.add("hello");
  b.add_int(1000);
  return b.finish();
}

TEST(RedisEncodingsListpack, ValidBaseline) {
  const std::string blob = two_entry_listpack();
  EXPECT_EQ(to_hex(blob), "110000000200" "8568656c6c6f06" "c3e802" "ff");
  auto items = listpack_items(blob);
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(*items, (std::vector<Item>{str_item("hello"), int_item(1000)}));
}

TEST(RedisEncodingsListpack, RejectsWrongTotal) {
  std::string blob = two_entry_listpack();
  put_u32_le(blob, 0, static_cast<uint32_t>(blob.size() + 1));
  EXPECT_FALSE(listpack_items(blob).has_value());
  put_u32_le(blob, 0, static_cast<uint32_t>(blob.size() - 1));
  EXPECT_FALSE(listpack_items(blob).has_value());
  put_u32_le(blob, 0, 0);
  EXPECT_FALSE(listpack_items(blob).has_value());
  // A trailing byte after the terminator.
  blob = two_entry_listpack() + "\xff"s;
  put_u32_le(blob, 0, static_cast<uint32_t>(blob.size()));
  EXPECT_FALSE(listpack_items(blob).has_value());
}

TEST(RedisEncodingsListpack, RejectsWrongCount) {
  std::string blob = two_entry_listpack();
  for (uint16_t count : {0, 1, 3, 65534}) {
    put_u16_le(blob, 4, count);
    EXPECT_FALSE(listpack_items(blob).has_value()) << count;
  }
  put_u16_le(blob, 4, 65535);  // "unknown": the reader counts
  auto items = listpack_items(blob);
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(items->size(), 2u);
}

TEST(RedisEncodingsListpack, RejectsBadBackLength) {
  const std::string good = two_entry_listpack();
  // The back lengths sit at offsets 12 (of "hello") and 15 (of 1000).
  for (size_t at : {12u, 15u}) {
    for (unsigned char value : {0x00, 0x05, 0x07, 0x86, 0x80, 0xff}) {
      std::string blob = good;
      if (static_cast<unsigned char>(blob[at]) == value) continue;
      blob[at] = static_cast<char>(value);
      EXPECT_FALSE(listpack_items(blob).has_value()) << "offset " << at << " value " << int(value);
    }
  }
  // A two-byte back length where one byte is the rule (over-long encodings are refused).
  std::string blob = raw_listpack("8178" "0082", 1);
  EXPECT_FALSE(listpack_items(blob).has_value());
}

TEST(RedisEncodingsListpack, RejectsTruncatedEntries) {
  // Each blob claims an entry longer than what is left before the terminator.
  const std::vector<std::string> blobs = {
      raw_listpack("8568656c", 1),        // 6-bit string of 5, 3 bytes present
      raw_listpack("e001", 1),            // 12-bit string of 1, then nothing
      raw_listpack("e0", 1),              // 12-bit string header cut in half
      raw_listpack("f00100", 1),          // 32-bit string length cut short
      raw_listpack("c0", 1),              // 13-bit integer cut in half
      raw_listpack("f100", 1),            // int16 with one byte
      raw_listpack("f20000", 1),          // int24 with two bytes
      raw_listpack("f4000000000000", 1),  // int64 with six bytes, no back length
      raw_listpack("8161", 1),            // entry without its back length
      raw_listpack("bf6161", 1),          // 6-bit string of 63, 2 bytes present
  };
  for (const std::string& blob : blobs) EXPECT_FALSE(listpack_items(blob).has_value()) << to_hex(blob);
  // Every proper truncation of a valid blob, re-terminated, with the header fixed up.
  const std::string good = two_entry_listpack();
  for (size_t keep = 7; keep + 1 < good.size(); ++keep) {
    std::string blob = good.substr(0, keep) + "\xff"s;
    put_u32_le(blob, 0, static_cast<uint32_t>(blob.size()));
    put_u16_le(blob, 4, 65535);
    if (keep == 13) {
      // Cut right after "hello"'s entry: a valid one-entry listpack.
      EXPECT_TRUE(listpack_items(blob).has_value());
      continue;
    }
    EXPECT_FALSE(listpack_items(blob).has_value()) << "kept " << keep;
  }
}

TEST(RedisEncodingsListpack, RejectsStrayTerminator) {
  // 0xFF in the middle, before a valid entry.
  EXPECT_FALSE(listpack_items(raw_listpack("ff" "8161" "02", 1)).has_value());
  // 0xFF in place of an entry's encoding after a valid entry.
  EXPECT_FALSE(listpack_items(raw_listpack("8161" "02" "ff" "01" "01", 2)).has_value());
  EXPECT_FALSE(listpack_items(raw_listpack("8161" "02" "ff", 1)).has_value());
  ASSERT_TRUE(listpack_items(raw_listpack("8161" "02" "01" "01", 2)).has_value());
  // No terminator at the end.
  std::string unterminated = raw_listpack("8161" "02", 1);
  unterminated.back() = '\x00';
  EXPECT_FALSE(listpack_items(unterminated).has_value());
}

TEST(RedisEncodingsListpack, RejectsUnusedEncodings) {
  for (int b = 0xF5; b <= 0xFE; ++b) {
    std::string blob = raw_listpack("", 1);
    blob.insert(6, std::string{static_cast<char>(b), '\x01'});
    put_u32_le(blob, 0, static_cast<uint32_t>(blob.size()));
    EXPECT_FALSE(listpack_items(blob).has_value()) << std::hex << b;
  }
}

TEST(RedisEncodingsListpack, RejectsTooShortBlobs) {
  EXPECT_FALSE(listpack_items("").has_value());
  EXPECT_FALSE(listpack_items("\xff"s).has_value());
  EXPECT_FALSE(listpack_items(from_hex("060000000000")).has_value());
  EXPECT_FALSE(listpack_items(from_hex("0700000000")).has_value());
}

// --- ziplist

// Builds ziplists entry by entry from raw entry encodings, computing prevlen, zltail and
// zlbytes from the format's rules (or leaving them wrong on purpose).
class ZiplistMaker {
 public:
  // `encoded` is the entry's encoding byte(s) and data; the prevlen is prepended. With
  // `force_wide`, the prevlen takes 5 bytes even when it would fit one.
  ZiplistMaker& raw(const std::string& encoded, bool force_wide = false) {
    std::string entry;
    if (previous_ < 254 && !force_wide) {
      entry.push_back(static_cast<char>(previous_));
    } else {
      entry.push_back('\xfe');
      entry += u32_le(static_cast<uint32_t>(previous_));
    }
    entry += encoded;
    last_offset_ = 10 + body_.size();
    body_ += entry;
    previous_ = entry.size();
    ++count_;
    return *this;
  }
  ZiplistMaker& str(const std::string& s) {
    std::string enc;
    const size_t n = s.size();
    if (n <= 63) {
      enc.push_back(static_cast<char>(n));
    } else if (n <= 16383) {
      enc.push_back(static_cast<char>(0x40 | (n >> 8)));
      enc.push_back(static_cast<char>(n & 0xff));
    } else {
      enc.push_back('\x80');
      for (int i = 3; i >= 0; --i) enc.push_back(static_cast<char>((n >> (8 * i)) & 0xff));  // big endian
    }
    return raw(enc + s);
  }
  std::string finish(std::optional<uint16_t> count = std::nullopt) const {
    std::string out(10, '\0');
    out += body_;
    out.push_back('\xff');
    put_u32_le(out, 0, static_cast<uint32_t>(out.size()));
    put_u32_le(out, 4, static_cast<uint32_t>(count_ == 0 ? 10 : last_offset_));
    put_u16_le(out, 8, count.value_or(static_cast<uint16_t>(count_)));
    return out;
  }

 private:
  std::string body_;
  size_t previous_ = 0;
  size_t last_offset_ = 10;
  size_t count_ = 0;
};

TEST(RedisEncodingsZiplist, EmptyZiplist) {
  const std::string blob = ZiplistMaker().finish();
  EXPECT_EQ(to_hex(blob), "0b000000" "0a000000" "0000" "ff");
  auto items = ziplist_items(blob);
  ASSERT_TRUE(items.has_value());
  EXPECT_TRUE(items->empty());
}

TEST(RedisEncodingsZiplist, ExactBytesOfASmallZiplist) {
  // ["a", 5]: zlbytes 15, zltail 13, zllen 2; entry 1: prevlen 0, 0x01 'a';
  // entry 2: prevlen 3, 0xF6 (immediate 5); end.
  const std::string blob = from_hex("10000000" "0d000000" "0200" "000161" "03f6" "ff");
  EXPECT_EQ(blob, ZiplistMaker().str("a").raw("\xf6").finish());
  auto items = ziplist_items(blob);
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(*items, (std::vector<Item>{str_item("a"), int_item(5)}));
}

TEST(RedisEncodingsZiplist, ImmediateIntegers) {
  ZiplistMaker z;
  std::vector<Item> expected;
  for (int v = 0; v <= 12; ++v) {
    z.raw(std::string(1, static_cast<char>(0xF1 + v)));
    expected.push_back(int_item(v));
  }
  auto items = ziplist_items(z.finish());
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(*items, expected);
}

TEST(RedisEncodingsZiplist, SizedIntegers) {
  struct Case {
    char tag;
    size_t bytes;
    int64_t value;
  };
  const std::vector<Case> cases = {
      {'\xfe', 1, -128},
      {'\xfe', 1, 127},
      {'\xfe', 1, 13},
      {'\xc0', 2, -32768},
      {'\xc0', 2, 32767},
      {'\xf0', 3, -8388608},
      {'\xf0', 3, 8388607},
      {'\xf0', 3, -2},
      {'\xd0', 4, std::numeric_limits<int32_t>::min()},
      {'\xd0', 4, std::numeric_limits<int32_t>::max()},
      {'\xe0', 8, std::numeric_limits<int64_t>::min()},
      {'\xe0', 8, std::numeric_limits<int64_t>::max()},
      {'\xe0', 8, -1},
  };
  ZiplistMaker z;
  std::vector<Item> expected;
  for (const Case& c : cases) {
    z.raw(std::string(1, c.tag) + le_bytes(static_cast<uint64_t>(c.value), c.bytes));
    expected.push_back(int_item(c.value));
  }
  auto items = ziplist_items(z.finish());
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(*items, expected);
}

TEST(RedisEncodingsZiplist, StringLengthEncodings) {
  const std::string s63(63, 'x'), s64(64, 'y'), s300(300, 'z'), s16383(16383, 'w'), s20000(20000, 'v');
  ZiplistMaker z;
  z.str("").str("abc").str(s63).str(s64).str(s300).str("after-300").str(s16383).str(s20000).str("end");
  // A short string in the 32-bit length form, which the format allows.
  z.raw("\x80\x00\x00\x00\x02" "hi"s);
  // A short string in the 14-bit form.
  z.raw("\x40\x03" "abc"s);
  const std::string blob = z.finish();
  auto items = ziplist_items(blob);
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(*items, (std::vector<Item>{str_item(""), str_item("abc"), str_item(s63), str_item(s64), str_item(s300),
                                       str_item("after-300"), str_item(s16383), str_item(s20000), str_item("end"),
                                       str_item("hi"), str_item("abc")}));
}

TEST(RedisEncodingsZiplist, WidePrevlen) {
  // After a 300-byte entry the next prevlen needs 5 bytes: 0xFE then u32 LE.
  const std::string s300(300, 'z');
  const std::string blob = ZiplistMaker().str(s300).str("b").finish();
  // Entry 1 is 1 + 2 + 300 = 303 bytes; entry 2 starts with fe 2f 01 00 00.
  EXPECT_EQ(to_hex(blob.substr(10 + 303, 5)), "fe2f010000");
  auto items = ziplist_items(blob);
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(items->size(), 2u);
  // A 5-byte prevlen holding a small value (left behind by cascading updates) is valid.
  const std::string wide = ZiplistMaker().str("a").raw("\x01" "b"s, true).str("c").finish();
  items = ziplist_items(wide);
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(*items, (std::vector<Item>{str_item("a"), str_item("b"), str_item("c")}));
}

TEST(RedisEncodingsZiplist, UnknownCount) {
  ZiplistMaker z;
  for (int i = 0; i < 70000; ++i) z.raw("\xf2");  // immediate 1
  auto items = ziplist_items(z.finish(uint16_t{65535}));
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(items->size(), 70000u);
  // 65535 on a short ziplist is also "unknown".
  items = ziplist_items(ZiplistMaker().str("a").str("b").finish(uint16_t{65535}));
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(items->size(), 2u);
}

TEST(RedisEncodingsZiplist, RejectsWrongCount) {
  ZiplistMaker z;
  z.str("a").str("b");
  for (uint16_t count : {0, 1, 3, 65534}) EXPECT_FALSE(ziplist_items(z.finish(count)).has_value()) << count;
}

TEST(RedisEncodingsZiplist, RejectsInconsistentPrevlen) {
  const std::string good = ZiplistMaker().str("abc").str("de").str("f").finish();
  ASSERT_TRUE(ziplist_items(good).has_value());
  // The second entry's prevlen sits at 10 + 5 (= 4), the third's at 10 + 5 + 4 (= 5).
  ASSERT_EQ(good[15], 5);
  ASSERT_EQ(good[19], 4);
  for (size_t at : {10u, 15u, 19u}) {
    for (char value : {'\x00', '\x01', '\x03', '\x06', '\x7f', '\xfd', '\xff'}) {
      std::string blob = good;
      if (blob[at] == value) continue;
      blob[at] = value;
      EXPECT_FALSE(ziplist_items(blob).has_value()) << "offset " << at << " value " << int(value);
    }
  }
  // A wide prevlen with the wrong value.
  std::string blob = ZiplistMaker().str("a").raw("\x01" "b"s, true).finish();
  put_u32_le(blob, 10 + 3 + 1, 4);
  EXPECT_FALSE(ziplist_items(blob).has_value());
}

TEST(RedisEncodingsZiplist, RejectsInconsistentTail) {
  const std::string good = ZiplistMaker().str("abc").str("de").finish();
  for (uint32_t tail : {0u, 9u, 10u, 14u, 16u, 100u}) {
    std::string blob = good;
    put_u32_le(blob, 4, tail);
    EXPECT_FALSE(ziplist_items(blob).has_value()) << tail;
  }
  std::string empty = ZiplistMaker().finish();
  put_u32_le(empty, 4, 0);
  EXPECT_FALSE(ziplist_items(empty).has_value());
}

TEST(RedisEncodingsZiplist, RejectsInconsistentBytes) {
  const std::string good = ZiplistMaker().str("abc").str("de").finish();
  for (int delta : {-1, 1, 100}) {
    std::string blob = good;
    put_u32_le(blob, 0, static_cast<uint32_t>(static_cast<int>(blob.size()) + delta));
    EXPECT_FALSE(ziplist_items(blob).has_value()) << delta;
  }
  std::string unterminated = good;
  unterminated.back() = '\x00';
  EXPECT_FALSE(ziplist_items(unterminated).has_value());
  EXPECT_FALSE(ziplist_items(good.substr(0, 10)).has_value());
  EXPECT_FALSE(ziplist_items("").has_value());
}

TEST(RedisEncodingsZiplist, RejectsBadEntries) {
  // Invalid integer encodings (the high two bits say "integer", no such width).
  for (char enc : {'\xc1', '\xc8', '\xd1', '\xe1', '\xff'}) {
    EXPECT_FALSE(ziplist_items(ZiplistMaker().raw(std::string(1, enc) + std::string(8, '\0')).finish()).has_value())
        << int(static_cast<unsigned char>(enc));
  }
  // Strings and integers running past the end.
  EXPECT_FALSE(ziplist_items(ZiplistMaker().raw("\x05" "ab"s).finish()).has_value());
  EXPECT_FALSE(ziplist_items(ZiplistMaker().raw("\x40").finish()).has_value());
  EXPECT_FALSE(ziplist_items(ZiplistMaker().raw("\x80\x00\x00").finish()).has_value());
  EXPECT_FALSE(ziplist_items(ZiplistMaker().raw("\x80\x00\x00\x01\x00" "ab"s).finish()).has_value());
  EXPECT_FALSE(ziplist_items(ZiplistMaker().raw("\xe0\x01\x02").finish()).has_value());
  EXPECT_FALSE(ziplist_items(ZiplistMaker().raw("\xfe").finish()).has_value());
  // A prevlen with nothing after it.
  EXPECT_FALSE(ziplist_items(from_hex("0c000000" "0a000000" "0100" "00" "ff")).has_value());
  // A wide prevlen cut short.
  EXPECT_FALSE(ziplist_items(from_hex("0e0000000a0000000100" "fe0000" "ff")).has_value());
}

// --- zipmap

TEST(RedisEncodingsZipmap, HandBuilt) {
  const std::string big(300, 'B');
  std::string zm;
  zm += '\x03';                         // three pairs
  zm += "\x03" "foo" "\x03" "\x00" "bar"s;  // foo -> bar, no free bytes
  zm += "\x01" "x" "\x02" "\x02" "hi" "zz"s;  // x -> hi, two free bytes after the value
  zm += "\x03" "big" "\xfe"s + u32_le(300) + "\x00"s + big;  // 254-prefixed value length
  zm += '\xff';
  auto items = zipmap_items(zm);
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(*items, (std::vector<Item>{str_item("foo"), str_item("bar"), str_item("x"), str_item("hi"),
                                       str_item("big"), str_item(big)}));
  // 254 pairs or more: the count byte says "unknown" and the reader counts.
  zm[0] = '\xfe';
  items = zipmap_items(zm);
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(items->size(), 6u);
}

TEST(RedisEncodingsZipmap, EmptyAndWideFieldLength) {
  auto items = zipmap_items("\x00\xff"s);
  ASSERT_TRUE(items.has_value());
  EXPECT_TRUE(items->empty());
  // A field length in the 5-byte form, and an empty value.
  std::string zm = "\x01\xfe"s + u32_le(2) + "ab" "\x00\x00\xff"s;
  items = zipmap_items(zm);
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(*items, (std::vector<Item>{str_item("ab"), str_item("")}));
}

TEST(RedisEncodingsZipmap, RejectsBadZipmaps) {
  const std::string good = "\x02" "\x01" "a" "\x01" "\x00" "b" "\x01" "c" "\x01" "\x01" "d" "?" "\xff"s;
  ASSERT_TRUE(zipmap_items(good).has_value());
  const std::vector<std::string> bad = {
      "",
      "\xff"s,
      "\x01" "\x01" "a" "\x01" "\x00" "b"s,                     // no terminator
      "\x03" "\x01" "a" "\x01" "\x00" "b" "\xff"s,              // count says 3, holds 1
      "\x00" "\x01" "a" "\x01" "\x00" "b" "\xff"s,              // count says 0, holds 1
      "\x01" "\x05" "a" "\x01" "\x00" "b" "\xff"s,              // field longer than the map
      "\x01" "\x01" "a" "\x09" "\x00" "b" "\xff"s,              // value longer than the map
      "\x01" "\x01" "a" "\x01" "\x09" "b" "\xff"s,              // free bytes past the end
      "\x01" "\x01" "a" "\xff"s,                                 // terminator where a value length goes
      "\x01" "\x01" "a" "\x01" "\xff"s,                          // no room for the value
      "\x01" "\xfe" "\x01\x00"s + "\xff"s,                         // wide length cut short
      "\x01" "\x01" "a" "\xfe" "\x00\x00\x00\x10" "\x00" "b" "\xff"s,  // huge wide value length
      "\x01" "\x01" "a"s + "\x01" "\x00" "b" "\x00" "\xff"s,     // a stray byte before the end
  };
  for (const std::string& zm : bad) EXPECT_FALSE(zipmap_items(zm).has_value()) << to_hex(zm);
}

// --- intset

std::string intset_blob(uint32_t width, const std::vector<int64_t>& values) {
  std::string out = u32_le(width) + u32_le(static_cast<uint32_t>(values.size()));
  for (int64_t v : values) out += le_bytes(static_cast<uint64_t>(v), width);
  return out;
}

TEST(RedisEncodingsIntset, AcceptsEveryWidthAscending) {
  EXPECT_TRUE(valid_intset(intset_blob(2, {-32768, -1, 0, 1, 32767})));
  EXPECT_TRUE(valid_intset(intset_blob(4, {std::numeric_limits<int32_t>::min(), 1, 70000})));
  EXPECT_TRUE(valid_intset(intset_blob(8, {std::numeric_limits<int64_t>::min(), -1, 5000000000,
                                           std::numeric_limits<int64_t>::max()})));
  // A wider encoding than the values need is still valid.
  EXPECT_TRUE(valid_intset(intset_blob(8, {1, 2})));
  EXPECT_TRUE(valid_intset(intset_blob(2, {7})));
  // Redis 7.0's DUMP of SADD s 1 2 3 -1 (type 11): this block.
  EXPECT_TRUE(valid_intset(from_hex("0200000004000000ffff010002000300")));
}

TEST(RedisEncodingsIntset, RejectsOtherWidths) {
  for (uint32_t width : {0u, 1u, 3u, 5u, 6u, 7u, 16u, 0x0200u}) {
    std::string blob = u32_le(width) + u32_le(1) + std::string(width < 16 ? width : 8, '\0');
    EXPECT_FALSE(valid_intset(blob)) << width;
  }
}

TEST(RedisEncodingsIntset, RejectsDisorderAndDuplicates) {
  EXPECT_FALSE(valid_intset(intset_blob(2, {2, 1})));
  EXPECT_FALSE(valid_intset(intset_blob(2, {1, 1})));
  EXPECT_FALSE(valid_intset(intset_blob(4, {-1, 5, 5, 6})));
  EXPECT_FALSE(valid_intset(intset_blob(8, {0, -1})));
}

TEST(RedisEncodingsIntset, RejectsSizeMismatch) {
  std::string blob = intset_blob(2, {1, 2, 3});
  EXPECT_FALSE(valid_intset(blob + "x"));
  EXPECT_FALSE(valid_intset(blob.substr(0, blob.size() - 1)));
  put_u32_le(blob, 4, 4);
  EXPECT_FALSE(valid_intset(blob));
  put_u32_le(blob, 4, 0x80000001u);  // count * width overflows 32 bits
  EXPECT_FALSE(valid_intset(blob));
  EXPECT_FALSE(valid_intset(""));
  EXPECT_FALSE(valid_intset(u32_le(2)));
  EXPECT_FALSE(valid_intset(u32_le(2) + "\x00\x00\x00"s));
}

}  // namespace
}  // namespace corvid::redis_format
