#include "core/glob.h"

#include <algorithm>
#include <cstddef>

namespace corvid {

namespace {

// Redis compares range bounds as plain `char`, which is signed on the x86
// builds clients talk to; keeping that makes high bytes order the same way.
inline int as_signed(char c) { return static_cast<signed char>(c); }

// Redis never changes LC_CTYPE, so tolower() only ever folds ASCII letters.
inline int fold(int c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

inline bool same_byte(char a, char b, bool nocase) {
  return nocase ? fold(as_signed(a)) == fold(as_signed(b)) : a == b;
}

// Tests the single non-'*' token that starts at pat[p] against byte c and
// stores in *next where the following token starts. Where a token ends depends
// only on the pattern, never on c.
bool match_token(std::string_view pat, size_t p, char c, bool nocase, size_t* next) {
  const size_t m = pat.size();
  if (pat[p] == '?') {
    *next = p + 1;
    return true;
  }
  if (pat[p] == '[') {
    size_t i = p + 1;
    const bool negate = i < m && pat[i] == '^';
    if (negate) ++i;
    bool hit = false;
    // Running off the end is not an error: the set simply stops there.
    while (i < m) {
      if (pat[i] == '\\' && m - i >= 2) {
        // Escapes inside a set stay case-sensitive even under nocase.
        hit |= pat[i + 1] == c;
        i += 2;
      } else if (pat[i] == ']') {
        ++i;
        break;
      } else if (m - i >= 3 && pat[i + 1] == '-') {
        int lo = as_signed(pat[i]);
        int hi = as_signed(pat[i + 2]);
        if (lo > hi) std::swap(lo, hi);
        int x = as_signed(c);
        // Folding after ordering (not before) is what makes nocase "[Z-a]"
        // an empty range; it has to stay that way.
        if (nocase) {
          lo = fold(lo);
          hi = fold(hi);
          x = fold(x);
        }
        hit |= x >= lo && x <= hi;
        i += 3;
      } else {
        hit |= same_byte(pat[i], c, nocase);
        ++i;
      }
    }
    *next = i;
    return hit != negate;
  }
  // A trailing lone backslash is an ordinary byte.
  if (pat[p] == '\\' && m - p >= 2) ++p;
  *next = p + 1;
  return same_byte(pat[p], c, nocase);
}

constexpr size_t kMaxStarNesting = 1000;

// Redis recurses once per '*' group and gives up (no match) past 1000 levels.
// Every match has to pass every group, and a group is only ever left by
// recursion when something other than '*' follows it, so such a pattern can
// never match anything.
bool exceeds_star_nesting(std::string_view pat) {
  if (static_cast<size_t>(std::count(pat.begin(), pat.end(), '*')) <= kMaxStarNesting) return false;
  size_t groups = 0;
  size_t p = 0;
  while (p < pat.size()) {
    if (pat[p] == '*') {
      while (p < pat.size() && pat[p] == '*') ++p;
      if (p == pat.size()) return false;
      if (++groups > kMaxStarNesting) return true;
      continue;
    }
    size_t next;
    match_token(pat, p, '\0', false, &next);
    p = next;
  }
  return false;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view subject, bool nocase) {
  if (subject.empty()) return pattern.empty();
  if (exceeds_star_nesting(pattern)) return false;

  const size_t m = pattern.size();
  const size_t n = subject.size();
  constexpr size_t kNoStar = static_cast<size_t>(-1);
  // Every non-'*' token eats exactly one byte, so on a mismatch it is enough to
  // let the most recent '*' eat one more byte and retry from just after it:
  // earlier stars cannot do better than the leftmost placement they already
  // have. That keeps the worst case at O(m * n) instead of exponential.
  size_t p = 0;
  size_t s = 0;
  size_t resume_p = kNoStar;
  size_t resume_s = 0;
  while (s < n) {
    if (p < m && pattern[p] == '*') {
      while (p < m && pattern[p] == '*') ++p;
      if (p == m) return true;
      resume_p = p;
      resume_s = s;
      continue;
    }
    size_t next;
    if (p < m && match_token(pattern, p, subject[s], nocase, &next)) {
      p = next;
      ++s;
      continue;
    }
    if (resume_p == kNoStar) return false;
    p = resume_p;
    s = ++resume_s;
  }
  while (p < m && pattern[p] == '*') ++p;
  return p == m;
}

}  // namespace corvid
