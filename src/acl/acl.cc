#include "acl/acl.h"

#include <vector>

namespace corvid {

// Selectors may arrive split over several arguments ("(~a" "+get)"), joined with spaces as
// Redis joins them.
std::optional<std::string> Acl::merge_selectors(std::span<const std::string_view> rules, std::vector<std::string>& out,
                                                size_t* opened_at) {
  std::string open;
  bool in_selector = false;
  std::string_view started;
  size_t started_index = 0;
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string_view rule = rules[i];
    // As in Redis, an opening word starts a selector afresh even inside an open one (whose
    // words so far are dropped).
    if (rule.starts_with('(') && !rule.ends_with(')')) {
      open = std::string(rule);
      started = rule;
      started_index = i;
      in_selector = true;
    } else if (in_selector) {
      open += ' ';
      open += rule;
      if (rule.ends_with(')')) {
        out.push_back(std::move(open));
        open.clear();
        in_selector = false;
      }
    } else {
      out.emplace_back(rule);
    }
  }
  if (in_selector) {
    if (opened_at != nullptr) *opened_at = started_index;
    return "ERR Unmatched parenthesis in acl selector starting at '" + std::string(started) + "'.";
  }
  return std::nullopt;
}

Acl::Acl(const CommandTable& table) : table_(&table) {
  default_user_ = std::make_shared<AclUser>(AclUser::make_default(table));
  users_.emplace("default", default_user_);
}

std::shared_ptr<AclUser> Acl::find(std::string_view name) {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second;
}

std::optional<std::string> Acl::set_user(std::string_view name, std::span<const std::string_view> rules) {
  if (name.find_first_of(std::string_view(" \0", 2)) != std::string_view::npos) {
    return std::string("ERR Usernames can't contain spaces or null characters");
  }
  std::vector<std::string> merged;
  if (auto error = merge_selectors(rules, merged)) return error;
  std::shared_ptr<AclUser> existing = find(name);
  AclUser changed = existing != nullptr ? *existing : AclUser(std::string(name), *table_, all_channels_by_default_);
  changed.set_all_channels_by_default(all_channels_by_default_);
  for (const std::string& rule : merged) {
    if (auto error = changed.apply(rule)) return "ERR Error in ACL SETUSER modifier '" + rule + "': " + *error;
  }
  if (existing != nullptr) {
    *existing = std::move(changed);
  } else {
    users_.emplace(std::string(name), std::make_shared<AclUser>(std::move(changed)));
  }
  return std::nullopt;
}

bool Acl::remove(std::string_view name) {
  auto it = users_.find(name);
  if (it == users_.end() || it->second == default_user_) return false;
  users_.erase(it);
  return true;
}

std::shared_ptr<AclUser> Acl::authenticate(std::string_view name, std::string_view password) {
  std::shared_ptr<AclUser> user = find(name);
  return user != nullptr && user->accepts(password) ? user : nullptr;
}

void Acl::set_default_password(std::string_view password) {
  if (password.empty()) {
    default_user_->apply("nopass");
    return;
  }
  default_user_->apply("resetpass");
  default_user_->apply(">" + std::string(password));
}

}  // namespace corvid
