// XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS and XINFO HELP, with Redis
// 7.0's fields in Redis's order (RESP3 maps, flat arrays in RESP2).
//
// A group's lag is how many entries were added after the last one it read: the stream's
// entries-added count minus the group's entries-read, when that count is known and no
// deletion could have made it wrong; null when it cannot be known.

#include <algorithm>
#include <string>
#include <vector>

#include "commands/command_table.h"
#include "commands/context.h"
#include "commands/stream_support.h"

namespace corvid {
namespace {

void reply_lag(CommandContext& ctx, const Stream& s, const StreamGroup& group) {
  const auto added = static_cast<int64_t>(s.entries_added());
  if (added == 0) {
    ctx.reply.integer(0);
    return;
  }
  int64_t read = group.entries_read();
  if (read == Stream::kUnknownEntriesRead || s.may_have_deleted_from(group.last_id())) {
    read = s.entries_read_at(group.last_id());
  }
  if (read == Stream::kUnknownEntriesRead) {
    ctx.reply.null();
  } else {
    ctx.reply.integer(added - read);
  }
}

void reply_entries_read(CommandContext& ctx, const StreamGroup& group) {
  if (group.entries_read() == Stream::kUnknownEntriesRead) {
    ctx.reply.null();
  } else {
    ctx.reply.integer(group.entries_read());
  }
}

// The stream at argument 2, or null after replying "no such key" or WRONGTYPE.
const StreamValue* info_stream(CommandContext& ctx) {
  const KeyEntry* entry = ctx.db.lookup_read(ctx.arg(2));
  if (entry == nullptr) {
    ctx.reply.error("ERR no such key");
    return nullptr;
  }
  bool wrong;
  return read_stream(ctx, entry, &wrong);
}

// The first or last live entry, or a null.
void reply_end_entry(CommandContext& ctx, const Stream& s, bool last) {
  if (!reply_first_stream_entry(ctx, s, StreamID::min(), StreamID::max(), last)) ctx.reply.null();
}

void reply_full_groups(CommandContext& ctx, const StreamValue& value, int64_t count) {
  const Stream& s = value.stream();
  auto shown = [&](size_t n) { return count == 0 ? n : std::min(n, static_cast<size_t>(count)); };
  ctx.reply.array(value.groups().size());
  for (const auto& [name, group] : value.groups()) {
    ctx.reply.map(7);
    ctx.reply.bulk("name");
    ctx.reply.bulk(name);
    ctx.reply.bulk("last-delivered-id");
    ctx.reply.bulk(group.last_id().text());
    ctx.reply.bulk("entries-read");
    reply_entries_read(ctx, group);
    ctx.reply.bulk("lag");
    reply_lag(ctx, s, group);
    ctx.reply.bulk("pel-count");
    ctx.reply.integer(static_cast<int64_t>(group.pending().size()));
    ctx.reply.bulk("pending");
    const size_t pel_shown = shown(group.pending().size());
    ctx.reply.array(pel_shown);
    auto it = group.pending().begin();
    for (size_t i = 0; i < pel_shown; ++i, ++it) {
      ctx.reply.array(4);
      ctx.reply.bulk(it->first.text());
      ctx.reply.bulk(it->second.owner->name);
      ctx.reply.integer(it->second.delivery_time_ms);
      ctx.reply.integer(static_cast<int64_t>(it->second.delivery_count));
    }
    ctx.reply.bulk("consumers");
    ctx.reply.array(group.consumers().size());
    for (const auto& [consumer_name, consumer] : group.consumers()) {
      ctx.reply.map(4);
      ctx.reply.bulk("name");
      ctx.reply.bulk(consumer_name);
      ctx.reply.bulk("seen-time");
      ctx.reply.integer(consumer.seen_time_ms);
      ctx.reply.bulk("pel-count");
      ctx.reply.integer(static_cast<int64_t>(consumer.pending.size()));
      ctx.reply.bulk("pending");
      const size_t own = shown(consumer.pending.size());
      ctx.reply.array(own);
      auto id = consumer.pending.begin();
      for (size_t i = 0; i < own; ++i, ++id) {
        const StreamPending& entry = *group.find_pending(*id);
        ctx.reply.array(3);
        ctx.reply.bulk(id->text());
        ctx.reply.integer(entry.delivery_time_ms);
        ctx.reply.integer(static_cast<int64_t>(entry.delivery_count));
      }
    }
  }
}

// XINFO STREAM key [FULL [COUNT n]]: FULL shows up to COUNT entries (default 10, 0 for all)
// and every group with up to COUNT pending entries each.
void xinfo_stream(CommandContext& ctx) {
  bool full = false;
  int64_t count = 10;
  if (ctx.argc() > 3) {
    const size_t extra = ctx.argc() - 3;
    if ((extra != 1 && extra != 3) || !equals_ignore_case(ctx.arg(3), "full") ||
        (extra == 3 && !equals_ignore_case(ctx.arg(4), "count"))) {
      ctx.subcommand_syntax_error();
      return;
    }
    if (extra == 3) {
      auto n = ctx.int_arg(5);
      if (!n) return;
      count = *n < 0 ? 10 : *n;
    }
    full = true;
  }
  const StreamValue* value = info_stream(ctx);
  if (value == nullptr) return;
  const Stream& s = value->stream();
  ctx.reply.map(full ? 9 : 10);
  ctx.reply.bulk("length");
  ctx.reply.integer(static_cast<int64_t>(s.length()));
  ctx.reply.bulk("radix-tree-keys");
  ctx.reply.integer(static_cast<int64_t>(s.node_count()));
  ctx.reply.bulk("radix-tree-nodes");
  ctx.reply.integer(static_cast<int64_t>(s.radix_tree_nodes()));
  ctx.reply.bulk("last-generated-id");
  ctx.reply.bulk(s.last_id().text());
  ctx.reply.bulk("max-deleted-entry-id");
  ctx.reply.bulk(s.max_deleted_id().text());
  ctx.reply.bulk("entries-added");
  ctx.reply.integer(static_cast<int64_t>(s.entries_added()));
  ctx.reply.bulk("recorded-first-entry-id");
  ctx.reply.bulk(s.first_id().text());
  if (!full) {
    ctx.reply.bulk("groups");
    ctx.reply.integer(static_cast<int64_t>(value->groups().size()));
    ctx.reply.bulk("first-entry");
    reply_end_entry(ctx, s, false);
    ctx.reply.bulk("last-entry");
    reply_end_entry(ctx, s, true);
    return;
  }
  ctx.reply.bulk("entries");
  std::vector<Stream::Entry> entries;
  s.visit(StreamID::min(), StreamID::max(), false, [&](const Stream::Entry& e) {
    entries.push_back(e);
    return count == 0 || entries.size() < static_cast<uint64_t>(count);
  });
  ctx.reply.array(entries.size());
  for (const Stream::Entry& e : entries) reply_stream_entry(ctx, e);
  ctx.reply.bulk("groups");
  reply_full_groups(ctx, *value, count);
}

void xinfo_groups(CommandContext& ctx) {
  const StreamValue* value = info_stream(ctx);
  if (value == nullptr) return;
  ctx.reply.array(value->groups().size());
  for (const auto& [name, group] : value->groups()) {
    ctx.reply.map(6);
    ctx.reply.bulk("name");
    ctx.reply.bulk(name);
    ctx.reply.bulk("consumers");
    ctx.reply.integer(static_cast<int64_t>(group.consumers().size()));
    ctx.reply.bulk("pending");
    ctx.reply.integer(static_cast<int64_t>(group.pending().size()));
    ctx.reply.bulk("last-delivered-id");
    ctx.reply.bulk(group.last_id().text());
    ctx.reply.bulk("entries-read");
    reply_entries_read(ctx, group);
    ctx.reply.bulk("lag");
    reply_lag(ctx, value->stream(), group);
  }
}

void xinfo_consumers(CommandContext& ctx) {
  const StreamValue* value = info_stream(ctx);
  if (value == nullptr) return;
  const StreamGroup* group = value->find_group(ctx.arg(3));
  if (group == nullptr) {
    ctx.reply.error("NOGROUP No such consumer group '" + std::string(ctx.arg(3)) + "' for key name '" +
                    std::string(ctx.arg(2)) + "'");
    return;
  }
  ctx.reply.array(group->consumers().size());
  for (const auto& [name, consumer] : group->consumers()) {
    ctx.reply.map(3);
    ctx.reply.bulk("name");
    ctx.reply.bulk(name);
    ctx.reply.bulk("pending");
    ctx.reply.integer(static_cast<int64_t>(consumer.pending.size()));
    ctx.reply.bulk("idle");
    ctx.reply.integer(std::max<int64_t>(0, ctx.clock.now_ms - consumer.seen_time_ms));
  }
}

void xinfo_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CONSUMERS <key> <groupname>",
      "    Lists the consumers of a group, with their pending counts and idle times.",
      "GROUPS <key>",
      "    Lists the consumer groups of a stream.",
      "STREAM <key> [FULL [COUNT <count>]",
      "    Describes a stream; FULL adds its entries and groups, COUNT of each (default 10).",
  };
  ctx.help(kLines);
}

