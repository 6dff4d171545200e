// ACL files and the config file's "user" lines: reading users (all of them or, on any
// error, none, with Redis's error texts), and ACL SAVE's writing of them.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "acl/acl.h"
#include "server/config_syntax.h"

namespace corvid {

namespace {

std::string trim_line(std::string_view line) {
  const size_t start = line.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  const size_t end = line.find_last_not_of(" \t\r\n");
  return std::string(line.substr(start, end - start + 1));
}

}  // namespace

std::optional<std::string> Acl::load_file(const std::string& path, std::vector<std::shared_ptr<AclUser>>& dropped) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "Error loading ACLs, opening file '" + path + "': " + std::strerror(errno);
  std::stringstream text;
  text << in.rdbuf();
  return load_text(text.str(), path, dropped);
}

std::optional<std::string> Acl::load_text(std::string_view content, std::string_view path,
                                          std::vector<std::shared_ptr<AclUser>>& dropped) {
  // The file's users are built apart; they replace the current ones only if all is well.
  std::map<std::string, std::shared_ptr<AclUser>, std::less<>> loaded;
  std::string errors;
  size_t start = 0;
  for (int number = 1; start <= content.size(); ++number) {
    size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    const std::string line = trim_line(content.substr(start, end - start));
    start = end + 1;
    if (line.empty()) continue;
    const std::string where = std::string(path) + ":" + std::to_string(number);
    auto words = config_detail::split_line(line);
    if (!words) {
      errors += where + ": Syntax error. ";
      continue;
    }
    if (words->size() < 2 || (*words)[0] != "user") {
      errors += where + " should start with user keyword followed by the username. ";
      continue;
    }
    const std::string& name = (*words)[1];
    if (acl_has_space(name)) {
      errors += where + ": Syntax error. ";
      continue;
    }
    if (loaded.count(name) != 0) {
      errors += "WARNING: Duplicate user '" + name + "' found on line " + std::to_string(number) + ". ";
      continue;
    }
    std::vector<std::string_view> given(words->begin() + 2, words->end());
    std::vector<std::string> rules;
    if (merge_selectors(given, rules)) {
      errors += where + ": Unmatched parenthesis in selector definition.";
      continue;
    }
    auto [it, created] = loaded.try_emplace(name, nullptr);
    if (created) it->second = std::make_shared<AclUser>(name, *table_, all_channels_by_default_);
    for (const std::string& rule : rules) {
      auto error = it->second->apply(rule);
      if (!error) continue;
      if (*error == "Syntax error") {
        errors += where + ": Syntax error. ";
      } else {
        errors += where + ": Error in applying operation '" + rule + "': " + *error + ". ";
      }
    }
  }
  if (!errors.empty()) return errors + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";

  // A file that leaves the default user out gets the built-in one. Connections keep the
  // default user's object (its contents change); every other user is new, and the old
  // ones' connections are the caller's to close.
  if (loaded.count("default") == 0) loaded.emplace("default", std::make_shared<AclUser>(AclUser::make_default(*table_)));
  *default_user_ = std::move(*loaded["default"]);
  loaded["default"] = default_user_;
  for (auto& [name, user] : users_) {
    if (user != default_user_) dropped.push_back(user);
  }
  users_ = std::move(loaded);
  return std::nullopt;
}

std::vector<std::string> Acl::list_lines() const {
  std::vector<std::string> lines;
  lines.reserve(users_.size());
  for (const auto& [name, user] : users_) lines.push_back("user " + name + " " + user->describe());
  return lines;
}

std::optional<std::string> Acl::save_file(const std::string& path) const {
  std::string text;
  for (const std::string& line : list_lines()) text += line + "\n";
  const std::string temporary = path + ".tmp-" + std::to_string(getpid());
  std::FILE* file = std::fopen(temporary.c_str(), "w");
  if (file == nullptr) return "Opening temp ACL file for ACL SAVE: " + std::string(std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const bool flushed = std::fflush(file) == 0 && fsync(fileno(file)) == 0;
  std::fclose(file);
  if (!written || !flushed) {
    std::remove(temporary.c_str());
    return "Writing ACL file for ACL SAVE: " + std::string(std::strerror(errno));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string error = std::strerror(errno);
    std::remove(temporary.c_str());
    return "Renaming ACL file for ACL SAVE: " + error;
  }
  return std::nullopt;
}

std::optional<std::string> Acl::load_config_users(const std::vector<std::vector<std::string>>& lines) {
  for (const std::vector<std::string>& words : lines) {
    const std::string& name = words[0];
    if (acl_has_space(name)) return std::string("Spaces not allowed in ACL usernames");
    std::shared_ptr<AclUser> user = find(name);
    if (user == nullptr) {
      user = std::make_shared<AclUser>(name, *table_, all_channels_by_default_);
      users_.emplace(name, user);
    } else {
      user->apply("reset");
    }
    std::vector<std::string_view> given(words.begin() + 1, words.end());
    std::vector<std::string> rules;
    if (auto error = merge_selectors(given, rules)) return error->substr(4);
    for (const std::string& rule : rules) {
      if (auto error = user->apply(rule)) {
        return "Error loading ACL rule '" + rule + "' for the user named '" + name + "': " + *error;
      }
    }
  }
  return std::nullopt;
}

}  // namespace corvid
