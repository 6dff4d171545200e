// The byte-level codecs of RDB files and DUMP payloads: the CRC-64 trailer and LZF
// string compression (persistence/crc64.h, persistence/lzf.h).

#include "persistence/crc64.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "persistence/lzf.h"

using namespace std::literals;

namespace corvid {
namespace {

// A bit-at-a-time CRC-64 written from the definition (Jones polynomial, reflected input
// and output, initial value 0, no final xor), independent of the table-driven code.
uint64_t reference_crc64(std::string_view data) {
  constexpr uint64_t kPolynomial = 0xad93d23594c935a9ULL;
  // Reflect the polynomial: bit i moves to bit 63 - i.
  uint64_t reflected = 0;
  for (int i = 0; i < 64; ++i) {
    if (kPolynomial & (uint64_t{1} << i)) reflected |= uint64_t{1} << (63 - i);
  }
  uint64_t crc = 0;
  for (unsigned char c : data) {
    crc ^= c;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ reflected : crc >> 1;
  }
  return crc;
}

uint64_t load_u64_le(std::string_view bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
  return v;
}

std::string random_bytes(std::mt19937& rng, size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

TEST(Crc64, CheckValue) {
  EXPECT_EQ(crc64(0, "123456789"sv), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(reference_crc64("123456789"), 0xe9c6d914c4b8d9caULL);
}

TEST(Crc64, EmptyInputLeavesTheCrcAlone) {
  EXPECT_EQ(crc64(0, ""sv), 0u);
  EXPECT_EQ(crc64(0x1234567890abcdefULL, nullptr, 0), 0x1234567890abcdefULL);
}

TEST(Crc64, MatchesTheBitwiseDefinitionAtEveryLength) {
  std::mt19937 rng(7);
  // Every length up to a few words covers the 8-byte fold and each length of the tail.
  for (size_t n = 0; n <= 70; ++n) {
    const std::string data = random_bytes(rng, n);
    EXPECT_EQ(crc64(0, data), reference_crc64(data)) << "length " << n;
  }
  const std::string big = random_bytes(rng, 100000);
  EXPECT_EQ(crc64(0, big), reference_crc64(big));
}

TEST(Crc64, UnalignedStartGivesTheSameResult) {
  std::mt19937 rng(11);
  const std::string data = random_bytes(rng, 300);
  for (size_t offset = 1; offset < 8; ++offset) {
    const std::string_view part = std::string_view(data).substr(offset);
    EXPECT_EQ(crc64(0, part), reference_crc64(part)) << "offset " << offset;
  }
}

TEST(Crc64, IncrementalEqualsOneShot) {
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    const std::string data = random_bytes(rng, rng() % 2000);
    const uint64_t whole = crc64(0, data);
    uint64_t crc = 0;
    size_t pos = 0;
    while (pos < data.size()) {
      const size_t take = std::min<size_t>(data.size() - pos, rng() % 37);
      crc = crc64(crc, std::string_view(data).substr(pos, take));
      pos += take;
    }
    ASSERT_EQ(crc, whole) << "round " << round << ", " << data.size() << " bytes";
  }
}

TEST(Crc64, RedisDumpPayloadOfHello) {
  // Redis 7.0's DUMP of the string "hello": type 0, length 5, the bytes, RDB version 10
  // (two bytes, little-endian), then the CRC-64 of those nine bytes, little-endian.
  const std::string payload = "\x00\x05hello\x0a\x00"s;
  const std::string trailer = "cr\xdfve4 \n"s;
  ASSERT_EQ(payload.size(), 9u);
  ASSERT_EQ(trailer.size(), 8u);
  EXPECT_EQ(crc64(0, payload), load_u64_le(trailer));
  EXPECT_EQ(reference_crc64(payload), load_u64_le(trailer));
}

TEST(Crc64, DetectsSingleBitFlips) {
  std::string data = "The quick brown fox jumps over the lazy dog";
  const uint64_t original = crc64(0, data);
  for (size_t i = 0; i < data.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      data[i] = static_cast<char>(data[i] ^ (1 << bit));
      EXPECT_NE(crc64(0, data), original) << "byte " << i << " bit " << bit;
      data[i] = static_cast<char>(data[i] ^ (1 << bit));
    }
  }
}

// --- LZF

TEST(Lzf, RoundTripOfCompressibleData) {
  std::string input;
  for (int i = 0; i < 200; ++i) input += "field:" + std::to_string(i % 10) + ",";
  std::optional<std::string> packed = lzf_compress_if_smaller(input);
  ASSERT_TRUE(packed.has_value());
  EXPECT_LT(packed->size(), input.size());
  std::optional<std::string> expanded = lzf_expand(*packed, input.size());
  ASSERT_TRUE(expanded.has_value());
  EXPECT_EQ(*expanded, input);
}

TEST(Lzf, RoundTripOfManySizes) {
  std::mt19937 rng(3);
  for (size_t n : {40u, 64u, 100u, 1000u, 4096u, 65536u, 300000u}) {
    // Runs of a few letters: compressible, but not trivially.
    std::string input;
    while (input.size() < n) input.append(1 + rng() % 9, static_cast<char>('a' + rng() % 4));
    input.resize(n);
    std::optional<std::string> packed = lzf_compress_if_smaller(input);
    ASSERT_TRUE(packed.has_value()) << n;
    ASSERT_LE(packed->size() + 4, input.size()) << n;
    std::optional<std::string> expanded = lzf_expand(*packed, n);
    ASSERT_TRUE(expanded.has_value()) << n;
    EXPECT_EQ(*expanded, input) << n;
  }
}

TEST(Lzf, ShortInputIsNeverCompressed) {
  EXPECT_FALSE(lzf_compress_if_smaller("").has_value());
  EXPECT_FALSE(lzf_compress_if_smaller("a").has_value());
  // 20 bytes is Redis's limit: highly compressible, and still left alone.
  EXPECT_FALSE(lzf_compress_if_smaller(std::string(20, 'a')).has_value());
  EXPECT_EQ(kLzfMinInputLength, 21u);
  EXPECT_TRUE(lzf_compress_if_smaller(std::string(21, 'a')).has_value());
}

TEST(Lzf, IncompressibleInputIsNotCompressed) {
  std::mt19937 rng(5);
  for (size_t n : {21u, 30u, 100u, 1000u, 10000u}) {
    EXPECT_FALSE(lzf_compress_if_smaller(random_bytes(rng, n)).has_value()) << n;
  }
  // Text without repetitions: LZF cannot save the four bytes of framing it must save.
  EXPECT_FALSE(lzf_compress_if_smaller("ahovcjqxelszgnubipwdkryfmtahov").has_value());
}

TEST(Lzf, ExpandsRedisCompressedString) {
  // Redis 7.0's DUMP of SET k <100 x 'a'>: c3 (LZF) 09 (compressed length) 40 64 (100),
  // then these nine bytes.
  const std::string redis_packed = "\x01" "aa\xe0\x57\x00\x01" "aa"s;
  ASSERT_EQ(redis_packed.size(), 9u);
  std::optional<std::string> expanded = lzf_expand(redis_packed, 100);
  ASSERT_TRUE(expanded.has_value());
  EXPECT_EQ(*expanded, std::string(100, 'a'));
  // Any other announced length is refused.
  EXPECT_FALSE(lzf_expand(redis_packed, 99).has_value());
  EXPECT_FALSE(lzf_expand(redis_packed, 101).has_value());
}

TEST(Lzf, ExpandRejectsWrongLengths) {
  const std::string input(500, 'z');
  std::optional<std::string> packed = lzf_compress_if_smaller(input);
  ASSERT_TRUE(packed.has_value());
  EXPECT_FALSE(lzf_expand(*packed, 0).has_value());
  EXPECT_FALSE(lzf_expand(*packed, 1).has_value());
  EXPECT_FALSE(lzf_expand(*packed, 499).has_value());
  EXPECT_FALSE(lzf_expand(*packed, 501).has_value());
  EXPECT_FALSE(lzf_expand(*packed, 100000).has_value());
  EXPECT_FALSE(lzf_expand("", 10).has_value());
}

TEST(Lzf, ExpandRejectsCorruptData) {
  // A back reference before the start of the output.
  EXPECT_FALSE(lzf_expand("\x20\x05"s, 4).has_value());
  EXPECT_FALSE(lzf_expand("\x00" "a\xe0\xff\x00"s, 300).has_value());
  // A literal run longer than the input holds.
  EXPECT_FALSE(lzf_expand("\x1f" "abc"s, 32).has_value());
  // Truncations of a valid stream.
  std::string input;
  for (int i = 0; i < 50; ++i) input += "abcdefgh" + std::to_string(i);
  std::optional<std::string> packed = lzf_compress_if_smaller(input);
  ASSERT_TRUE(packed.has_value());
  for (size_t cut = 1; cut < packed->size(); ++cut) {
    EXPECT_FALSE(lzf_expand(std::string_view(*packed).substr(0, packed->size() - cut), input.size()).has_value())
        << "cut " << cut;
  }
}

TEST(Lzf, RandomGarbageNeverCrashes) {
  std::mt19937 rng(99);
  for (int i = 0; i < 3000; ++i) {
    const std::string garbage = random_bytes(rng, 1 + rng() % 64);
    const size_t claimed = 1 + rng() % 512;
    std::optional<std::string> out = lzf_expand(garbage, claimed);
    if (out) {
      EXPECT_EQ(out->size(), claimed);
    }
  }
}

}  // namespace
}  // namespace corvid
