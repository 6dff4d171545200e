#pragma once
// An ACL user: whether it may log in, its password digests (or nopass), its payload
// sanitizing choice, and its selectors (the root one plus any "(...)" ones). Rules are
// applied one at a time, as ACL SETUSER and the config file's "user" lines give them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acl/acl_selector.h"

namespace corvid {

class CommandTable;

class AclUser {
 public:
  // A new user: off, no password, no permissions (channels per acl-pubsub-default).
  AclUser(std::string name, const CommandTable& table, bool all_channels_by_default);
  // The default user: on, nopass, every command, key and channel.
  static AclUser make_default(const CommandTable& table);

  const std::string& name() const { return name_; }
  // acl-pubsub-default as it is now ("reset" and new "(...)" selectors follow it).
  void set_all_channels_by_default(bool all) { all_channels_by_default_ = all; }
  // Applies one rule (user rules, "(...)" selectors, or root selector rules); the error is
  // Redis's text for "Error in ACL SETUSER modifier '<rule>': <error>".
  std::optional<std::string> apply(std::string_view rule);

  bool enabled() const { return enabled_; }
  bool nopass() const { return nopass_; }
  // Whether `password` logs in as this user (enabled, and nopass or a matching digest).
  bool accepts(std::string_view password) const;
  const std::vector<std::string>& password_hashes() const { return passwords_; }

  // The most specific refusal when no selector allows the command (None when one does).
  AclVerdict check(const Command& command, std::span<const std::string_view> args) const;
  bool allows_channel(std::string_view channel, bool is_pattern) const;
  // Whether some selector lets the user read the key named "*" (a pattern that matches
  // any name, or allkeys): SORT's BY and GET patterns ask for it, as in Redis.
  bool may_read_every_key() const;
  // Nothing to check for this user (the default user as shipped).
  bool unrestricted() const { return unrestricted_; }

  const AclSelector& root() const { return selectors_.front(); }
  std::span<const AclSelector> extra_selectors() const { return std::span(selectors_).subspan(1); }
  // "on nopass sanitize-payload": the flags ACL GETUSER lists.
  std::vector<std::string_view> flags() const;
  // The rest of an ACL LIST line after "user <name> ".
  std::string describe() const;

 private:
  enum class Sanitize : uint8_t { Unset, Sanitize, Skip };
  std::optional<std::string> apply_selector_rules(std::string_view body);

  std::string name_;
  const CommandTable* table_;
  bool all_channels_by_default_ = false;
  bool enabled_ = false;
  bool nopass_ = false;
  Sanitize sanitize_ = Sanitize::Unset;
  std::vector<std::string> passwords_;
  std::vector<AclSelector> selectors_;  // [0] is the root selector
  bool unrestricted_ = false;
};

}  // namespace corvid
