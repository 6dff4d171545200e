// Consumer groups: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XACK,
// XPENDING, XCLAIM and XAUTOCLAIM. Reading through a group is XREADGROUP's
// (stream_reads.cc); the group itself is core/stream_group.h.
//
// As in Redis, a group's changes are not changes of the key for WATCH, client tracking or
// blocked clients (only MKSTREAM's new stream is); they count toward saves and replay, and
// XGROUP's are announced to keyspace notifications. Claims replay as XCLAIMs that force the
// entry onto its consumer with its delivery time and count, whatever the replica holds.

#include <optional>
#include <string>
#include <vector>

#include "commands/command_table.h"
#include "commands/context.h"
#include "commands/stream_support.h"

namespace corvid {
namespace {

// ---- XGROUP --------------------------------------------------------------------------

std::string no_such_group(CommandContext& ctx) {
  return "NOGROUP No such consumer group '" + std::string(ctx.arg(3)) + "' for key name '" + std::string(ctx.arg(2)) +
         "'";
}

// What every XGROUP subcommand but HELP starts with: its options (CREATE: MKSTREAM and
// ENTRIESREAD, SETID: ENTRIESREAD), then the stream at argument 2 and the group named by
// argument 3, with Redis's errors in Redis's order. False after replying an error.
struct GroupTarget {
  KeyEntry* entry = nullptr;
  StreamValue* value = nullptr;
  StreamGroup* group = nullptr;
  bool mkstream = false;
  int64_t entries_read = Stream::kUnknownEntriesRead;
};

bool group_target(CommandContext& ctx, bool needs_group, GroupTarget& t) {
  const bool create = equals_ignore_case(ctx.arg(1), "create");
  const bool setid = equals_ignore_case(ctx.arg(1), "setid");
  for (size_t i = 5; i < ctx.argc();) {
    if (create && equals_ignore_case(ctx.arg(i), "mkstream")) {
      t.mkstream = true;
      ++i;
    } else if ((create || setid) && equals_ignore_case(ctx.arg(i), "entriesread") && i + 1 < ctx.argc()) {
      auto n = ctx.int_arg(i + 1);
      if (!n) return false;
      if (*n < 0 && *n != Stream::kUnknownEntriesRead) {
        ctx.reply.error("ERR value for ENTRIESREAD must be positive or -1");
        return false;
      }
      t.entries_read = *n;
      i += 2;
    } else {
      ctx.subcommand_syntax_error();
      return false;
    }
  }
  t.entry = ctx.db.lookup_write(ctx.arg(2));
  bool wrong;
  t.value = read_stream(ctx, t.entry, &wrong);
  if (wrong) return false;
  if (t.value == nullptr && !(create && t.mkstream)) {
    ctx.reply.error("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use "
                    "the MKSTREAM option to create an empty stream automatically.");
    return false;
  }
  t.group = t.value != nullptr ? t.value->find_group(ctx.arg(3)) : nullptr;
  if (needs_group && t.group == nullptr) {
    ctx.reply.error(no_such_group(ctx));
    return false;
  }
  return true;
}

// XGROUP CREATE / SETID's <id|$>: "$" is the stream's last ID.
std::optional<StreamID> group_id_arg(CommandContext& ctx, const StreamValue* value, bool strict) {
  if (ctx.arg(4) == "$") return value != nullptr ? value->stream().last_id() : StreamID{};
  return stream_id_arg(ctx, 4, 0, strict);
}

void xgroup_create(CommandContext& ctx) {
  GroupTarget t;
  if (!group_target(ctx, false, t)) return;
  if (ctx.argc() > 8) {
    ctx.subcommand_syntax_error();
    return;
  }
  auto id = group_id_arg(ctx, t.value, true);
  if (!id) return;
  const std::string_view key = ctx.arg(2);
  bool created_stream = false;
  if (t.value == nullptr) {
    t.entry = KeyEntry::create_object(key, ValueType::Stream, std::make_unique<StreamValue>(), KeyEntry::kNoExpiry);
    ctx.db.insert(t.entry);
    t.value = &t.entry->object_as<StreamValue>();
    created_stream = true;
  }
  auto [it, added] = t.value->groups().try_emplace(std::string(ctx.arg(3)), *id, t.entries_read);
  if (!added) {
    ctx.reply.error("BUSYGROUP Consumer Group name already exists");
    return;
  }
  ctx.reply.ok();
  if (created_stream) {
    ctx.db.key_changed(key, kEventStream, "xgroup-create");
  } else {
    ctx.db.key_changed_quietly(key, kEventStream, "xgroup-create");
  }
}

void xgroup_setid(CommandContext& ctx) {
  GroupTarget t;
  if (!group_target(ctx, true, t)) return;
  if (ctx.argc() != 5 && ctx.argc() != 7) {
    ctx.subcommand_syntax_error();
    return;
  }
  auto id = group_id_arg(ctx, t.value, false);
  if (!id) return;
  t.group->set_position(*id, t.entries_read);
  ctx.reply.ok();
  ctx.db.key_changed_quietly(ctx.arg(2), kEventStream, "xgroup-setid");
}

void xgroup_destroy(CommandContext& ctx) {
  GroupTarget t;
  if (!group_target(ctx, false, t)) return;
  if (t.group == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  t.value->groups().erase(std::string(ctx.arg(3)));
  ctx.reply.integer(1);
  ctx.db.key_changed_quietly(ctx.arg(2), kEventStream, "xgroup-destroy");
  // Readers blocked on the group are told it is gone.
  ctx.db.wake_waiters(ctx.arg(2));
}

void xgroup_createconsumer(CommandContext& ctx) {
  GroupTarget t;
  if (!group_target(ctx, true, t)) return;
  const bool created = t.group->add_consumer(ctx.arg(4), ctx.clock.now_ms) != nullptr;
  ctx.reply.integer(created ? 1 : 0);
  if (created) ctx.db.key_changed_quietly(ctx.arg(2), kEventStream, "xgroup-createconsumer");
}

void xgroup_delconsumer(CommandContext& ctx) {
  GroupTarget t;
  if (!group_target(ctx, true, t)) return;
  if (t.group->find_consumer(ctx.arg(4)) == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  ctx.reply.integer(static_cast<int64_t>(t.group->remove_consumer(ctx.arg(4))));
  ctx.db.key_changed_quietly(ctx.arg(2), kEventStream, "xgroup-delconsumer");
}

void xgroup_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CREATE <key> <groupname> <id|$> [option]",
      "    Makes a consumer group that reads after <id> ($: the stream's last ID). Options:",
      "    * MKSTREAM",
      "      Makes an empty stream first if the key does not exist.",
      "    * ENTRIESREAD entries_read",
      "      How many entries the group has read so far (for replication).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Adds a consumer to the group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Removes a consumer and its pending entries.",
      "DESTROY <key> <groupname>",
      "    Removes the group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Moves the group's last delivered ID (and sets its entries_read count).",
  };
  ctx.help(kLines);
}

// ---- XACK ------------------------------------------------------------------------------

void xack(CommandContext& ctx) {
  bool wrong;
  StreamValue* value = read_stream(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  StreamGroup* group = value != nullptr ? value->find_group(ctx.arg(2)) : nullptr;
  if (group == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  auto ids = stream_id_args(ctx, 3);
  if (!ids) return;
  int64_t acknowledged = 0;
  for (StreamID id : *ids) acknowledged += group->acknowledge(id) ? 1 : 0;
  if (acknowledged > 0) ctx.db.key_changed_quietly(ctx.arg(1));
  ctx.reply.integer(acknowledged);
}

// ---- XPENDING --------------------------------------------------------------------------

// XPENDING key group: [count, first ID, last ID, [[consumer, count as a string], ...]].
void reply_pending_summary(CommandContext& ctx, const StreamGroup& group) {
  ctx.reply.array(4);
  ctx.reply.integer(static_cast<int64_t>(group.pending().size()));
  if (group.pending().empty()) {
    ctx.reply.null();
    ctx.reply.null();
    ctx.reply.null_array();
    return;
  }
  ctx.reply.bulk(group.pending().begin()->first.text());
  ctx.reply.bulk(group.pending().rbegin()->first.text());
  size_t holders = 0;
  for (const auto& [name, consumer] : group.consumers()) holders += consumer.pending.empty() ? 0 : 1;
  ctx.reply.array(holders);
  for (const auto& [name, consumer] : group.consumers()) {
    if (consumer.pending.empty()) continue;
    ctx.reply.array(2);
    ctx.reply.bulk(name);
    ctx.reply.bulk(std::to_string(consumer.pending.size()));
  }
}

// XPENDING key group [[IDLE min-idle] start end count [consumer]].
void xpending(CommandContext& ctx) {
  const size_t argc = ctx.argc();
  if (argc != 3 && (argc < 6 || argc > 9)) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  int64_t min_idle = 0;
  int64_t count = 0;
  StreamID start, end;
  std::optional<std::string_view> consumer_name;
  if (argc >= 6) {
    size_t at = 3;
    if (equals_ignore_case(ctx.arg(3), "idle")) {
      auto idle = ctx.int_arg(4);
      if (!idle) return;
      min_idle = *idle;
      if (argc < 8) {
        ctx.reply.error(errors::kSyntax);
        return;
      }
      at += 2;
    }
    auto n = ctx.int_arg(at + 2);
    if (!n) return;
    count = *n < 0 ? 0 : *n;
    auto first = stream_bound_arg(ctx, at, true);
    if (!first) return;
    auto last = stream_bound_arg(ctx, at + 1, false);
    if (!last) return;
    start = *first;
    end = *last;
    if (at + 3 < argc) consumer_name = ctx.arg(at + 3);
  }
  StreamValue* value;
  StreamGroup* group = stream_group_arg(ctx, &value);
  if (group == nullptr) return;
  if (argc == 3) {
    reply_pending_summary(ctx, *group);
    return;
  }
  const StreamConsumer* consumer = nullptr;
  if (consumer_name) {
    consumer = group->find_consumer(*consumer_name);
    if (consumer == nullptr) {
      ctx.reply.array(0);
      return;
    }
  }
  const int64_t now = ctx.clock.now_ms;
  struct Row {
    StreamID id;
    const StreamPending* entry;
  };
  std::vector<Row> rows;
  auto consider = [&](StreamID id, const StreamPending& entry) {
    if (min_idle != 0 && now - entry.delivery_time_ms < min_idle) return true;
    rows.push_back(Row{id, &entry});
    return static_cast<int64_t>(rows.size()) < count;
  };
  if (count > 0 && start <= end) {
    if (consumer != nullptr) {
      for (auto it = consumer->pending.lower_bound(start); it != consumer->pending.end() && *it <= end; ++it) {
        if (!consider(*it, *group->find_pending(*it))) break;
      }
    } else {
      for (auto it = group->pending().lower_bound(start); it != group->pending().end() && it->first <= end; ++it) {
        if (!consider(it->first, it->second)) break;
      }
    }
  }
  ctx.reply.array(rows.size());
  for (const Row& row : rows) {
    ctx.reply.array(4);
    ctx.reply.bulk(row.id.text());
    ctx.reply.bulk(row.entry->owner->name);
    ctx.reply.integer(std::max<int64_t>(0, now - row.entry->delivery_time_ms));
    ctx.reply.integer(static_cast<int64_t>(row.entry->delivery_count));
  }
}

// ---- XCLAIM / XAUTOCLAIM -------------------------------------------------------------

// The consumer a claim gives entries to, made (and announced) on first use.
StreamConsumer& claiming_consumer(CommandContext& ctx, StreamGroup& group, std::string_view name) {
  StreamConsumer* consumer = group.find_consumer(name);
  if (consumer == nullptr) {
    consumer = group.add_consumer(name, ctx.clock.now_ms);
    ctx.db.key_changed_quietly(ctx.arg(1), kEventStream, "xgroup-createconsumer");
  }
  consumer->seen_time_ms = ctx.clock.now_ms;
  return *consumer;
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n]
// [FORCE] [JUSTID] [LASTID id].
void xclaim(CommandContext& ctx) {
  StreamValue* value;
  StreamGroup* group = stream_group_arg(ctx, &value);
  if (group == nullptr) return;
  auto min_idle = ctx.int_arg(4, "ERR Invalid min-idle-time argument for XCLAIM");
  if (!min_idle) return;
  if (*min_idle < 0) *min_idle = 0;
  // The IDs run up to the first argument that is not one; the options follow.
  size_t options_at = 5;
  while (options_at < ctx.argc() && parse_stream_id(ctx.arg(options_at), 0, true)) ++options_at;
  const int64_t now = ctx.clock.now_ms;
  std::optional<int64_t> delivery_time;
  int64_t retry_count = -1;
  bool force = false, justid = false;
  StreamID last_id;
  for (size_t i = options_at; i < ctx.argc(); ++i) {
    const bool more = i + 1 < ctx.argc();
    const std::string_view opt = ctx.arg(i);
    if (equals_ignore_case(opt, "force")) {
      force = true;
    } else if (equals_ignore_case(opt, "justid")) {
      justid = true;
    } else if (equals_ignore_case(opt, "idle") && more) {
      auto ms = ctx.int_arg(++i, "ERR Invalid IDLE option argument for XCLAIM");
      if (!ms) return;
      delivery_time = now - *ms;
    } else if (equals_ignore_case(opt, "time") && more) {
      auto ms = ctx.int_arg(++i, "ERR Invalid TIME option argument for XCLAIM");
      if (!ms) return;
      delivery_time = *ms;
    } else if (equals_ignore_case(opt, "retrycount") && more) {
      auto n = ctx.int_arg(++i, "ERR Invalid RETRYCOUNT option argument for XCLAIM");
      if (!n) return;
      retry_count = *n;
    } else if (equals_ignore_case(opt, "lastid") && more) {
      auto id = stream_id_arg(ctx, ++i, 0, true);
      if (!id) return;
      last_id = *id;
    } else {
      ctx.reply.error("ERR Unrecognized XCLAIM option '" + std::string(opt) + "'");
      return;
    }
  }
  const std::string_view key = ctx.arg(1);
  const std::string_view group_name = ctx.arg(2);
  bool changed = false;
  bool replays = false;
  const bool moved_last_id = last_id > group->last_id();
  if (moved_last_id) {
    group->set_position(last_id, group->entries_read());
    changed = true;
  }
  // A time in the future, or before the epoch, is taken as now rather than refused:
  // clients compute it from their own clocks.
  if (!delivery_time || *delivery_time < 0 || *delivery_time > now) delivery_time = now;

  const Stream& s = value->stream();
  size_t claimed = 0;
  std::vector<std::pair<StreamID, bool>> replies;  // the ID and whether to send its entry
  for (size_t i = 5; i < options_at; ++i) {
    const StreamID id = *parse_stream_id(ctx.arg(i), 0, true);
    StreamPending* entry = group->find_pending(id);
    if (!s.contains(id)) {
      // An entry deleted since it was delivered leaves the PEL.
      if (entry != nullptr) {
        propagate_claim(ctx, key, group_name, *group, ctx.arg(i), *entry);
        replays = changed = true;
        group->acknowledge(id);
      }
      continue;
    }
    const bool forced_new = entry == nullptr;
    if (forced_new && !force) continue;
    if (!forced_new && *min_idle != 0 && now - entry->delivery_time_ms < *min_idle) continue;
    StreamConsumer& consumer = claiming_consumer(ctx, *group, ctx.arg(3));
    uint64_t deliveries = forced_new ? 0 : entry->delivery_count;
    if (retry_count >= 0) {
      deliveries = static_cast<uint64_t>(retry_count);
    } else if (!justid) {
      ++deliveries;
    }
    const StreamPending& updated = group->assign(id, consumer, *delivery_time, deliveries);
    replies.emplace_back(id, !justid);
    propagate_claim(ctx, key, group_name, *group, ctx.arg(i), updated);
    replays = changed = true;
    ++claimed;
  }
  if (moved_last_id && !replays) {
    propagate_group_position(ctx, key, group_name, *group);
    replays = true;
  }
  ctx.reply.array(claimed);
  for (const auto& [id, with_entry] : replies) {
    if (with_entry) {
      reply_stream_entry_by_id(ctx, s, id);
    } else {
      ctx.reply.bulk(id.text());
    }
  }
  if (changed) ctx.db.key_changed_quietly(key);
  if (!replays) ctx.propagate_nothing();
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]: claims up to
// COUNT idle-enough pending entries from `start` on, looking at no more than ten times
// COUNT; replies the ID to go on from (0-0 at the end), the claimed entries, and the IDs
// it dropped from the PEL because their entries were deleted.
void xautoclaim(CommandContext& ctx) {
  constexpr int64_t kAttemptsPerCount = 10;
  auto min_idle = ctx.int_arg(4, "ERR Invalid min-idle-time argument for XAUTOCLAIM");
  if (!min_idle) return;
  if (*min_idle < 0) *min_idle = 0;
  auto start = stream_bound_arg(ctx, 5, true);
  if (!start) return;
  int64_t count = 100;
  bool justid = false;
  for (size_t i = 6; i < ctx.argc(); ++i) {
    if (equals_ignore_case(ctx.arg(i), "count") && i + 1 < ctx.argc()) {
      auto n = ctx.int_arg(++i, "ERR COUNT must be > 0");
      if (!n) return;
      if (*n < 1 || *n > INT64_MAX / 16) {
        ctx.reply.error("ERR COUNT must be > 0");
        return;
      }
      count = *n;
    } else if (equals_ignore_case(ctx.arg(i), "justid")) {
      justid = true;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  StreamValue* value;
  StreamGroup* group = stream_group_arg(ctx, &value);
  if (group == nullptr) return;
  const std::string_view key = ctx.arg(1);
  const std::string_view group_name = ctx.arg(2);
  const Stream& s = value->stream();
  const int64_t now = ctx.clock.now_ms;
  int64_t attempts = count * kAttemptsPerCount;
  std::vector<StreamID> claimed, deleted;
  auto it = group->pending().lower_bound(*start);
  while (attempts-- > 0 && count > 0 && it != group->pending().end()) {
    const StreamID id = it->first;
    const StreamPending& entry = it->second;
    ++it;
    if (!s.contains(id)) {
      propagate_claim(ctx, key, group_name, *group, id.text(), entry);
      group->acknowledge(id);
      deleted.push_back(id);
      --count;
      continue;
    }
    if (*min_idle != 0 && now - entry.delivery_time_ms < *min_idle) continue;
    StreamConsumer& consumer = claiming_consumer(ctx, *group, ctx.arg(3));
    const StreamPending& updated =
        group->assign(id, consumer, now, entry.delivery_count + (justid ? 0 : 1));
    propagate_claim(ctx, key, group_name, *group, id.text(), updated);
    claimed.push_back(id);
    --count;
  }
  const StreamID next = it == group->pending().end() ? StreamID{} : it->first;
  ctx.reply.array(3);
  ctx.reply.bulk(next.text());
  ctx.reply.array(claimed.size());
  for (StreamID id : claimed) {
    if (justid) {
      ctx.reply.bulk(id.text());
    } else {
      reply_stream_entry_by_id(ctx, s, id);
    }
  }
  ctx.reply.array(deleted.size());
  for (StreamID id : deleted) ctx.reply.bulk(id.text());
  if (!claimed.empty() || !deleted.empty()) {
    ctx.db.key_changed_quietly(key);
  } else {
    ctx.propagate_nothing();
  }
}

// ---- The table ------------------------------------------------------------------------

constexpr std::string_view kGroup = "stream";
constexpr std::string_view kNondeterministic[] = {"nondeterministic_output"};

constexpr KeySpec kSubKeyInsert[] = {{.flags = kKeyRW | kKeyInsert, .begin_index = 2, .last_key = 0, .key_step = 1}};
constexpr KeySpec kSubKeyUpdate[] = {{.flags = kKeyRW | kKeyUpdate, .begin_index = 2, .last_key = 0, .key_step = 1}};
constexpr KeySpec kSubKeyDelete[] = {{.flags = kKeyRW | kKeyDelete, .begin_index = 2, .last_key = 0, .key_step = 1}};
constexpr KeySpec kUpdatedKey[] = {{.flags = kKeyRW | kKeyUpdate, .begin_index = 1, .last_key = 0, .key_step = 1}};
constexpr KeySpec kDeletingKey[] = {{.flags = kKeyRW | kKeyDelete, .begin_index = 1, .last_key = 0, .key_step = 1}};
constexpr KeySpec kReadKey[] = {{.flags = kKeyRO | kKeyAccess, .begin_index = 1, .last_key = 0, .key_step = 1}};

constexpr CommandArg kKey = {.name = "key", .type = ArgType::Key, .key_spec_index = 0};
constexpr CommandArg kGroupName = {.name = "groupname", .type = ArgType::String};
constexpr CommandArg kConsumerName = {.name = "consumername", .type = ArgType::String};
constexpr CommandArg kIdOrNew[] = {
    {.name = "id", .type = ArgType::String},
    {.name = "new_id", .type = ArgType::PureToken, .token = "$"},
};
constexpr CommandArg kCreateArgs[] = {
    kKey,
    kGroupName,
    {.name = "id", .type = ArgType::OneOf, .arguments = kIdOrNew},
    {.name = "mkstream", .type = ArgType::PureToken, .token = "MKSTREAM", .flags = kArgOptional},
    {.name = "entries_read", .type = ArgType::Integer, .token = "ENTRIESREAD", .flags = kArgOptional},
};
constexpr CommandArg kSetidArgs[] = {
    kKey,
    kGroupName,
    {.name = "id", .type = ArgType::OneOf, .arguments = kIdOrNew},
    {.name = "entries_read", .type = ArgType::Integer, .token = "ENTRIESREAD", .flags = kArgOptional},
};
constexpr CommandArg kDestroyArgs[] = {kKey, kGroupName};
constexpr CommandArg kConsumerArgs[] = {kKey, kGroupName, kConsumerName};
constexpr CommandHistory kCreateHistory[] = {{"7.0.0", "Added the `entries_read` named argument."}};
constexpr CommandHistory kSetidHistory[] = {{"7.0.0", "Added the optional `entries_read` argument."}};

constexpr uint32_t kWriteAcl = kAclWrite | kAclStream | kAclSlow;

const CommandSpec kXgroupSubcommands[] = {
    {.name = "create", .arity = -5, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kWriteAcl,
     .handler = xgroup_create, .key_specs = kSubKeyInsert, .summary = "Makes a consumer group.", .since = "5.0.0",
     .group = kGroup, .complexity = "O(1)", .arguments = kCreateArgs, .history = kCreateHistory},
    {.name = "setid", .arity = -5, .flags = kCmdWrite, .acl_categories = kWriteAcl, .handler = xgroup_setid,
     .key_specs = kSubKeyUpdate, .summary = "Moves a consumer group's last delivered ID.", .since = "5.0.0",
     .group = kGroup, .complexity = "O(1)", .arguments = kSetidArgs, .history = kSetidHistory},
    {.name = "destroy", .arity = 4, .flags = kCmdWrite, .acl_categories = kWriteAcl, .handler = xgroup_destroy,
     .key_specs = kSubKeyDelete, .summary = "Removes a consumer group.", .since = "5.0.0", .group = kGroup,
     .complexity = "O(N) where N is the number of entries in the group's pending entries list (PEL).",
     .arguments = kDestroyArgs},
    {.name = "createconsumer", .arity = 5, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kWriteAcl,
     .handler = xgroup_createconsumer, .key_specs = kSubKeyInsert, .summary = "Adds a consumer to a group.",
     .since = "6.2.0", .group = kGroup, .complexity = "O(1)", .arguments = kConsumerArgs},
    {.name = "delconsumer", .arity = 5, .flags = kCmdWrite, .acl_categories = kWriteAcl,
     .handler = xgroup_delconsumer, .key_specs = kSubKeyDelete,
     .summary = "Removes a consumer (and its pending entries) from a group.", .since = "5.0.0", .group = kGroup,
     .complexity = "O(1)", .arguments = kConsumerArgs},
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = kAclStream | kAclSlow,
     .handler = xgroup_help, .summary = "Describes the XGROUP subcommands.", .since = "5.0.0", .group = kGroup,
     .complexity = "O(1)"},
};

constexpr CommandArg kXackArgs[] = {
    kKey, {.name = "group", .type = ArgType::String}, {.name = "id", .type = ArgType::String, .flags = kArgMultiple}};
constexpr CommandArg kPendingFilters[] = {
    {.name = "min-idle-time", .type = ArgType::Integer, .token = "IDLE", .flags = kArgOptional, .since = "6.2.0"},
    {.name = "start", .type = ArgType::String},
    {.name = "end", .type = ArgType::String},
    {.name = "count", .type = ArgType::Integer},
    {.name = "consumer", .type = ArgType::String, .flags = kArgOptional},
};
constexpr CommandArg kXpendingArgs[] = {
    kKey,
    {.name = "group", .type = ArgType::String},
    {.name = "filters", .type = ArgType::Block, .flags = kArgOptional, .arguments = kPendingFilters},
};
constexpr CommandHistory kXpendingHistory[] = {{"6.2.0", "Added the `IDLE` option and exclusive range intervals."}};
constexpr CommandArg kXclaimArgs[] = {
    kKey,
    {.name = "group", .type = ArgType::String},
    {.name = "consumer", .type = ArgType::String},
    {.name = "min-idle-time", .type = ArgType::String},
    {.name = "id", .type = ArgType::String, .flags = kArgMultiple},
    {.name = "ms", .type = ArgType::Integer, .token = "IDLE", .flags = kArgOptional},
    {.name = "unix-time-milliseconds", .type = ArgType::UnixTime, .token = "TIME", .flags = kArgOptional},
    {.name = "count", .type = ArgType::Integer, .token = "RETRYCOUNT", .flags = kArgOptional},
    {.name = "force", .type = ArgType::PureToken, .token = "FORCE", .flags = kArgOptional},
    {.name = "justid", .type = ArgType::PureToken, .token = "JUSTID", .flags = kArgOptional},
    {.name = "id", .type = ArgType::String, .token = "LASTID", .flags = kArgOptional},
};
constexpr CommandArg kXautoclaimArgs[] = {
    kKey,
    {.name = "group", .type = ArgType::String},
    {.name = "consumer", .type = ArgType::String},
    {.name = "min-idle-time", .type = ArgType::String},
    {.name = "start", .type = ArgType::String},
    {.name = "count", .type = ArgType::Integer, .token = "COUNT", .flags = kArgOptional},
    {.name = "justid", .type = ArgType::PureToken, .token = "JUSTID", .flags = kArgOptional},
};
constexpr CommandHistory kXautoclaimHistory[] = {
    {"7.0.0", "Added an element to the reply array, containing deleted entries the command cleared from the PEL"}};

// Summaries are our own words; the other fields follow Redis 7.0.
const CommandSpec kCommands[] = {
    {.name = "xgroup", .arity = -2, .flags = 0, .acl_categories = kAclSlow, .handler = nullptr,
     .subcommands = kXgroupSubcommands, .summary = "Groups the consumer group subcommands.", .since = "5.0.0",
     .group = kGroup, .complexity = "Depends on subcommand."},
    {.name = "xack", .arity = -4, .flags = kCmdWrite | kCmdFast, .acl_categories = kAclWrite | kAclStream | kAclFast,
     .handler = xack, .key_specs = kUpdatedKey,
     .summary = "Acknowledges entries: takes them out of a group's pending entries list.", .since = "5.0.0",
     .group = kGroup, .complexity = "O(1) for each message ID processed.", .arguments = kXackArgs},
    {.name = "xpending", .arity = -3, .flags = kCmdReadOnly, .acl_categories = kAclRead | kAclStream | kAclSlow,
     .handler = xpending, .key_specs = kReadKey,
     .summary = "Summarizes or lists the entries a group delivered and nobody acknowledged yet.", .since = "5.0.0",
     .group = kGroup,
     .complexity = "O(N) with N being the number of elements returned, so asking for a small fixed number of "
                   "entries per call is O(1). O(M), where M is the total number of entries scanned when used with "
                   "the IDLE filter. When the command returns just the summary and the list of consumers is small, "
                   "it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
     .arguments = kXpendingArgs, .history = kXpendingHistory, .tips = kNondeterministic},
    {.name = "xclaim", .arity = -6, .flags = kCmdWrite | kCmdFast, .acl_categories = kAclWrite | kAclStream | kAclFast,
     .handler = xclaim, .key_specs = kUpdatedKey,
     .summary = "Gives pending entries to another consumer, as if delivered to it.", .since = "5.0.0",
     .group = kGroup, .complexity = "O(log N) with N being the number of messages in the PEL of the consumer group.",
     .arguments = kXclaimArgs, .tips = kNondeterministic},
    {.name = "xautoclaim", .arity = -6, .flags = kCmdWrite | kCmdFast,
     .acl_categories = kAclWrite | kAclStream | kAclFast, .handler = xautoclaim, .key_specs = kDeletingKey,
     .summary = "Gives pending entries idle for long enough to another consumer, walking the PEL.",
     .since = "6.2.0", .group = kGroup, .complexity = "O(1) if COUNT is small.", .arguments = kXautoclaimArgs,
     .history = kXautoclaimHistory, .tips = kNondeterministic},
};

}  // namespace

std::span<const CommandSpec> stream_group_commands() { return kCommands; }

}  // namespace corvid
