#include "core/number_format.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <locale.h>

namespace corvid {

namespace {

// Magnitude of the digits in s[pos..], which must be a non-empty run of digits
// not starting with '0'; nullopt on any other byte or on passing `limit`.
std::optional<uint64_t> parse_magnitude(std::string_view s, size_t pos, uint64_t limit) {
  if (pos >= s.size() || s[pos] < '1' || s[pos] > '9') return std::nullopt;
  uint64_t v = 0;
  for (size_t i = pos; i < s.size(); ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<uint64_t>(c - '0');
    if (v > (limit - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// Redis never touches LC_NUMERIC, so its strtod/strtold always see a '.'
// decimal point; pinning the C locale keeps us right even if someone else in
// the process calls setlocale().
locale_t c_locale() {
  static const locale_t loc = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return loc;
}

// isspace() in the C locale.
bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Shared rules of Redis's float parsers; `conv` runs strtod or strtold on a
// NUL-terminated copy (the libc parsers need the terminator, and a copy lets an
// embedded NUL show up as unparsed input).
template <typename T, typename Conv>
std::optional<T> parse_float(std::string_view s, char* buf, Conv conv) {
  if (s.empty() || is_c_space(s[0])) return std::nullopt;
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  char* end = nullptr;
  errno = 0;
  const T v = conv(buf, &end);
  const bool range_error = errno == ERANGE;
  if (static_cast<size_t>(end - buf) != s.size()) return std::nullopt;
  if (std::isnan(v)) return std::nullopt;
  // ERANGE alone is not fatal: subnormal results are kept, only overflow and
  // total underflow are refused.
  if (range_error && (std::isinf(v) || v == 0)) return std::nullopt;
  return v;
}

// Redis copies INCRBYFLOAT input into a buffer of this size and refuses
// anything that does not fit with its terminator.
constexpr size_t kLongDoubleBufSize = 5 * 1024;

// Largest finite long double in fixed notation with 17 decimals is ~4952 bytes.
constexpr size_t kLongDoubleFixedMax = kLongDoubleBufSize;

}  // namespace

std::optional<int64_t> parse_int64(std::string_view s) {
  if (s == "0") return 0;
  if (!s.empty() && s[0] == '-') {
    constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;
    const auto m = parse_magnitude(s, 1, kMinMagnitude);
    if (!m) return std::nullopt;
    // Negate in unsigned arithmetic so INT64_MIN does not overflow.
    return static_cast<int64_t>(uint64_t{0} - *m);
  }
  const auto m = parse_magnitude(s, 0, static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
  if (!m) return std::nullopt;
  return static_cast<int64_t>(*m);
}

std::optional<uint64_t> parse_uint64(std::string_view s) {
  if (s == "0") return 0;
  return parse_magnitude(s, 0, std::numeric_limits<uint64_t>::max());
}

std::optional<long double> parse_long_double(std::string_view s) {
  if (s.size() >= kLongDoubleBufSize) return std::nullopt;
  char buf[kLongDoubleBufSize];
  return parse_float<long double>(s, buf, [](const char* p, char** end) { return strtold_l(p, end, c_locale()); });
}

std::optional<double> parse_double(std::string_view s) {
  auto conv = [](const char* p, char** end) { return strtod_l(p, end, c_locale()); };
  char small[128];
  if (s.size() < sizeof(small)) return parse_float<double>(s, small, conv);
  std::string big(s.size() + 1, '\0');
  return parse_float<double>(s, big.data(), conv);
}

size_t format_int64(int64_t v, char* out) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  const bool neg = v < 0;
  uint64_t u = neg ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  // Fill from the back of a scratch buffer, two digits per division.
  char tmp[kInt64MaxChars];
  char* p = tmp + sizeof(tmp);
  while (u >= 100) {
    const unsigned idx = static_cast<unsigned>(u % 100) * 2;
    u /= 100;
    *--p = kPairs[idx + 1];
    *--p = kPairs[idx];
  }
  if (u >= 10) {
    const unsigned idx = static_cast<unsigned>(u) * 2;
    *--p = kPairs[idx + 1];
    *--p = kPairs[idx];
  } else {
    *--p = static_cast<char>('0' + u);
  }
  if (neg) *--p = '-';
  const auto len = static_cast<size_t>(tmp + sizeof(tmp) - p);
  std::memcpy(out, p, len);
  return len;
}

std::string int64_to_string(int64_t v) {
  char buf[kInt64MaxChars + 1];
  return std::string(buf, format_int64(v, buf));
}

std::string format_long_double_human(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return std::signbit(v) ? "-nan" : "nan";
  // to_chars is specified to round exactly like printf("%.17Lf") in the C
  // locale, without printf's dependence on the current locale.
  char buf[kLongDoubleFixedMax];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed, 17);
  size_t len = static_cast<size_t>(res.ptr - buf);
  // The format always has a '.', so trimming zeros cannot eat integer digits.
  while (buf[len - 1] == '0') --len;
  if (buf[len - 1] == '.') --len;
  // Tiny negatives round to "-0"; Redis reports those as plain zero.
  if (len == 2 && buf[0] == '-' && buf[1] == '0') return "0";
  return std::string(buf, len);
}

std::string format_double(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // "%.17g" never needs more than 24 bytes ("-1.2345678901234567e-308").
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general, 17);
  return std::string(buf, res.ptr);
}

}  // namespace corvid