constexpr std::string_view kGroup = "stream";
constexpr std::string_view kNondeterministic[] = {"nondeterministic_output"};
constexpr KeySpec kSubKeyRead[] = {{.flags = kKeyRO | kKeyAccess, .begin_index = 2, .last_key = 0, .key_step = 1}};
constexpr CommandArg kKey = {.name = "key", .type = ArgType::Key, .key_spec_index = 0};
constexpr CommandArg kFullCount[] = {
    {.name = "count", .type = ArgType::Integer, .token = "COUNT", .flags = kArgOptional}};
constexpr CommandArg kStreamArgs[] = {
    kKey, {.name = "full", .type = ArgType::Block, .token = "FULL", .flags = kArgOptional, .arguments = kFullCount}};
constexpr CommandArg kGroupsArgs[] = {kKey};
constexpr CommandArg kConsumersArgs[] = {kKey, {.name = "groupname", .type = ArgType::String}};
constexpr CommandHistory kStreamHistory[] = {
    {"6.0.0", "Added the `FULL` modifier."},
    {"7.0.0", "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and "
              "`lag` fields"}};
constexpr CommandHistory kGroupsHistory[] = {{"7.0.0", "Added the `entries-read` and `lag` fields"}};
constexpr uint32_t kReadAcl = kAclRead | kAclStream | kAclSlow;

