#pragma once
// Arguments that logs and monitors must not show (SLOWLOG, MONITOR): they are replaced by
// "(redacted)", as Redis does.

#include <cstddef>
#include <span>
#include <string_view>

namespace corvid {

// Whether args[index] of the command named `full_name` ("auth", "config|set", ...) is a
// secret: the passwords of AUTH and HELLO AUTH, and the values CONFIG SET gives the
// password directives.
bool is_secret_argument(std::string_view full_name, std::span<const std::string_view> args, size_t index);

}  // namespace corvid
