// Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH SSUBSCRIBE
// SUNSUBSCRIBE SPUBLISH and PUBSUB CHANNELS/NUMSUB/NUMPAT/SHARDCHANNELS/SHARDNUMSUB/HELP.
// The registry and message delivery are in server/pubsub.h.

#include "commands/context.h"
#include "server/pubsub.h"
#include "server/server.h"

namespace corvid {

namespace {

using Kind = SubscriptionKind;

// The count a (un)subscribe confirmation carries: shard channels are counted apart from
// channels and patterns, which count together.
int64_t confirmation_count(const Connection& client, Kind kind) {
  if (kind == Kind::ShardChannel) return client.subscribed_shard_channels;
  return static_cast<int64_t>(client.subscribed_channels) + client.subscribed_patterns;
}

// [word, name, count]: an array in RESP2, a push in RESP3. A null name says that an
// unsubscribe without arguments found nothing to leave.
void confirm(CommandContext& ctx, std::string_view word, const std::string_view* name, Kind kind) {
  ctx.reply.push(3);
  ctx.reply.bulk(word);
  if (name != nullptr) {
    ctx.reply.bulk(*name);
  } else {
    ctx.reply.null();
  }
  ctx.reply.integer(confirmation_count(ctx.client, kind));
  ctx.client.keep_pushed_output();
}

void subscribe_to(CommandContext& ctx, Kind kind, std::string_view word) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    ctx.server.pubsub().subscribe(ctx.client, kind, ctx.arg(i));
    confirm(ctx, word, &ctx.args[i], kind);
  }
}

void unsubscribe_from(CommandContext& ctx, Kind kind, std::string_view word) {
  PubSub& pubsub = ctx.server.pubsub();
  if (ctx.argc() > 1) {
    for (size_t i = 1; i < ctx.argc(); ++i) {
      pubsub.unsubscribe(ctx.client, kind, ctx.arg(i));
      confirm(ctx, word, &ctx.args[i], kind);
    }
    return;
  }
  std::vector<std::string> names = pubsub.subscriptions(ctx.client, kind);
  if (names.empty()) {
    confirm(ctx, word, nullptr, kind);
    return;
  }
  for (const std::string& name : names) {
    pubsub.unsubscribe(ctx.client, kind, name);
    std::string_view view = name;
    confirm(ctx, word, &view, kind);
  }
}

void subscribe(CommandContext& ctx) { subscribe_to(ctx, Kind::Channel, "subscribe"); }
void unsubscribe(CommandContext& ctx) { unsubscribe_from(ctx, Kind::Channel, "unsubscribe"); }
void psubscribe(CommandContext& ctx) { subscribe_to(ctx, Kind::Pattern, "psubscribe"); }
void punsubscribe(CommandContext& ctx) { unsubscribe_from(ctx, Kind::Pattern, "punsubscribe"); }
void ssubscribe(CommandContext& ctx) { subscribe_to(ctx, Kind::ShardChannel, "ssubscribe"); }
void sunsubscribe(CommandContext& ctx) { unsubscribe_from(ctx, Kind::ShardChannel, "sunsubscribe"); }

// Messages reach replicas' subscribers too (not the AOF), as in Redis outside cluster mode.
void publish(CommandContext& ctx) {
  ctx.propagate_always(kToReplicas);
  ctx.reply.integer(static_cast<int64_t>(ctx.server.pubsub().publish(ctx.arg(1), ctx.arg(2))));
}

void spublish(CommandContext& ctx) {
  ctx.propagate_always(kToReplicas);
  ctx.reply.integer(static_cast<int64_t>(ctx.server.pubsub().publish_shard(ctx.arg(1), ctx.arg(2))));
}


void list_active(CommandContext& ctx, Kind kind) {
  if (ctx.argc() > 3) {
    ctx.subcommand_syntax_error();
    return;
  }
  std::optional<std::string_view> pattern;
  if (ctx.argc() == 3) pattern = ctx.arg(2);
  std::vector<std::string_view> names = ctx.server.pubsub().active_names(kind, pattern);
  ctx.reply.array(names.size());
  for (std::string_view name : names) ctx.reply.bulk(name);
}