const CommandSpec kXinfoSubcommands[] = {
    {.name = "stream", .arity = -3, .flags = kCmdReadOnly, .acl_categories = kReadAcl, .handler = xinfo_stream,
     .key_specs = kSubKeyRead, .summary = "Describes a stream.", .since = "5.0.0", .group = kGroup,
     .complexity = "O(1)", .arguments = kStreamArgs, .history = kStreamHistory},
    {.name = "groups", .arity = 3, .flags = kCmdReadOnly, .acl_categories = kReadAcl, .handler = xinfo_groups,
     .key_specs = kSubKeyRead, .summary = "Lists the consumer groups of a stream.", .since = "5.0.0",
     .group = kGroup, .complexity = "O(1)", .arguments = kGroupsArgs, .history = kGroupsHistory},
    {.name = "consumers", .arity = 4, .flags = kCmdReadOnly, .acl_categories = kReadAcl,
     .handler = xinfo_consumers, .key_specs = kSubKeyRead, .summary = "Lists the consumers of a consumer group.",
     .since = "5.0.0", .group = kGroup, .complexity = "O(1)", .arguments = kConsumersArgs,
     .tips = kNondeterministic},
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = kAclStream | kAclSlow,
     .handler = xinfo_help, .summary = "Describes the XINFO subcommands.", .since = "5.0.0", .group = kGroup,
     .complexity = "O(1)"},
};

// Summaries are our own words; the other fields follow Redis 7.0.
const CommandSpec kCommands[] = {
    {.name = "xinfo", .arity = -2, .flags = 0, .acl_categories = kAclSlow, .handler = nullptr,
     .subcommands = kXinfoSubcommands, .summary = "Groups the stream introspection subcommands.",
     .since = "5.0.0", .group = kGroup, .complexity = "Depends on subcommand."},
};

}  // namespace

std::span<const CommandSpec> stream_info_commands() { return kCommands; }

}  // namespace corvid
