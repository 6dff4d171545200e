// Glob patterns come from clients (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET, ACL key and
// channel patterns, CLIENT KILL and more). The first byte chooses case-folding (its low
// bit); the rest is the pattern, then, after the first NUL byte, the subject.
//
// glob_match() walks the pattern greedily, retrying from the last '*' only. This target
// checks it against a second matcher of another shape: each token is first turned into
// the set of 256 bytes it accepts, then a table over (token, subject offset) decides,
// trying every length for every '*'. Both follow glob.h's account of Redis's dialect, whose
// agreement with redis-server itself is checked by tests/differential/test_glob_corpus.py
// on this target's corpus. A disagreement, a crash or a sanitizer report is a finding.

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "core/glob.h"
#include "value_checks.h"

namespace {

using corvid::fuzzing::check;

struct Token {
  bool star = false;
  std::bitset<256> accepts;
};

unsigned byte_of(char c) { return static_cast<unsigned char>(c); }

// Redis folds only ASCII letters, and compares range bounds as signed chars.
int lower_ascii(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }
int signed_value(unsigned b) { return b >= 128 ? static_cast<int>(b) - 256 : static_cast<int>(b); }

void accept_literal(std::bitset<256>& set, char literal, bool nocase) {
  for (unsigned b = 0; b < 256; ++b) {
    if (nocase ? lower_ascii(signed_value(b)) == lower_ascii(signed_value(byte_of(literal))) : b == byte_of(literal)) {
      set.set(b);
    }
  }
}

void accept_range(std::bitset<256>& set, char first, char last, bool nocase) {
  int low = signed_value(byte_of(first));
  int high = signed_value(byte_of(last));
  if (low > high) std::swap(low, high);
  if (nocase) {
    low = lower_ascii(low);
    high = lower_ascii(high);
  }
  for (unsigned b = 0; b < 256; ++b) {
    const int v = nocase ? lower_ascii(signed_value(b)) : signed_value(b);
    if (v >= low && v <= high) set.set(b);
  }
}

// The pattern as tokens: runs of '*' become one star token; every other token stands for
// exactly one subject byte.
std::vector<Token> tokenize(std::string_view pattern, bool nocase) {
  std::vector<Token> tokens;
  size_t i = 0;
  const size_t m = pattern.size();
  while (i < m) {
    Token token;
    const char c = pattern[i];
    if (c == '*') {
      while (i < m && pattern[i] == '*') ++i;
      token.star = true;
    } else if (c == '?') {
      token.accepts.set();
      ++i;
    } else if (c == '[') {
      ++i;
      bool negated = false;
      if (i < m && pattern[i] == '^') {
        negated = true;
        ++i;
      }
      for (;;) {
        if (i >= m) break;
        if (pattern[i] == '\\' && i + 1 < m) {
          token.accepts.set(byte_of(pattern[i + 1]));  // escapes ignore nocase
          i += 2;
        } else if (pattern[i] == ']') {
          ++i;
          break;
        } else if (i + 2 < m && pattern[i + 1] == '-') {
          accept_range(token.accepts, pattern[i], pattern[i + 2], nocase);
          i += 3;
        } else {
          accept_literal(token.accepts, pattern[i], nocase);
          ++i;
        }
      }
      if (negated) token.accepts.flip();
    } else if (c == '\\' && i + 1 < m) {
      accept_literal(token.accepts, pattern[i + 1], nocase);
      i += 2;
    } else {
      accept_literal(token.accepts, c, nocase);
      ++i;
    }
    tokens.push_back(token);
  }
  return tokens;
}

bool reference_match(std::string_view pattern, std::string_view subject, bool nocase) {
  if (subject.empty()) return pattern.empty();
  const std::vector<Token> tokens = tokenize(pattern, nocase);
  // Redis gives up past 1000 nested stars; a trailing star does not nest.
  size_t nested = 0;
  for (size_t t = 0; t + 1 < tokens.size(); ++t) nested += tokens[t].star ? 1 : 0;
  if (nested > 1000) return false;
  const size_t n = subject.size();
  // rest[s]: whether tokens[t..] match subject[s..], for the token t being processed.
  std::vector<char> rest(n + 1, 0);
  rest[n] = 1;
  for (size_t t = tokens.size(); t-- > 0;) {
    std::vector<char> here(n + 1, 0);
    if (tokens[t].star) {
      // A star takes any run: it matches from s if the rest matches from any s' >= s.
      bool any = false;
      for (size_t s = n + 1; s-- > 0;) {
        any = any || rest[s];
        here[s] = any;
      }
    } else {
      for (size_t s = 0; s < n; ++s) here[s] = tokens[t].accepts.test(byte_of(subject[s])) && rest[s + 1];
    }
    rest = std::move(here);
  }
  return rest[0] != 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool nocase = (data[0] & 1) != 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t nul = rest.find('\0');
  const std::string_view pattern = rest.substr(0, nul);
  const std::string_view subject = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  const bool matched = corvid::glob_match(pattern, subject, nocase);
  check(matched == reference_match(pattern, subject, nocase));
  // A pattern without special bytes matches exactly itself.
  if (!nocase && pattern.find_first_of("*?[\\") == std::string_view::npos && !pattern.empty()) {
    check(corvid::glob_match(pattern, pattern) && matched == (pattern == subject));
  }
  return 0;
}
