#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace corvid {

// Strict integer syntax, as INCRBY, EXPIRE, SETRANGE... accept it: an optional
// '-' then digits with no leading zero (except "0" itself). Rejected: empty,
// spaces anywhere, '+', "-0", "01", anything out of range. Errors surface to
// clients as "value is not an integer or out of range".
std::optional<int64_t> parse_int64(std::string_view s);

// Same syntax without the sign, up to 18446744073709551615. Note that Redis's
// own unsigned parser (used for stream IDs) is laxer than this: it falls back
// to strtoull, so XADD accepts "0123-1", "+5-1" and " 5-1"; stream ID code
// must not rely on this function for that leniency.
std::optional<uint64_t> parse_uint64(std::string_view s);

// INCRBYFLOAT's parser, for both its argument and the stored value: whatever
// strtold takes in the C locale (decimal, hex "0x10", "1e5", ".5", "5.", "+1",
// "inf", "infinity"), except: empty input, input of 5120 bytes or more, a
// leading whitespace byte, any unparsed trailing byte (including NUL), NaN, and
// overflow or underflow to zero. Subnormal results are accepted. Infinity is
// accepted here on purpose: INCRBYFLOAT parses it fine and then refuses with
// "increment would produce NaN or Infinity", not "value is not a valid float".
std::optional<long double> parse_long_double(std::string_view s);

// Double parsing for arguments such as ZADD scores: the same rules as
// parse_long_double but with strtod and no length cap. Accepts "inf", "+inf",
// "-inf", "Infinity" and hex. Errors surface as "value is not a valid float".
std::optional<double> parse_double(std::string_view s);

// Longest output of format_int64 ("-9223372036854775808").
inline constexpr size_t kInt64MaxChars = 20;

// Writes the decimal form of v to out (which must hold at least 21 bytes; no
// terminator is written) and returns its length.
size_t format_int64(int64_t v, char* out);
std::string int64_to_string(int64_t v);

// INCRBYFLOAT's reply and stored value: fixed notation with 17 fractional
// digits, trailing zeros and then a trailing '.' removed; "-0" becomes "0";
// "inf" / "-inf". E.g. 10.5 -> "10.5", 3e3 -> "3000", 1e-20 -> "0",
// 1000000.1 -> "1000000.10000000000002274"; 1e300 prints all 301 digits.
std::string format_long_double_human(long double v);

// How Redis 7.0 replies with a double (ZSCORE, ZINCRBY, ...): printf "%.17g",
// so 1.1 -> "1.1000000000000001", 1e17 -> "1e+17", -0.0 -> "-0", and
// "inf" / "-inf".
std::string format_double(double v);

}  // namespace corvid
