// The server's side of ACL: who a connection is, whether it must authenticate first, the
// check of each command against its user (at the top level, when queued in MULTI and again
// at EXEC, and for scripts' redis.call), the NOPERM replies in Redis's words, the ACL LOG
// entries and INFO counters those refusals leave, and the connections a user change ends.

#include <algorithm>

#include "server/client_info.h"
#include "server/server.h"

namespace corvid {

namespace {

std::string_view context_name(AclContext context) {
  switch (context) {
    case AclContext::TopLevel: return "toplevel";
    case AclContext::Multi: return "multi";
    case AclContext::Script: return "lua";
  }
  return "toplevel";
}

}  // namespace

bool Server::auth_required() const {
  const AclUser& user = *acl_.default_user();
  return !user.nopass() || !user.enabled();
}

void Server::sign_in(Connection& client, std::shared_ptr<AclUser> user) {
  client.user = user->name();
  client.acl_user = std::move(user);
  client.authenticated = true;
}

void Server::sign_in_as_default(Connection& client) {
  client.user = "default";
  client.acl_user = acl_.default_user();
  client.authenticated = !auth_required();
}

bool Server::authenticate(Connection& client, std::string_view username, std::string_view password,
                          std::string_view command_name) {
  if (std::shared_ptr<AclUser> user = acl_.authenticate(username, password)) {
    sign_in(client, std::move(user));
    return true;
  }
  ++stats_.acl_access_denied_auth;
  log_acl_refusal(client, "auth", transactions_.in_multi(client) ? AclContext::Multi : AclContext::TopLevel,
                  command_name, username);
  return false;
}

void Server::log_acl_refusal(Connection& client, std::string_view reason, AclContext context, std::string_view object,
                             std::string_view username) {
  AclLogEntry entry;
  entry.reason = reason;
  entry.context = context_name(context);
  entry.object = object;
  entry.username = username;
  entry.created_ms = clock_.now_ms;
  // The client's line shows the command it sent (for a script's refusal, the EVAL).
  const std::string* current = dispatched_ != nullptr ? &dispatched_->full_name : nullptr;
  entry.client_info = client_info_line(*this, client, clock_.now_ms, current);
  if (!entry.client_info.empty() && entry.client_info.back() == '\n') entry.client_info.pop_back();
  acl_.log().add(std::move(entry), static_cast<size_t>(config_.acllog_max_len));
}

AclVerdict Server::acl_check(Connection& client, const AclUser& user, const Command& command,
                             std::span<const std::string_view> args, AclContext context) {
  AclVerdict verdict = user.check(command, args);
  if (verdict.allowed()) return verdict;
  std::string_view reason = "command";
  std::string_view object = command.full_name;
  switch (verdict.denial) {
    case AclDenial::Key:
      ++stats_.acl_access_denied_key;
      reason = "key";
      object = args[verdict.arg_index];
      break;
    case AclDenial::Channel:
      ++stats_.acl_access_denied_channel;
      reason = "channel";
      object = args[verdict.arg_index];
      break;
    default:
      ++stats_.acl_access_denied_cmd;
      break;
  }
  log_acl_refusal(client, reason, context, object, user.name());
  return verdict;
}

std::optional<std::string> Server::acl_refusal(Connection& client, const Command& command,
                                               std::span<const std::string_view> args) {
  const AclUser* user = client.acl_user.get();
  if (user == nullptr || user->unrestricted()) return std::nullopt;
  const AclContext context = transactions_.in_multi(client) ? AclContext::Multi : AclContext::TopLevel;
  switch (acl_check(client, *user, command, args, context).denial) {
    case AclDenial::None: return std::nullopt;
    case AclDenial::Key: return std::string("NOPERM this user has no permissions to access one of the keys used as arguments");
    case AclDenial::Channel:
      return std::string("NOPERM this user has no permissions to access one of the channels used as arguments");
    case AclDenial::Command: break;
  }
  return "NOPERM this user has no permissions to run the '" + command.full_name + "' command";
}

std::optional<std::string> Server::acl_refusal_at_exec(Connection& client, const Command& command,
                                                       std::span<const std::string_view> args) {
  const AclUser* user = client.acl_user.get();
  if (user == nullptr || user->unrestricted()) return std::nullopt;
  std::string_view reason;
  switch (acl_check(client, *user, command, args, AclContext::Multi).denial) {
    case AclDenial::None: return std::nullopt;
    case AclDenial::Key: reason = "no permission to touch the specified keys"; break;
    case AclDenial::Channel: reason = "no permission to access one of the channels used as arguments"; break;
    case AclDenial::Command: reason = "no permission to execute the command or subcommand"; break;
  }
  return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This "
         "command is no longer allowed for the following reason: " +
         std::string(reason);
}

std::optional<std::string> Server::script_acl_refusal(const Command& command, std::span<const std::string_view> args) {
  Connection* caller = scripting_.caller();
  if (caller == nullptr || caller->acl_user == nullptr || caller->acl_user->unrestricted()) return std::nullopt;
  // Refused on behalf of the client that ran the script.
  switch (acl_check(*caller, *caller->acl_user, command, args, AclContext::Script).denial) {
    case AclDenial::None: return std::nullopt;
    case AclDenial::Key:
      return std::string("ERR The user executing the script can't access at least one of the keys mentioned in the "
                         "command arguments");
    case AclDenial::Channel:
      return std::string("ERR The user executing the script can't publish to the channel mentioned in the command");
    case AclDenial::Command: break;
  }
  return std::string("ERR The user executing the script can't run this command or subcommand");
}

bool Server::script_caller_may_run(const Command& command, std::span<const std::string_view> args) const {
  Connection* caller = scripting_.caller();
  if (caller == nullptr || caller->acl_user == nullptr) return true;
  return caller->acl_user->check(command, args).allowed();
}

bool Server::may_read_every_key(const Connection& client) const {
  const Connection* acting = &client == script_client_ ? scripting_.caller() : &client;
  const AclUser* user = acting != nullptr ? acting->acl_user.get() : nullptr;
  return user == nullptr || user->may_read_every_key();
}

void Server::disconnect_user(const AclUser& user) {
  for (auto& [id, client] : clients_) {
    if (client->acl_user.get() != &user) continue;
    // The client that asked finishes its reply first, as in Redis.
    if (running_.client == client.get()) {
      client->close_after_reply();
    } else {
      close_client(*client);
    }
  }
}

void Server::disconnect_lost_subscriptions(const AclUser& user) {
  for (auto& [id, client] : clients_) {
    if (client->acl_user.get() != &user || !client->subscribed()) continue;
    bool lost = false;
    for (SubscriptionKind kind : {SubscriptionKind::Channel, SubscriptionKind::ShardChannel, SubscriptionKind::Pattern}) {
      for (const std::string& name : pubsub_.subscriptions(*client, kind)) {
        if (!user.allows_channel(name, kind == SubscriptionKind::Pattern)) lost = true;
      }
    }
    if (!lost) continue;
    if (running_.client == client.get()) {
      client->close_after_reply();
    } else {
      close_client(*client);
    }
  }
}

std::optional<std::string> Server::load_acl_users() {
  if (!config_.users.empty() && !config_.aclfile.empty()) {
    return std::string(
        "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. "
        "This setup is very likely to lead to configuration errors and security holes, please define either an "
        "ACL file or declare users directly in your redis.conf, but not both.");
  }
  if (auto error = acl_.load_config_users(config_.users)) return *error + "\nCritical error while loading ACLs. Exiting.";
  if (config_.aclfile.empty()) return std::nullopt;
  std::vector<std::shared_ptr<AclUser>> dropped;
  if (auto error = acl_.load_file(config_.aclfile, dropped)) {
    return "Aborting Redis startup because of ACL errors: " + *error;
  }
  return std::nullopt;
}

std::optional<std::string> Server::reload_acl_file() {
  if (config_.aclfile.empty()) {
    return std::string(kNoAclFileError);
  }
  std::vector<std::shared_ptr<AclUser>> dropped;
  if (auto error = acl_.load_file(config_.aclfile, dropped)) return "ERR " + *error;
  for (const auto& user : dropped) disconnect_user(*user);
  // The default user may now need a password from connections that have not given one.
  return std::nullopt;
}

void Server::apply_acl_settings() {
  // A lower acllog-max-len takes effect at the next entry, as in Redis.
  acl_.set_all_channels_by_default(config_.acl_pubsub_default == "allchannels");
}

void Server::apply_requirepass() { acl_.set_default_password(config_.requirepass); }

}  // namespace corvid
