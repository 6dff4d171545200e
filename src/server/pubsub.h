#pragma once
// The Pub/Sub registry: who listens to which channels, patterns and shard channels, and
// delivery of published messages to them.
//
// Each name maps to its subscribers in the order they subscribed (the order messages are
// delivered in, as Redis does). Each client's own subscriptions are views of the
// registry's keys: a name stays in the registry while anyone is subscribed to it, and the
// map's nodes never move, so a client's view is valid for as long as it holds it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace corvid {

class Connection;

enum class SubscriptionKind : uint8_t { Channel, Pattern, ShardChannel };

class PubSub {
 public:
  // Told after a message was added to a subscriber's output, so that the server can
  // schedule the write and apply the pubsub output-buffer limit.
  class DeliveryListener {
   public:
    virtual void on_message_queued(Connection& receiver) = 0;

   protected:
    ~DeliveryListener() = default;
  };

  explicit PubSub(DeliveryListener& listener) : listener_(listener) {}
  PubSub(const PubSub&) = delete;
  PubSub& operator=(const PubSub&) = delete;

  // False when the client was already subscribed (or, for unsubscribe, was not).
  // Both keep the client's subscription counts (Connection) up to date.
  bool subscribe(Connection& client, SubscriptionKind kind, std::string_view name);
  bool unsubscribe(Connection& client, SubscriptionKind kind, std::string_view name);
  // The client's subscriptions of one kind, copied so that the caller may unsubscribe
  // while walking them; patterns in the order they were subscribed (PUNSUBSCRIBE without
  // arguments answers in that order in Redis 7.0).
  std::vector<std::string> subscriptions(const Connection& client, SubscriptionKind kind) const;
  // Drops every subscription of the client without telling it (RESET, disconnection).
  void remove_client(Connection& client);
  // A publish is walking subscriber lists: a client closed now (over its output limit)
  // must keep its subscriptions until it is freed, and still counts as a receiver.
  bool delivering() const { return delivering_; }

  // PUBLISH: subscribers of the channel get "message", then subscribers of each matching
  // pattern get "pmessage". Returns how many deliveries that made. A client that is being
  // closed still counts (as in Redis, until it is freed) but is sent nothing.
  size_t publish(std::string_view channel, std::string_view message);
  // SPUBLISH: subscribers of the shard channel get "smessage"; patterns do not apply.
  size_t publish_shard(std::string_view channel, std::string_view message);

  // Distinct names with at least one subscriber (INFO, PUBSUB NUMPAT).
  size_t active_count(SubscriptionKind kind) const { return registry(kind).size(); }
  // PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one channel.
  size_t subscriber_count(SubscriptionKind kind, std::string_view name) const;
  // PUBSUB CHANNELS / SHARDCHANNELS: active names matching the glob pattern, if any.
  std::vector<std::string_view> active_names(SubscriptionKind kind, std::optional<std::string_view> pattern) const;

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };
  using Registry = std::unordered_map<std::string, std::vector<Connection*>, NameHash, std::equal_to<>>;

  struct ClientSubscriptions {
    std::unordered_set<std::string_view> channels;
    std::vector<std::string_view> patterns;
    std::unordered_set<std::string_view> shard_channels;
    bool empty() const { return channels.empty() && patterns.empty() && shard_channels.empty(); }
  };

  Registry& registry(SubscriptionKind kind);
  const Registry& registry(SubscriptionKind kind) const;
  // Appends one encoded message (its elements after the push header) to each receiver.
  size_t deliver(const std::vector<Connection*>& receivers, size_t elements, std::string_view body);

  DeliveryListener& listener_;
  Registry channels_;
  Registry patterns_;
  Registry shard_channels_;
  std::unordered_map<const Connection*, ClientSubscriptions> clients_;
  bool delivering_ = false;
};

}  // namespace corvid
