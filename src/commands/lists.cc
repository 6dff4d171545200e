// List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LINDEX LRANGE LSET LINSERT
// LREM LTRIM LPOS LMOVE RPOPLPUSH LMPOP, and the blocking forms BLPOP BRPOP BLMOVE
// BRPOPLPUSH BLMPOP, which serve a client with the same pops and moves (see
// server/blocking.h for how a blocked client is served).
//
// Keys are passed as views that must outlive the call and must not point into the key's
// own entry, which a pop that empties the list frees.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "commands/context.h"
#include "db/list_value.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {

namespace {

enum class ListEnd : uint8_t { Left, Right };

// LEFT or RIGHT, in any case.
std::optional<ListEnd> parse_list_end(std::string_view word);

// Pops min(count, length) elements from `end` of the non-empty list held by `entry` (the
// entry of `key`), replying each as a bulk string; the caller writes any enclosing array
// header first. Reports "lpop"/"rpop" once, then, if the list is now empty, removes the
// key and reports "del". Returns how many were popped.
size_t list_pop_reply(CommandContext& ctx, std::string_view key, KeyEntry& entry, ListEnd end, size_t count);

// LMPOP's reply: [key, [element, ...]] with up to `count` elements popped as above.
void list_pop_reply_with_key(CommandContext& ctx, std::string_view key, KeyEntry& entry, ListEnd end, size_t count);

// LMOVE from the non-empty list held by `source_entry` (the entry of `source`): checks
// that `destination` is missing or a list (replying WRONGTYPE and changing nothing if
// not), moves one element from the `from` end to the `to` end of the destination
// (created if missing; the same list rotates) and replies it as a bulk string.
// Returns false after a WRONGTYPE reply.
bool list_move_reply(CommandContext& ctx, std::string_view source, KeyEntry& source_entry,
                     std::string_view destination, ListEnd from, ListEnd to);

constexpr std::string_view kMustBePositive = "ERR value is out of range, must be positive";
constexpr std::string_view kIndexOutOfRange = "ERR index out of range";
constexpr std::string_view kRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start "
    "from the end of the list";
constexpr std::string_view kCountNegative = "ERR COUNT can't be negative";
constexpr std::string_view kMaxlenNegative = "ERR MAXLEN can't be negative";

using Direction = Quicklist::Direction;

Quicklist& items(KeyEntry& entry) { return entry.object_as<ListValue>().items(); }

std::string_view pop_event(ListEnd end) { return end == ListEnd::Left ? "lpop" : "rpop"; }
std::string_view push_event(ListEnd end) { return end == ListEnd::Left ? "lpush" : "rpush"; }

// list-max-listpack-size and list-compress-depth apply to lists created from now on, as
// in Redis, where a list keeps the settings it was created with.
void push(CommandContext& ctx, Quicklist& list, std::string_view value, ListEnd end) {
  if (list.empty()) {
    list.set_fill(ctx.server.config().list_max_listpack_size);
    list.set_compress_depth(ctx.server.config().list_compress_depth);
  }
  if (end == ListEnd::Left) {
    list.push_front(value);
  } else {
    list.push_back(value);
  }
}

// After elements were removed: a list left empty goes, reported as Redis does.
void remove_if_empty(CommandContext& ctx, std::string_view key, KeyEntry& entry) {
  if (!items(entry).empty()) return;
  ctx.db.remove(key);
  ctx.db.key_changed(key, kEventGeneric, "del");
}

// Redis's LRANGE/LTRIM clamping: the [first, last] slice of a list of `length`, or
// nullopt when it is empty.
std::optional<std::pair<int64_t, int64_t>> clamp_range(int64_t start, int64_t stop, int64_t length) {
  if (start < 0) start += length;
  if (stop < 0) stop += length;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return std::nullopt;
  if (stop >= length) stop = length - 1;
  return std::make_pair(start, stop);
}

void push_command(CommandContext& ctx, ListEnd end, bool only_existing) {
  std::string_view key = ctx.arg(1);
  KeyEntry* entry;
  if (only_existing) {
    entry = ctx.db.lookup_write(key);
    bool wrong;
    ctx.typed<ListValue>(entry, ValueType::List, &wrong);
    if (wrong) return;
    if (entry == nullptr) {
      ctx.reply.integer(0);
      return;
    }
  } else {
    entry = ctx.lookup_or_create<ListValue>(key, ValueType::List);
    if (entry == nullptr) return;
  }
  Quicklist& list = items(*entry);
  for (size_t i = 2; i < ctx.argc(); ++i) push(ctx, list, ctx.arg(i), end);
  ctx.db.key_changed(key, kEventList, push_event(end));
  ctx.reply.integer(static_cast<int64_t>(list.size()));
}

void lpush(CommandContext& ctx) { push_command(ctx, ListEnd::Left, false); }
void rpush(CommandContext& ctx) { push_command(ctx, ListEnd::Right, false); }
void lpushx(CommandContext& ctx) { push_command(ctx, ListEnd::Left, true); }
void rpushx(CommandContext& ctx) { push_command(ctx, ListEnd::Right, true); }

void pop_command(CommandContext& ctx, ListEnd end) {
  if (ctx.argc() > 3) {
    ctx.wrong_arity();
    return;
  }
  const bool has_count = ctx.argc() == 3;
  int64_t count = 1;
  if (has_count) {
    auto parsed = ctx.int_arg(2, kMustBePositive);
    if (!parsed) return;
    if (*parsed < 0) {
      ctx.reply.error(kMustBePositive);
      return;
    }
    count = *parsed;
  }
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  const ListValue* list = ctx.typed<ListValue>(entry, ValueType::List, &wrong);
  if (wrong) return;
  if (list == nullptr) {
    if (has_count) {
      ctx.reply.null_array();
    } else {
      ctx.reply.null();
    }
    return;
  }
  if (!has_count) {
    list_pop_reply(ctx, key, *entry, end, 1);
    return;
  }
  const size_t popped = std::min(static_cast<uint64_t>(count), static_cast<uint64_t>(list->size()));
  ctx.reply.array(popped);
  if (popped > 0) list_pop_reply(ctx, key, *entry, end, popped);
}

void lpop(CommandContext& ctx) { pop_command(ctx, ListEnd::Left); }
void rpop(CommandContext& ctx) { pop_command(ctx, ListEnd::Right); }

void llen(CommandContext& ctx) {
  bool wrong;
  const ListValue* list = ctx.typed<ListValue>(ctx.db.lookup_read(ctx.arg(1)), ValueType::List, &wrong);
  if (wrong) return;
  ctx.reply.integer(list ? static_cast<int64_t>(list->size()) : 0);
}

void lindex(CommandContext& ctx) {
  bool wrong;
  const ListValue* list = ctx.typed<ListValue>(ctx.db.lookup_read(ctx.arg(1)), ValueType::List, &wrong);
  if (wrong) return;
  if (list == nullptr) {
    ctx.reply.null();
    return;
  }
  auto index = ctx.int_arg(2);
  if (!index) return;
  const Quicklist& q = list->items();
  if (auto p = q.at(*index)) {
    Quicklist::Scratch scratch;
    ctx.reply.bulk(q.get(p, scratch));
  } else {
    ctx.reply.null();
  }
}

void lrange(CommandContext& ctx) {
  auto start = ctx.int_arg(2);
  if (!start) return;
  auto stop = ctx.int_arg(3);
  if (!stop) return;
  bool wrong;
  const ListValue* list = ctx.typed<ListValue>(ctx.db.lookup_read(ctx.arg(1)), ValueType::List, &wrong);
  if (wrong) return;
  auto range = list ? clamp_range(*start, *stop, static_cast<int64_t>(list->size())) : std::nullopt;
  if (!range) {
    ctx.reply.array(0);
    return;
  }
  const Quicklist& q = list->items();
  const auto n = static_cast<size_t>(range->second - range->first + 1);
  ctx.reply.array(n);
  Quicklist::Scratch scratch;
  Quicklist::Position p = q.at(range->first);
  for (size_t i = 0; i < n; ++i, p = q.step(p, Direction::Forward)) ctx.reply.bulk(q.get(p, scratch));
}

void lset(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  ctx.typed<ListValue>(entry, ValueType::List, &wrong);
  if (wrong) return;
  if (entry == nullptr) {
    ctx.reply.error(errors::kNoSuchKey);
    return;
  }
  auto index = ctx.int_arg(2);
  if (!index) return;
  Quicklist& list = items(*entry);
  Quicklist::Position p = list.at(*index);
  if (!p) {
    ctx.reply.error(kIndexOutOfRange);
    return;
  }
  list.replace(p, ctx.arg(3));
  ctx.db.key_changed(key, kEventList, "lset");
  ctx.reply.ok();
}

void linsert(CommandContext& ctx) {
  bool after;
  if (equals_ignore_case(ctx.arg(2), "after")) {
    after = true;
  } else if (equals_ignore_case(ctx.arg(2), "before")) {
    after = false;
  } else {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  ctx.typed<ListValue>(entry, ValueType::List, &wrong);
  if (wrong) return;
  if (entry == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  Quicklist& list = items(*entry);
  Quicklist::Position p = list.first();
  while (p && !list.equals(p, ctx.arg(3))) p = list.step(p, Direction::Forward);
  if (!p) {
    ctx.reply.integer(-1);
    return;
  }
  list.insert(p, ctx.arg(4), after);
  ctx.db.key_changed(key, kEventList, "linsert");
  ctx.reply.integer(static_cast<int64_t>(list.size()));
}

void lrem(CommandContext& ctx) {
  auto count = ctx.int_arg(2);
  if (!count) return;
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  ctx.typed<ListValue>(entry, ValueType::List, &wrong);
  if (wrong) return;
  if (entry == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  Quicklist& list = items(*entry);
  const Direction direction = *count < 0 ? Direction::Backward : Direction::Forward;
  // The magnitude, computed unsigned so that INT64_MIN has one; 0 removes every match.
  const uint64_t limit = *count < 0 ? 0 - static_cast<uint64_t>(*count) : static_cast<uint64_t>(*count);
  std::string_view element = ctx.arg(3);
  int64_t removed = 0;
  Quicklist::Position p = direction == Direction::Forward ? list.first() : list.last();
  while (p && (limit == 0 || static_cast<uint64_t>(removed) < limit)) {
    if (list.equals(p, element)) {
      p = list.erase(p, direction);
      ++removed;
    } else {
      p = list.step(p, direction);
    }
  }
  if (removed > 0) {
    ctx.db.key_changed(key, kEventList, "lrem");
    remove_if_empty(ctx, key, *entry);
  }
  ctx.reply.integer(removed);
}

void ltrim(CommandContext& ctx) {
  auto start = ctx.int_arg(2);
  if (!start) return;
  auto stop = ctx.int_arg(3);
  if (!stop) return;
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  ctx.typed<ListValue>(entry, ValueType::List, &wrong);
  if (wrong) return;
  if (entry == nullptr) {
    ctx.reply.ok();
    return;
  }
  Quicklist& list = items(*entry);
  const auto length = static_cast<int64_t>(list.size());
  auto range = clamp_range(*start, *stop, length);
  if (range) {
    list.erase_back(static_cast<size_t>(length - range->second - 1));
    list.erase_front(static_cast<size_t>(range->first));
  } else {
    list.clear();
  }
  // Redis reports the trim even when it removed nothing, but counts (and replays) only
  // the elements it removed.
  const uint64_t removed = static_cast<uint64_t>(length) - list.size();
  ctx.db.key_changed(key, kEventList, "ltrim");
  ctx.server.keyspace_stats().dirty += removed - 1;
  remove_if_empty(ctx, key, *entry);
  ctx.reply.ok();
}

void lpos(CommandContext& ctx) {
  int64_t rank = 1;
  int64_t count = -1;  // -1: no COUNT, reply one index; 0: every match
  int64_t maxlen = 0;  // 0: no limit
  for (size_t i = 3; i < ctx.argc(); ++i) {
    const bool has_value = i + 1 < ctx.argc();
    std::string_view option = ctx.arg(i);
    if (has_value && equals_ignore_case(option, "rank")) {
      auto value = ctx.int_arg(++i);
      if (!value) return;
      if (*value == 0) {
        ctx.reply.error(kRankZero);
        return;
      }
      rank = *value;
    } else if (has_value && (equals_ignore_case(option, "count") || equals_ignore_case(option, "maxlen"))) {
      const bool is_count = equals_ignore_case(option, "count");
      const std::string_view error = is_count ? kCountNegative : kMaxlenNegative;
      auto value = ctx.int_arg(++i, error);
      if (!value) return;
      if (*value < 0) {
        ctx.reply.error(error);
        return;
      }
      (is_count ? count : maxlen) = *value;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  bool wrong;
  const ListValue* list = ctx.typed<ListValue>(ctx.db.lookup_read(ctx.arg(1)), ValueType::List, &wrong);
  if (wrong) return;
  if (list == nullptr) {
    if (count != -1) {
      ctx.reply.array(0);
    } else {
      ctx.reply.null();
    }
    return;
  }
  const Quicklist& q = list->items();
  const Direction direction = rank < 0 ? Direction::Backward : Direction::Forward;
  // Redis negates the rank in place, so INT64_MIN stays negative and every match
  // qualifies; the arithmetic below wraps as Redis's does.
  const auto wrap = [](uint64_t v) { return static_cast<int64_t>(v); };
  if (rank < 0) rank = wrap(0 - static_cast<uint64_t>(rank));
  const auto length = static_cast<int64_t>(q.size());
  std::vector<int64_t> found;
  int64_t matches = 0;
  int64_t scanned = 0;
  for (Quicklist::Position p = direction == Direction::Forward ? q.first() : q.last();
       p && (maxlen == 0 || scanned < maxlen); p = q.step(p, direction), ++scanned) {
    if (!q.equals(p, ctx.arg(2))) continue;
    ++matches;
    if (matches < rank) continue;
    found.push_back(direction == Direction::Forward ? scanned : length - scanned - 1);
    if (count == -1) break;
    if (count != 0 && wrap(static_cast<uint64_t>(matches) - static_cast<uint64_t>(rank) + 1) >= count) break;
  }
  if (count != -1) {
    ctx.reply.array(found.size());
    for (int64_t index : found) ctx.reply.integer(index);
  } else if (!found.empty()) {
    ctx.reply.integer(found.front());
  } else {
    ctx.reply.null();
  }
}

const char* end_name(ListEnd end) { return end == ListEnd::Left ? "LEFT" : "RIGHT"; }

// LMOVE/RPOPLPUSH, and with a timeout argument BLMOVE/BRPOPLPUSH, which wait for the
// source to have an element.
void move_command(CommandContext& ctx, ListEnd from, ListEnd to, std::optional<size_t> timeout_index) {
  std::optional<int64_t> deadline;
  if (timeout_index) {
    deadline = ctx.timeout_arg(*timeout_index);
    if (!deadline) return;
  }
  std::string_view source = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(source);
  bool wrong;
  const ListValue* list = ctx.typed<ListValue>(entry, ValueType::List, &wrong);
  if (wrong) return;
  if (list == nullptr) {
    if (deadline) {
      ctx.block(ctx.args.subspan(1, 1), ValueType::List, *deadline, NoWaitReply::Null);
    } else {
      ctx.reply.null();
    }
    return;
  }
  // The blocking forms replay as their plain forms (BLMOVE -> LMOVE, BRPOPLPUSH -> RPOPLPUSH).
  if (timeout_index) {
    if (ctx.command.full_name == "brpoplpush") {
      ctx.propagate_as({"RPOPLPUSH", std::string(source), std::string(ctx.arg(2))});
    } else {
      ctx.propagate_as({"LMOVE", std::string(source), std::string(ctx.arg(2)), end_name(from), end_name(to)});
    }
  }
  list_move_reply(ctx, source, *entry, ctx.arg(2), from, to);
}

// LMOVE and BLMOVE: the ends are arguments 3 and 4.
void move_between_ends(CommandContext& ctx, std::optional<size_t> timeout_index) {
  auto from = parse_list_end(ctx.arg(3));
  auto to = parse_list_end(ctx.arg(4));
  if (!from || !to) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  move_command(ctx, *from, *to, timeout_index);
}

void lmove(CommandContext& ctx) { move_between_ends(ctx, std::nullopt); }
void rpoplpush(CommandContext& ctx) { move_command(ctx, ListEnd::Right, ListEnd::Left, std::nullopt); }
void blmove(CommandContext& ctx) { move_between_ends(ctx, 5); }
void brpoplpush(CommandContext& ctx) { move_command(ctx, ListEnd::Right, ListEnd::Left, 3); }


// The first of `keys` holding a list, with its key. A key of another type met before it
// ends the search with a WRONGTYPE reply (`*wrong`).
std::pair<std::string_view, KeyEntry*> first_list(CommandContext& ctx, std::span<const std::string_view> keys,
                                                  bool* wrong) {
  for (std::string_view key : keys) {
    KeyEntry* entry = ctx.db.lookup_write(key);
    if (ctx.typed<ListValue>(entry, ValueType::List, wrong) != nullptr) return {key, entry};
    if (*wrong) break;
  }
  return {{}, nullptr};
}

// LMPOP, and with a timeout first BLMPOP, which waits for one of the lists.
void multi_pop(CommandContext& ctx, bool blocking) {
  std::optional<int64_t> deadline;
  if (blocking) {
    deadline = ctx.timeout_arg(1);
    if (!deadline) return;
  }
  auto request = ctx.multi_pop_args(blocking ? 2 : 1, "left", "right");
  if (!request) return;
  const ListEnd end = request->second_end ? ListEnd::Right : ListEnd::Left;
  bool wrong;
  auto [key, entry] = first_list(ctx, request->keys, &wrong);
  if (wrong) return;
  if (entry == nullptr) {
    if (deadline) {
      ctx.block(request->keys, ValueType::List, *deadline);
    } else {
      ctx.reply.null_array();
    }
    return;
  }
  // Replayed as LPOP/RPOP of the one list, with the count actually popped.
  const uint64_t popped = std::min<uint64_t>(request->count, entry->object_as<ListValue>().size());
  ctx.propagate_as({end == ListEnd::Left ? "LPOP" : "RPOP", std::string(key), std::to_string(popped)});
  list_pop_reply_with_key(ctx, key, *entry, end, request->count);
}

void lmpop(CommandContext& ctx) { multi_pop(ctx, false); }
void blmpop(CommandContext& ctx) { multi_pop(ctx, true); }

// BLPOP/BRPOP key... timeout: [key, element] from the first non-empty list.
void blocking_pop(CommandContext& ctx, ListEnd end) {
  auto deadline = ctx.timeout_arg(ctx.argc() - 1);
  if (!deadline) return;
  auto keys = ctx.args.subspan(1, ctx.argc() - 2);
  bool wrong;
  auto [key, entry] = first_list(ctx, keys, &wrong);
  if (wrong) return;
  if (entry == nullptr) {
    ctx.block(keys, ValueType::List, *deadline);
    return;
  }
  ctx.propagate_as({end == ListEnd::Left ? "LPOP" : "RPOP", std::string(key)});
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  list_pop_reply(ctx, key, *entry, end, 1);
}

void blpop(CommandContext& ctx) { blocking_pop(ctx, ListEnd::Left); }
void brpop(CommandContext& ctx) { blocking_pop(ctx, ListEnd::Right); }

constexpr uint32_t kList = kAclList;
constexpr uint32_t kPushFlags = kCmdWrite | kCmdDenyOom | kCmdFast;

constexpr KeySpec kInsertKey[] = {{kKeyRW | kKeyInsert, 1, 0, 1}};
constexpr KeySpec kPopKey[] = {{kKeyRW | kKeyAccess | kKeyDelete, 1, 0, 1}};
constexpr KeySpec kReadKey[] = {{kKeyRO | kKeyAccess, 1, 0, 1}};
constexpr KeySpec kProbeKey[] = {{kKeyRO, 1, 0, 1}};
constexpr KeySpec kUpdateKey[] = {{kKeyRW | kKeyUpdate, 1, 0, 1}};
constexpr KeySpec kDeleteKey[] = {{kKeyRW | kKeyDelete, 1, 0, 1}};
constexpr KeySpec kMoveKeys[] = {{kKeyRW | kKeyAccess | kKeyDelete, 1, 0, 1}, {kKeyRW | kKeyInsert, 2, 0, 1}};
constexpr KeySpec kMpopKeys[] = {{.flags = kKeyRW | kKeyAccess | kKeyDelete, .begin_index = 1, .last_key = 0,
                                  .key_step = 1, .find = KeyFind::KeyNum, .keynum_index = 0, .first_key = 1}};

constexpr KeySpec kBlockingPopKeys[] = {{kKeyRW | kKeyAccess | kKeyDelete, 1, -2, 1}};
constexpr KeySpec kBlockingMpopKeys[] = {{.flags = kKeyRW | kKeyAccess | kKeyDelete, .begin_index = 2, .last_key = 0,
                                          .key_step = 1, .find = KeyFind::KeyNum, .keynum_index = 0, .first_key = 1}};

constexpr CommandArg kLeftRight[] = {
    {"left", ArgType::PureToken, -1, "LEFT"},
    {"right", ArgType::PureToken, -1, "RIGHT"},
};
constexpr CommandArg kBeforeAfter[] = {
    {"before", ArgType::PureToken, -1, "BEFORE"},
    {"after", ArgType::PureToken, -1, "AFTER"},
};
constexpr CommandArg kPushArgs[] = {{"key", ArgType::Key, 0}, {"element", ArgType::String, -1, {}, kArgMultiple}};
constexpr CommandArg kPopArgs[] = {
    {"key", ArgType::Key, 0}, {"count", ArgType::Integer, -1, {}, kArgOptional, {}, "6.2.0"}};
constexpr CommandArg kKeyArg[] = {{"key", ArgType::Key, 0}};
constexpr CommandArg kRangeArgs[] = {
    {"key", ArgType::Key, 0}, {"start", ArgType::Integer}, {"stop", ArgType::Integer}};
constexpr CommandArg kIndexArgs[] = {{"key", ArgType::Key, 0}, {"index", ArgType::Integer}};
constexpr CommandArg kSetArgs[] = {
    {"key", ArgType::Key, 0}, {"index", ArgType::Integer}, {"element", ArgType::String}};
constexpr CommandArg kInsertArgs[] = {
    {"key", ArgType::Key, 0},
    {"where", ArgType::OneOf, -1, {}, 0, kBeforeAfter},
    {"pivot", ArgType::String},
    {"element", ArgType::String},
};
constexpr CommandArg kRemArgs[] = {
    {"key", ArgType::Key, 0}, {"count", ArgType::Integer}, {"element", ArgType::String}};
constexpr CommandArg kPosArgs[] = {
    {"key", ArgType::Key, 0},
    {"element", ArgType::String},
    {"rank", ArgType::Integer, -1, "RANK", kArgOptional},
    {"num-matches", ArgType::Integer, -1, "COUNT", kArgOptional},
    {"len", ArgType::Integer, -1, "MAXLEN", kArgOptional},
};
constexpr CommandArg kMoveArgs[] = {
    {"source", ArgType::Key, 0},
    {"destination", ArgType::Key, 1},
    {"wherefrom", ArgType::OneOf, -1, {}, 0, kLeftRight},
    {"whereto", ArgType::OneOf, -1, {}, 0, kLeftRight},
};
constexpr CommandArg kSourceDestination[] = {{"source", ArgType::Key, 0}, {"destination", ArgType::Key, 1}};
constexpr CommandArg kMpopArgs[] = {
    {"numkeys", ArgType::Integer},
    {"key", ArgType::Key, 0, {}, kArgMultiple},
    {"where", ArgType::OneOf, -1, {}, 0, kLeftRight},
    {"count", ArgType::Integer, -1, "COUNT", kArgOptional},
};

constexpr CommandArg kBlockingPopArgs[] = {{"key", ArgType::Key, 0, {}, kArgMultiple}, {"timeout", ArgType::Double}};
constexpr CommandArg kBlockingMoveArgs[] = {
    {"source", ArgType::Key, 0},
    {"destination", ArgType::Key, 1},
    {"wherefrom", ArgType::OneOf, -1, {}, 0, kLeftRight},
    {"whereto", ArgType::OneOf, -1, {}, 0, kLeftRight},
    {"timeout", ArgType::Double},
};
constexpr CommandArg kBrpoplpushArgs[] = {
    {"source", ArgType::Key, 0}, {"destination", ArgType::Key, 1}, {"timeout", ArgType::Double}};
constexpr CommandArg kBlockingMpopArgs[] = {
    {"timeout", ArgType::Double},
    {"numkeys", ArgType::Integer},
    {"key", ArgType::Key, 0, {}, kArgMultiple},
    {"where", ArgType::OneOf, -1, {}, 0, kLeftRight},
    {"count", ArgType::Integer, -1, "COUNT", kArgOptional},
};

constexpr CommandHistory kPushHistory[] = {{"2.4.0", "Accepts multiple `element` arguments."}};
constexpr CommandHistory kPushxHistory[] = {{"4.0.0", "Accepts multiple `element` arguments."}};
constexpr CommandHistory kPopHistory[] = {{"6.2.0", "Added the `count` argument."}};
constexpr CommandHistory kTimeoutHistory[] = {{"6.0.0", "`timeout` is interpreted as a double instead of an integer."}};
constexpr uint32_t kBlockingFlags = kCmdWrite | kCmdNoScript | kCmdBlocking;

constexpr std::string_view kPushComplexity =
    "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.";

// Summaries are our own words; the other fields follow Redis 7.0's COMMAND DOCS.
const CommandSpec kCommands[] = {
    {.name = "lpush", .arity = -3, .flags = kPushFlags, .acl_categories = kList, .handler = lpush,
     .key_specs = kInsertKey, .summary = "Adds elements at the head of a list, creating the list if needed.",
     .since = "1.0.0", .group = "list", .complexity = kPushComplexity, .arguments = kPushArgs,
     .history = kPushHistory},
    {.name = "rpush", .arity = -3, .flags = kPushFlags, .acl_categories = kList, .handler = rpush,
     .key_specs = kInsertKey, .summary = "Adds elements at the tail of a list, creating the list if needed.",
     .since = "1.0.0", .group = "list", .complexity = kPushComplexity, .arguments = kPushArgs,
     .history = kPushHistory},
    {.name = "lpushx", .arity = -3, .flags = kPushFlags, .acl_categories = kList, .handler = lpushx,
     .key_specs = kInsertKey, .summary = "Adds elements at the head of a list that already exists.",
     .since = "2.2.0", .group = "list", .complexity = kPushComplexity, .arguments = kPushArgs,
     .history = kPushxHistory},
    {.name = "rpushx", .arity = -3, .flags = kPushFlags, .acl_categories = kList, .handler = rpushx,
     .key_specs = kInsertKey, .summary = "Adds elements at the tail of a list that already exists.",
     .since = "2.2.0", .group = "list", .complexity = kPushComplexity, .arguments = kPushArgs,
     .history = kPushxHistory},
    {.name = "lpop", .arity = -2, .flags = kCmdWrite | kCmdFast, .acl_categories = kList, .handler = lpop,
     .key_specs = kPopKey, .summary = "Removes and returns elements from the head of a list.", .since = "1.0.0",
     .group = "list", .complexity = "O(N) where N is the number of elements returned", .arguments = kPopArgs,
     .history = kPopHistory},
    {.name = "rpop", .arity = -2, .flags = kCmdWrite | kCmdFast, .acl_categories = kList, .handler = rpop,
     .key_specs = kPopKey, .summary = "Removes and returns elements from the tail of a list.", .since = "1.0.0",
     .group = "list", .complexity = "O(N) where N is the number of elements returned", .arguments = kPopArgs,
     .history = kPopHistory},
    {.name = "lrange", .arity = 4, .flags = kCmdReadOnly, .acl_categories = kList, .handler = lrange,
     .key_specs = kReadKey, .summary = "Returns the elements of a list between two indexes.", .since = "1.0.0",
     .group = "list",
     .complexity = "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end "
                   "(HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
     .arguments = kRangeArgs},
    {.name = "lindex", .arity = 3, .flags = kCmdReadOnly, .acl_categories = kList, .handler = lindex,
     .key_specs = kReadKey, .summary = "Returns the element of a list at an index.", .since = "1.0.0",
     .group = "list",
     .complexity = "O(N) where N is the number of elements to traverse to get to the element at index. This makes "
                   "asking for the first or the last element of the list O(1).",
     .arguments = kIndexArgs},
    {.name = "lset", .arity = 4, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kList, .handler = lset,
     .key_specs = kUpdateKey, .summary = "Overwrites the element of a list at an index.", .since = "1.0.0",
     .group = "list",
     .complexity = "O(N) where N is the length of the list. Setting either the first or the last element of the "
                   "list is O(1).",
     .arguments = kSetArgs},
    {.name = "llen", .arity = 2, .flags = kCmdReadOnly | kCmdFast, .acl_categories = kList, .handler = llen,
     .key_specs = kProbeKey, .summary = "Counts the elements of a list.", .since = "1.0.0", .group = "list",
     .complexity = "O(1)", .arguments = kKeyArg},
    {.name = "linsert", .arity = 5, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kList, .handler = linsert,
     .key_specs = kInsertKey, .summary = "Inserts an element just before or after the first occurrence of another.",
     .since = "2.2.0", .group = "list",
     .complexity = "O(N) where N is the number of elements to traverse before seeing the value pivot. This means "
                   "that inserting somewhere on the left end on the list (head) can be considered O(1) and "
                   "inserting somewhere on the right end (tail) is O(N).",
     .arguments = kInsertArgs},
    {.name = "lrem", .arity = 4, .flags = kCmdWrite, .acl_categories = kList, .handler = lrem,
     .key_specs = kDeleteKey, .summary = "Removes occurrences of an element from a list.", .since = "1.0.0",
     .group = "list", .complexity = "O(N+M) where N is the length of the list and M is the number of elements removed.",
     .arguments = kRemArgs},
    {.name = "ltrim", .arity = 4, .flags = kCmdWrite, .acl_categories = kList, .handler = ltrim,
     .key_specs = kDeleteKey, .summary = "Keeps only the elements of a list between two indexes.", .since = "1.0.0",
     .group = "list", .complexity = "O(N) where N is the number of elements to be removed by the operation.",
     .arguments = kRangeArgs},
    {.name = "lpos", .arity = -3, .flags = kCmdReadOnly, .acl_categories = kList, .handler = lpos,
     .key_specs = kReadKey, .summary = "Finds the indexes at which an element occurs in a list.", .since = "6.0.6",
     .group = "list",
     .complexity = "O(N) where N is the number of elements in the list, for the average case. When searching for "
                   "elements near the head or the tail of the list, or when the MAXLEN option is provided, the "
                   "command may run in constant time.",
     .arguments = kPosArgs},
    {.name = "lmove", .arity = 5, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kList, .handler = lmove,
     .key_specs = kMoveKeys, .summary = "Moves an element from one end of a list to an end of another and returns it.",
     .since = "6.2.0", .group = "list", .complexity = "O(1)", .arguments = kMoveArgs},
    {.name = "rpoplpush", .arity = 3, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kList,
     .handler = rpoplpush, .key_specs = kMoveKeys,
     .summary = "Moves the last element of a list to the head of another and returns it.", .since = "1.2.0",
     .group = "list", .complexity = "O(1)", .arguments = kSourceDestination, .doc_flags = kDocDeprecated,
     .deprecated_since = "6.2.0", .replaced_by = "`LMOVE` with the `RIGHT` and `LEFT` arguments"},
    {.name = "lmpop", .arity = -4, .flags = kCmdWrite, .acl_categories = kList, .handler = lmpop,
     .key_specs = kMpopKeys, .summary = "Pops elements from the first non-empty list among several keys.",
     .since = "7.0.0", .group = "list",
     .complexity = "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
     .arguments = kMpopArgs},
    {.name = "blpop", .arity = -3, .flags = kBlockingFlags, .acl_categories = kList, .handler = blpop,
     .key_specs = kBlockingPopKeys,
     .summary = "Pops the first element of the first non-empty list, waiting for one if they are all empty.",
     .since = "2.0.0", .group = "list", .complexity = "O(N) where N is the number of provided keys.",
     .arguments = kBlockingPopArgs, .history = kTimeoutHistory},
    {.name = "brpop", .arity = -3, .flags = kBlockingFlags, .acl_categories = kList, .handler = brpop,
     .key_specs = kBlockingPopKeys,
     .summary = "Pops the last element of the first non-empty list, waiting for one if they are all empty.",
     .since = "2.0.0", .group = "list", .complexity = "O(N) where N is the number of provided keys.",
     .arguments = kBlockingPopArgs, .history = kTimeoutHistory},
    {.name = "blmove", .arity = 6, .flags = kBlockingFlags | kCmdDenyOom, .acl_categories = kList,
     .handler = blmove, .key_specs = kMoveKeys,
     .summary = "Moves an element from one list to another, waiting for the source to have one.",
     .since = "6.2.0", .group = "list", .complexity = "O(1)", .arguments = kBlockingMoveArgs},
    {.name = "brpoplpush", .arity = 4, .flags = kBlockingFlags | kCmdDenyOom, .acl_categories = kList,
     .handler = brpoplpush, .key_specs = kMoveKeys,
     .summary = "Moves the last element of a list to the head of another, waiting for the source to have one.",
     .since = "2.2.0", .group = "list", .complexity = "O(1)", .arguments = kBrpoplpushArgs,
     .history = kTimeoutHistory, .doc_flags = kDocDeprecated, .deprecated_since = "6.2.0",
     .replaced_by = "`BLMOVE` with the `RIGHT` and `LEFT` arguments"},
    {.name = "blmpop", .arity = -5, .flags = kCmdWrite | kCmdBlocking, .acl_categories = kList, .handler = blmpop,
     .key_specs = kBlockingMpopKeys,
     .summary = "Pops elements from the first non-empty list among several keys, waiting if they are all empty.",
     .since = "7.0.0", .group = "list",
     .complexity = "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
     .arguments = kBlockingMpopArgs},
};

std::optional<ListEnd> parse_list_end(std::string_view word) {
  if (equals_ignore_case(word, "left")) return ListEnd::Left;
  if (equals_ignore_case(word, "right")) return ListEnd::Right;
  return std::nullopt;
}

size_t list_pop_reply(CommandContext& ctx, std::string_view key, KeyEntry& entry, ListEnd end, size_t count) {
  Quicklist& list = items(entry);
  const size_t popped = std::min(count, list.size());
  Quicklist::Scratch scratch;
  for (size_t i = 0; i < popped; ++i) {
    if (end == ListEnd::Left) {
      ctx.reply.bulk(list.get(list.first(), scratch));
      list.pop_front();
    } else {
      ctx.reply.bulk(list.get(list.last(), scratch));
      list.pop_back();
    }
  }
  ctx.db.key_changed(key, kEventList, pop_event(end));
  remove_if_empty(ctx, key, entry);
  return popped;
}

void list_pop_reply_with_key(CommandContext& ctx, std::string_view key, KeyEntry& entry, ListEnd end, size_t count) {
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  ctx.reply.array(std::min(count, items(entry).size()));
  list_pop_reply(ctx, key, entry, end, count);
}

bool list_move_reply(CommandContext& ctx, std::string_view source, KeyEntry& source_entry,
                     std::string_view destination, ListEnd from, ListEnd to) {
  // Checked (and a missing destination created) before anything is popped, so that a
  // WRONGTYPE destination leaves the source as it was.
  KeyEntry* target = ctx.lookup_or_create<ListValue>(destination, ValueType::List);
  if (target == nullptr) return false;
  Quicklist& list = items(source_entry);
  Quicklist::Scratch scratch;
  // A copy: with source == destination the push below changes the node it lives in.
  const std::string value(list.get(from == ListEnd::Left ? list.first() : list.last(), scratch));
  if (from == ListEnd::Left) {
    list.pop_front();
  } else {
    list.pop_back();
  }
  push(ctx, items(*target), value, to);
  ctx.db.key_changed(destination, kEventList, push_event(to));
  ctx.db.key_changed(source, kEventList, pop_event(from));
  remove_if_empty(ctx, source, source_entry);
  ctx.reply.bulk(value);
  return true;
}

}  // namespace

std::span<const CommandSpec> list_commands() { return kCommands; }

}  // namespace corvid
