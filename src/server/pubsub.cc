#include "server/pubsub.h"

#include <algorithm>

#include "core/glob.h"
#include "net/connection.h"

namespace corvid {

namespace {

void append_bulk(std::string& out, std::string_view value) {
  out += '$';
  out += std::to_string(value.size());
  out += "\r\n";
  out += value;
  out += "\r\n";
}

uint32_t& subscription_count(Connection& client, SubscriptionKind kind) {
  switch (kind) {
    case SubscriptionKind::Channel:
      return client.subscribed_channels;
    case SubscriptionKind::Pattern:
      return client.subscribed_patterns;
    case SubscriptionKind::ShardChannel:
      break;
  }
  return client.subscribed_shard_channels;
}

}  // namespace

PubSub::Registry& PubSub::registry(SubscriptionKind kind) {
  return const_cast<Registry&>(static_cast<const PubSub*>(this)->registry(kind));
}

const PubSub::Registry& PubSub::registry(SubscriptionKind kind) const {
  switch (kind) {
    case SubscriptionKind::Channel:
      return channels_;
    case SubscriptionKind::Pattern:
      return patterns_;
    case SubscriptionKind::ShardChannel:
      break;
  }
  return shard_channels_;
}

bool PubSub::subscribe(Connection& client, SubscriptionKind kind, std::string_view name) {
  ClientSubscriptions& mine = clients_[&client];
  if (kind == SubscriptionKind::Pattern) {
    if (std::find(mine.patterns.begin(), mine.patterns.end(), name) != mine.patterns.end()) return false;
  } else {
    const auto& names = kind == SubscriptionKind::Channel ? mine.channels : mine.shard_channels;
    if (names.contains(name)) return false;
  }
  Registry& names = registry(kind);
  auto it = names.find(name);
  if (it == names.end()) it = names.emplace(std::string(name), std::vector<Connection*>()).first;
  it->second.push_back(&client);
  std::string_view stored = it->first;
  switch (kind) {
    case SubscriptionKind::Channel:
      mine.channels.insert(stored);
      break;
    case SubscriptionKind::Pattern:
      mine.patterns.push_back(stored);
      break;
    case SubscriptionKind::ShardChannel:
      mine.shard_channels.insert(stored);
      break;
  }
  ++subscription_count(client, kind);
  return true;
}

bool PubSub::unsubscribe(Connection& client, SubscriptionKind kind, std::string_view name) {
  auto mine = clients_.find(&client);
  if (mine == clients_.end()) return false;
  ClientSubscriptions& subs = mine->second;
  if (kind == SubscriptionKind::Pattern) {
    auto at = std::find(subs.patterns.begin(), subs.patterns.end(), name);
    if (at == subs.patterns.end()) return false;
    subs.patterns.erase(at);
  } else {
    auto& names = kind == SubscriptionKind::Channel ? subs.channels : subs.shard_channels;
    // Erase the view before the registry key it points to can go.
    if (names.erase(name) == 0) return false;
  }
  Registry& names = registry(kind);
  auto it = names.find(name);
  std::erase(it->second, &client);
  if (it->second.empty()) names.erase(it);
  --subscription_count(client, kind);
  if (subs.empty()) clients_.erase(mine);
  return true;
}

std::vector<std::string> PubSub::subscriptions(const Connection& client, SubscriptionKind kind) const {
  std::vector<std::string> out;
  auto mine = clients_.find(&client);
  if (mine == clients_.end()) return out;
  const ClientSubscriptions& subs = mine->second;
  switch (kind) {
    case SubscriptionKind::Channel:
      out.assign(subs.channels.begin(), subs.channels.end());
      break;
    case SubscriptionKind::Pattern:
      out.assign(subs.patterns.begin(), subs.patterns.end());
      break;
    case SubscriptionKind::ShardChannel:
      out.assign(subs.shard_channels.begin(), subs.shard_channels.end());
      break;
  }
  return out;
}

void PubSub::remove_client(Connection& client) {
  for (SubscriptionKind kind : {SubscriptionKind::Channel, SubscriptionKind::Pattern, SubscriptionKind::ShardChannel}) {
    for (const std::string& name : subscriptions(client, kind)) unsubscribe(client, kind, name);
  }
}

size_t PubSub::deliver(const std::vector<Connection*>& receivers, size_t elements, std::string_view body) {
  delivering_ = true;
  for (Connection* receiver : receivers) {
    if (receiver->closed()) continue;
    ReplyWriter& reply = receiver->reply();
    reply.push(elements);
    reply.raw(body);
    receiver->keep_pushed_output();
    listener_.on_message_queued(*receiver);
  }
  delivering_ = false;
  return receivers.size();
}

size_t PubSub::publish(std::string_view channel, std::string_view message) {
  size_t receivers = 0;
  std::string body;
  if (auto it = channels_.find(channel); it != channels_.end()) {
    append_bulk(body, "message");
    append_bulk(body, channel);
    append_bulk(body, message);
    receivers += deliver(it->second, 3, body);
  }
  for (const auto& [pattern, subscribers] : patterns_) {
    if (!glob_match(pattern, channel)) continue;
    body.clear();
    append_bulk(body, "pmessage");
    append_bulk(body, pattern);
    append_bulk(body, channel);
    append_bulk(body, message);
    receivers += deliver(subscribers, 4, body);
  }
  return receivers;
}

size_t PubSub::publish_shard(std::string_view channel, std::string_view message) {
  auto it = shard_channels_.find(channel);
  if (it == shard_channels_.end()) return 0;
  std::string body;
  append_bulk(body, "smessage");
  append_bulk(body, channel);
  append_bulk(body, message);
  return deliver(it->second, 3, body);
}

size_t PubSub::subscriber_count(SubscriptionKind kind, std::string_view name) const {
  const Registry& names = registry(kind);
  auto it = names.find(name);
  return it == names.end() ? 0 : it->second.size();
}

std::vector<std::string_view> PubSub::active_names(SubscriptionKind kind,
                                                   std::optional<std::string_view> pattern) const {
  std::vector<std::string_view> out;
  for (const auto& entry : registry(kind)) {
    if (!pattern || glob_match(*pattern, entry.first)) out.push_back(entry.first);
  }
  return out;
}

}  // namespace corvid
