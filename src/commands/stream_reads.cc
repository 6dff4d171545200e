// XREAD and XREADGROUP: one parser and one reply shape for both, as the two differ only in
// where reading starts and in what a group read records.
//
// A group read with ">" delivers entries the group has not seen: the group's last ID and
// entries-read count move forward, and (unless NOACK) each entry enters the reading
// consumer's pending list. A group read with an ID serves the consumer's own pending
// entries after it instead (its history), counting another delivery of each. What a group
// read changes replays as Redis replays it: each new pending entry as an XCLAIM that
// forces it onto its consumer, and with NOACK the consumer's creation and the group's new
// position (XGROUP CREATECONSUMER, XGROUP SETID).
//
// Blocked reads run again from the start when an entry arrives (server/blocking.h); a
// blocked group read also runs again when its stream or group goes, and then fails.

#include <optional>
#include <string>
#include <vector>

#include "commands/command_table.h"
#include "commands/context.h"
#include "commands/stream_support.h"
#include "server/server.h"

namespace corvid {
namespace {

struct ReadArgs {
  bool grouped = false;  // XREADGROUP
  std::string_view group_name, consumer_name;
  int64_t count = 0;                // 0: no limit
  std::optional<int64_t> deadline;  // set by BLOCK (0: forever)
  bool noack = false;
  size_t streams_at = 0;  // the first key
  size_t streams = 0;
};

// The options before STREAMS, with Redis's errors in Redis's order.
bool parse_read_args(CommandContext& ctx, ReadArgs& args) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const size_t more = ctx.argc() - 1 - i;
    const std::string_view opt = ctx.arg(i);
    if (equals_ignore_case(opt, "block") && more > 0) {
      if (ctx.server.is_script_client(ctx.client)) {
        ctx.reply.error("ERR " + std::string(ctx.arg(0)) + " command is not allowed with BLOCK option from scripts");
        return false;
      }
      auto ms = ctx.int_arg(++i, "ERR timeout is not an integer or out of range");
      if (!ms) return false;
      if (*ms < 0) {
        ctx.reply.error("ERR timeout is negative");
        return false;
      }
      args.deadline = *ms == 0 ? 0 : ctx.clock.now_ms + *ms;
    } else if (equals_ignore_case(opt, "count") && more > 0) {
      auto n = ctx.int_arg(++i);
      if (!n) return false;
      args.count = *n < 0 ? 0 : *n;
    } else if (equals_ignore_case(opt, "streams") && more > 0) {
      args.streams_at = i + 1;
      if ((ctx.argc() - args.streams_at) % 2 != 0) {
        // (Redis 7.0 words it so for XREADGROUP too.)
        ctx.reply.error("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
        return false;
      }
      args.streams = (ctx.argc() - args.streams_at) / 2;
      break;
    } else if (equals_ignore_case(opt, "group") && more >= 2) {
      if (!args.grouped) {
        ctx.reply.error("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      args.group_name = ctx.arg(i + 1);
      args.consumer_name = ctx.arg(i + 2);
      i += 2;
    } else if (equals_ignore_case(opt, "noack")) {
      if (!args.grouped) {
        ctx.reply.error("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      args.noack = true;
    } else {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
  }
  if (args.streams_at == 0) {
    ctx.reply.error(errors::kSyntax);
    return false;
  }
  if (args.grouped && args.group_name.data() == nullptr) {
    ctx.reply.error("ERR Missing GROUP option for XREADGROUP");
    return false;
  }
  return true;
}

// Where reading starts on one stream: after `after`; `history` for a group read of the
// consumer's own pending entries, `new_only` for ">".
struct Source {
  StreamValue* value = nullptr;
  StreamGroup* group = nullptr;
  StreamID after;
  bool new_only = false;
};

// One stream's answer. A history read may name a pending ID whose entry was deleted since
// it was delivered: it is answered as the ID and a null.
struct ReadEntry {
  Stream::Entry entry;
  bool deleted = false;
};
struct Served {
  size_t index;
  std::vector<ReadEntry> entries;
};

// A group read of new entries: moves the group forward over each, records each as pending
// for `consumer` (unless NOACK). Returns whether it said how that replays.
bool deliver_new(CommandContext& ctx, const ReadArgs& args, std::string_view key, Source& src,
                 StreamConsumer& consumer, Served& out) {
  Stream& s = src.value->stream();
  StreamGroup& group = *src.group;
  StreamID start = group.last_id();
  if (!start.increment()) return false;
  std::vector<Stream::Entry> entries;
  s.visit(start, StreamID::max(), false, [&](const Stream::Entry& e) {
    entries.push_back(e);
    return args.count == 0 || entries.size() < static_cast<uint64_t>(args.count);
  });
  bool moved = false;
  for (Stream::Entry& e : entries) {
    // The entries-read count follows the group one entry at a time while nothing deleted
    // may lie ahead; otherwise it is worked out again from the stream's numbers.
    int64_t entries_read = group.entries_read();
    if (entries_read != Stream::kUnknownEntriesRead && !s.may_have_deleted_from(e.id)) {
      ++entries_read;
    } else if (s.entries_added() != 0) {
      entries_read = s.entries_read_at(e.id);
    }
    group.set_position(e.id, entries_read);
    moved = true;
    if (!args.noack) {
      const StreamPending& pending = group.assign(e.id, consumer, ctx.clock.now_ms, 1);
      propagate_claim(ctx, key, args.group_name, group, e.id.text(), pending);
    }
    out.entries.push_back(ReadEntry{std::move(e)});
  }
  if (!moved) return false;
  ctx.db.key_changed_quietly(key);
  if (args.noack) propagate_group_position(ctx, key, args.group_name, group);
  return true;
}

// A group read of the consumer's history: its pending entries after `src.after`, each
// delivered once more.
void deliver_history(CommandContext& ctx, const ReadArgs& args, std::string_view key, Source& src,
                     StreamConsumer& consumer, Served& out) {
  StreamID start = src.after;
  if (!start.increment()) return;
  const Stream& s = src.value->stream();
  for (auto it = consumer.pending.lower_bound(start); it != consumer.pending.end(); ++it) {
    if (args.count != 0 && out.entries.size() >= static_cast<uint64_t>(args.count)) break;
    ReadEntry read{Stream::Entry{*it, {}}, true};
    s.visit(*it, *it, false, [&](const Stream::Entry& e) {
      read = ReadEntry{e};
      return false;
    });
    if (!read.deleted) {
      StreamPending& pending = *src.group->find_pending(*it);
      pending.delivery_time_ms = ctx.clock.now_ms;
      ++pending.delivery_count;
    }
    out.entries.push_back(std::move(read));
  }
  ctx.db.key_changed_quietly(key);
}

void read_streams(CommandContext& ctx, bool grouped) {
  ReadArgs args;
  args.grouped = grouped;
  if (!parse_read_args(ctx, args)) return;
  const bool rerun = ctx.client.blocked();
  std::vector<Source> sources(args.streams);
  bool resolved_dollar = false;
  for (size_t i = 0; i < args.streams; ++i) {
    Source& src = sources[i];
    const std::string_view key = ctx.arg(args.streams_at + i);
    bool wrong;
    const KeyEntry* entry = ctx.db.lookup_read(key);
    if (rerun && grouped && (entry == nullptr || entry->type() != ValueType::Stream)) {
      ctx.reply.error("UNBLOCKED the stream key no longer exists");
      return;
    }
    src.value = read_stream(ctx, entry, &wrong);
    if (wrong) return;
    if (grouped) {
      src.group = src.value != nullptr ? src.value->find_group(args.group_name) : nullptr;
      if (src.group == nullptr) {
        ctx.reply.error(rerun ? "NOGROUP the consumer group this client was blocked on no longer exists"
                              : "NOGROUP No such key '" + std::string(key) + "' or consumer group '" +
                                    std::string(args.group_name) + "' in XREADGROUP with GROUP option");
        return;
      }
    }
    const std::string_view id_text = ctx.arg(args.streams_at + args.streams + i);
    if (id_text == "$") {
      if (grouped) {
        ctx.reply.error("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history "
                        "of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ "
                        "ID would just return an empty result set.");
        return;
      }
      // Only what arrives from now on.
      src.after = src.value != nullptr ? src.value->stream().last_id() : StreamID{};
      resolved_dollar = true;
      continue;
    }
    if (id_text == ">") {
      if (!grouped) {
        ctx.reply.error("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
                        "<consumer> option.");
        return;
      }
      src.new_only = true;
      continue;
    }
    auto id = stream_id_arg(ctx, args.streams_at + args.streams + i, 0, true);
    if (!id) return;
    src.after = *id;
  }

  // Every stream with something to say answers at once; a group's history always answers.
  std::vector<Served> served;
  bool replays = false;  // a group read said how it replays
  for (size_t i = 0; i < args.streams; ++i) {
    Source& src = sources[i];
    if (src.value == nullptr) continue;
    const std::string_view key = ctx.arg(args.streams_at + i);
    Served out{i, {}};
    if (grouped) {
      const bool has_new = src.value->stream().length() > 0 &&
                           src.value->stream().last_live_id() > src.group->last_id();
      // The consumer is made (or seen) only when the stream answers, as in Redis.
      if (src.new_only && !has_new) continue;
      StreamConsumer* consumer = src.group->find_consumer(args.consumer_name);
      if (consumer == nullptr) {
        consumer = src.group->add_consumer(args.consumer_name, ctx.clock.now_ms);
        ctx.db.key_changed_quietly(key, kEventStream, "xgroup-createconsumer");
        if (args.noack) {
          ctx.propagate_as({"XGROUP", "CREATECONSUMER", std::string(key), std::string(args.group_name),
                            std::string(args.consumer_name)});
          replays = true;
        }
      }
      consumer->seen_time_ms = ctx.clock.now_ms;
      if (src.new_only) {
        replays |= deliver_new(ctx, args, key, src, *consumer, out);
      } else {
        deliver_history(ctx, args, key, src, *consumer, out);
      }
      served.push_back(std::move(out));
      continue;
    }
    StreamID start = src.after;
    if (src.value->stream().length() == 0 || !start.increment()) continue;
    src.value->stream().visit(start, StreamID::max(), false, [&](const Stream::Entry& e) {
      out.entries.push_back(ReadEntry{e});
      return args.count == 0 || out.entries.size() < static_cast<uint64_t>(args.count);
    });
    if (!out.entries.empty()) served.push_back(std::move(out));
  }
  // Only the XCLAIM / XGROUP forms given above replay a group read.
  if (grouped && !replays) ctx.propagate_nothing();

  if (!served.empty()) {
    if (ctx.reply.resp3()) {
      ctx.reply.map(served.size());
    } else {
      ctx.reply.array(served.size());
    }
    for (const Served& s : served) {
      if (!ctx.reply.resp3()) ctx.reply.array(2);
      ctx.reply.bulk(ctx.arg(args.streams_at + s.index));
      ctx.reply.array(s.entries.size());
      for (const ReadEntry& e : s.entries) {
        if (!e.deleted) {
          reply_stream_entry(ctx, e.entry);
        } else {
          ctx.reply.array(2);
          ctx.reply.bulk(e.entry.id.text());
          ctx.reply.null_array();
        }
      }
    }
    return;
  }
  if (!args.deadline) {
    ctx.reply.null_array();
    return;
  }
  // Blocked, the command runs again when an entry arrives: with "$" replaced by the IDs it
  // stood for now, and a COUNT of 1000 unless one was given (as Redis bounds a blocked read).
  std::vector<std::string> rerun_owned;
  if (resolved_dollar || args.count == 0) {
    rerun_owned = {std::string(ctx.arg(0))};
    if (grouped) {
      rerun_owned.insert(rerun_owned.end(), {"GROUP", std::string(args.group_name), std::string(args.consumer_name)});
      if (args.noack) rerun_owned.emplace_back("NOACK");
    }
    rerun_owned.insert(rerun_owned.end(),
                       {"COUNT", std::to_string(args.count == 0 ? 1000 : args.count), "BLOCK",
                        std::to_string(*args.deadline == 0 ? 0 : *args.deadline - ctx.clock.now_ms), "STREAMS"});
    for (size_t i = 0; i < args.streams; ++i) rerun_owned.emplace_back(ctx.arg(args.streams_at + i));
    for (size_t i = 0; i < args.streams; ++i) {
      rerun_owned.push_back(grouped ? std::string(">") : sources[i].after.text());
    }
  }
  std::vector<std::string_view> rerun_args(rerun_owned.begin(), rerun_owned.end());
  ctx.block(ctx.args.subspan(args.streams_at, args.streams), ValueType::Stream, *args.deadline,
            NoWaitReply::NullArray, rerun_args, grouped);
}

void xread(CommandContext& ctx) { read_streams(ctx, false); }
void xreadgroup(CommandContext& ctx) { read_streams(ctx, true); }

// ---- The table ------------------------------------------------------------------------

constexpr std::string_view kGroup = "stream";

constexpr KeySpec kReadKeys[] = {{.flags = kKeyRO | kKeyAccess, .begin_index = 1, .last_key = -1, .key_step = 1,
                                  .limit = 2, .search = KeySearch::Keyword, .keyword = "STREAMS"}};
constexpr KeySpec kGroupReadKeys[] = {{.flags = kKeyRO | kKeyAccess, .begin_index = 4, .last_key = -1,
                                       .key_step = 1, .limit = 2, .search = KeySearch::Keyword,
                                       .keyword = "STREAMS"}};
constexpr CommandArg kKeysAndIds[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0, .flags = kArgMultiple},
    {.name = "id", .type = ArgType::String, .flags = kArgMultiple},
};
constexpr CommandArg kStreamsBlock = {.name = "streams", .type = ArgType::Block, .token = "STREAMS",
                                      .arguments = kKeysAndIds};
constexpr CommandArg kCount = {.name = "count", .type = ArgType::Integer, .token = "COUNT", .flags = kArgOptional};
constexpr CommandArg kBlock = {.name = "milliseconds", .type = ArgType::Integer, .token = "BLOCK",
                               .flags = kArgOptional};
constexpr CommandArg kXreadArgs[] = {kCount, kBlock, kStreamsBlock};
constexpr CommandArg kGroupAndConsumer[] = {
    {.name = "group", .type = ArgType::String},
    {.name = "consumer", .type = ArgType::String},
};
constexpr CommandArg kXreadgroupArgs[] = {
    {.name = "group_consumer", .type = ArgType::Block, .token = "GROUP", .arguments = kGroupAndConsumer},
    kCount,
    kBlock,
    {.name = "noack", .type = ArgType::PureToken, .token = "NOACK", .flags = kArgOptional},
    kStreamsBlock,
};

// Summaries are our own words; the other fields follow Redis 7.0.
const CommandSpec kCommands[] = {
    {.name = "xread", .arity = -4, .flags = kCmdReadOnly | kCmdBlocking,
     .acl_categories = kAclRead | kAclStream | kAclSlow | kAclBlocking, .handler = xread, .key_specs = kReadKeys,
     .summary = "Returns the entries after given IDs of one or more streams, waiting for them if asked.",
     .since = "5.0.0", .group = kGroup,
     .complexity = "For each stream mentioned: O(N) with N being the number of elements being returned, it means "
                   "that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will "
                   "pay O(M) time in order to serve the M clients blocked on the stream getting new data.",
     .arguments = kXreadArgs},
    {.name = "xreadgroup", .arity = -7, .flags = kCmdWrite | kCmdBlocking,
     .acl_categories = kAclWrite | kAclStream | kAclSlow | kAclBlocking, .handler = xreadgroup,
     .key_specs = kGroupReadKeys,
     .summary = "Reads entries for a consumer of a group: new ones, or its own pending ones. Can wait.",
     .since = "5.0.0", .group = kGroup,
     .complexity = "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant "
                   "(e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the "
                   "other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients "
                   "blocked on the stream getting new data.",
     .arguments = kXreadgroupArgs},
};

}  // namespace

std::span<const CommandSpec> stream_read_commands() { return kCommands; }

}  // namespace corvid
