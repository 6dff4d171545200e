// ACL rules come from clients (ACL SETUSER), from ACL files and from config files. The
// input is split at NUL bytes: the first part is the username; the others are rules given
// to ACL SETUSER, or, when the first byte is '\n', the rest is read as an ACL file. Then
// the user's commands are checked against a few commands with arguments taken from the
// input. Whatever is accepted must describe itself in rules that rebuild the same user:
// ACL LIST's line, applied to a new user, must give the same line again. A crash, a
// sanitizer report or a broken property is a finding.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "acl/acl.h"
#include "commands/command_table.h"
#include "server/config_syntax.h"
#include "acl_description.h"
#include "value_checks.h"

namespace {

using corvid::fuzzing::check;

const corvid::CommandTable& table() {
  static corvid::CommandTable commands;
  return commands;
}

std::vector<std::string_view> split_at_nul(std::string_view input) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t nul = input.find('\0', start);
    parts.push_back(input.substr(start, nul == std::string_view::npos ? std::string_view::npos : nul - start));
    if (nul == std::string_view::npos) break;
    start = nul + 1;
  }
  return parts;
}

// ACL LIST's description of `user`, applied to a new user (as an ACL file's line would
// be), must describe that user the same way.
void check_round_trip(const corvid::AclUser& user) {
  if (!corvid::fuzzing::description_reads_back(user)) return;
  const std::string line = user.describe();
  auto words = corvid::config_detail::split_line(line);
  check(words.has_value());
  corvid::Acl rebuilt(table());
  std::vector<std::string_view> rules;
  for (const std::string& word : *words) rules.push_back(word);
  // Under another name: "default" exists already in a new Acl, with rules of its own.
  check(!rebuilt.set_user("rebuilt", rules).has_value());
  check(rebuilt.find("rebuilt")->describe() == line);
}

void check_commands(const corvid::AclUser& user, const std::vector<std::string_view>& parts) {
  static const char* const kCommands[] = {"get", "set", "copy", "publish", "subscribe", "psubscribe",
                                          "config", "sort", "xread", "select", "eval", "acl"};
  for (const char* name : kCommands) {
    const corvid::Command* command = table().find(name);
    std::vector<std::string_view> args{name};
    for (size_t i = 1; i < parts.size() && args.size() < 8; ++i) args.push_back(parts[i]);
    if (!command->subcommands.empty() && args.size() >= 2) {
      command = command->find_subcommand(args[1]);
      if (command == nullptr) continue;
    }
    const int arity = command->spec->arity;
    if ((arity > 0 && static_cast<int>(args.size()) != arity) || static_cast<int>(args.size()) < -arity) continue;
    corvid::AclVerdict verdict = user.check(*command, args);
    check(verdict.allowed() || verdict.arg_index < args.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  corvid::Acl acl(table());
  if (!input.empty() && input[0] == '\n') {
    std::vector<std::shared_ptr<corvid::AclUser>> dropped;
    if (!acl.load_text(input.substr(1), "fuzz.acl", dropped)) {
      // Quoted words may hold any byte, which the unquoted description cannot (nor can
      // Redis's): the round trip is checked for files of plain printable words.
      const bool plain = std::all_of(input.begin() + 1, input.end(), [](char c) {
        return c == '\n' || (c >= ' ' && c <= '~' && c != '"' && c != '\'' && c != '\\');
      });
      if (plain) {
        for (const auto& [name, user] : acl.users()) check_round_trip(*user);
      }
    }
    return 0;
  }
  std::vector<std::string_view> parts = split_at_nul(input);
  std::vector<std::string_view> rules(parts.begin() + 1, parts.end());
  const std::string name = parts[0].empty() ? "fuzzed" : std::string(parts[0]);
  if (acl.set_user(name, rules)) {
    // Refused: nothing changed (a new user was not created).
    check(name == "default" || acl.find(name) == nullptr);
    return 0;
  }
  const corvid::AclUser& user = *acl.find(name);
  // A first argument may hold spaces ("+select|0 x", shown as given, as Redis shows it):
  // such a description reads back as other words.
  if (std::all_of(rules.begin(), rules.end(), corvid::fuzzing::rule_reads_back)) check_round_trip(user);
  check_commands(user, parts);
  return 0;
}
