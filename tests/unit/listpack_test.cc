#include "core/listpack.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/number_format.h"

using namespace std::literals;

namespace corvid {
namespace {

// Entry sizes derived from the layout documented in listpack.h, independently
// of the encoder, so a regression in compactness shows up as a size mismatch.
size_t backlen_bytes(size_t body) {
  size_t n = 1;
  while (n < 5 && body >= (size_t{1} << (7 * n))) ++n;
  return n;
}

size_t expected_entry_size(std::string_view s) {
  size_t body;
  if (auto v = parse_int64(s)) {
    if (*v >= 0 && *v <= 127) {
      body = 1;
    } else if (*v >= -4096 && *v <= 4095) {
      body = 2;
    } else {
      size_t n = 2;
      while (n < 8 && !(*v >= -(int64_t{1} << (8 * n - 1)) && *v < (int64_t{1} << (8 * n - 1)))) ++n;
      body = 1 + n;
    }
  } else if (s.size() <= 63) {
    body = 1 + s.size();
  } else if (s.size() <= 4095) {
    body = 2 + s.size();
  } else {
    body = 5 + s.size();
  }
  return body + backlen_bytes(body);
}

std::vector<std::string> forward(const Listpack& lp) {
  std::vector<std::string> out;
  for (auto p = lp.begin(); p != lp.end(); p = lp.next(p)) out.push_back(lp.get_string(p));
  return out;
}

std::vector<std::string> backward(const Listpack& lp) {
  std::vector<std::string> out;
  for (auto p = lp.last(); p; p = lp.prev(*p)) out.push_back(lp.get_string(*p));
  return out;
}

void expect_same(const Listpack& lp, const std::deque<std::string>& ref) {
  ASSERT_EQ(lp.size(), ref.size());
  const std::vector<std::string> want(ref.begin(), ref.end());
  ASSERT_EQ(forward(lp), want);
  ASSERT_EQ(backward(lp), std::vector<std::string>(want.rbegin(), want.rend()));
  size_t footprint = Listpack::kHeaderSize + 1;
  for (const auto& s : ref) footprint += expected_entry_size(s);
  ASSERT_EQ(lp.bytes(), footprint);
  ASSERT_TRUE(lp.validate());
}

const std::vector<std::string>& boundary_values() {
  static const std::vector<std::string> values = {
      "", "0", "-0", "00", "01", "+1", " 1", "1 ", "-", "1a", "127", "128", "-1", "-4096", "-4097",
      "4095", "4096", "32767", "32768", "-32768", "-32769", "8388607", "8388608", "2147483647",
      "2147483648", "-2147483648", "-2147483649", "140737488355327", "140737488355328",
      "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
      "18446744073709551615", "12345678901234567890", "-1234567890123456789", "99999999999999999999",
      std::string(63, 'x'), std::string(64, 'x'), std::string(4095, 'y'), std::string(4096, 'y'),
      std::string(65536, 'z'), std::string("\0\xff\x80", 3)};
  return values;
}

TEST(Listpack, EmptyAndMoved) {
  Listpack lp;
  EXPECT_EQ(lp.size(), 0u);
  EXPECT_EQ(lp.bytes(), 9u);
  EXPECT_EQ(lp.begin(), lp.end());
  EXPECT_FALSE(lp.last());
  EXPECT_FALSE(lp.at(0));
  EXPECT_FALSE(lp.find(lp.begin(), "a"));
  EXPECT_TRUE(lp.validate());
  lp.push_back("a");
  Listpack moved(std::move(lp));
  EXPECT_EQ(moved.size(), 1u);
  EXPECT_EQ(lp.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is defined as empty.
  lp.push_back("b");
  EXPECT_EQ(lp.get_string(lp.begin()), "b");
  moved = std::move(lp);
  EXPECT_EQ(forward(moved), std::vector<std::string>{"b"});
  moved.clear();
  EXPECT_TRUE(moved.empty());
  EXPECT_TRUE(moved.validate());
}

TEST(Listpack, EncodingBoundaries) {
  Listpack lp;
  std::deque<std::string> ref;
  for (const auto& v : boundary_values()) {
    lp.push_back(v);
    ref.push_back(v);
    const auto p = *lp.last();
    EXPECT_EQ(lp.is_int(p), parse_int64(v).has_value()) << v;
    EXPECT_EQ(lp.get_string(p), v);
    EXPECT_EQ(lp.get_int(p), parse_int64(v)) << v;
  }
  expect_same(lp, ref);
  EXPECT_EQ(lp.get_int(*lp.find(lp.begin(), "9223372036854775807")), INT64_MAX);
  EXPECT_EQ(lp.get_int(*lp.find(lp.begin(), "-9223372036854775808")), INT64_MIN);
  // "-0" and "00" are strings, so searching for them must not hit the int 0.
  EXPECT_EQ(lp.get_string(*lp.find(lp.begin(), "-0")), "-0");
  EXPECT_EQ(lp.get_string(*lp.find(lp.begin(), "00")), "00");
  EXPECT_EQ(*lp.find(lp.begin(), "0"), *lp.at(1));
}

TEST(Listpack, EveryIntWidthRoundTrips) {
  Listpack lp;
  std::deque<std::string> ref;
  std::vector<int64_t> values = {INT64_MIN, INT64_MIN + 1, INT64_MAX, INT64_MAX - 1};
  for (int bits = 0; bits < 63; ++bits) {
    const int64_t mag = int64_t{1} << bits;
    for (int64_t v : {mag - 1, mag, -mag, -mag - 1, -mag + 1}) values.push_back(v);
  }
  for (int64_t v : values) {
    ref.push_front(int64_to_string(v));
    lp.push_front(ref.front());
    EXPECT_TRUE(lp.is_int(lp.begin()));
    EXPECT_EQ(lp.get_int(lp.begin()), v);
  }
  expect_same(lp, ref);
}

TEST(Listpack, SmallValuesAreCompact) {
  Listpack lp;
  lp.push_back("5");
  EXPECT_EQ(lp.bytes(), 9u + 2);
  lp.push_back("-100");
  EXPECT_EQ(lp.bytes(), 9u + 2 + 3);
  lp.push_back("abc");
  EXPECT_EQ(lp.bytes(), 9u + 2 + 3 + 5);
}

TEST(Listpack, ValueAliasingOwnBlock) {
  Listpack lp;
  lp.push_back(std::string(100, 'q'));
  lp.push_back("short");
  for (int i = 0; i < 20; ++i) {
    Listpack::Scratch scratch;
    const std::string_view first = lp.get(lp.begin(), scratch);
    lp.push_front(first);  // first points into the block being reallocated
    lp.replace(*lp.last(), lp.get(lp.begin(), scratch));
  }
  EXPECT_EQ(lp.size(), 22u);
  for (const auto& s : forward(lp)) EXPECT_EQ(s, std::string(100, 'q'));
  EXPECT_TRUE(lp.validate());
}

TEST(Listpack, FindWithStride) {
  Listpack lp;
  // A hash laid out field, value, field, value: values collide with fields.
  for (auto s : {"a", "b", "b", "c", "c", "1", "1", "a"}) lp.push_back(s);
  auto hit = lp.find(lp.begin(), "b", 2);
  ASSERT_TRUE(hit);
  EXPECT_EQ(*hit, *lp.at(2));
  EXPECT_EQ(*lp.find(lp.begin(), "1", 2), *lp.at(6));
  EXPECT_FALSE(lp.find(lp.begin(), "z", 2));
  EXPECT_EQ(*lp.find(lp.begin(), "1"), *lp.at(5));
  EXPECT_EQ(*lp.find(*lp.at(1), "a", 2), *lp.at(7));
  EXPECT_EQ(*lp.find(lp.begin(), "c", 0), *lp.at(3));
}

TEST(Listpack, EraseRangeAndIndex) {
  Listpack lp;
  for (int i = 0; i < 10; ++i) lp.push_back(std::to_string(i));
  EXPECT_EQ(lp.get_string(*lp.at(-1)), "9");
  EXPECT_EQ(lp.get_string(*lp.at(-10)), "0");
  EXPECT_FALSE(lp.at(-11));
  EXPECT_FALSE(lp.at(10));
  auto p = lp.erase(*lp.at(2), 3);
  EXPECT_EQ(lp.get_string(p), "5");
  p = lp.erase(*lp.at(5), 100);  // clamps at the end
  EXPECT_EQ(p, lp.end());
  EXPECT_EQ(forward(lp), (std::vector<std::string>{"0", "1", "5", "6", "7"}));
  EXPECT_EQ(lp.erase(lp.begin(), 0), lp.begin());
  EXPECT_EQ(lp.size(), 5u);
  lp.erase(lp.begin(), 5);
  EXPECT_TRUE(lp.empty());
  EXPECT_EQ(lp.bytes(), 9u);
  EXPECT_TRUE(lp.validate());
}

std::string random_value(std::mt19937_64& rng) {
  const auto& bounds = boundary_values();
  switch (rng() % 8) {
    case 0:
      return bounds[rng() % bounds.size()];
    case 1:
      return std::to_string(static_cast<int64_t>(rng() % 300) - 150);
    case 2:
      return std::to_string(static_cast<int64_t>(rng() % 20000) - 10000);
    case 3:
      return int64_to_string(static_cast<int64_t>(rng()) >> (rng() % 64));
    case 4: {
      std::string s(rng() % 300 == 0 ? 5000 + rng() % 70000 : rng() % 150, '\0');
      for (auto& c : s) c = static_cast<char>('a' + rng() % 3);
      return s;
    }
    default:
      return std::string(1, static_cast<char>('a' + rng() % 6)) + (rng() % 2 ? "" : std::to_string(rng() % 4));
  }
}

TEST(Listpack, RandomizedDifferential) {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    std::mt19937_64 rng(seed);
    Listpack lp;
    std::deque<std::string> ref;
    for (int step = 0; step < 3000; ++step) {
      const auto op = rng() % 10;
      const std::string v = random_value(rng);
      const size_t n = ref.size();
      if (op == 0) {
        lp.push_back(v);
        ref.push_back(v);
      } else if (op == 1) {
        lp.push_front(v);
        ref.push_front(v);
      } else if (op == 2) {
        const size_t i = rng() % (n + 1);
        const auto at = i == n ? lp.end() : *lp.at(static_cast<int64_t>(i));
        const auto p = lp.insert(at, v);
        ref.insert(ref.begin() + static_cast<ptrdiff_t>(i), v);
        ASSERT_EQ(lp.get_string(p), v);
      } else if (op == 3 && n > 0) {
        const size_t i = rng() % n;
        const auto p = lp.erase(*lp.at(-static_cast<int64_t>(n - i)));
        ref.erase(ref.begin() + static_cast<ptrdiff_t>(i));
        ASSERT_EQ(p == lp.end(), i == ref.size());
        if (i < ref.size()) {
          ASSERT_EQ(lp.get_string(p), ref[i]);
        }
      } else if (op == 4 && n > 0) {
        const size_t i = rng() % n;
        const size_t count = rng() % 5;
        lp.erase(*lp.at(static_cast<int64_t>(i)), count);
        ref.erase(ref.begin() + static_cast<ptrdiff_t>(i),
                  ref.begin() + static_cast<ptrdiff_t>(std::min(n, i + count)));
      } else if (op == 5 && n > 0) {
        const size_t i = rng() % n;
        const auto p = lp.replace(*lp.at(static_cast<int64_t>(i)), v);
        ref[i] = v;
        ASSERT_EQ(lp.get_string(p), v);
      } else if (op == 6) {
        const size_t start = n == 0 ? 0 : rng() % n;
        const size_t stride = 1 + rng() % 3;
        const std::string needle = n > 0 && rng() % 2 ? ref[rng() % n] : v;
        std::optional<size_t> want;
        for (size_t i = start; i < n; i += stride) {
          if (ref[i] == needle) {
            want = i;
            break;
          }
        }
        const auto from = n == 0 ? lp.begin() : *lp.at(static_cast<int64_t>(start));
        const auto got = lp.find(from, needle, stride);
        ASSERT_EQ(got.has_value(), want.has_value()) << needle;
        if (want) {
          ASSERT_EQ(*got, *lp.at(static_cast<int64_t>(*want)));
        }
      } else if (op == 7 && n > 0) {
        const size_t i = rng() % n;
        Listpack::Scratch scratch;
        ASSERT_EQ(lp.get(*lp.at(static_cast<int64_t>(i)), scratch), ref[i]);
        ASSERT_EQ(lp.get_int(*lp.at(static_cast<int64_t>(i))), parse_int64(ref[i]));
      } else if (op == 8 && rng() % 50 == 0) {
        lp.clear();
        ref.clear();
      }
      if (step % 100 == 0) expect_same(lp, ref);
    }
    expect_same(lp, ref);
  }
}

TEST(Listpack, FromBytesRoundTrip) {
  Listpack lp;
  for (const auto& v : boundary_values()) lp.push_back(v);
  auto copy = Listpack::from_bytes(lp.raw());
  ASSERT_TRUE(copy);
  EXPECT_EQ(forward(*copy), forward(lp));
  EXPECT_TRUE(Listpack::validate(Listpack().raw()));
}

TEST(Listpack, ValidateRejectsDamage) {
  Listpack lp;
  for (auto s : {"a", "300", "-5", "hello world", "70000"}) lp.push_back(s);
  lp.push_back(std::string(200, 'p'));
  const std::string good(lp.raw());
  ASSERT_TRUE(Listpack::validate(good));
  EXPECT_FALSE(Listpack::validate(""));
  EXPECT_FALSE(Listpack::validate(good.substr(0, good.size() - 1)));
  std::string bad = good;
  bad[4] = 7;  // entry count
  EXPECT_FALSE(Listpack::validate(bad));
  bad = good;
  bad.back() = 0;
  EXPECT_FALSE(Listpack::validate(bad));
  bad = good + "x";
  EXPECT_FALSE(Listpack::validate(bad));
  // Every single-byte change must either be caught or still decode safely.
  std::mt19937_64 rng(7);
  for (size_t i = 0; i < good.size(); ++i) {
    for (int k = 0; k < 8; ++k) {
      bad = good;
      bad[i] = static_cast<char>(rng());
      if (auto parsed = Listpack::from_bytes(bad)) {
        EXPECT_EQ(forward(*parsed).size(), parsed->size());
        EXPECT_EQ(backward(*parsed).size(), parsed->size());
        parsed->push_front("still usable");
        EXPECT_TRUE(parsed->validate());
      }
    }
  }
}

TEST(Listpack, ValidateRandomBytesNeverCrashes) {
  std::mt19937_64 rng(11);
  int accepted = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string block(9 + rng() % 24, '\0');
    for (auto& c : block) c = static_cast<char>(rng() % 4 == 0 ? 0x80 | (rng() % 4) : rng());
    const auto n = static_cast<uint32_t>(block.size());
    for (int i = 0; i < 4; ++i) block[i] = static_cast<char>(n >> (8 * i));
    block[5] = block[6] = block[7] = 0;
    block[4] = static_cast<char>(rng() % 4);
    block.back() = static_cast<char>(0xFF);
    if (auto lp = Listpack::from_bytes(block)) {
      ++accepted;
      EXPECT_EQ(forward(*lp).size(), lp->size());
      EXPECT_EQ(backward(*lp).size(), lp->size());
      for (size_t i = 0; i < lp->size(); ++i) lp->find(lp->begin(), "a", 1 + i);
    }
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace corvid