void count_subscribers(CommandContext& ctx, Kind kind) {
  // Pairs in a flat array in RESP3 too, as Redis 7.0 replies.
  ctx.reply.array((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply.bulk(ctx.arg(i));
    ctx.reply.integer(static_cast<int64_t>(ctx.server.pubsub().subscriber_count(kind, ctx.arg(i))));
  }
}

void pubsub_channels(CommandContext& ctx) { list_active(ctx, Kind::Channel); }
void pubsub_shardchannels(CommandContext& ctx) { list_active(ctx, Kind::ShardChannel); }
void pubsub_numsub(CommandContext& ctx) { count_subscribers(ctx, Kind::Channel); }
void pubsub_shardnumsub(CommandContext& ctx) { count_subscribers(ctx, Kind::ShardChannel); }

void pubsub_numpat(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.server.pubsub().active_count(Kind::Pattern)));
}

void pubsub_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
  };
  ctx.help(kLines);
}

constexpr std::string_view kGroup = "pubsub";
constexpr uint32_t kSubscribeFlags = kCmdPubSub | kCmdNoScript | kCmdLoading | kCmdStale;
constexpr uint32_t kPublishFlags = kCmdPubSub | kCmdLoading | kCmdStale | kCmdFast | kCmdMayReplicate;
constexpr uint32_t kIntrospectionFlags = kCmdPubSub | kCmdLoading | kCmdStale;
constexpr uint32_t kSlowAcl = kAclPubSub | kAclSlow;
constexpr uint32_t kFastAcl = kAclPubSub | kAclFast;

// Shard channels are not keys, but cluster routing finds the slot through key specs.
constexpr KeySpec kShardChannelsSpec[] = {{.flags = kKeyNotKey, .begin_index = 1, .last_key = -1, .key_step = 1}};
constexpr KeySpec kShardChannelSpec[] = {{.flags = kKeyNotKey, .begin_index = 1, .last_key = 0, .key_step = 1}};

constexpr CommandArg kChannels[] = {{.name = "channel", .type = ArgType::String, .flags = kArgMultiple}};
constexpr CommandArg kOptionalChannels[] = {
    {.name = "channel", .type = ArgType::String, .flags = kArgOptional | kArgMultiple}};
constexpr CommandArg kPattern[] = {{.name = "pattern", .type = ArgType::Pattern}};
constexpr CommandArg kPatterns[] = {
    {.name = "pattern", .type = ArgType::Block, .flags = kArgMultiple, .arguments = kPattern}};
constexpr CommandArg kOptionalPatterns[] = {
    {.name = "pattern", .type = ArgType::Pattern, .flags = kArgOptional | kArgMultiple}};
constexpr CommandArg kOptionalPattern[] = {{.name = "pattern", .type = ArgType::Pattern, .flags = kArgOptional}};
constexpr CommandArg kPublishArgs[] = {{.name = "channel", .type = ArgType::String},
                                       {.name = "message", .type = ArgType::String}};
constexpr CommandArg kShardChannels[] = {{.name = "shardchannel", .type = ArgType::String, .flags = kArgMultiple}};
constexpr CommandArg kOptionalShardChannels[] = {
    {.name = "shardchannel", .type = ArgType::String, .flags = kArgOptional | kArgMultiple}};
constexpr CommandArg kSpublishArgs[] = {{.name = "shardchannel", .type = ArgType::String},
                                        {.name = "message", .type = ArgType::String}};

// Summaries are our own words; the other fields follow Redis 7.0's COMMAND INFO and DOCS.
const CommandSpec kPubSubSubcommands[] = {
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = kAclSlow, .handler = pubsub_help,
     .summary = "Describes the PUBSUB subcommands.", .since = "6.2.0", .group = kGroup, .complexity = "O(1)"},
    {.name = "numpat", .arity = 2, .flags = kIntrospectionFlags, .acl_categories = kSlowAcl, .handler = pubsub_numpat,
     .summary = "Counts the distinct patterns that clients are subscribed to.", .since = "2.8.0", .group = kGroup,
     .complexity = "O(1)"},
    {.name = "channels", .arity = -2, .flags = kIntrospectionFlags, .acl_categories = kSlowAcl,
     .handler = pubsub_channels,
     .summary = "Lists the channels that have subscribers, optionally filtered by a pattern.",
     .since = "2.8.0", .group = kGroup,
     .complexity = "O(N) where N is the number of active channels, and assuming constant time pattern matching "
                   "(relatively short channels and patterns)",
     .arguments = kOptionalPattern},
    {.name = "numsub", .arity = -2, .flags = kIntrospectionFlags, .acl_categories = kSlowAcl,
     .handler = pubsub_numsub, .summary = "Counts the direct subscribers of each given channel.", .since = "2.8.0",
     .group = kGroup, .complexity = "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
     .arguments = kOptionalChannels},
    {.name = "shardchannels", .arity = -2, .flags = kIntrospectionFlags, .acl_categories = kSlowAcl,
     .handler = pubsub_shardchannels,
     .summary = "Lists the shard channels that have subscribers, optionally filtered by a pattern.", .since = "7.0.0",
     .group = kGroup,
     .complexity = "O(N) where N is the number of active shard channels, and assuming constant time pattern matching "
                   "(relatively short shard channels).",
     .arguments = kOptionalPattern},
    {.name = "shardnumsub", .arity = -2, .flags = kIntrospectionFlags, .acl_categories = kSlowAcl,
     .handler = pubsub_shardnumsub, .summary = "Counts the subscribers of each given shard channel.", .since = "7.0.0",
     .group = kGroup,
     .complexity = "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
     .arguments = kOptionalShardChannels},
};

