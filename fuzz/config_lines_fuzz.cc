// Config files are read at start-up and written back by CONFIG REWRITE. The input is the
// text of a config file: directives, quoting, aliases, lists, memory units, "user" and
// "rename-command" lines. load_config_text() reads it as start-up would (without files:
// include and dir are refused). What loads must survive CONFIG REWRITE unchanged: the
// rewritten text, read again, gives the same CONFIG GET *, the same renames and the same
// users, and rewriting that text once more changes nothing. A crash, a sanitizer report
// or a broken property is a finding.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "acl/acl.h"
#include "commands/command_table.h"
#include "server/config.h"
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
    // Users both in the file and in an aclfile stop the start (server/access_control.cc).
    if (!config.users.empty() && !config.aclfile.empty()) return false;
    corvid::Acl acl(table());
    if (acl.load_config_users(config.users)) return false;
    users = acl.list_lines();
    return true;
  }

  std::string rewrite(std::string_view old_text) const {
    return corvid::config_rewrite_text(config, old_text, config.aclfile.empty() ? users : std::vector<std::string>{});
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Loaded first;
  if (!first.load(text)) return 0;
  const std::string rewritten = first.rewrite(text);

  Loaded second;
  check(second.load(rewritten));
  check(corvid::config_get(first.config, {"*"}) == corvid::config_get(second.config, {"*"}));
  check(first.config.renamed_commands == second.config.renamed_commands);
  check(first.users == second.users);
  check(second.rewrite(rewritten) == rewritten);
  return 0;
}
