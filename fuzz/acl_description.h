#pragma once
// Whether an ACL user's description (ACL LIST's line, an ACL file's or CONFIG REWRITE's
// user line) can be read back as the same user. Redis writes descriptions unquoted, so
// some users cannot be carried by them, in Redis neither; the fuzz targets that check
// round trips leave those out.

#include <string>
#include <string_view>

#include "acl/acl_user.h"

namespace corvid::fuzzing {

inline bool description_reads_back(const AclUser& user) {
  // An empty name leaves "user  <rules>", whose first rule reads as the name.
  if (user.name().empty()) return false;
  const std::string line = user.describe();
  // Patterns are shown as given: one holding a quote mark does not read back.
  if (line.find_first_of("\"'") != std::string::npos) return false;
  // Nor does a selector holding a pattern with a ')', which ends the selector on reading,
  // nor "%RW~*" among other patterns: it reads "~*", which is allkeys and drops the rest.
  for (const AclSelector& selector : user.extra_selectors()) {
    if (selector.describe(true).find(')') != std::string::npos) return false;
  }
  auto spelled_all_keys = [](const AclSelector& selector) {
    const std::string keys = " " + selector.describe_keys() + " ";
    return !selector.all_keys() && keys.find(" ~* ") != std::string::npos;
  };
  if (spelled_all_keys(user.root())) return false;
  for (const AclSelector& selector : user.extra_selectors()) {
    if (spelled_all_keys(selector)) return false;
  }
  return true;
}

// A first argument given with a space in it ("+select|0 x") is shown as given, and reads
// back as other words. Selectors ("(...)") keep their spaces.
inline bool rule_reads_back(std::string_view rule) {
  return rule.starts_with('(') || rule.find_first_of(" \t\n\r\v\f") == std::string_view::npos;
}

}  // namespace corvid::fuzzing
