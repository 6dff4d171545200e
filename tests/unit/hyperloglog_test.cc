#include "core/hyperloglog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace corvid::hll {
namespace {

constexpr size_t kDefaultSparseMax = 3000;

std::string header(uint8_t encoding) {
  std::string value = "HYLL";
  value.push_back(static_cast<char>(encoding));
  value.append(10, '\0');
  value.push_back(static_cast<char>(0x80));  // cache stale
  return value;
}

std::string xzero(uint32_t run) {
  return {static_cast<char>(0x40 | ((run - 1) >> 8)), static_cast<char>((run - 1) & 0xff)};
}
std::string zero(uint32_t run) { return std::string(1, static_cast<char>(run - 1)); }
std::string val(uint8_t value, uint32_t run) {
  return std::string(1, static_cast<char>(0x80 | (value - 1) << 2 | (run - 1)));
}

Registers registers_of(std::string_view value) {
  Registers out{};
  EXPECT_TRUE(merge_into(out, value));
  return out;
}

TEST(HyperLogLog, EmptyValueIsOneXZero) {
  std::string value = empty_value();
  ASSERT_EQ(value.size(), kHeaderSize + 2);
  EXPECT_EQ(value.substr(0, 5), std::string("HYLL\x01", 5));
  EXPECT_EQ(static_cast<uint8_t>(value[16]), 0x7f);
  EXPECT_EQ(static_cast<uint8_t>(value[17]), 0xff);
  EXPECT_TRUE(looks_valid(value));
  EXPECT_TRUE(cache_valid(value));
  EXPECT_EQ(estimate(value), 0u);
  EXPECT_EQ(describe_sparse(value), "Z:16384");
}

TEST(HyperLogLog, HeaderValidation) {
  EXPECT_FALSE(looks_valid(""));
  EXPECT_FALSE(looks_valid("HYLL"));
  EXPECT_FALSE(looks_valid(header(2)));
  std::string wrong_magic = header(1);
  wrong_magic[0] = 'h';
  EXPECT_FALSE(looks_valid(wrong_magic));
  EXPECT_TRUE(looks_valid(header(1)));  // an empty sparse body passes the header checks
  EXPECT_FALSE(looks_valid(header(0)));  // dense must have every register
  EXPECT_TRUE(looks_valid(header(0) + std::string(kDenseRegisterBytes, '\0')));
  EXPECT_FALSE(looks_valid(header(0) + std::string(kDenseRegisterBytes + 1, '\0')));
}

TEST(HyperLogLog, MurmurHashKnownValues) {
  // MurmurHash64A with Redis's seed; the element hashes decide the registers, so a change
  // here would break compatibility with values written by Redis.
  EXPECT_EQ(murmur_hash64a("", 0), 0u);
  uint64_t a = murmur_hash64a("a", kHashSeed);
  uint64_t b = murmur_hash64a("b", kHashSeed);
  EXPECT_NE(a, b);
  // The tail bytes and the 8-byte blocks both count.
  EXPECT_NE(murmur_hash64a("abcdefgh", kHashSeed), murmur_hash64a("abcdefgi", kHashSeed));
  EXPECT_NE(murmur_hash64a("abcdefghi", kHashSeed), murmur_hash64a("abcdefghj", kHashSeed));
}

TEST(HyperLogLog, ObservationRanksAreBounded) {
  for (int i = 0; i < 10000; ++i) {
    Observation seen = observe("element:" + std::to_string(i));
    EXPECT_LT(seen.index, kRegisterCount);
    EXPECT_GE(seen.rank, 1);
    EXPECT_LE(seen.rank, kMaxRank);
  }
}

TEST(HyperLogLog, DenseRegistersRoundTrip) {
  std::vector<uint8_t> packed(kDenseRegisterBytes, 0);
  for (uint32_t i = 0; i < kRegisterCount; ++i) set_dense_register(packed.data(), i, static_cast<uint8_t>((i * 7) & 63));
  for (uint32_t i = 0; i < kRegisterCount; ++i) EXPECT_EQ(dense_register(packed.data(), i), (i * 7) & 63) << i;
  // Rewriting one register leaves its neighbours alone.
  set_dense_register(packed.data(), 5, 0);
  EXPECT_EQ(dense_register(packed.data(), 4), (4 * 7) & 63);
  EXPECT_EQ(dense_register(packed.data(), 5), 0);
  EXPECT_EQ(dense_register(packed.data(), 6), (6 * 7) & 63);
  // Register 0 lives in the low bits of byte 0, register 1 starts at bit 6.
  std::vector<uint8_t> one(kDenseRegisterBytes, 0);
  set_dense_register(one.data(), 1, 63);
  EXPECT_EQ(one[0], 0xc0);
  EXPECT_EQ(one[1], 0x0f);
  EXPECT_FALSE(dense_raise(one.data(), 1, 10));
  EXPECT_TRUE(dense_raise(one.data(), 2, 10));
  EXPECT_EQ(dense_register(one.data(), kRegisterCount - 1), 0);
  set_dense_register(one.data(), kRegisterCount - 1, 33);
  EXPECT_EQ(dense_register(one.data(), kRegisterCount - 1), 33);
  EXPECT_EQ(one[kDenseRegisterBytes - 1], 33 << 2);
}

TEST(HyperLogLog, SparseSetSplitsAndJoinsRuns) {
  std::string value = empty_value();
  EXPECT_EQ(raise_register(value, 1000, 2, kDefaultSparseMax), SetResult::Changed);
  EXPECT_EQ(describe_sparse(value), "Z:1000 v:2,1 Z:15383");
  EXPECT_FALSE(cache_valid(value));
  EXPECT_EQ(raise_register(value, 1000, 2, kDefaultSparseMax), SetResult::Unchanged);
  EXPECT_EQ(raise_register(value, 1000, 1, kDefaultSparseMax), SetResult::Unchanged);
  EXPECT_EQ(raise_register(value, 1001, 2, kDefaultSparseMax), SetResult::Changed);
  EXPECT_EQ(describe_sparse(value), "Z:1000 v:2,2 Z:15382");
  EXPECT_EQ(raise_register(value, 1003, 3, kDefaultSparseMax), SetResult::Changed);
  EXPECT_EQ(describe_sparse(value), "Z:1000 v:2,2 z:1 v:3,1 Z:15380");
  EXPECT_EQ(raise_register(value, 1002, 2, kDefaultSparseMax), SetResult::Changed);
  EXPECT_EQ(describe_sparse(value), "Z:1000 v:2,3 v:3,1 Z:15380");
  // Raising the middle of a VAL run splits it.
  EXPECT_EQ(raise_register(value, 1001, 5, kDefaultSparseMax), SetResult::Changed);
  EXPECT_EQ(describe_sparse(value), "Z:1000 v:2,1 v:5,1 v:2,1 v:3,1 Z:15380");
  // Short zero runs use the one-byte opcode.
  EXPECT_EQ(raise_register(value, 1010, 1, kDefaultSparseMax), SetResult::Changed);
  EXPECT_EQ(describe_sparse(value), "Z:1000 v:2,1 v:5,1 v:2,1 v:3,1 z:6 v:1,1 Z:15373");
  Registers regs = registers_of(value);
  EXPECT_EQ(regs[999], 0);
  EXPECT_EQ(regs[1000], 2);
  EXPECT_EQ(regs[1001], 5);
  EXPECT_EQ(regs[1002], 2);
  EXPECT_EQ(regs[1003], 3);
  EXPECT_EQ(regs[1010], 1);
}

TEST(HyperLogLog, SparseAndDenseAgree) {
  std::string sparse = empty_value();
  std::string dense = empty_value();
  ASSERT_TRUE(to_dense(dense));
  ASSERT_EQ(dense.size(), kDenseSize);
  ASSERT_EQ(encoding_of(dense), kDense);
  for (int i = 0; i < 300; ++i) {
    std::string element = "member-" + std::to_string(i);
    SetResult a = add(sparse, element, kDefaultSparseMax);
    SetResult b = add(dense, element, kDefaultSparseMax);
    ASSERT_NE(a, SetResult::Corrupt);
    EXPECT_EQ(a, b) << i;
  }
  ASSERT_EQ(encoding_of(sparse), kSparse);
  EXPECT_EQ(estimate(sparse), estimate(dense));
  EXPECT_EQ(registers_of(sparse), registers_of(dense));
  // Converting gives the same registers, the header carried over.
  std::string converted = sparse;
  ASSERT_TRUE(to_dense(converted));
  EXPECT_EQ(converted.substr(5, 11), sparse.substr(5, 11));
  dense[15] = converted[15];
  EXPECT_EQ(registers_of(converted), registers_of(dense));
}

TEST(HyperLogLog, PromotesToDense) {
  // Past the size limit.
  std::string value = empty_value();
  int i = 0;
  while (encoding_of(value) == kSparse) {
    ASSERT_NE(add(value, "x" + std::to_string(i++), 200), SetResult::Corrupt);
    if (encoding_of(value) == kSparse) {
      ASSERT_LE(value.size(), 200u) << "a sparse value must not outgrow the limit";
    }
  }
  EXPECT_EQ(value.size(), kDenseSize);
  // A register above 32 cannot be a VAL.
  std::string tall = empty_value();
  EXPECT_EQ(raise_register(tall, 7, 33, kDefaultSparseMax), SetResult::Changed);
  EXPECT_EQ(encoding_of(tall), kDense);
  EXPECT_EQ(dense_register(reinterpret_cast<const uint8_t*>(tall.data()) + kHeaderSize, 7), 33);
}

TEST(HyperLogLog, EstimatorOnKnownSets) {
  std::string value = empty_value();
  for (int i = 0; i < 5; ++i) add(value, std::to_string(i), kDefaultSparseMax);
  EXPECT_EQ(estimate(value), 5u);
  for (uint64_t n : {1000u, 20000u, 100000u}) {
    std::string hll = empty_value();
    for (uint64_t i = 0; i < n; ++i) add(hll, "k" + std::to_string(i), kDefaultSparseMax);
    auto counted = estimate(hll);
    ASSERT_TRUE(counted);
    double error = std::fabs(static_cast<double>(*counted) - static_cast<double>(n)) / static_cast<double>(n);
    EXPECT_LT(error, 0.03) << n << " counted as " << *counted;
  }
}

TEST(HyperLogLog, EstimateOfRegistersMatchesEstimateOfValue) {
  std::string value = empty_value();
  for (int i = 0; i < 5000; ++i) add(value, "e" + std::to_string(i), kDefaultSparseMax);
  EXPECT_EQ(estimate(registers_of(value)), estimate(value));
}

TEST(HyperLogLog, MergeTakesRegisterMaxima) {
  std::string a = empty_value();
  std::string b = empty_value();
  raise_register(a, 10, 3, kDefaultSparseMax);
  raise_register(a, 20, 1, kDefaultSparseMax);
  raise_register(b, 10, 2, kDefaultSparseMax);
  raise_register(b, 20, 4, kDefaultSparseMax);
  ASSERT_TRUE(to_dense(b));
  Registers max{};
  ASSERT_TRUE(merge_into(max, a));
  ASSERT_TRUE(merge_into(max, b));
  EXPECT_EQ(max[10], 3);
  EXPECT_EQ(max[20], 4);
  EXPECT_EQ(max[30], 0);
  // Union of disjoint sets counts about the sum.
  std::string left = empty_value();
  std::string right = empty_value();
  for (int i = 0; i < 500; ++i) {
    add(left, "l" + std::to_string(i), kDefaultSparseMax);
    add(right, "r" + std::to_string(i), kDefaultSparseMax);
  }
  Registers both{};
  merge_into(both, left);
  merge_into(both, right);
  EXPECT_NEAR(static_cast<double>(estimate(both)), 1000.0, 30.0);
}

TEST(HyperLogLog, CachedCardinality) {
  std::string value = empty_value();
  store_cardinality(value.data(), 0x0102030405060708ULL);
  EXPECT_TRUE(cache_valid(value));
  EXPECT_EQ(cached_cardinality(value), 0x0102030405060708ULL);
  EXPECT_EQ(static_cast<uint8_t>(value[8]), 0x08);
  invalidate_cache(value.data());
  EXPECT_FALSE(cache_valid(value));
  EXPECT_EQ(static_cast<uint8_t>(value[15]), 0x81);
}

TEST(HyperLogLog, MalformedSparseBodies) {
  const std::vector<std::string> bodies = {
      "",                               // no registers at all
      xzero(16383),                     // one short
      xzero(16384) + zero(1),           // one too many zeros
      xzero(16384) + val(1, 1),         // a VAL past the end
      xzero(16383) + val(1, 2),         // a VAL straddling the end
      xzero(16000) + std::string(1, '\x41'),  // an XZERO cut short
  };
  for (const std::string& body : bodies) {
    std::string value = header(kSparse) + body;
    ASSERT_TRUE(looks_valid(value));
    EXPECT_FALSE(estimate(value)) << describe_sparse(value);
    Registers max{};
    EXPECT_FALSE(merge_into(max, value)) << describe_sparse(value);
    std::string copy = value;
    EXPECT_FALSE(to_dense(copy));
    EXPECT_EQ(copy, value);
  }
  // A body that stops before the register: the set cannot find it.
  std::string value = header(kSparse) + xzero(100);
  EXPECT_EQ(raise_register(value, 500, 1, kDefaultSparseMax), SetResult::Corrupt);
  EXPECT_EQ(raise_register(value, 50, 1, kDefaultSparseMax), SetResult::Changed);
}

TEST(HyperLogLog, DescribeSparse) {
  std::string value = header(kSparse) + zero(3) + val(2, 1) + xzero(16380);
  EXPECT_EQ(describe_sparse(value), "z:3 v:2,1 Z:16380");
  EXPECT_EQ(estimate(value), 1u);
}

TEST(HyperLogLog, SelfTestPasses) { EXPECT_FALSE(self_test()); }

}  // namespace
}  // namespace corvid::hll
