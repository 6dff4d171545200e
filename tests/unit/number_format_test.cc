#include "core/number_format.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <string_view>

using namespace std::literals;

namespace corvid {
namespace {

// ---------------------------------------------------------------- integers
// Acceptance and rejection below were checked against redis-server 7.0.15 with
// INCRBY (both as the argument and as the stored value).

TEST(ParseInt64, AcceptsCanonicalDecimal) {
  EXPECT_EQ(parse_int64("0"), 0);
  EXPECT_EQ(parse_int64("1"), 1);
  EXPECT_EQ(parse_int64("-1"), -1);
  EXPECT_EQ(parse_int64("1234567890"), 1234567890);
  EXPECT_EQ(parse_int64("-987654321"), -987654321);
  EXPECT_EQ(parse_int64("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(parse_int64("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(parse_int64("-9223372036854775807"), std::numeric_limits<int64_t>::min() + 1);
  EXPECT_EQ(parse_int64("10"), 10);
  EXPECT_EQ(parse_int64("-10"), -10);
}

TEST(ParseInt64, RejectsWhatRedisRejects) {
  for (std::string_view s : {""sv, "-"sv, "-0"sv, "00"sv, "01"sv, "-01"sv, "+1"sv, "+0"sv, " 1"sv, "1 "sv,
                             "\t1"sv, "1\n"sv, "9223372036854775808"sv, "-9223372036854775809"sv,
                             "18446744073709551616"sv, "99999999999999999999"sv, "184467440737095516160"sv,
                             "1.0"sv, "0x10"sv, "1e3"sv, "12a"sv, "a"sv, "--1"sv, "1-"sv, "1\0"sv,
                             "\0"sv, "0\0"sv, "１"sv}) {
    EXPECT_EQ(parse_int64(s), std::nullopt) << "input: '" << s << "'";
  }
}

TEST(ParseInt64, RoundTripsRandomValues) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i) {
    const auto v = static_cast<int64_t>(rng() >> (rng() % 64));
    for (int64_t x : {v, -v}) {
      EXPECT_EQ(parse_int64(std::to_string(x)), x);
    }
  }
}

TEST(ParseUint64, AcceptsFullRange) {
  EXPECT_EQ(parse_uint64("0"), 0u);
  EXPECT_EQ(parse_uint64("1"), 1u);
  EXPECT_EQ(parse_uint64("9223372036854775808"), uint64_t{1} << 63);
  EXPECT_EQ(parse_uint64("18446744073709551615"), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(parse_uint64("18446744073709551614"), std::numeric_limits<uint64_t>::max() - 1);
}

TEST(ParseUint64, IsStrict) {
  for (std::string_view s : {""sv, "-"sv, "-0"sv, "-1"sv, "00"sv, "01"sv, "+1"sv, " 1"sv, "1 "sv,
                             "18446744073709551616"sv, "18446744073709551620"sv, "99999999999999999999"sv,
                             "1.0"sv, "0x10"sv, "1e3"sv, "1\0"sv}) {
    EXPECT_EQ(parse_uint64(s), std::nullopt) << "input: '" << s << "'";
  }
}

// ---------------------------------------------------------------- format_int64

TEST(FormatInt64, EdgeValues) {
  char buf[21];
  const struct {
    int64_t v;
    std::string_view text;
  } cases[] = {
      {0, "0"},
      {1, "1"},
      {-1, "-1"},
      {9, "9"},
      {10, "10"},
      {99, "99"},
      {100, "100"},
      {-100, "-100"},
      {101, "101"},
      {std::numeric_limits<int64_t>::max(), "9223372036854775807"},
      {std::numeric_limits<int64_t>::min(), "-9223372036854775808"},
      {std::numeric_limits<int64_t>::min() + 1, "-9223372036854775807"},
      {1000000000000000000, "1000000000000000000"},
  };
  for (const auto& c : cases) {
    std::memset(buf, 'x', sizeof(buf));
    const size_t n = format_int64(c.v, buf);
    EXPECT_EQ(std::string_view(buf, n), c.text);
    EXPECT_EQ(int64_to_string(c.v), c.text);
    // Nothing past the reported length may be touched (no terminator).
    EXPECT_EQ(buf[n], 'x');
  }
  EXPECT_EQ(kInt64MaxChars, int64_to_string(std::numeric_limits<int64_t>::min()).size());
}

TEST(FormatInt64, MatchesToStringOnRandomValues) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 50000; ++i) {
    const auto v = static_cast<int64_t>(rng() >> (rng() % 64)) * ((i & 1) ? -1 : 1);
    EXPECT_EQ(int64_to_string(v), std::to_string(v));
  }
  int64_t p = 1;
  for (int k = 0; k < 19; ++k) {
    for (int64_t v : {p - 1, p, p + 1, -p + 1, -p, -p - 1}) EXPECT_EQ(int64_to_string(v), std::to_string(v));
    if (k < 18) p *= 10;
  }
}

// ---------------------------------------------------------------- long double

TEST(ParseLongDouble, AcceptsWhatStrtoldAccepts) {
  EXPECT_EQ(parse_long_double("1"), 1.0L);
  EXPECT_EQ(parse_long_double("+1"), 1.0L);
  EXPECT_EQ(parse_long_double("-2.5"), -2.5L);
  EXPECT_EQ(parse_long_double(".5"), 0.5L);
  EXPECT_EQ(parse_long_double("5."), 5.0L);
  EXPECT_EQ(parse_long_double("01"), 1.0L);
  EXPECT_EQ(parse_long_double("1e3"), 1000.0L);
  EXPECT_EQ(parse_long_double("1E+3"), 1000.0L);
  EXPECT_EQ(parse_long_double("0x10"), 16.0L);
  EXPECT_EQ(parse_long_double("0X1p4"), 16.0L);
  EXPECT_EQ(parse_long_double("0e5000"), 0.0L);
  auto neg_zero = parse_long_double("-0.0");
  ASSERT_TRUE(neg_zero);
  EXPECT_TRUE(std::signbit(*neg_zero));
  // Infinity parses; INCRBYFLOAT rejects it later with a different message.
  for (std::string_view s : {"inf"sv, "+inf"sv, "INF"sv, "infinity"sv, "Infinity"sv}) {
    auto v = parse_long_double(s);
    ASSERT_TRUE(v) << s;
    EXPECT_TRUE(std::isinf(*v) && *v > 0) << s;
  }
  auto minf = parse_long_double("-inf");
  ASSERT_TRUE(minf);
  EXPECT_TRUE(std::isinf(*minf) && *minf < 0);
}

TEST(ParseLongDouble, KeepsSubnormalsRefusesOverflowAndUnderflow) {
  // Boundaries seen on redis-server 7.0.15 (x86-64, 80-bit long double).
  for (std::string_view s : {"1e-4940"sv, "1e-4945"sv, "1e-4950"sv, "3e-4951"sv, "0x1p-16445"sv}) {
    auto v = parse_long_double(s);
    ASSERT_TRUE(v) << s;
    EXPECT_GT(*v, 0.0L) << s;
  }
  EXPECT_EQ(parse_long_double("1e4932"), 1e4932L);
  for (std::string_view s : {"1e5000"sv, "-1e5000"sv, "1.2e4932"sv, "1e-5000"sv, "1e-4951"sv, "1e-4952"sv,
                             "-1e-4960"sv, "0x1p-16446"sv}) {
    EXPECT_EQ(parse_long_double(s), std::nullopt) << s;
  }
}

TEST(ParseLongDouble, RejectsMalformed) {
  for (std::string_view s : {""sv, " 1"sv, "\t1"sv, "\n1"sv, "\v1"sv, "\f1"sv, "\r1"sv, "1 "sv, "1\n"sv, "1\0"sv,
                             "1\0" "2"sv, "nan"sv, "-nan"sv, "NAN"sv, "nan(123)"sv, "1e"sv, "e1"sv, "."sv, "-"sv,
                             "+"sv, "- 1"sv, "1,5"sv, "abc"sv, "0x"sv, "0xg"sv, "1.5.2"sv}) {
    EXPECT_EQ(parse_long_double(s), std::nullopt) << "input: '" << s << "'";
  }
}

TEST(ParseLongDouble, LengthCapIs5119Bytes) {
  // Redis copies the text into a 5 KiB buffer and gives up when it cannot fit
  // together with its terminator, whatever the text says.
  std::string s = "1." + std::string(5117, '0');
  ASSERT_EQ(s.size(), 5119u);
  EXPECT_EQ(parse_long_double(s), 1.0L);
  s.push_back('0');
  EXPECT_EQ(parse_long_double(s), std::nullopt);
  s.push_back('0');
  EXPECT_EQ(parse_long_double(s), std::nullopt);
}

// What INCRBYFLOAT does with the stored text and the increment.
std::string incrbyfloat(std::string_view stored, std::string_view by) {
  const auto a = parse_long_double(stored);
  const auto b = parse_long_double(by);
  if (!a || !b) return "ERR value is not a valid float";
  const long double sum = *a + *b;
  if (std::isnan(sum) || std::isinf(sum)) return "ERR increment would produce NaN or Infinity";
  return format_long_double_human(sum);
}

TEST(IncrByFloat, MatchesRedis) {
  // {stored value, increment, reply} recorded from redis-server 7.0.15:
  // SET k <stored>; INCRBYFLOAT k <increment>.
  const struct {
    std::string_view stored, by, reply;
  } cases[] = {
    {"1"sv, "inf"sv, "ERR increment would produce NaN or Infinity"sv},
    {"1"sv, "-inf"sv, "ERR increment would produce NaN or Infinity"sv},
    {"1"sv, "+inf"sv, "ERR increment would produce NaN or Infinity"sv},
    {"1"sv, "infinity"sv, "ERR increment would produce NaN or Infinity"sv},
    {"1"sv, "1e5000"sv, "ERR value is not a valid float"sv},
    {"1"sv, "-1e5000"sv, "ERR value is not a valid float"sv},
    {"1"sv, " 1"sv, "ERR value is not a valid float"sv},
    {"1"sv, "1 "sv, "ERR value is not a valid float"sv},
    {"1"sv, "0x10"sv, "17"sv},
    {"1"sv, "0X1p4"sv, "17"sv},
    {"1"sv, "nan"sv, "ERR value is not a valid float"sv},
    {"1"sv, "-nan"sv, "ERR value is not a valid float"sv},
    {"1"sv, ""sv, "ERR value is not a valid float"sv},
    {"1"sv, "+1"sv, "2"sv},
    {"1"sv, ".5"sv, "1.5"sv},
    {"1"sv, "5."sv, "6"sv},
    {"1"sv, "1e"sv, "ERR value is not a valid float"sv},
    {"1"sv, "1e-5000"sv, "ERR value is not a valid float"sv},
    {"1"sv, "1e-4940"sv, "1"sv},
    {"1"sv, "\t1"sv, "ERR value is not a valid float"sv},
    {"1"sv, "1\0"sv, "ERR value is not a valid float"sv},
    {"1"sv, "01"sv, "2"sv},
    {"1"sv, "- 1"sv, "ERR value is not a valid float"sv},
    {"inf"sv, "1"sv, "ERR increment would produce NaN or Infinity"sv},
    {" 1"sv, "1"sv, "ERR value is not a valid float"sv},
    {"abc"sv, "1"sv, "ERR value is not a valid float"sv},
    {"1e5000"sv, "1"sv, "ERR value is not a valid float"sv},
    {"0x10"sv, "1"sv, "17"sv},
    {""sv, "1"sv, "ERR value is not a valid float"sv},
    {"nan"sv, "1"sv, "ERR value is not a valid float"sv},
    {"10"sv, "0.5"sv, "10.5"sv},
    {"0"sv, "3.0e3"sv, "3000"sv},
    {"1.1"sv, "2.2"sv, "3.3"sv},
    {"0"sv, "5.0e3"sv, "5000"sv},
    {"-0.0"sv, "-0.0"sv, "0"sv},
    {"0"sv, "-0.0"sv, "0"sv},
    {"-0.0"sv, "0"sv, "0"sv},
    {"0"sv, "1e300"sv, "1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144"sv},
    {"0"sv, "1e-20"sv, "0"sv},
    {"0"sv, "-1e-20"sv, "0"sv},
    {"0"sv, "1.1"sv, "1.1"sv},
    {"0"sv, "0.1"sv, "0.1"sv},
    {"0.1"sv, "0.2"sv, "0.3"sv},
    {"0"sv, "1e17"sv, "100000000000000000"sv},
    {"0"sv, "1e18"sv, "1000000000000000000"sv},
    {"0"sv, "123456789012345678901234567890"sv, "123456789012345678899921813504"sv},
    {"0"sv, "3.14159265358979323846"sv, "3.14159265358979324"sv},
    {"0"sv, "-2.5"sv, "-2.5"sv},
    {"0"sv, "1.5e-5"sv, "0.000015"sv},
    {"0"sv, "0.00000000000000001"sv, "0.00000000000000001"sv},
    {"0"sv, "0.000000000000000015"sv, "0.00000000000000002"sv},
    {"0"sv, "0.000000000000000005"sv, "0"sv},
    {"1"sv, "-1"sv, "0"sv},
    {"5"sv, "-0.5"sv, "4.5"sv},
    {"0"sv, "1.7976931348623157e308"sv, "179769313486231569995921046774104434048386446944329178485314420765176628523124396354701868608387085564428793419425520689308708363451136055357897278026477617073498977686288394835618163294045594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159985926376802466863339536384"sv},
    {"0"sv, "9007199254740993"sv, "9007199254740993"sv},
    {"0"sv, "2e-18"sv, "0"sv},
    {"0"sv, "3.0000000000000000005"sv, "3"sv},
    {"0"sv, "0.33333333333333333333333"sv, "0.33333333333333333"sv},
    {"0"sv, "1000000.1"sv, "1000000.10000000000002274"sv},
    {"0"sv, "-0.000000000000000001"sv, "0"sv},
    {"9223372036854775807"sv, "1"sv, "9223372036854775808"sv},
    {"0"sv, "1e-4950"sv, "0"sv},
    {"1.5"sv, "0x1p-1"sv, "2"sv},
    {"0"sv, "1.0e-17"sv, "0.00000000000000001"sv},
    {"0"sv, "0.000000000000000014"sv, "0.00000000000000001"sv},
    {"0"sv, "123.456"sv, "123.456"sv},
    {"-1.5"sv, "0.25"sv, "-1.25"sv},
    {"0"sv, "-123456.789"sv, "-123456.78900000000000148"sv},
    {"0"sv, "1e19"sv, "10000000000000000000"sv},
    {"0"sv, "1e20"sv, "100000000000000000000"sv},
    {"1e20"sv, "1"sv, "100000000000000000000"sv},
    {"0"sv, "0.1e1"sv, "1"sv},
    {"0"sv, "2.675"sv, "2.675"sv},
    {"0"sv, "1e-17"sv, "0.00000000000000001"sv},
    {"0"sv, "4.35"sv, "4.35"sv},
    {"0"sv, "1e308"sv, "99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048"sv},
    {"0"sv, "-1e308"sv, "-99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048"sv},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(incrbyfloat(c.stored, c.by), c.reply) << "SET k '" << c.stored << "'; INCRBYFLOAT k '" << c.by << "'";
  }
}

TEST(IncrByFloat, HugeResultPrintsEveryDigit) {
  // INCRBYFLOAT k 1e4000 from 0 replies with 4000 digits and no fraction.
  const std::string s = incrbyfloat("0", "1e4000");
  ASSERT_EQ(s.size(), 4000u);
  EXPECT_EQ(s.substr(0, 40), "9999999999999999999965463873099623784932");
  EXPECT_EQ(s.substr(s.size() - 12), "349901340672");
  EXPECT_EQ(s.find('.'), std::string::npos);
  const std::string big = incrbyfloat("0", "1e4932");
  ASSERT_EQ(big.size(), 4933u);
  EXPECT_EQ(big.substr(0, 40), "1000000000000000000006018949387963891323");
  EXPECT_EQ(big.substr(big.size() - 12), "791886622720");
  EXPECT_EQ(incrbyfloat("0", "-1e4932"), "-" + big);
  // Overflowing the sum is caught after parsing, with the other message.
  EXPECT_EQ(incrbyfloat("1e4932", "1e4932"), "ERR increment would produce NaN or Infinity");
  EXPECT_EQ(incrbyfloat("1e4932", "1.18e4932"), "ERR increment would produce NaN or Infinity");
  // Largest finite long double still fits.
  const std::string m = format_long_double_human(LDBL_MAX);
  EXPECT_EQ(m.size(), 4933u);
  EXPECT_EQ(format_long_double_human(-LDBL_MAX), "-" + m);
}

TEST(FormatLongDoubleHuman, Basics) {
  EXPECT_EQ(format_long_double_human(0.0L), "0");
  EXPECT_EQ(format_long_double_human(-0.0L), "0");
  EXPECT_EQ(format_long_double_human(1e-20L), "0");
  EXPECT_EQ(format_long_double_human(-1e-20L), "0");
  EXPECT_EQ(format_long_double_human(10.5L), "10.5");
  EXPECT_EQ(format_long_double_human(3.0e3L), "3000");
  EXPECT_EQ(format_long_double_human(-3.0e3L), "-3000");
  EXPECT_EQ(format_long_double_human(1.1L + 2.2L), "3.3");
  EXPECT_EQ(format_long_double_human(0.125L), "0.125");
  EXPECT_EQ(format_long_double_human(1e-17L), "0.00000000000000001");
  EXPECT_EQ(format_long_double_human(-1e-17L), "-0.00000000000000001");
  EXPECT_EQ(format_long_double_human(std::numeric_limits<long double>::infinity()), "inf");
  EXPECT_EQ(format_long_double_human(-std::numeric_limits<long double>::infinity()), "-inf");
  EXPECT_EQ(format_long_double_human(static_cast<long double>(1e300)).size(), 301u);
}

// glibc's printf is what Redis formats with, so it is the reference here.
std::string printf_human(long double v) {
  static char buf[6000];
  int n = std::snprintf(buf, sizeof(buf), "%.17Lf", v);
  std::string s(buf, static_cast<size_t>(n));
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

TEST(FormatLongDoubleHuman, MatchesPrintfOnRandomValues) {
  std::mt19937_64 rng(1234);
  std::uniform_real_distribution<double> mant(-10.0, 10.0);
  std::uniform_int_distribution<int> exp10(-25, 40);
  for (int i = 0; i < 20000; ++i) {
    const long double v = static_cast<long double>(mant(rng)) * std::pow(10.0L, exp10(rng));
    ASSERT_EQ(format_long_double_human(v), printf_human(v)) << static_cast<double>(v);
  }
  // Exact binary fractions that end in a 5 at the 18th decimal force a tie.
  for (int k = 50; k <= 70; ++k) {
    const long double v = std::ldexp(1.0L, -k) * 3;
    EXPECT_EQ(format_long_double_human(v), printf_human(v)) << k;
    EXPECT_EQ(format_long_double_human(1 + v), printf_human(1 + v)) << k;
  }
  EXPECT_EQ(format_long_double_human(std::ldexp(1.0L, -18)), printf_human(std::ldexp(1.0L, -18)));
}

// ---------------------------------------------------------------- double

TEST(ParseAndFormatDouble, MatchesZincrby) {
  // {argument, reply} recorded from redis-server 7.0.15 with ZINCRBY on a new
  // key (which replies with the parsed score itself); nullopt means
  // "ERR value is not a valid float".
  const struct {
    std::string_view arg;
    std::optional<std::string_view> reply;
  } cases[] = {
    {"1.1"sv, "1.1000000000000001"sv},
    {"1"sv, "1"sv},
    {"-0.0"sv, "-0"sv},
    {"0"sv, "0"sv},
    {"-0"sv, "-0"sv},
    {"1e300"sv, "1.0000000000000001e+300"sv},
    {"-1e300"sv, "-1.0000000000000001e+300"sv},
    {"inf"sv, "inf"sv},
    {"-inf"sv, "-inf"sv},
    {"+inf"sv, "inf"sv},
    {"Infinity"sv, "inf"sv},
    {"-infinity"sv, "-inf"sv},
    {"INF"sv, "inf"sv},
    {"nan"sv, std::nullopt},  // ERR value is not a valid float
    {"NaN"sv, std::nullopt},  // ERR value is not a valid float
    {"1e309"sv, std::nullopt},  // ERR value is not a valid float
    {"-1e309"sv, std::nullopt},  // ERR value is not a valid float
    {"1e-400"sv, std::nullopt},  // ERR value is not a valid float
    {"1e-320"sv, "9.9998886718268301e-321"sv},
    {"4.9e-324"sv, "4.9406564584124654e-324"sv},
    {"2.5e-324"sv, "4.9406564584124654e-324"sv},
    {"0x10"sv, "16"sv},
    {"0x1p-3"sv, "0.125"sv},
    {"0X1P+2"sv, "4"sv},
    {" 1"sv, std::nullopt},  // ERR value is not a valid float
    {"1 "sv, std::nullopt},  // ERR value is not a valid float
    {"\t1"sv, std::nullopt},  // ERR value is not a valid float
    {"\n1"sv, std::nullopt},  // ERR value is not a valid float
    {""sv, std::nullopt},  // ERR value is not a valid float
    {"+1"sv, "1"sv},
    {"01"sv, "1"sv},
    {".5"sv, "0.5"sv},
    {"5."sv, "5"sv},
    {"1e"sv, std::nullopt},  // ERR value is not a valid float
    {"e1"sv, std::nullopt},  // ERR value is not a valid float
    {"."sv, std::nullopt},  // ERR value is not a valid float
    {"-"sv, std::nullopt},  // ERR value is not a valid float
    {"0.1"sv, "0.10000000000000001"sv},
    {"100"sv, "100"sv},
    {"1e15"sv, "1000000000000000"sv},
    {"1e16"sv, "10000000000000000"sv},
    {"1e17"sv, "1e+17"sv},
    {"1e21"sv, "1e+21"sv},
    {"123456789012345678"sv, "1.2345678901234568e+17"sv},
    {"0.0001"sv, "0.0001"sv},
    {"0.00001"sv, "1.0000000000000001e-05"sv},
    {"1e-5"sv, "1.0000000000000001e-05"sv},
    {"3.14159"sv, "3.1415899999999999"sv},
    {"2.5e-5"sv, "2.5000000000000001e-05"sv},
    {"1.5"sv, "1.5"sv},
    {"-2.5"sv, "-2.5"sv},
    {"1e22"sv, "1e+22"sv},
    {"1e-7"sv, "9.9999999999999995e-08"sv},
    {"12345678901234567890"sv, "1.2345678901234567e+19"sv},
    {"0.30000000000000004"sv, "0.30000000000000004"sv},
    {"1.7976931348623157e308"sv, "1.7976931348623157e+308"sv},
    {"2.2250738585072014e-308"sv, "2.2250738585072014e-308"sv},
    {"1\0" "2"sv, std::nullopt},  // ERR value is not a valid float
    {"1,5"sv, std::nullopt},  // ERR value is not a valid float
    {"1_000"sv, std::nullopt},  // ERR value is not a valid float
    {"0.1e1"sv, "1"sv},
    {"-1.5e-3"sv, "-0.0015"sv},
    {"9007199254740993"sv, "9007199254740992"sv},
    {"33.3"sv, "33.299999999999997"sv},
    {"1e+5"sv, "100000"sv},
    {"1E5"sv, "100000"sv},
    {"+.5e-1"sv, "0.050000000000000003"sv},
    {"123456.789"sv, "123456.789"sv},
    {"1234567890123456789012345"sv, "1.2345678901234568e+24"sv},
  };
  for (const auto& c : cases) {
    const auto v = parse_double(c.arg);
    if (!c.reply) {
      EXPECT_EQ(v, std::nullopt) << "input: '" << c.arg << "'";
      continue;
    }
    ASSERT_TRUE(v) << "input: '" << c.arg << "'";
    EXPECT_EQ(format_double(*v), *c.reply) << "input: '" << c.arg << "'";
  }
}

TEST(ParseDouble, NoLengthCap) {
  // Unlike INCRBYFLOAT, ZADD parses arbitrarily long scores.
  const std::string one = "1." + std::string(6000, '0');
  EXPECT_EQ(parse_double(one), 1.0);
  const std::string tiny = "0." + std::string(6000, '0') + "1";
  EXPECT_EQ(parse_double(tiny), std::nullopt);
  EXPECT_EQ(parse_double("1" + std::string(300, '0')), 1e300);
  EXPECT_EQ(parse_double(std::string(200, '0') + "\0"s), std::nullopt);
}

TEST(FormatDouble, Basics) {
  EXPECT_EQ(format_double(0.0), "0");
  EXPECT_EQ(format_double(-0.0), "-0");
  EXPECT_EQ(format_double(1.1), "1.1000000000000001");
  EXPECT_EQ(format_double(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_double(1e300), "1.0000000000000001e+300");
  EXPECT_EQ(format_double(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_double(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(format_double(std::numeric_limits<double>::denorm_min()), "4.9406564584124654e-324");
  EXPECT_EQ(format_double(-std::numeric_limits<double>::max()), "-1.7976931348623157e+308");
  EXPECT_EQ(format_double(1e16), "10000000000000000");
  EXPECT_EQ(format_double(1e17), "1e+17");
  EXPECT_EQ(format_double(0.0001), "0.0001");
  EXPECT_EQ(format_double(0.00001), "1.0000000000000001e-05");
}

TEST(FormatDouble, MatchesPrintfOnRandomBitPatterns) {
  std::mt19937_64 rng(99);
  char buf[64];
  for (int i = 0; i < 100000; ++i) {
    const uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    if (std::isnan(d)) continue;
    const int n = std::snprintf(buf, sizeof(buf), "%.17g", d);
    ASSERT_EQ(format_double(d), std::string_view(buf, static_cast<size_t>(n))) << bits;
    // Whatever we print must read back as the same value.
    ASSERT_EQ(parse_double(format_double(d)), d) << bits;
  }
}

}  // namespace
}  // namespace corvid
