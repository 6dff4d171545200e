// Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SMOVE SPOP SRANDMEMBER SINTER
// SINTERCARD SUNION SDIFF SINTERSTORE SUNIONSTORE SDIFFSTORE SSCAN.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <unordered_set>
#include <vector>

#include "commands/context.h"
#include "core/glob.h"
#include "core/number_format.h"
#include "db/set_value.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {

namespace {

constexpr std::string_view kNotPositive = "ERR value is out of range, must be positive";
constexpr std::string_view kCountRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
constexpr std::string_view kNumkeys = "ERR numkeys should be greater than 0";
constexpr std::string_view kTooManyKeys = "ERR Number of keys can't be greater than number of args";
constexpr std::string_view kNegativeLimit = "ERR LIMIT can't be negative";

// SPOP with a count rebuilds the set from the members it keeps once those are at most a
// fifth of the members it pops (as Redis does): cheaper than that many removals.
constexpr uint64_t kSpopRebuildRatio = 5;

SetLimits limits(CommandContext& ctx) {
  const Config& config = ctx.server.config();
  return {static_cast<size_t>(config.set_max_intset_entries), static_cast<size_t>(config.set_max_listpack_entries),
          static_cast<size_t>(config.set_max_listpack_value)};
}

std::mt19937_64& rng() {
  static std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

SetValue* typed_set(CommandContext& ctx, const KeyEntry* entry, bool* wrong) {
  return ctx.typed<SetValue>(entry, ValueType::Set, wrong);
}

// A parsed integer in [min, max]; replies `error` (for a bad number as for one out of range).
std::optional<int64_t> ranged_arg(CommandContext& ctx, size_t i, int64_t min, int64_t max, std::string_view error) {
  auto value = parse_int64(ctx.arg(i));
  if (!value || *value < min || *value > max) {
    ctx.reply.error(error);
    return std::nullopt;
  }
  return value;
}

// Removes the key of a set that a command emptied; Redis reports it as "del" after the
// command's own event.
void remove_if_empty(CommandContext& ctx, std::string_view key, const SetValue& set) {
  if (set.size() != 0) return;
  ctx.db.remove(key);
  ctx.db.key_changed(key, kEventGeneric, "del");
}

void sadd(CommandContext& ctx) {
  const std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  if (entry != nullptr && entry->type() != ValueType::Set) {
    ctx.reply.error(errors::kWrongType);
    return;
  }
  const SetLimits lim = limits(ctx);
  const size_t members = ctx.argc() - 2;
  if (entry == nullptr) {
    auto set = SetValue::create_for(ctx.arg(2), members, lim);
    entry = KeyEntry::create_object(key, ValueType::Set, std::move(set), KeyEntry::kNoExpiry);
    ctx.db.insert(entry);
  } else {
    entry->object_as<SetValue>().prepare_for(members, lim);
  }
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) added += entry->object_as<SetValue>().add(ctx.arg(i), lim);
  if (added > 0) ctx.db.key_changed(key, kEventSet, "sadd");
  ctx.reply.integer(added);
}

void srem(CommandContext& ctx) {
  const std::string_view key = ctx.arg(1);
  bool wrong;
  SetValue* set = typed_set(ctx, ctx.db.lookup_write(key), &wrong);
  if (wrong) return;
  if (set == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc() && set->size() > 0; ++i) removed += set->erase(ctx.arg(i));
  if (removed > 0) {
    ctx.db.key_changed(key, kEventSet, "srem");
    remove_if_empty(ctx, key, *set);
  }
  ctx.reply.integer(removed);
}

void smembers(CommandContext& ctx) {
  bool wrong;
  const SetValue* set = typed_set(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.set(set ? set->size() : 0);
  if (set) set->for_each([&ctx](std::string_view member) { ctx.reply.bulk(member); });
}

void sismember(CommandContext& ctx) {
  bool wrong;
  const SetValue* set = typed_set(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.integer(set && set->contains(ctx.arg(2)) ? 1 : 0);
}

void smismember(CommandContext& ctx) {
  bool wrong;
  const SetValue* set = typed_set(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) ctx.reply.integer(set && set->contains(ctx.arg(i)) ? 1 : 0);
}

void scard(CommandContext& ctx) {
  bool wrong;
  const SetValue* set = typed_set(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.integer(set ? static_cast<int64_t>(set->size()) : 0);
}

void smove(CommandContext& ctx) {
  const std::string_view source_key = ctx.arg(1);
  const std::string_view destination_key = ctx.arg(2);
  const std::string_view member = ctx.arg(3);
  KeyEntry* source_entry = ctx.db.lookup_write(source_key);
  KeyEntry* destination_entry = ctx.db.lookup_write(destination_key);
  // A missing source answers 0 before the destination's type is looked at.
  if (source_entry == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  bool wrong;
  SetValue* source = typed_set(ctx, source_entry, &wrong);
  if (wrong) return;
  typed_set(ctx, destination_entry, &wrong);
  if (wrong) return;
  if (source_entry == destination_entry) {
    ctx.reply.integer(source->contains(member) ? 1 : 0);
    return;
  }
  if (!source->erase(member)) {
    ctx.reply.integer(0);
    return;
  }
  ctx.db.key_changed(source_key, kEventSet, "srem");
  remove_if_empty(ctx, source_key, *source);
  const SetLimits lim = limits(ctx);
  if (destination_entry == nullptr) {
    auto set = SetValue::create_for(member, 1, lim);
    destination_entry =
        KeyEntry::create_object(destination_key, ValueType::Set, std::move(set), KeyEntry::kNoExpiry);
    ctx.db.insert(destination_entry);
  }
  if (destination_entry->object_as<SetValue>().add(member, lim)) ctx.db.key_changed(destination_key, kEventSet, "sadd");
  ctx.reply.integer(1);
}

void spop_with_count(CommandContext& ctx) {
  auto parsed = ranged_arg(ctx, 2, 0, std::numeric_limits<int64_t>::max(), kNotPositive);
  if (!parsed) return;
  const auto count = static_cast<uint64_t>(*parsed);
  const std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  SetValue* set = typed_set(ctx, entry, &wrong);
  if (wrong) return;
  if (set == nullptr || count == 0) {
    ctx.reply.set(0);
    return;
  }
  ctx.db.key_changed(key, kEventSet, "spop");
  const size_t size = set->size();
  if (count >= size) {
    ctx.reply.set(size);
    set->for_each([&ctx](std::string_view member) { ctx.reply.bulk(member); });
    ctx.db.remove(key);
    ctx.db.key_changed(key, kEventGeneric, "del");
    ctx.propagate_as({"DEL", std::string(key)});
    return;
  }
  ctx.reply.set(count);
  SetValue::Scratch scratch;
  // Replayed as one SREM per popped member, as Redis 7.0 replays it.
  auto replay = [&ctx, &key](std::string_view member) {
    ctx.propagate_as({"SREM", std::string(key), std::string(member)});
  };
  const uint64_t remaining = size - count;
  if (remaining * kSpopRebuildRatio > count) {
    for (uint64_t i = 0; i < count; ++i) {
      const SetValue::Ref ref = set->random_ref(rng());
      const std::string_view member = set->member(ref, scratch);
      ctx.reply.bulk(member);
      replay(member);
      set->erase(ref);
    }
    return;
  }
  // Few members stay: choose those, move them to a new set and reply the rest. The new
  // set starts compact (an intset only if the old one was) and grows by the usual rules.
  std::vector<SetValue::Ref> refs = set->refs();
  for (size_t i = 0; i < remaining; ++i) {
    std::swap(refs[i], refs[std::uniform_int_distribution<size_t>(i, refs.size() - 1)(rng())]);
  }
  SetValue kept(set->encoding() == Encoding::Intset ? Encoding::Intset : Encoding::Listpack);
  const SetLimits lim = limits(ctx);
  for (size_t i = 0; i < remaining; ++i) kept.add(set->member(refs[i], scratch), lim);
  for (size_t i = remaining; i < refs.size(); ++i) {
    const std::string_view member = set->member(refs[i], scratch);
    ctx.reply.bulk(member);
    replay(member);
  }
  *set = std::move(kept);
}

void spop(CommandContext& ctx) {
  if (ctx.argc() == 3) {
    spop_with_count(ctx);
    return;
  }
  if (ctx.argc() > 3) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  const std::string_view key = ctx.arg(1);
  bool wrong;
  SetValue* set = typed_set(ctx, ctx.db.lookup_write(key), &wrong);
  if (wrong) return;
  if (set == nullptr) {
    ctx.reply.null();
    return;
  }
  SetValue::Scratch scratch;
  const SetValue::Ref ref = set->random_ref(rng());
  const std::string_view member = set->member(ref, scratch);
  ctx.reply.bulk(member);
  ctx.propagate_as({"SREM", std::string(key), std::string(member)});
  set->erase(ref);
  ctx.db.key_changed(key, kEventSet, "spop");
  remove_if_empty(ctx, key, *set);
}

// `picks` distinct members, fewer than the set holds.
void reply_distinct(CommandContext& ctx, SetValue& set, size_t picks) {
  ctx.reply.array(picks);
  SetValue::Scratch scratch;
  if (set.encoding() != Encoding::Hashtable || picks * 3 > set.size()) {
    // Compact, or most of the table wanted (random retries would mostly hit repeats):
    // a partial Fisher-Yates shuffle of all the members.
    std::vector<SetValue::Ref> refs = set.refs();
    for (size_t i = 0; i < picks; ++i) {
      std::swap(refs[i], refs[std::uniform_int_distribution<size_t>(i, refs.size() - 1)(rng())]);
      ctx.reply.bulk(set.member(refs[i], scratch));
    }
    return;
  }
  std::unordered_set<SetValue::Ref> seen;
  while (seen.size() < picks) {
    const SetValue::Ref ref = set.random_ref(rng());
    if (seen.insert(ref).second) ctx.reply.bulk(set.member(ref, scratch));
  }
}

void srandmember(CommandContext& ctx) {
  if (ctx.argc() > 3) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  if (ctx.argc() == 2) {
    bool wrong;
    SetValue* set = typed_set(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
    if (wrong) return;
    if (set == nullptr) {
      ctx.reply.null();
      return;
    }
    SetValue::Scratch scratch;
    ctx.reply.bulk(set->member(set->random_ref(rng()), scratch));
    return;
  }
  auto count = ctx.int_arg(2);
  if (!count) return;
  // Redis refuses LLONG_MIN, whose magnitude has no positive counterpart.
  if (*count == std::numeric_limits<int64_t>::min()) {
    ctx.reply.error(kCountRange);
    return;
  }
  bool wrong;
  SetValue* set = typed_set(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  if (set == nullptr || *count == 0) {
    ctx.reply.array(0);
    return;
  }
  SetValue::Scratch scratch;
  if (*count < 0) {
    const auto picks = static_cast<uint64_t>(-*count);
    if (picks > kMaxRepeatedPicks) {
      ctx.reply.error(errors::kOutOfRange);
      return;
    }
    ctx.reply.array(picks);
    if (set->encoding() == Encoding::Hashtable && picks * 2 < set->size()) {
      // Few picks from a big table: table picks are only nearly uniform, but listing the
      // members would cost more than the reply.
      for (uint64_t i = 0; i < picks; ++i) ctx.reply.bulk(set->member(set->random_ref(rng()), scratch));
      return;
    }
    // Uniform picks among the listed members (a listpack would be walked for every pick).
    const std::vector<SetValue::Ref> refs = set->refs();
    std::uniform_int_distribution<size_t> index(0, refs.size() - 1);
    for (uint64_t i = 0; i < picks; ++i) ctx.reply.bulk(set->member(refs[index(rng())], scratch));
    return;
  }
  if (static_cast<uint64_t>(*count) >= set->size()) {
    ctx.reply.array(set->size());
    set->for_each([&ctx](std::string_view member) { ctx.reply.bulk(member); });
    return;
  }
  reply_distinct(ctx, *set, static_cast<size_t>(*count));
}

// The sets named by arguments [first, last): null for a missing key. False, after replying
// WRONGTYPE, when a key holds another type (every key is checked, missing ones or not).
bool load_sets(CommandContext& ctx, size_t first, size_t last, std::vector<const SetValue*>& sets) {
  sets.reserve(last - first);
  for (size_t i = first; i < last; ++i) {
    bool wrong;
    const SetValue* set = typed_set(ctx, ctx.db.lookup_read(ctx.arg(i)), &wrong);
    if (wrong) return false;
    sets.push_back(set);
  }
  return true;
}

// Calls visit(smallest, ref, member) for each member of the intersection, in the smallest
// set's order, until visit returns false. Any missing set makes it empty.
template <class F>
void intersect(std::vector<const SetValue*>& sets, F&& visit) {
  if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) return;
  std::stable_sort(sets.begin(), sets.end(), [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  const SetValue& smallest = *sets[0];
  SetValue::Scratch scratch;
  for (SetValue::Ref ref : smallest.refs()) {
    const std::string_view member = smallest.member(ref, scratch);
    bool everywhere = true;
    for (size_t j = 1; j < sets.size() && everywhere; ++j) {
      everywhere = sets[j] == &smallest || sets[j]->contains(member);
    }
    if (everywhere && !visit(smallest, ref, member)) return;
  }
}

enum class SetOp : uint8_t { Union, Diff };

// The union, or the first set minus the others, as a new set built by the usual
// encoding rules (so all-integer results are intsets, iterated in order, as in Redis).
std::unique_ptr<SetValue> combine(const std::vector<const SetValue*>& sets, SetOp op, const SetLimits& lim) {
  auto result = std::make_unique<SetValue>();
  if (op == SetOp::Union) {
    for (const SetValue* set : sets) {
      if (set) set->for_each([&](std::string_view member) { result->add(member, lim); });
    }
    return result;
  }
  if (sets[0] == nullptr) return result;
  sets[0]->for_each([&](std::string_view member) {
    for (size_t j = 1; j < sets.size(); ++j) {
      if (sets[j] == sets[0] || (sets[j] && sets[j]->contains(member))) return;
    }
    result->add(member, lim);
  });
  return result;
}

// Stores `result` at the destination (argument 1) and replies its size; an empty result
// deletes the destination instead.
void store_result(CommandContext& ctx, std::unique_ptr<SetValue> result, std::string_view event) {
  const std::string_view destination = ctx.arg(1);
  const size_t size = result->size();
  if (size == 0) {
    if (ctx.db.remove(destination)) ctx.db.key_changed(destination, kEventGeneric, "del");
    ctx.reply.integer(0);
    return;
  }
  ctx.db.upsert(KeyEntry::create_object(destination, ValueType::Set, std::move(result), KeyEntry::kNoExpiry));
  ctx.db.key_changed(destination, kEventSet, event);
  ctx.reply.integer(static_cast<int64_t>(size));
}

void sinter(CommandContext& ctx) {
  std::vector<const SetValue*> sets;
  if (!load_sets(ctx, 1, ctx.argc(), sets)) return;
  // The reply needs its length up front: collect the smallest set's Refs, which stay
  // valid as nothing changes meanwhile.
  const SetValue* smallest = nullptr;
  std::vector<SetValue::Ref> found;
  intersect(sets, [&](const SetValue& set, SetValue::Ref ref, std::string_view) {
    smallest = &set;
    found.push_back(ref);
    return true;
  });
  ctx.reply.set(found.size());
  SetValue::Scratch scratch;
  for (SetValue::Ref ref : found) ctx.reply.bulk(smallest->member(ref, scratch));
}

void sinterstore(CommandContext& ctx) {
  std::vector<const SetValue*> sets;
  if (!load_sets(ctx, 2, ctx.argc(), sets)) return;
  const SetLimits lim = limits(ctx);
  auto result = std::make_unique<SetValue>();
  intersect(sets, [&](const SetValue&, SetValue::Ref, std::string_view member) {
    result->add(member, lim);
    return true;
  });
  store_result(ctx, std::move(result), "sinterstore");
}

void sintercard(CommandContext& ctx) {
  auto numkeys = ranged_arg(ctx, 1, 1, std::numeric_limits<int64_t>::max(), kNumkeys);
  if (!numkeys) return;
  if (static_cast<uint64_t>(*numkeys) > ctx.argc() - 2) {
    ctx.reply.error(kTooManyKeys);
    return;
  }
  const size_t keys_end = 2 + static_cast<size_t>(*numkeys);
  uint64_t limit = 0;
  for (size_t i = keys_end; i < ctx.argc(); i += 2) {
    if (!equals_ignore_case(ctx.arg(i), "limit") || i + 1 >= ctx.argc()) {
      ctx.reply.error(errors::kSyntax);
      return;
    }
    auto parsed = ranged_arg(ctx, i + 1, 0, std::numeric_limits<int64_t>::max(), kNegativeLimit);
    if (!parsed) return;
    limit = static_cast<uint64_t>(*parsed);
  }
  std::vector<const SetValue*> sets;
  if (!load_sets(ctx, 2, keys_end, sets)) return;
  uint64_t cardinality = 0;
  intersect(sets, [&](const SetValue&, SetValue::Ref, std::string_view) { return ++cardinality != limit; });
  ctx.reply.integer(static_cast<int64_t>(cardinality));
}

void reply_combined(CommandContext& ctx, SetOp op) {
  std::vector<const SetValue*> sets;
  if (!load_sets(ctx, 1, ctx.argc(), sets)) return;
  auto result = combine(sets, op, limits(ctx));
  ctx.reply.set(result->size());
  result->for_each([&ctx](std::string_view member) { ctx.reply.bulk(member); });
}

void store_combined(CommandContext& ctx, SetOp op, std::string_view event) {
  std::vector<const SetValue*> sets;
  if (!load_sets(ctx, 2, ctx.argc(), sets)) return;
  store_result(ctx, combine(sets, op, limits(ctx)), event);
}

void sunion(CommandContext& ctx) { reply_combined(ctx, SetOp::Union); }
void sdiff(CommandContext& ctx) { reply_combined(ctx, SetOp::Diff); }
void sunionstore(CommandContext& ctx) { store_combined(ctx, SetOp::Union, "sunionstore"); }
void sdiffstore(CommandContext& ctx) { store_combined(ctx, SetOp::Diff, "sdiffstore"); }

void sscan(CommandContext& ctx) {
  ctx.scan_collection<SetValue>(ValueType::Set, [](SetValue& set, uint64_t cursor, ScanCollector& found) {
    return set.scan(cursor, [&found](std::string_view member) { found.add(member); });
  });
}

constexpr uint32_t kSet = kAclSet;
constexpr uint32_t kWriteFast = kCmdWrite | kCmdFast;
constexpr uint32_t kReadFast = kCmdReadOnly | kCmdFast;

constexpr KeySpec kInsertKey[] = {{kKeyRW | kKeyInsert, 1, 0, 1}};
constexpr KeySpec kDeleteKey[] = {{kKeyRW | kKeyDelete, 1, 0, 1}};
constexpr KeySpec kPopKey[] = {{kKeyRW | kKeyAccess | kKeyDelete, 1, 0, 1}};
constexpr KeySpec kReadKey[] = {{kKeyRO | kKeyAccess, 1, 0, 1}};
constexpr KeySpec kProbeKey[] = {{kKeyRO, 1, 0, 1}};
constexpr KeySpec kReadKeys[] = {{kKeyRO | kKeyAccess, 1, -1, 1}};
constexpr KeySpec kMoveKeys[] = {{kKeyRW | kKeyAccess | kKeyDelete, 1, 0, 1}, {kKeyRW | kKeyInsert, 2, 0, 1}};
constexpr KeySpec kInterStoreKeys[] = {{kKeyRW | kKeyUpdate, 1, 0, 1}, {kKeyRO | kKeyAccess, 2, -1, 1}};
constexpr KeySpec kStoreKeys[] = {{kKeyOW | kKeyUpdate, 1, 0, 1}, {kKeyRO | kKeyAccess, 2, -1, 1}};
constexpr KeySpec kInterCardKeys[] = {{.flags = kKeyRO | kKeyAccess, .begin_index = 1, .last_key = 0, .key_step = 1,
                                       .find = KeyFind::KeyNum, .keynum_index = 0, .first_key = 1}};

constexpr std::string_view kUnorderedTips[] = {"nondeterministic_output_order"};
constexpr std::string_view kNondeterministicTips[] = {"nondeterministic_output"};

constexpr CommandArg kKeyArg[] = {{"key", ArgType::Key, 0}};
constexpr CommandArg kKeyMember[] = {{"key", ArgType::Key, 0}, {"member", ArgType::String}};
constexpr CommandArg kKeyMembers[] = {{"key", ArgType::Key, 0}, {"member", ArgType::String, -1, {}, kArgMultiple}};
constexpr CommandArg kKeys[] = {{"key", ArgType::Key, 0, {}, kArgMultiple}};
constexpr CommandArg kStoreArgs[] = {{"destination", ArgType::Key, 0}, {"key", ArgType::Key, 1, {}, kArgMultiple}};
constexpr CommandArg kMoveArgs[] = {
    {"source", ArgType::Key, 0}, {"destination", ArgType::Key, 1}, {"member", ArgType::String}};
constexpr CommandArg kSpopArgs[] = {
    {"key", ArgType::Key, 0}, {"count", ArgType::Integer, -1, {}, kArgOptional, {}, "3.2.0"}};
constexpr CommandArg kSrandArgs[] = {
    {"key", ArgType::Key, 0}, {"count", ArgType::Integer, -1, {}, kArgOptional, {}, "2.6.0"}};
constexpr CommandArg kInterCardArgs[] = {
    {"numkeys", ArgType::Integer},
    {"key", ArgType::Key, 0, {}, kArgMultiple},
    {"limit", ArgType::Integer, -1, "LIMIT", kArgOptional},
};
constexpr CommandArg kScanArgs[] = {
    {"key", ArgType::Key, 0},
    {"cursor", ArgType::Integer},
    {"pattern", ArgType::Pattern, -1, "MATCH", kArgOptional},
    {"count", ArgType::Integer, -1, "COUNT", kArgOptional},
};

constexpr CommandHistory kMultipleMembers[] = {{"2.4.0", "Accepts multiple `member` arguments."}};
constexpr CommandHistory kSpopHistory[] = {{"3.2.0", "Added the `count` argument."}};
constexpr CommandHistory kSrandHistory[] = {{"2.6.0", "Added the optional `count` argument."}};

constexpr std::string_view kInterComplexity =
    "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
constexpr std::string_view kUnionComplexity = "O(N) where N is the total number of elements in all given sets.";

// Summaries are our own words; the other fields follow Redis 7.0's COMMAND DOCS.
const CommandSpec kCommands[] = {
    {.name = "sadd", .arity = -3, .flags = kWriteFast | kCmdDenyOom, .acl_categories = kSet, .handler = sadd,
     .key_specs = kInsertKey, .summary = "Adds members to a set, creating the set if needed.", .since = "1.0.0",
     .group = "set",
     .complexity = "O(1) for each element added, so O(N) to add N elements when the command is called with "
                   "multiple arguments.",
     .arguments = kKeyMembers, .history = kMultipleMembers},
    {.name = "srem", .arity = -3, .flags = kWriteFast, .acl_categories = kSet, .handler = srem,
     .key_specs = kDeleteKey, .summary = "Removes members from a set, and the set once it is empty.",
     .since = "1.0.0", .group = "set", .complexity = "O(N) where N is the number of members to be removed.",
     .arguments = kKeyMembers, .history = kMultipleMembers},
    {.name = "smembers", .arity = 2, .flags = kCmdReadOnly, .acl_categories = kSet, .handler = smembers,
     .key_specs = kReadKey, .summary = "Returns every member of a set.", .since = "1.0.0", .group = "set",
     .complexity = "O(N) where N is the set cardinality.", .arguments = kKeyArg, .tips = kUnorderedTips},
    {.name = "sismember", .arity = 3, .flags = kReadFast, .acl_categories = kSet, .handler = sismember,
     .key_specs = kProbeKey, .summary = "Tells whether a value belongs to a set.", .since = "1.0.0",
     .group = "set", .complexity = "O(1)", .arguments = kKeyMember},
    {.name = "smismember", .arity = -3, .flags = kReadFast, .acl_categories = kSet, .handler = smismember,
     .key_specs = kReadKey, .summary = "Tells, for each of several values, whether it belongs to a set.",
     .since = "6.2.0", .group = "set",
     .complexity = "O(N) where N is the number of elements being checked for membership",
     .arguments = kKeyMembers},
    {.name = "scard", .arity = 2, .flags = kReadFast, .acl_categories = kSet, .handler = scard,
     .key_specs = kProbeKey, .summary = "Counts the members of a set.", .since = "1.0.0", .group = "set",
     .complexity = "O(1)", .arguments = kKeyArg},
    {.name = "smove", .arity = 4, .flags = kWriteFast, .acl_categories = kSet, .handler = smove,
     .key_specs = kMoveKeys, .summary = "Moves a member from one set to another.", .since = "1.0.0",
     .group = "set", .complexity = "O(1)", .arguments = kMoveArgs},
    {.name = "spop", .arity = -2, .flags = kWriteFast, .acl_categories = kSet, .handler = spop,
     .key_specs = kPopKey, .summary = "Removes random members from a set and returns them.", .since = "1.0.0",
     .group = "set",
     .complexity = "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
     .arguments = kSpopArgs, .history = kSpopHistory, .tips = kNondeterministicTips},
    {.name = "srandmember", .arity = -2, .flags = kCmdReadOnly, .acl_categories = kSet, .handler = srandmember,
     .key_specs = kReadKey, .summary = "Returns random members of a set without removing them.",
     .since = "1.0.0", .group = "set",
     .complexity = "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed "
                   "count.",
     .arguments = kSrandArgs, .history = kSrandHistory, .tips = kNondeterministicTips},
    {.name = "sinter", .arity = -2, .flags = kCmdReadOnly, .acl_categories = kSet, .handler = sinter,
     .key_specs = kReadKeys, .summary = "Returns the members common to all the given sets.", .since = "1.0.0",
     .group = "set", .complexity = kInterComplexity, .arguments = kKeys, .tips = kUnorderedTips},
    {.name = "sintercard", .arity = -3, .flags = kCmdReadOnly, .acl_categories = kSet, .handler = sintercard,
     .key_specs = kInterCardKeys, .summary = "Counts the members common to all the given sets, up to a limit.",
     .since = "7.0.0", .group = "set", .complexity = kInterComplexity, .arguments = kInterCardArgs},
    {.name = "sunion", .arity = -2, .flags = kCmdReadOnly, .acl_categories = kSet, .handler = sunion,
     .key_specs = kReadKeys, .summary = "Returns the members of any of the given sets.", .since = "1.0.0",
     .group = "set", .complexity = kUnionComplexity, .arguments = kKeys, .tips = kUnorderedTips},
    {.name = "sdiff", .arity = -2, .flags = kCmdReadOnly, .acl_categories = kSet, .handler = sdiff,
     .key_specs = kReadKeys, .summary = "Returns the members of the first set that none of the others has.",
     .since = "1.0.0", .group = "set", .complexity = kUnionComplexity, .arguments = kKeys,
     .tips = kUnorderedTips},
    {.name = "sinterstore", .arity = -3, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kSet,
     .handler = sinterstore, .key_specs = kInterStoreKeys,
     .summary = "Stores the members common to all the given sets in a key.", .since = "1.0.0", .group = "set",
     .complexity = kInterComplexity, .arguments = kStoreArgs},
    {.name = "sunionstore", .arity = -3, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kSet,
     .handler = sunionstore, .key_specs = kStoreKeys,
     .summary = "Stores the members of any of the given sets in a key.", .since = "1.0.0", .group = "set",
     .complexity = kUnionComplexity, .arguments = kStoreArgs},
    {.name = "sdiffstore", .arity = -3, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kSet,
     .handler = sdiffstore, .key_specs = kStoreKeys,
     .summary = "Stores the members of the first set that none of the others has in a key.", .since = "1.0.0",
     .group = "set", .complexity = kUnionComplexity, .arguments = kStoreArgs},
    {.name = "sscan", .arity = -3, .flags = kCmdReadOnly, .acl_categories = kSet, .handler = sscan,
     .key_specs = kReadKey, .summary = "Walks the members of a set a few at a time with a cursor.",
     .since = "2.8.0", .group = "set",
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
                   "cursor to return back to 0. N is the number of elements inside the collection..",
     .arguments = kScanArgs, .tips = kNondeterministicTips},
};

}  // namespace

std::span<const CommandSpec> set_commands() { return kCommands; }

}  // namespace corvid