const CommandSpec kCommands[] = {
    {.name = "subscribe", .arity = -2, .flags = kSubscribeFlags, .acl_categories = kSlowAcl, .handler = subscribe,
     .summary = "Starts receiving the messages published to the given channels.", .since = "2.0.0", .group = kGroup,
     .complexity = "O(N) where N is the number of channels to subscribe to.", .arguments = kChannels},
    {.name = "unsubscribe", .arity = -1, .flags = kSubscribeFlags, .acl_categories = kSlowAcl,
     .handler = unsubscribe, .summary = "Stops receiving messages from the given channels, or from all of them.",
     .since = "2.0.0", .group = kGroup,
     .complexity = "O(N) where N is the number of clients already subscribed to a channel.",
     .arguments = kOptionalChannels},
    {.name = "psubscribe", .arity = -2, .flags = kSubscribeFlags, .acl_categories = kSlowAcl, .handler = psubscribe,
     .summary = "Starts receiving the messages published to channels whose names match the given patterns.",
     .since = "2.0.0", .group = kGroup,
     .complexity = "O(N) where N is the number of patterns the client is already subscribed to.",
     .arguments = kPatterns},
    {.name = "punsubscribe", .arity = -1, .flags = kSubscribeFlags, .acl_categories = kSlowAcl,
     .handler = punsubscribe, .summary = "Stops receiving messages through the given patterns, or through all of them.",
     .since = "2.0.0", .group = kGroup,
     .complexity = "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of "
                   "total patterns subscribed in the system (by any client).",
     .arguments = kOptionalPatterns},
    {.name = "publish", .arity = 3, .flags = kPublishFlags, .acl_categories = kFastAcl, .handler = publish,
     .summary = "Sends a message to a channel's subscribers and to matching pattern subscribers.", .since = "2.0.0",
     .group = kGroup,
     .complexity = "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total "
                   "number of subscribed patterns (by any client).",
     .arguments = kPublishArgs},
    {.name = "pubsub", .arity = -2, .flags = 0, .acl_categories = kAclSlow, .handler = nullptr,
     .subcommands = kPubSubSubcommands, .summary = "Inspects the state of the Pub/Sub subsystem.", .since = "2.8.0",
     .group = kGroup, .complexity = "Depends on subcommand."},
    {.name = "ssubscribe", .arity = -2, .flags = kSubscribeFlags, .acl_categories = kSlowAcl, .handler = ssubscribe,
     .key_specs = kShardChannelsSpec, .summary = "Starts receiving the messages published to the given shard channels.",
     .since = "7.0.0", .group = kGroup, .complexity = "O(N) where N is the number of shard channels to subscribe to.",
     .arguments = kShardChannels},
    {.name = "sunsubscribe", .arity = -1, .flags = kSubscribeFlags, .acl_categories = kSlowAcl,
     .handler = sunsubscribe, .key_specs = kShardChannelsSpec,
     .summary = "Stops receiving messages from the given shard channels, or from all of them.", .since = "7.0.0",
     .group = kGroup, .complexity = "O(N) where N is the number of clients already subscribed to a shard channel.",
     .arguments = kOptionalShardChannels},
    {.name = "spublish", .arity = 3, .flags = kPublishFlags, .acl_categories = kFastAcl, .handler = spublish,
     .key_specs = kShardChannelSpec, .summary = "Sends a message to a shard channel's subscribers.", .since = "7.0.0",
     .group = kGroup, .complexity = "O(N) where N is the number of clients subscribed to the receiving shard channel.",
     .arguments = kSpublishArgs},
};

}  // namespace

std::span<const CommandSpec> pubsub_commands() { return kCommands; }

}  // namespace corvid
