// PubSub registry: subscription bookkeeping, delivery bytes and order, removal.

#include "server/pubsub.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "server/server.h"

namespace corvid {
namespace {

struct RecordingListener : PubSub::DeliveryListener {
  std::vector<uint64_t> receivers;
  void on_message_queued(Connection& receiver) override { receivers.push_back(receiver.id()); }
};

// A connection over a socketpair: what the registry writes to it can be read back.
struct TestClient {
  TestClient(Server& server, uint64_t id) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    peer = fds[1];
    conn = std::make_unique<Connection>(server, fds[0], id, "", "", true, 0);
  }
  ~TestClient() { close(peer); }

  std::string received() {
    EXPECT_TRUE(conn->flush());
    std::string out;
    char buffer[4096];
    while (true) {
      ssize_t n = recv(peer, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
    }
    return out;
  }

  std::unique_ptr<Connection> conn;
  int peer = -1;
};

class PubSubTest : public ::testing::Test {
 protected:
  PubSubTest() : server(Config{}), pubsub(listener) {
    for (uint64_t id = 1; id <= 3; ++id) clients.push_back(std::make_unique<TestClient>(server, id));
  }
  Connection& c(size_t i) { return *clients[i]->conn; }

  Server server;
  RecordingListener listener;
  PubSub pubsub;
  std::vector<std::unique_ptr<TestClient>> clients;
};

TEST_F(PubSubTest, SubscriptionsAreCountedOncePerName) {
  EXPECT_TRUE(pubsub.subscribe(c(0), SubscriptionKind::Channel, "a"));
  EXPECT_FALSE(pubsub.subscribe(c(0), SubscriptionKind::Channel, "a"));
  EXPECT_TRUE(pubsub.subscribe(c(0), SubscriptionKind::Pattern, "a*"));
  EXPECT_TRUE(pubsub.subscribe(c(0), SubscriptionKind::ShardChannel, "a"));
  EXPECT_TRUE(pubsub.subscribe(c(1), SubscriptionKind::Channel, "a"));
  EXPECT_EQ(c(0).subscribed_channels, 1u);
  EXPECT_EQ(c(0).subscribed_patterns, 1u);
  EXPECT_EQ(c(0).subscribed_shard_channels, 1u);
  EXPECT_TRUE(c(0).subscribed());
  EXPECT_FALSE(c(2).subscribed());
  EXPECT_EQ(pubsub.subscriber_count(SubscriptionKind::Channel, "a"), 2u);
  EXPECT_EQ(pubsub.subscriber_count(SubscriptionKind::ShardChannel, "a"), 1u);
  EXPECT_EQ(pubsub.active_count(SubscriptionKind::Pattern), 1u);

  EXPECT_FALSE(pubsub.unsubscribe(c(2), SubscriptionKind::Channel, "a"));
  EXPECT_FALSE(pubsub.unsubscribe(c(0), SubscriptionKind::Channel, "b"));
  EXPECT_TRUE(pubsub.unsubscribe(c(0), SubscriptionKind::Channel, "a"));
  EXPECT_EQ(pubsub.subscriber_count(SubscriptionKind::Channel, "a"), 1u);
  EXPECT_TRUE(pubsub.unsubscribe(c(1), SubscriptionKind::Channel, "a"));
  EXPECT_EQ(pubsub.active_count(SubscriptionKind::Channel), 0u);
  EXPECT_TRUE(c(0).subscribed());  // the pattern and the shard channel remain
}

TEST_F(PubSubTest, PatternsKeepTheirSubscriptionOrder) {
  for (const char* p : {"z*", "a*", "m*"}) pubsub.subscribe(c(0), SubscriptionKind::Pattern, p);
  pubsub.unsubscribe(c(0), SubscriptionKind::Pattern, "a*");
  pubsub.subscribe(c(0), SubscriptionKind::Pattern, "a*");
  EXPECT_EQ(pubsub.subscriptions(c(0), SubscriptionKind::Pattern), (std::vector<std::string>{"z*", "m*", "a*"}));
}

TEST_F(PubSubTest, ActiveNamesFilterWithTheGlobDialect) {
  for (const char* name : {"news", "nets", "sport", ""}) pubsub.subscribe(c(0), SubscriptionKind::Channel, name);
  auto names = pubsub.active_names(SubscriptionKind::Channel, "ne[wt]s");
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string_view>{"nets", "news"}));
  EXPECT_EQ(pubsub.active_names(SubscriptionKind::Channel, std::nullopt).size(), 4u);
  EXPECT_EQ(pubsub.active_names(SubscriptionKind::Channel, "*").size(), 3u);  // "*" skips the empty name
}

TEST_F(PubSubTest, PublishWritesMessagesThenPatternMessages) {
  pubsub.subscribe(c(0), SubscriptionKind::Channel, "news");
  pubsub.subscribe(c(0), SubscriptionKind::Pattern, "n*");
  pubsub.subscribe(c(1), SubscriptionKind::Pattern, "n*");
  c(1).reply().set_protocol(3);
  pubsub.subscribe(c(2), SubscriptionKind::ShardChannel, "news");
  EXPECT_EQ(pubsub.publish("news", "hi"), 3u);
  EXPECT_EQ(listener.receivers, (std::vector<uint64_t>{1, 1, 2}));
  EXPECT_EQ(clients[0]->received(),
            "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n"
            "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
  EXPECT_EQ(clients[1]->received(), ">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
  EXPECT_EQ(clients[2]->received(), "");

  EXPECT_EQ(pubsub.publish_shard("news", "s"), 1u);
  EXPECT_EQ(clients[2]->received(), "*3\r\n$8\r\nsmessage\r\n$4\r\nnews\r\n$1\r\ns\r\n");
  EXPECT_EQ(pubsub.publish_shard("other", "s"), 0u);
  EXPECT_EQ(pubsub.publish("other", "s"), 0u);
}

TEST_F(PubSubTest, ClosedClientCountsButGetsNothing) {
  pubsub.subscribe(c(0), SubscriptionKind::Channel, "a");
  pubsub.subscribe(c(1), SubscriptionKind::Channel, "a");
  c(0).mark_closed();
  EXPECT_EQ(pubsub.publish("a", "x"), 2u);
  EXPECT_EQ(listener.receivers, (std::vector<uint64_t>{2}));
}

TEST_F(PubSubTest, RemoveClientLeavesEverything) {
  pubsub.subscribe(c(0), SubscriptionKind::Channel, "a");
  pubsub.subscribe(c(0), SubscriptionKind::Channel, "b");
  pubsub.subscribe(c(0), SubscriptionKind::Pattern, "p*");
  pubsub.subscribe(c(0), SubscriptionKind::ShardChannel, "s");
  pubsub.subscribe(c(1), SubscriptionKind::Channel, "a");
  pubsub.remove_client(c(0));
  EXPECT_FALSE(c(0).subscribed());
  EXPECT_EQ(pubsub.active_count(SubscriptionKind::Channel), 1u);
  EXPECT_EQ(pubsub.active_count(SubscriptionKind::Pattern), 0u);
  EXPECT_EQ(pubsub.active_count(SubscriptionKind::ShardChannel), 0u);
  EXPECT_TRUE(pubsub.subscriptions(c(0), SubscriptionKind::Channel).empty());
  EXPECT_EQ(pubsub.publish("a", "x"), 1u);
  pubsub.remove_client(c(2));  // never subscribed: nothing to do
}

}  // namespace
}  // namespace corvid
