// XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM and XSETID: argument checks, replies,
// notifications and the deterministic forms they propagate in; the entries themselves are
// core/stream.h's. Reads (XREAD, XREADGROUP) are in stream_reads.cc, consumer groups in
// stream_groups.cc, XINFO in stream_info.cc.
//
// XADD propagates with the ID it generated, and approximate trimming (XADD or XTRIM with
// "~") as the exact trim it amounted to ("= <length>" or "= <first ID>"), so that an AOF
// or a replica ends up with the same entries.

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "commands/command_table.h"
#include "commands/context.h"
#include "commands/stream_support.h"
#include "core/number_format.h"
#include "db/stream_value.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {
namespace {

// The stream at argument 1 for a change; null after replying: 0 for a missing key (XDEL,
// XTRIM), WRONGTYPE for another type.
StreamValue* stream_to_change(CommandContext& ctx) {
  bool wrong;
  StreamValue* value = read_stream(ctx, ctx.db.lookup_write(ctx.arg(1)), &wrong);
  if (value == nullptr && !wrong) ctx.reply.integer(0);
  return value;
}

// ---- XADD / XTRIM options --------------------------------------------------------

struct TrimArgs {
  Stream::Trim trim;
  size_t threshold_index = 0;  // the argument holding MAXLEN's count or MINID's ID
  bool no_mkstream = false;
  bool id_given = false;
  bool seq_given = true;
  StreamID id;
};

// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT n]] <*|id> ... and XTRIM
// key MAXLEN|MINID [=|~] threshold [LIMIT n]: the index of XADD's ID argument (XTRIM:
// argc), or nullopt after replying the error.
std::optional<size_t> parse_add_or_trim(CommandContext& ctx, bool xadd, TrimArgs& args) {
  using Strategy = Stream::Trim::Strategy;
  bool limit_given = false;
  size_t i = 2;
  for (; i < ctx.argc(); ++i) {
    const size_t more = ctx.argc() - 1 - i;
    const std::string_view opt = ctx.arg(i);
    if (xadd && opt == "*") break;
    const bool maxlen = equals_ignore_case(opt, "maxlen");
    if ((maxlen || equals_ignore_case(opt, "minid")) && more > 0) {
      if (args.trim.strategy != Strategy::None) {
        ctx.reply.error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
        return std::nullopt;
      }
      args.trim.approximate = false;
      const std::string_view next = ctx.arg(i + 1);
      if (more >= 2 && (next == "~" || next == "=")) {
        args.trim.approximate = next == "~";
        ++i;
      }
      if (maxlen) {
        auto n = ctx.int_arg(i + 1);
        if (!n) return std::nullopt;
        if (*n < 0) {
          ctx.reply.error("ERR The MAXLEN argument must be >= 0.");
          return std::nullopt;
        }
        args.trim.strategy = Strategy::MaxLen;
        args.trim.max_length = static_cast<uint64_t>(*n);
      } else {
        auto id = stream_id_arg(ctx, i + 1, 0, true);
        if (!id) return std::nullopt;
        args.trim.strategy = Strategy::MinId;
        args.trim.min_id = *id;
      }
      ++i;
      args.threshold_index = i;
    } else if (equals_ignore_case(opt, "limit") && more > 0) {
      auto n = ctx.int_arg(i + 1);
      if (!n) return std::nullopt;
      if (*n < 0) {
        ctx.reply.error("ERR The LIMIT argument must be >= 0.");
        return std::nullopt;
      }
      args.trim.limit = *n;
      limit_given = true;
      ++i;
    } else if (xadd && equals_ignore_case(opt, "nomkstream")) {
      args.no_mkstream = true;
    } else if (xadd) {
      auto id = stream_id_arg(ctx, i, 0, true, &args.seq_given);
      if (!id) return std::nullopt;
      args.id = *id;
      args.id_given = true;
      break;
    } else {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
  }
  if (args.trim.limit != 0 && args.trim.strategy == Strategy::None) {
    ctx.reply.error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return std::nullopt;
  }
  if (!xadd && args.trim.strategy == Strategy::None) {
    ctx.reply.error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return std::nullopt;
  }
  if (ctx.client.replaying) {
    // What an AOF logged is replayed in full.
    args.trim.limit = 0;
  } else if (limit_given) {
    if (!args.trim.approximate) {
      ctx.reply.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return std::nullopt;
    }
  } else if (args.trim.approximate) {
    // Approximate trimming does bounded work unless told otherwise.
    const int64_t entries = static_cast<int64_t>(ctx.server.config().stream_node_max_entries);
    args.trim.limit = entries > 0 && entries <= (int64_t{1} << 30) / 100 ? 100 * entries : 10000;
  } else {
    args.trim.limit = 0;
  }
  return i;
}

// The command as it propagates after an approximate trim: "~" becomes "=", and the
// threshold what the trim left (the length, or the first ID).
std::vector<std::string> exact_trim_form(CommandContext& ctx, const TrimArgs& args, const Stream& s) {
  std::vector<std::string> argv(ctx.args.begin(), ctx.args.end());
  argv[args.threshold_index - 1].assign(1, '=');  // (not = "=": GCC 12 warns falsely)
  argv[args.threshold_index] = args.trim.strategy == Stream::Trim::Strategy::MaxLen ? std::to_string(s.length())
                                                                                    : s.first_id().text();
  return argv;
}

void xadd(CommandContext& ctx) {
  TrimArgs args;
  const std::optional<size_t> id_index = parse_add_or_trim(ctx, true, args);
  if (!id_index) return;
  const size_t first_field = *id_index + 1;
  if (ctx.argc() < first_field + 2 || (ctx.argc() - first_field) % 2 != 0) {
    ctx.wrong_arity();
    return;
  }
  if (args.id_given && args.seq_given && args.id == StreamID::min()) {
    ctx.reply.error("ERR The ID specified in XADD must be greater than 0-0");
    return;
  }
  const std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  read_stream(ctx, entry, &wrong);
  if (wrong) return;
  if (entry == nullptr) {
    if (args.no_mkstream) {
      ctx.reply.null();
      return;
    }
    entry = KeyEntry::create_object(key, ValueType::Stream, std::make_unique<StreamValue>(), KeyEntry::kNoExpiry);
    ctx.db.insert(entry);
  }
  Stream& s = entry->object_as<StreamValue>().stream();
  if (s.last_id() == StreamID::max()) {
    ctx.reply.error("ERR The stream has exhausted the last possible ID, unable to add more items");
    return;
  }
  StreamID id;
  if (!args.id_given) {
    // Milliseconds from the clock, or one past the last ID when the clock is not ahead.
    const auto now = static_cast<uint64_t>(ctx.clock.now_ms);
    if (now > s.last_id().ms) {
      id = StreamID{now, 0};
    } else {
      id = s.last_id();
      id.increment();
    }
  } else if (!args.seq_given) {
    if (s.last_id().ms == args.id.ms) {
      if (s.last_id().seq == UINT64_MAX) {
        ctx.reply.error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
        return;
      }
      id = s.last_id();
      ++id.seq;
    } else {
      id = args.id;
    }
  } else {
    id = args.id;
  }
  if (id <= s.last_id()) {
    ctx.reply.error("ERR The ID specified in XADD is equal or smaller than the target stream top item");
    return;
  }
  std::vector<Stream::FieldValue> fields;
  size_t total = 0;
  for (size_t i = first_field; i + 1 < ctx.argc(); i += 2) {
    fields.emplace_back(ctx.arg(i), ctx.arg(i + 1));
    total += ctx.arg(i).size() + ctx.arg(i + 1).size();
  }
  if (total > (size_t{1} << 30)) {
    ctx.reply.error("ERR Elements are too large to be stored");
    return;
  }
  s.append(id, fields, stream_limits(ctx));
  const std::string id_text = id.text();
  ctx.reply.bulk(id_text);
  ctx.db.key_changed(key, kEventStream, "xadd");
  if (args.trim.strategy != Stream::Trim::Strategy::None && s.trim(args.trim) > 0) {
    ctx.db.key_changed(key, kEventStream, "xtrim");
  }
  if (args.trim.approximate || !args.id_given || !args.seq_given) {
    std::vector<std::string> argv = args.trim.approximate ? exact_trim_form(ctx, args, s)
                                                          : std::vector<std::string>(ctx.args.begin(), ctx.args.end());
    argv[*id_index] = id_text;
    ctx.propagate_as(std::move(argv));
  }
}

void xtrim(CommandContext& ctx) {
  TrimArgs args;
  if (!parse_add_or_trim(ctx, false, args)) return;
  StreamValue* value = stream_to_change(ctx);
  if (value == nullptr) return;
  Stream& s = value->stream();
  const int64_t removed = s.trim(args.trim);
  if (removed > 0) {
    ctx.db.key_changed(ctx.arg(1), kEventStream, "xtrim");
    if (args.trim.approximate) ctx.propagate_as(exact_trim_form(ctx, args, s));
  }
  ctx.reply.integer(removed);
}

// ---- Reads -------------------------------------------------------------------------

// XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n].
void range(CommandContext& ctx, bool reverse) {
  const size_t start_index = reverse ? 3 : 2;
  const size_t end_index = reverse ? 2 : 3;
  auto start = stream_bound_arg(ctx, start_index, true);
  if (!start) return;
  auto end = stream_bound_arg(ctx, end_index, false);
  if (!end) return;
  int64_t count = -1;
  for (size_t i = 4; i < ctx.argc(); ++i) {
    if (equals_ignore_case(ctx.arg(i), "count") && i + 1 < ctx.argc()) {
      auto n = ctx.int_arg(++i);
      if (!n) return;
      count = *n < 0 ? 0 : *n;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  bool wrong;
  const StreamValue* value = read_stream(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  if (value == nullptr) {
    ctx.reply.array(0);
    return;
  }
  if (count == 0) {
    ctx.reply.null_array();
    return;
  }
  std::vector<Stream::Entry> entries;
  value->stream().visit(*start, *end, reverse, [&](const Stream::Entry& e) {
    entries.push_back(e);
    return count < 0 || entries.size() < static_cast<uint64_t>(count);
  });
  ctx.reply.array(entries.size());
  for (const Stream::Entry& e : entries) reply_stream_entry(ctx, e);
}

void xrange(CommandContext& ctx) { range(ctx, false); }
void xrevrange(CommandContext& ctx) { range(ctx, true); }

void xlen(CommandContext& ctx) {
  bool wrong;
  const StreamValue* value = read_stream(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.integer(value == nullptr ? 0 : static_cast<int64_t>(value->stream().length()));
}

// ---- XDEL / XSETID -------------------------------------------------------------------

void xdel(CommandContext& ctx) {
  StreamValue* value = stream_to_change(ctx);
  if (value == nullptr) return;
  auto ids = stream_id_args(ctx, 2);
  if (!ids) return;
  int64_t deleted = 0;
  for (StreamID id : *ids) deleted += value->stream().remove(id) ? 1 : 0;
  if (deleted > 0) ctx.db.key_changed(ctx.arg(1), kEventStream, "xdel");
  ctx.reply.integer(deleted);
}

void xsetid(CommandContext& ctx) {
  auto id = stream_id_arg(ctx, 2, 0, true);
  if (!id) return;
  int64_t entries_added = -1;
  StreamID max_deleted;
  for (size_t i = 3; i < ctx.argc();) {
    const bool more = i + 1 < ctx.argc();
    if (equals_ignore_case(ctx.arg(i), "entriesadded") && more) {
      auto n = ctx.int_arg(i + 1);
      if (!n) return;
      if (*n < 0) {
        ctx.reply.error("ERR entries_added must be positive");
        return;
      }
      entries_added = *n;
    } else if (equals_ignore_case(ctx.arg(i), "maxdeletedid") && more) {
      auto given = stream_id_arg(ctx, i + 1, 0, true);
      if (!given) return;
      if (*id < *given) {
        ctx.reply.error("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
        return;
      }
      max_deleted = *given;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
    i += 2;
  }
  KeyEntry* entry = ctx.db.lookup_write(ctx.arg(1));
  if (entry == nullptr) {
    ctx.reply.error("ERR no such key");
    return;
  }
  bool wrong;
  StreamValue* value = read_stream(ctx, entry, &wrong);
  if (wrong) return;
  Stream& s = value->stream();
  if (s.length() > 0) {
    // The last live entry bounds how far back the last ID may go.
    if (*id < s.last_live_id()) {
      ctx.reply.error("ERR The ID specified in XSETID is smaller than the target stream top item");
      return;
    }
    if (entries_added != -1 && s.length() > static_cast<uint64_t>(entries_added)) {
      ctx.reply.error("ERR The entries_added specified in XSETID is smaller than the target stream length");
      return;
    }
  }
  s.set_last_id(*id);
  if (entries_added != -1) s.set_entries_added(static_cast<uint64_t>(entries_added));
  if (max_deleted != StreamID::min()) s.set_max_deleted_id(max_deleted);
  ctx.db.key_changed(ctx.arg(1), kEventStream, "xsetid");
  ctx.reply.ok();
}

// ---- The table ------------------------------------------------------------------------

constexpr std::string_view kGroup = "stream";
constexpr std::string_view kNondeterministic[] = {"nondeterministic_output"};

constexpr KeySpec kAddKey[] = {{.flags = kKeyRW | kKeyUpdate, .begin_index = 1, .last_key = 0, .key_step = 1,
                                .notes = "UPDATE instead of INSERT because of the optional trimming feature"}};
constexpr KeySpec kReadKey[] = {{.flags = kKeyRO | kKeyAccess, .begin_index = 1, .last_key = 0, .key_step = 1}};
constexpr KeySpec kLenKey[] = {{.flags = kKeyRO, .begin_index = 1, .last_key = 0, .key_step = 1}};
constexpr KeySpec kDeleteKey[] = {{.flags = kKeyRW | kKeyDelete, .begin_index = 1, .last_key = 0, .key_step = 1}};
constexpr KeySpec kUpdateKey[] = {{.flags = kKeyRW | kKeyUpdate, .begin_index = 1, .last_key = 0, .key_step = 1}};

constexpr CommandArg kKey = {.name = "key", .type = ArgType::Key, .key_spec_index = 0};
constexpr CommandArg kStrategies[] = {
    {.name = "maxlen", .type = ArgType::PureToken, .token = "MAXLEN"},
    {.name = "minid", .type = ArgType::PureToken, .token = "MINID", .since = "6.2.0"},
};
constexpr CommandArg kOperators[] = {
    {.name = "equal", .type = ArgType::PureToken, .token = "="},
    {.name = "approximately", .type = ArgType::PureToken, .token = "~"},
};
constexpr CommandArg kTrimParts[] = {
    {.name = "strategy", .type = ArgType::OneOf, .arguments = kStrategies},
    {.name = "operator", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kOperators},
    {.name = "threshold", .type = ArgType::String},
    {.name = "count", .type = ArgType::Integer, .token = "LIMIT", .flags = kArgOptional, .since = "6.2.0"},
};
constexpr CommandArg kIdOrAuto[] = {
    {.name = "auto_id", .type = ArgType::PureToken, .token = "*"},
    {.name = "id", .type = ArgType::String},
};
constexpr CommandArg kFieldValue[] = {
    {.name = "field", .type = ArgType::String},
    {.name = "value", .type = ArgType::String},
};
constexpr CommandArg kXaddArgs[] = {
    kKey,
    {.name = "nomkstream", .type = ArgType::PureToken, .token = "NOMKSTREAM", .flags = kArgOptional, .since = "6.2.0"},
    {.name = "trim", .type = ArgType::Block, .flags = kArgOptional, .arguments = kTrimParts},
    {.name = "id_or_auto", .type = ArgType::OneOf, .arguments = kIdOrAuto},
    {.name = "field_value", .type = ArgType::Block, .flags = kArgMultiple, .arguments = kFieldValue},
};
constexpr CommandArg kXtrimArgs[] = {kKey, {.name = "trim", .type = ArgType::Block, .arguments = kTrimParts}};
constexpr CommandArg kCount = {.name = "count", .type = ArgType::Integer, .token = "COUNT", .flags = kArgOptional};
constexpr CommandArg kXrangeArgs[] = {
    kKey, {.name = "start", .type = ArgType::String}, {.name = "end", .type = ArgType::String}, kCount};
constexpr CommandArg kXrevrangeArgs[] = {
    kKey, {.name = "end", .type = ArgType::String}, {.name = "start", .type = ArgType::String}, kCount};
constexpr CommandArg kKeyOnly[] = {kKey};
constexpr CommandArg kXdelArgs[] = {kKey, {.name = "id", .type = ArgType::String, .flags = kArgMultiple}};
constexpr CommandArg kXsetidArgs[] = {
    kKey,
    {.name = "last-id", .type = ArgType::String},
    {.name = "entries_added", .type = ArgType::Integer, .token = "ENTRIESADDED", .flags = kArgOptional,
     .since = "7.0.0"},
    {.name = "max_deleted_entry_id", .type = ArgType::String, .token = "MAXDELETEDID", .flags = kArgOptional,
     .since = "7.0.0"},
};

constexpr CommandHistory kXaddHistory[] = {
    {"6.2.0", "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option."},
    {"7.0.0", "Added support for the `<ms>-*` explicit ID form."}};
constexpr CommandHistory kRangeHistory[] = {{"6.2.0", "Added exclusive ranges."}};
constexpr CommandHistory kXtrimHistory[] = {{"6.2.0", "Added the `MINID` trimming strategy and the `LIMIT` option."}};
constexpr CommandHistory kXsetidHistory[] = {
    {"7.0.0", "Added the `entries_added` and `max_deleted_entry_id` arguments."}};

// Summaries are our own words; the other fields follow Redis 7.0.
const CommandSpec kCommands[] = {
    {.name = "xadd", .arity = -5, .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclWrite | kAclStream | kAclFast, .handler = xadd, .key_specs = kAddKey,
     .summary = "Appends an entry to a stream, optionally trimming it.", .since = "5.0.0", .group = kGroup,
     .complexity = "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
     .arguments = kXaddArgs, .history = kXaddHistory, .tips = kNondeterministic},
    {.name = "xrange", .arity = -4, .flags = kCmdReadOnly, .acl_categories = kAclRead | kAclStream | kAclSlow,
     .handler = xrange, .key_specs = kReadKey, .summary = "Returns the entries between two IDs.",
     .since = "5.0.0", .group = kGroup,
     .complexity = "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking "
                   "for the first 10 elements with COUNT), you can consider it O(1).",
     .arguments = kXrangeArgs, .history = kRangeHistory},
    {.name = "xrevrange", .arity = -4, .flags = kCmdReadOnly, .acl_categories = kAclRead | kAclStream | kAclSlow,
     .handler = xrevrange, .key_specs = kReadKey, .summary = "Returns the entries between two IDs, newest first.",
     .since = "5.0.0", .group = kGroup,
     .complexity = "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the "
                   "first 10 elements with COUNT), you can consider it O(1).",
     .arguments = kXrevrangeArgs, .history = kRangeHistory},
    {.name = "xlen", .arity = 2, .flags = kCmdReadOnly | kCmdFast, .acl_categories = kAclRead | kAclStream | kAclFast,
     .handler = xlen, .key_specs = kLenKey, .summary = "Returns how many entries a stream holds.", .since = "5.0.0",
     .group = kGroup, .complexity = "O(1)", .arguments = kKeyOnly},
    {.name = "xdel", .arity = -3, .flags = kCmdWrite | kCmdFast, .acl_categories = kAclWrite | kAclStream | kAclFast,
     .handler = xdel, .key_specs = kDeleteKey, .summary = "Deletes entries by ID.", .since = "5.0.0",
     .group = kGroup,
     .complexity = "O(1) for each single item to delete in the stream, regardless of the stream size.",
     .arguments = kXdelArgs},
    {.name = "xtrim", .arity = -4, .flags = kCmdWrite, .acl_categories = kAclWrite | kAclStream | kAclSlow,
     .handler = xtrim, .key_specs = kDeleteKey, .summary = "Trims a stream to a length or a lowest ID.",
     .since = "5.0.0", .group = kGroup,
     .complexity = "O(N), with N being the number of evicted entries. Constant times are very small however, since "
                   "entries are organized in macro nodes containing multiple entries that can be released with a "
                   "single deallocation.",
     .arguments = kXtrimArgs, .history = kXtrimHistory, .tips = kNondeterministic},
    {.name = "xsetid", .arity = -3, .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclWrite | kAclStream | kAclFast, .handler = xsetid, .key_specs = kUpdateKey,
     .summary = "Sets a stream's last ID and counters (how streams are replicated).", .since = "5.0.0",
     .group = kGroup, .complexity = "O(1)", .arguments = kXsetidArgs, .history = kXsetidHistory},
};

}  // namespace

std::span<const CommandSpec> stream_commands() { return kCommands; }

}  // namespace corvid
