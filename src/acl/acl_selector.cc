#include "acl/acl_selector.h"

#include <algorithm>

#include "commands/command_keys.h"
#include "commands/command_table.h"
#include "core/ascii_case.h"
#include "core/glob.h"

namespace corvid {

namespace {

constexpr std::string_view kUnknownName = "Unknown command or category name in ACL";
constexpr std::string_view kSyntaxError = "Syntax error";

// Where a pub/sub command names channels: every argument from the first (subscribing),
// or just the first (publishing). Unsubscribing is never refused.
struct ChannelArgs {
  size_t first = 0;  // 0: the command names no channel to check
  bool all = false;
  bool patterns = false;
};

ChannelArgs channel_args(const Command& command) {
  const std::string& name = command.full_name;
  if (name == "publish" || name == "spublish") return {1, false, false};
  if (name == "subscribe" || name == "ssubscribe") return {1, true, false};
  if (name == "psubscribe") return {1, true, true};
  return {};
}

// What a key's spec flags ask of a pattern: reading for a key whose value the command
// reads (access), writing for one it inserts, deletes or updates.
uint8_t key_access(uint32_t flags) {
  uint8_t access = 0;
  if (flags & kKeyAccess) access |= kAclKeyRead;
  if (flags & (kKeyInsert | kKeyDelete | kKeyUpdate)) access |= kAclKeyWrite;
  return access;
}

}  // namespace

AclSelector::AclSelector(const CommandTable& table, bool all_channels)
    : table_(&table), future_bit_(static_cast<uint32_t>(table.by_id().size())), all_channels_(all_channels) {
  allowed_.assign(future_bit_ / 64 + 1, 0);
}

void AclSelector::set_bit(uint32_t id, bool on) {
  if (on) {
    allowed_[id / 64] |= uint64_t{1} << (id % 64);
  } else {
    allowed_[id / 64] &= ~(uint64_t{1} << (id % 64));
    all_commands_ = false;
  }
}

void AclSelector::change_command(const Command& command, bool allow) {
  set_bit(command.id, allow);
  first_args_.erase(command.id);
  for (const auto& sub : command.subcommands) set_bit(sub->id, allow);
}

void AclSelector::change_category(uint32_t category, bool allow) {
  for (const Command* command : table_->by_id()) {
    if (command->acl_categories & category) change_command(*command, allow);
  }
}

void AclSelector::set_all_commands(bool allow) {
  std::fill(allowed_.begin(), allowed_.end(), allow ? ~uint64_t{0} : 0);
  first_args_.clear();
  all_commands_ = allow;
}

void AclSelector::count_category(uint32_t category, size_t& on, size_t& off) const {
  on = off = 0;
  for (const Command* command : table_->by_id()) {
    if (!(command->acl_categories & category)) continue;
    ++(bit(command->id) ? on : off);
  }
}

std::optional<std::string> AclSelector::apply(std::string_view rule) {
  if (equals_ignore_case(rule, "allkeys") || rule == "~*") {
    keys_.assign(1, {"*", kAclKeyRead | kAclKeyWrite});
    all_keys_ = true;
    return std::nullopt;
  }
  if (equals_ignore_case(rule, "resetkeys")) {
    keys_.clear();
    all_keys_ = false;
    return std::nullopt;
  }
  if (equals_ignore_case(rule, "allchannels") || rule == "&*") {
    channels_.clear();
    all_channels_ = true;
    return std::nullopt;
  }
  if (equals_ignore_case(rule, "resetchannels")) {
    channels_.clear();
    all_channels_ = false;
    return std::nullopt;
  }
  if (equals_ignore_case(rule, "allcommands")) {
    set_all_commands(true);
    return std::nullopt;
  }
  if (equals_ignore_case(rule, "nocommands")) {
    set_all_commands(false);
    return std::nullopt;
  }
  if (rule.empty()) return std::nullopt;
  if (rule[0] == '~') return add_key_pattern("RW", rule.substr(1));
  if (rule[0] == '%') {
    size_t tilde = rule.find('~');
    if (tilde == std::string_view::npos) return std::string(kSyntaxError);
    return add_key_pattern(rule.substr(1, tilde - 1), rule.substr(tilde + 1));
  }
  if (rule[0] == '&') {
    if (all_channels_) {
      return std::string(
          "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any "
          "effect. Try 'resetchannels' to start with an empty list of channels");
    }
    std::string_view pattern = rule.substr(1);
    if (acl_has_space(pattern)) return std::string(kSyntaxError);
    if (std::find(channels_.begin(), channels_.end(), pattern) == channels_.end()) channels_.emplace_back(pattern);
    return std::nullopt;
  }
  if (rule[0] == '+' || rule[0] == '-') return apply_command_rule(rule);
  return std::string(kSyntaxError);
}

std::optional<std::string> AclSelector::add_key_pattern(std::string_view flags, std::string_view pattern) {
  if (all_keys_) {
    return std::string(
        "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. "
        "Try 'resetkeys' to start with an empty list of patterns");
  }
  uint8_t access = 0;
  for (char c : flags) {
    const uint8_t one = (c == 'R' || c == 'r') ? kAclKeyRead : (c == 'W' || c == 'w') ? kAclKeyWrite : 0;
    if (one == 0 || (access & one)) return std::string(kSyntaxError);
    access |= one;
  }
  if (access == 0 || acl_has_space(pattern)) return std::string(kSyntaxError);
  for (KeyPattern& existing : keys_) {
    if (existing.pattern == pattern) {
      existing.access |= access;
      return std::nullopt;
    }
  }
  keys_.push_back({std::string(pattern), access});
  return std::nullopt;
}

std::optional<std::string> AclSelector::apply_command_rule(std::string_view rule) {
  const bool allow = rule[0] == '+';
  std::string_view name = rule.substr(1);
  if (name.starts_with('@')) {
    std::string_view category = name.substr(1);
    if (equals_ignore_case(category, "all")) {
      set_all_commands(allow);
      return std::nullopt;
    }
    uint32_t bit = acl_category_by_name(category);
    if (bit == 0) return std::string(kUnknownName);
    change_category(bit, allow);
    return std::nullopt;
  }
  if (const Command* command = table_->find_by_full_name(name)) {
    change_command(*command, allow);
    return std::nullopt;
  }
  // Not a command or subcommand: "+cmd|arg" allows cmd when its first argument is arg.
  size_t bar = name.rfind('|');
  if (!allow || bar == std::string_view::npos) return std::string(kUnknownName);
  const Command* command = table_->find_by_full_name(name.substr(0, bar));
  if (command == nullptr) return std::string(kUnknownName);
  if (command->parent != nullptr) return std::string("Allowing first-arg of a subcommand is not supported");
  std::string_view first_arg = name.substr(bar + 1);
  if (first_arg.empty()) return std::string(kSyntaxError);
  if (!command->subcommands.empty()) return std::string(kUnknownName);
  if (bit(command->id)) return std::nullopt;
  std::vector<std::string>& args = first_args_[command->id];
  for (const std::string& existing : args) {
    if (equals_ignore_case(existing, first_arg)) return std::nullopt;
  }
  args.emplace_back(first_arg);
  return std::nullopt;
}

bool AclSelector::allows_command(const Command& command, std::span<const std::string_view> args) const {
  if (all_commands_ || bit(command.id) || (command.spec->flags & kCmdNoAuth)) return true;
  auto it = first_args_.find(command.id);
  if (it == first_args_.end() || args.size() < 2) return false;
  for (const std::string& allowed : it->second) {
    if (equals_ignore_case(allowed, args[1])) return true;
  }
  return false;
}

bool AclSelector::allows_key(std::string_view key, uint8_t access) const {
  if (all_keys_) return true;
  for (const KeyPattern& p : keys_) {
    if ((p.access & access) != access) continue;
    if (glob_match(p.pattern, key)) return true;
  }
  return false;
}

bool AclSelector::allows_channel(std::string_view channel, bool is_pattern) const {
  if (all_channels_) return true;
  for (const std::string& allowed : channels_) {
    if (is_pattern ? allowed == channel : glob_match(allowed, channel)) return true;
  }
  return false;
}

AclVerdict AclSelector::check(const Command& command, std::span<const std::string_view> args) const {
  if (!allows_command(command, args)) return {AclDenial::Command, 0};
  if (!all_keys_ && has_key_arguments(*command.spec)) {
    for (const KeyRef& key : command_keys(*command.spec, args)) {
      if (key.flags & kKeyNotKey) continue;
      if (!allows_key(args[key.index], key_access(key.flags))) return {AclDenial::Key, static_cast<size_t>(key.index)};
    }
  }
  if (!all_channels_) {
    ChannelArgs channels = channel_args(command);
    if (channels.first != 0) {
      size_t end = channels.all ? args.size() : std::min(args.size(), channels.first + 1);
      for (size_t i = channels.first; i < end; ++i) {
        if (!allows_channel(args[i], channels.patterns)) return {AclDenial::Channel, i};
      }
    }
  }
  return {};
}

std::string AclSelector::describe_commands() const {
  // Start from +@all (when commands yet to come are allowed) or -@all. Then, as Redis
  // does, repeatedly take the category that agrees with this selector on more of its
  // commands than it disagrees, preferring the fewest disagreements and then the most
  // agreements (first in ACL CAT order on a tie); commands a chosen category already
  // decided do not count again. Last, name the single commands that still differ.
  const bool additive = !bit(future_bit_);
  std::string out = additive ? "-@all" : "+@all";
  AclSelector told(*table_, false);
  told.set_all_commands(!additive);
  AclSelector left = *this;
  std::span<const NamedBit> categories = acl_category_names();
  std::vector<bool> used(categories.size(), false);
  for (;;) {
    size_t best = categories.size();
    size_t fewest_wrong = SIZE_MAX, most_right = 0;
    for (size_t i = 0; i < categories.size(); ++i) {
      if (used[i]) continue;
      size_t on = 0, off = 0;
      left.count_category(categories[i].bit, on, off);
      const size_t right = additive ? on : off;
      const size_t wrong = additive ? off : on;
      if (right > wrong && (wrong < fewest_wrong || (wrong == fewest_wrong && right > most_right))) {
        best = i;
        fewest_wrong = wrong;
        most_right = right;
      }
    }
    if (best == categories.size()) break;
    used[best] = true;
    out += additive ? " +@" : " -@";
    out += categories[best].name;
    told.change_category(categories[best].bit, additive);
    left.change_category(categories[best].bit, !additive);
  }
  for (const Command* command : table_->by_id()) {
    const bool mine = bit(command->id);
    if (mine != told.bit(command->id)) {
      out += mine ? " +" : " -";
      out += command->full_name;
      told.change_command(*command, mine);
    }
    if (mine) continue;
    auto it = first_args_.find(command->id);
    if (it == first_args_.end()) continue;
    for (const std::string& arg : it->second) out += " +" + command->full_name + "|" + arg;
  }
  return out;
}

std::string AclSelector::describe_keys() const {
  std::string out;
  for (const KeyPattern& p : keys_) {
    if (!out.empty()) out += ' ';
    if (p.access == kAclKeyRead) {
      out += "%R";
    } else if (p.access == kAclKeyWrite) {
      out += "%W";
    }
    out += '~';
    out += p.pattern;
  }
  return out;
}

std::string AclSelector::describe_channels() const {
  if (all_channels_) return "&*";
  std::string out;
  for (const std::string& channel : channels_) {
    if (!out.empty()) out += ' ';
    out += '&';
    out += channel;
  }
  return out;
}

std::string AclSelector::describe(bool for_list) const {
  std::string out = describe_keys();
  if (!out.empty()) out += ' ';
  if (for_list && !all_channels_) {
    out += "resetchannels";
    if (!channels_.empty()) out += ' ' + describe_channels();
  } else {
    out += describe_channels();
  }
  if (!out.empty()) out += ' ';
  out += describe_commands();
  return out;
}

bool acl_has_space(std::string_view text) {
  return text.find_first_of(" \t\r\n\v\f") != std::string_view::npos;  // isspace()
}

}  // namespace corvid
