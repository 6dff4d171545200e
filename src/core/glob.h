#pragma once

#include <string_view>

namespace corvid {

// Redis's glob dialect (the one behind KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET):
//   *        any run of bytes          ?       exactly one byte
//   [abc]    one of the listed bytes   [^abc]  one byte not listed
//   [a-z]    a byte range; [z-a] is the same range
//   \x       x literally, outside and inside brackets
//
// Quirks reproduced on purpose, because clients observe them:
//   * An empty subject matches only the empty pattern: glob_match("*", "") is
//     false, so PSUBSCRIBE * never hears PUBLISH "" and KEYS ** skips an empty
//     key name. KEYS * and SCAN MATCH * do list it because they skip matching
//     for the lone pattern "*"; callers must keep that short-circuit.
//   * An unterminated '[' takes the rest of the pattern as its set, so "[ab"
//     matches exactly one 'a' or 'b'; "[" alone matches nothing, "[^" any byte.
//   * A ']' directly after "[" or "[^" closes the set, so "[]" matches nothing.
//   * "x-]" inside a set is a range ending at ']' and the set goes on after it.
//   * Range bounds compare as signed chars (x86 Redis), so bytes >= 0x80 sort
//     below ASCII: "[a-\xff]" covers 0x00-0x61 plus 0xff.
//   * With nocase, range bounds are lowered after being put in order, and an
//     escaped byte inside brackets is still compared case-sensitively.
//   * Patterns needing more than 1000 nested '*' groups never match (Redis caps
//     its recursion there); a trailing '*' group does not count.
bool glob_match(std::string_view pattern, std::string_view subject, bool nocase = false);

}  // namespace corvid
