// Config files are read at start-up and written back by CONFIG REWRITE. The input is the
// text of a config file: directives, quoting, aliases, lists, memory units, "user" and
// "rename-command" lines. load_config_text() reads it as start-up would (without files:
// include is refused, dir is taken as written). What loads must survive CONFIG REWRITE:
// the rewritten text, read again, gives the same CONFIG GET *, the same renames and the
// same users, and after a second rewrite nothing changes any more. A crash, a sanitizer
// report or a broken property is a finding.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "acl/acl.h"
#include "commands/command_table.h"
#include "server/config.h"
#include "acl_description.h"
#include "value_checks.h"

namespace {

using corvid::fuzzing::check;

const corvid::CommandTable& table() {
  static corvid::CommandTable commands;
  return commands;
}

// What a server started from `text` would hold; false where it would not start.
struct Loaded {
  corvid::Config config;
  std::vector<std::string> users;  // ACL LIST lines

  bool load(std::string_view text) {
    if (corvid::load_config_text(config, text)) return false;
    // Module configs stop the start (server/server.cc).
    if (!config.module_configs.empty()) return false;
    // Users both in the file and in an aclfile stop the start (server/access_control.cc).
    if (!config.users.empty() && !config.aclfile.empty()) return false;
    corvid::Acl acl(table());
    if (acl.load_config_users(config.users)) return false;
    users = acl.list_lines();
    for (const auto& [name, user] : acl.users()) readable = readable && corvid::fuzzing::description_reads_back(*user);
    for (const std::vector<std::string>& words : config.users) {
      readable = readable && std::all_of(words.begin() + 1, words.end(), corvid::fuzzing::rule_reads_back);
    }
    return true;
  }
  // Whether every user line CONFIG REWRITE writes reads back (acl_description.h).
  bool readable = true;

  std::string rewrite(std::string_view old_text) const {
    return corvid::config_rewrite_text(config, old_text, config.aclfile.empty() ? users : std::vector<std::string>{});
  }
};

// A user read from a config line is reset first, which adds the sanitize-payload flag
// (Redis does the same): a default user that no line named is written without it and
// reads back with it. The flag changes nothing a user may do.
std::vector<std::string> without_sanitize_flag(std::vector<std::string> lines) {
  for (std::string& line : lines) {
    const size_t at = line.find(" sanitize-payload ");
    if (at != std::string::npos) line.erase(at, std::string_view(" sanitize-payload").size());
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Loaded first;
  // Users whose descriptions cannot carry them (Redis's cannot either) are out of scope.
  if (!first.load(text) || !first.readable) return 0;
  const std::string once = first.rewrite(text);

  Loaded second;
  check(second.load(once));
  check(corvid::config_get(first.config, {"*"}) == corvid::config_get(second.config, {"*"}));
  check(first.config.renamed_commands == second.config.renamed_commands);
  check(without_sanitize_flag(first.users) == without_sanitize_flag(second.users));

  // Now every user came from a line: a second rewrite is final.
  const std::string twice = second.rewrite(once);
  Loaded third;
  check(third.load(twice));
  check(corvid::config_get(second.config, {"*"}) == corvid::config_get(third.config, {"*"}));
  check(second.users == third.users);
  check(third.rewrite(twice) == twice);
  return 0;
}
