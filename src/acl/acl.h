#pragma once
// The ACL users of a server: the default user (whose password requirepass sets) and any
// others ACL SETUSER or the configuration made, looked up by name; AUTH's credential
// check; and the log of refusals. Who may run what is asked of each user (acl_user.h).

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "acl/acl_log.h"
#include "acl/acl_user.h"

namespace corvid {

// ACL LOAD and ACL SAVE without an aclfile.
inline constexpr std::string_view kNoAclFileError =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER "
    "command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store "
    "users in the Redis configuration.";

class Acl {
 public:
  explicit Acl(const CommandTable& table);

  // Connections hold their user by shared pointer: a deleted user's connections are
  // closed, and until they are gone the user they point at stays valid.
  std::shared_ptr<AclUser> find(std::string_view name);
  const std::shared_ptr<AclUser>& default_user() const { return default_user_; }
  // Sorted by name, as ACL LIST and ACL USERS show them.
  const std::map<std::string, std::shared_ptr<AclUser>, std::less<>>& users() const { return users_; }

  // ACL SETUSER: creates the user if needed and applies every rule, or (on the first bad
  // rule) changes nothing. The error is the whole reply text ("ERR Error in ACL SETUSER
  // modifier ...").
  std::optional<std::string> set_user(std::string_view name, std::span<const std::string_view> rules);
  // ACL DELUSER of one user (never "default"): whether it existed.
  bool remove(std::string_view name);
  // The user `password` logs in as, or nullptr (unknown, disabled or wrong password).
  std::shared_ptr<AclUser> authenticate(std::string_view name, std::string_view password);
  // requirepass: the default user's only password, or nopass when empty.
  void set_default_password(std::string_view password);
  // acl-pubsub-default: whether new users (and "reset") start with every channel.
  void set_all_channels_by_default(bool all) { all_channels_by_default_ = all; }

  AclLog& log() { return log_; }

  // Joins "(" ... ")" selectors split over several words; the error (a whole reply text)
  // names where an unclosed one opened, and `opened_at` (if given) gets its index.
  static std::optional<std::string> merge_selectors(std::span<const std::string_view> rules,
                                                    std::vector<std::string>& out, size_t* opened_at = nullptr);

  // ACL LOAD (and start-up with aclfile): replaces every user with the file's, or changes
  // nothing and returns the errors in Redis's words. The default user stays the same
  // object (its connections keep it); the users replaced are added to `dropped`, whose
  // connections the server closes.
  std::optional<std::string> load_file(const std::string& path, std::vector<std::shared_ptr<AclUser>>& dropped);
  // The same from the file's text (`path` names it in errors).
  std::optional<std::string> load_text(std::string_view content, std::string_view path,
                                       std::vector<std::shared_ptr<AclUser>>& dropped);
  // "user <name> <rules...>" for every user, by name: ACL LIST's reply, ACL SAVE's file and
  // CONFIG REWRITE's user lines.
  std::vector<std::string> list_lines() const;
  // ACL SAVE: the users as ACL LIST lines, written whole (temporary file, then rename).
  std::optional<std::string> save_file(const std::string& path) const;
  // The config file's "user <name> <rules...>" lines (words after "user"), at start-up.
  std::optional<std::string> load_config_users(const std::vector<std::vector<std::string>>& lines);

 private:
  const CommandTable* table_;
  std::map<std::string, std::shared_ptr<AclUser>, std::less<>> users_;
  std::shared_ptr<AclUser> default_user_;
  bool all_channels_by_default_ = false;
  AclLog log_;
};

}  // namespace corvid
