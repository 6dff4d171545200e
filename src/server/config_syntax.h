#pragma once
// The text of configuration values, as redis.conf, the command line and CONFIG SET and
// REWRITE spell it: case-insensitive names, config lines split into words by Redis's
// quoting rules, list values, quoting for output, and numbers (integers, memory sizes,
// octal) read and written with the exact acceptance rules of Redis (clients see the
// difference). Internal to server/config*.cc (and acl/, whose "(...)" selectors and user
// lines split as config lines do); the public interface is server/config.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii_case.h"

namespace corvid::config_detail {

// ---- Words ------------------------------------------------------------------------

std::string join(const std::vector<std::string>& words, std::string_view separator = " ");

// CONFIG SET hands list-valued directives one string; Redis cuts it at every single space,
// so "a  b" has an empty word in the middle (which then fails to parse or bind), and ""
// is an empty list.
std::vector<std::string> split_spaces(std::string_view s);

// Without leading and trailing blanks (spaces, tabs, CR, LF).
std::string trim(std::string_view s);

// Splits a config line into words the way redis.conf is read: whitespace separates
// words; "double quotes" take \n \r \t \b \a \xHH and \<any> escapes; 'single quotes'
// take only \'. A closing quote must end the word. nullopt means unbalanced quotes.
std::optional<std::vector<std::string>> split_line(std::string_view line);

// Quotes a value so that split_line() gives it back (Redis's repr form): used for
// string values in CONFIG REWRITE and for command-line option values.
std::string quote(std::string_view s);
// The word as it is when split_line() reads it back unquoted (printable, no blanks or
// quote marks, not empty); quote(s) otherwise.
std::string quote_if_needed(std::string_view s);

// ---- Numbers ----------------------------------------------------------------------

// Integer directives: optional '-', digits, no '+', no spaces, no leading zeros, must fit
// in 64 bits. "-0" and "007" are refused.
std::optional<int64_t> parse_strict_int(std::string_view s);

// strtoll-style (leading blanks and a sign allowed, the whole text consumed, no
// overflow): what Redis uses for save points, buffer-limit seconds, oom-score-adj-values
// and the master port. An empty text is 0, as strtoll makes it.
std::optional<int64_t> parse_lenient_int(const std::string& s, int base = 10);

// Memory values: digits followed by an optional unit, b, k (1000), kb (1024), m, mb, g,
// gb, any case. Quirks kept because clients observe them: "" and "k" are 0, digits
// beyond 64 bits saturate, and the unit multiplication wraps around.
std::optional<uint64_t> parse_memory(std::string_view s);

// What CONFIG REWRITE writes for memory values: the largest exact unit.
std::string format_memory(uint64_t bytes);

// Octal digits without a prefix (unixsocketperm).
std::string format_octal(uint64_t value);

// A canonical value (as parsing produced it) back to a number; 0 if it is not one.
uint64_t to_u64(const std::string& s);
int64_t to_i64(const std::string& s);

}  // namespace corvid::config_detail
