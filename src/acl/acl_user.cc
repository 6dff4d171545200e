#include "acl/acl_user.h"

#include <algorithm>

#include "acl/password.h"
#include "commands/command_table.h"
#include "core/ascii_case.h"
#include "server/config_syntax.h"

namespace corvid {

AclUser::AclUser(std::string name, const CommandTable& table, bool all_channels_by_default)
    : name_(std::move(name)), table_(&table), all_channels_by_default_(all_channels_by_default) {
  selectors_.emplace_back(table, all_channels_by_default);
}

AclUser AclUser::make_default(const CommandTable& table) {
  AclUser user("default", table, false);
  for (std::string_view rule : {"+@all", "~*", "&*", "on", "nopass"}) user.apply(rule);
  return user;
}

std::optional<std::string> AclUser::apply(std::string_view rule) {
  std::optional<std::string> error;
  if (rule.empty()) {
    return std::nullopt;
  } else if (equals_ignore_case(rule, "on")) {
    enabled_ = true;
  } else if (equals_ignore_case(rule, "off")) {
    enabled_ = false;
  } else if (equals_ignore_case(rule, "skip-sanitize-payload")) {
    sanitize_ = Sanitize::Skip;
  } else if (equals_ignore_case(rule, "sanitize-payload")) {
    sanitize_ = Sanitize::Sanitize;
  } else if (equals_ignore_case(rule, "nopass")) {
    nopass_ = true;
    passwords_.clear();
  } else if (equals_ignore_case(rule, "resetpass")) {
    nopass_ = false;
    passwords_.clear();
  } else if (rule[0] == '>' || rule[0] == '#') {
    std::string digest = rule[0] == '>' ? password_hash(rule.substr(1)) : std::string(rule.substr(1));
    if (rule[0] == '#' && !is_password_hash(digest)) {
      return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
    }
    if (std::find(passwords_.begin(), passwords_.end(), digest) == passwords_.end()) passwords_.push_back(digest);
    nopass_ = false;
  } else if (rule[0] == '<' || rule[0] == '!') {
    std::string digest = rule[0] == '<' ? password_hash(rule.substr(1)) : std::string(rule.substr(1));
    if (rule[0] == '!' && !is_password_hash(digest)) {
      return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters";
    }
    auto it = std::find(passwords_.begin(), passwords_.end(), digest);
    if (it == passwords_.end()) return "The password you are trying to remove from the user does not exist";
    passwords_.erase(it);
  } else if (rule.size() >= 2 && rule.front() == '(' && rule.back() == ')') {
    error = apply_selector_rules(rule.substr(1, rule.size() - 2));
  } else if (equals_ignore_case(rule, "clearselectors")) {
    selectors_.resize(1, selectors_.front());
  } else if (equals_ignore_case(rule, "reset")) {
    for (std::string_view step : {"resetpass", "resetkeys", "resetchannels"}) apply(step);
    if (all_channels_by_default_) apply("allchannels");
    for (std::string_view step : {"off", "sanitize-payload", "clearselectors", "-@all"}) apply(step);
  } else {
    error = selectors_.front().apply(rule);
  }
  unrestricted_ = std::any_of(selectors_.begin(), selectors_.end(), [](const AclSelector& s) { return s.unrestricted(); });
  return error;
}

std::optional<std::string> AclUser::apply_selector_rules(std::string_view body) {
  AclSelector selector(*table_, all_channels_by_default_);
  auto rules = config_detail::split_line(body);
  if (!rules) return std::string("Syntax error");
  for (const std::string& rule : *rules) {
    if (auto error = selector.apply(rule)) return error;
  }
  selectors_.push_back(std::move(selector));
  return std::nullopt;
}

bool AclUser::accepts(std::string_view password) const {
  if (!enabled_) return false;
  if (nopass_) return true;
  const std::string digest = password_hash(password);
  bool match = false;
  // Every digest is compared, whatever matched, so the time does not tell which did.
  for (const std::string& stored : passwords_) match |= hashes_equal(digest, stored);
  return match;
}

AclVerdict AclUser::check(const Command& command, std::span<const std::string_view> args) const {
  AclVerdict most_specific{AclDenial::Command, 0};
  for (const AclSelector& selector : selectors_) {
    AclVerdict verdict = selector.check(command, args);
    if (verdict.allowed()) return verdict;
    if (verdict.denial > most_specific.denial ||
        (verdict.denial == most_specific.denial && verdict.arg_index > most_specific.arg_index)) {
      most_specific = verdict;
    }
  }
  return most_specific;
}

bool AclUser::allows_channel(std::string_view channel, bool is_pattern) const {
  return std::any_of(selectors_.begin(), selectors_.end(),
                     [&](const AclSelector& s) { return s.allows_channel(channel, is_pattern); });
}

bool AclUser::may_read_every_key() const {
  return std::any_of(selectors_.begin(), selectors_.end(),
                     [](const AclSelector& s) { return s.allows_key("*", kAclKeyRead); });
}

std::vector<std::string_view> AclUser::flags() const {
  std::vector<std::string_view> out;
  out.push_back(enabled_ ? "on" : "off");
  if (nopass_) out.push_back("nopass");
  if (sanitize_ == Sanitize::Skip) out.push_back("skip-sanitize-payload");
  if (sanitize_ == Sanitize::Sanitize) out.push_back("sanitize-payload");
  return out;
}

std::string AclUser::describe() const {
  std::string out;
  for (std::string_view flag : flags()) {
    out += flag;
    out += ' ';
  }
  for (const std::string& digest : passwords_) out += "#" + digest + " ";
  out += root().describe(true);
  for (const AclSelector& selector : extra_selectors()) out += " (" + selector.describe(true) + ")";
  return out;
}

}  // namespace corvid
