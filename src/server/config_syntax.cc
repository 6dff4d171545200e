// The text of configuration values (see config_syntax.h): words, quoting, and numbers
// read and written exactly as Redis does.

#include "server/config_syntax.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdio>
#include <cstdlib>

namespace corvid::config_detail {
namespace {

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}

}  // namespace

std::string join(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i != 0) out += separator;
    out += words[i];
  }
  return out;
}

std::vector<std::string> split_spaces(std::string_view s) {
  std::vector<std::string> words;
  if (s.empty()) return words;
  size_t start = 0;
  while (true) {
    size_t space = s.find(' ', start);
    if (space == std::string_view::npos) {
      words.emplace_back(s.substr(start));
      return words;
    }
    words.emplace_back(s.substr(start, space - start));
    start = space + 1;
  }
}

std::string trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kSpace);
  return std::string(s.substr(begin, end - begin + 1));
}

std::optional<std::vector<std::string>> split_line(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  const size_t n = line.size();
  while (true) {
    while (i < n && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i == n) return words;
    std::string word;
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      if (in_double) {
        if (i == n) return std::nullopt;
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && is_hex(line[i + 2]) && is_hex(line[i + 3])) {
          word += static_cast<char>(hex_value(line[i + 2]) * 16 + hex_value(line[i + 3]));
          i += 3;
        } else if (c == '\\' && i + 1 < n) {
          ++i;
          switch (line[i]) {
            case 'n': word += '\n'; break;
            case 'r': word += '\r'; break;
            case 't': word += '\t'; break;
            case 'b': word += '\b'; break;
            case 'a': word += '\a'; break;
            default: word += line[i]; break;
          }
        } else if (c == '"') {
          if (i + 1 < n && !std::isspace(static_cast<unsigned char>(line[i + 1]))) return std::nullopt;
          done = true;
        } else {
          word += c;
        }
        ++i;
      } else if (in_single) {
        if (i == n) return std::nullopt;
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          word += '\'';
          ++i;
        } else if (c == '\'') {
          if (i + 1 < n && !std::isspace(static_cast<unsigned char>(line[i + 1]))) return std::nullopt;
          done = true;
        } else {
          word += c;
        }
        ++i;
      } else {
        if (i == n) break;
        char c = line[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0') {
          done = true;
        } else if (c == '"') {
          in_double = true;
        } else if (c == '\'') {
          in_single = true;
        } else {
          word += c;
        }
        ++i;
      }
    }
    words.push_back(std::move(word));
  }
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      default:
        if (std::isprint(static_cast<unsigned char>(c))) {
          out += c;
        } else {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        }
    }
  }
  out += '"';
  return out;
}

std::string quote_if_needed(std::string_view s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isgraph(static_cast<unsigned char>(c)) && c != '"' && c != '\'';
  });
  return plain ? std::string(s) : quote(s);
}

std::optional<int64_t> parse_strict_int(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    i = 1;
    if (s.size() == 1) return std::nullopt;
  }
  if (s[i] == '0') {
    if (s.size() == 1) return 0;
    return std::nullopt;
  }
  uint64_t value = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (negative) {
    if (value > static_cast<uint64_t>(LLONG_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - value);
  }
  if (value > static_cast<uint64_t>(LLONG_MAX)) return std::nullopt;
  return static_cast<int64_t>(value);
}

std::optional<int64_t> parse_lenient_int(const std::string& s, int base) {
  errno = 0;
  char* end = nullptr;
  long long value = std::strtoll(s.c_str(), &end, base);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return value;
}

std::optional<uint64_t> parse_memory(std::string_view s) {
  struct Unit {
    std::string_view suffix;
    uint64_t factor;
  };
  static constexpr Unit kUnits[] = {{"kb", 1024}, {"mb", 1024 * 1024}, {"gb", 1024ull * 1024 * 1024},
                                    {"b", 1},     {"k", 1000},        {"m", 1000 * 1000},
                                    {"g", 1000ull * 1000 * 1000}};
  uint64_t factor = 1;
  std::string_view digits = s;
  for (const Unit& unit : kUnits) {
    if (s.size() >= unit.suffix.size() && equals_ignore_case(s.substr(s.size() - unit.suffix.size()), unit.suffix)) {
      factor = unit.factor;
      digits = s.substr(0, s.size() - unit.suffix.size());
      break;
    }
  }
  if (digits.size() >= 128) return std::nullopt;
  uint64_t value = 0;
  bool saturated = false;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (saturated || value > (UINT64_MAX - digit) / 10) {
      saturated = true;
    } else {
      value = value * 10 + digit;
    }
  }
  if (saturated) value = UINT64_MAX;
  return value * factor;
}

std::string format_memory(uint64_t bytes) {
  constexpr uint64_t kGb = 1024ull * 1024 * 1024;
  constexpr uint64_t kMb = 1024 * 1024;
  constexpr uint64_t kKb = 1024;
  if (bytes == 0) return "0";
  if (bytes % kGb == 0) return std::to_string(bytes / kGb) + "gb";
  if (bytes % kMb == 0) return std::to_string(bytes / kMb) + "mb";
  if (bytes % kKb == 0) return std::to_string(bytes / kKb) + "kb";
  return std::to_string(bytes);
}

std::string format_octal(uint64_t value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llo", static_cast<unsigned long long>(value));
  return buf;
}

uint64_t to_u64(const std::string& s) {
  uint64_t value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

int64_t to_i64(const std::string& s) {
  int64_t value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

}  // namespace corvid::config_detail
