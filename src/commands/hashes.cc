// Hash commands: HSET HMSET HSETNX HGET HMGET HDEL HLEN HSTRLEN HEXISTS HGETALL HKEYS
// HVALS HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN, and the field-expiry commands of Redis
// 7.4/8.0: HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT HTTL HPTTL HEXPIRETIME HPEXPIRETIME
// HPERSIST HGETDEL HGETEX HSETEX.
//
// Due fields never reach these handlers: every lookup drops them first (Database), so
// HLEN is exact, unlike Redis, whose HLEN may count fields past their deadline that
// nobody has reclaimed yet.

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <random>
#include <unordered_set>
#include <vector>
#include <limits>
#include <memory>
#include <string>

#include "commands/context.h"
#include "core/glob.h"
#include "core/number_format.h"
#include "db/hash_value.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {

namespace {

constexpr std::string_view kHashNotInteger = "ERR hash value is not an integer";
constexpr std::string_view kHashNotFloat = "ERR hash value is not a float";
constexpr std::string_view kNanOrInfinityArg = "ERR value is NaN or Infinity";
constexpr std::string_view kNanOrInfinity = "ERR increment would produce NaN or Infinity";

HashLimits limits(CommandContext& ctx) {
  const Config& config = ctx.server.config();
  return {static_cast<size_t>(config.hash_max_listpack_entries),
          static_cast<size_t>(config.hash_max_listpack_value)};
}

const HashValue* read_hash(CommandContext& ctx, const KeyEntry* entry, bool* wrong) {
  return ctx.typed<HashValue>(entry, ValueType::Hash, wrong);
}

KeyEntry* hash_for_write(CommandContext& ctx, std::string_view key) {
  return ctx.lookup_or_create<HashValue>(key, ValueType::Hash);
}

// After fields were removed: an emptied hash goes, reported as Redis does, with a generic
// "del" after the command's own event.
void remove_if_empty(CommandContext& ctx, std::string_view key, const HashValue& hash) {
  if (hash.size() > 0) return;
  ctx.db.remove(key);
  ctx.db.key_changed(key, kEventGeneric, "del");
}

// Sets the field/value pairs from argument 2 on; returns how many fields were new.
int64_t set_pairs(CommandContext& ctx, KeyEntry& entry) {
  const HashLimits lim = limits(ctx);
  int64_t created = 0;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) created += entry.object_as<HashValue>().set(ctx.arg(i), ctx.arg(i + 1), lim);
  ctx.db.key_changed(ctx.arg(1), kEventHash, "hset");
  return created;
}

void hset(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) {
    ctx.wrong_arity();
    return;
  }
  KeyEntry* entry = hash_for_write(ctx, ctx.arg(1));
  if (entry == nullptr) return;
  ctx.reply.integer(set_pairs(ctx, *entry));
}

void hmset(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) {
    ctx.wrong_arity();
    return;
  }
  KeyEntry* entry = hash_for_write(ctx, ctx.arg(1));
  if (entry == nullptr) return;
  set_pairs(ctx, *entry);
  ctx.reply.ok();
}

void hsetnx(CommandContext& ctx) {
  KeyEntry* entry = hash_for_write(ctx, ctx.arg(1));
  if (entry == nullptr) return;
  if (entry->object_as<HashValue>().contains(ctx.arg(2))) {
    ctx.reply.integer(0);
    return;
  }
  entry->object_as<HashValue>().set(ctx.arg(2), ctx.arg(3), limits(ctx));
  ctx.db.key_changed(ctx.arg(1), kEventHash, "hset");
  ctx.reply.integer(1);
}

// Replies the value of `field` (null when absent, or when there is no hash).
void reply_field(CommandContext& ctx, const HashValue* hash, std::string_view field) {
  HashValue::Scratch scratch;
  if (auto value = hash ? hash->get(field, scratch) : std::nullopt) {
    ctx.reply.bulk(*value);
  } else {
    ctx.reply.null();
  }
}

void hget(CommandContext& ctx) {
  bool wrong;
  const HashValue* hash = read_hash(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  reply_field(ctx, hash, ctx.arg(2));
}

void hmget(CommandContext& ctx) {
  bool wrong;
  const HashValue* hash = read_hash(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) reply_field(ctx, hash, ctx.arg(i));
}

void hdel(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  const HashValue* found = read_hash(ctx, entry, &wrong);
  if (wrong) return;
  if (found == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  auto& hash = entry->object_as<HashValue>();
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc() && hash.size() > 0; ++i) deleted += hash.erase(ctx.arg(i));
  if (deleted > 0) {
    ctx.db.key_changed(key, kEventHash, "hdel");
    remove_if_empty(ctx, key, hash);
  }
  ctx.reply.integer(deleted);
}

void hlen(CommandContext& ctx) {
  bool wrong;
  const HashValue* hash = read_hash(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.integer(hash ? static_cast<int64_t>(hash->size()) : 0);
}

void hstrlen(CommandContext& ctx) {
  bool wrong;
  const HashValue* hash = read_hash(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  HashValue::Scratch scratch;
  auto value = hash ? hash->get(ctx.arg(2), scratch) : std::nullopt;
  ctx.reply.integer(value ? static_cast<int64_t>(value->size()) : 0);
}

void hexists(CommandContext& ctx) {
  bool wrong;
  const HashValue* hash = read_hash(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.integer(hash && hash->contains(ctx.arg(2)) ? 1 : 0);
}

enum class Part : uint8_t { Fields, Values, Both };

void reply_all(CommandContext& ctx, Part part) {
  bool wrong;
  const HashValue* hash = read_hash(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  const size_t n = hash ? hash->size() : 0;
  if (part == Part::Both) {
    ctx.reply.map(n);
  } else {
    ctx.reply.array(n);
  }
  if (hash == nullptr) return;
  hash->for_each([&](std::string_view field, std::string_view value) {
    if (part != Part::Values) ctx.reply.bulk(field);
    if (part != Part::Fields) ctx.reply.bulk(value);
  });
}

void hgetall(CommandContext& ctx) { reply_all(ctx, Part::Both); }
void hkeys(CommandContext& ctx) { reply_all(ctx, Part::Fields); }
void hvals(CommandContext& ctx) { reply_all(ctx, Part::Values); }

void hincrby(CommandContext& ctx) {
  auto increment = ctx.int_arg(3);
  if (!increment) return;
  KeyEntry* entry = hash_for_write(ctx, ctx.arg(1));
  if (entry == nullptr) return;
  int64_t current = 0;
  HashValue::Scratch scratch;
  if (auto stored = entry->object_as<HashValue>().get(ctx.arg(2), scratch)) {
    auto parsed = parse_int64(*stored);
    if (!parsed) {
      ctx.reply.error(kHashNotInteger);
      return;
    }
    current = *parsed;
  }
  int64_t result;
  if (__builtin_add_overflow(current, *increment, &result)) {
    ctx.reply.error(errors::kOverflow);
    return;
  }
  char digits[kInt64MaxChars + 1];
  // Changing a value in place keeps the field's deadline, as in Redis.
  entry->object_as<HashValue>().set(ctx.arg(2), std::string_view(digits, format_int64(result, digits)), limits(ctx), true);
  ctx.db.key_changed(ctx.arg(1), kEventHash, "hincrby");
  ctx.reply.integer(result);
}

void hincrbyfloat(CommandContext& ctx) {
  auto increment = parse_long_double(ctx.arg(3));
  if (!increment) {
    ctx.reply.error(errors::kNotFloat);
    return;
  }
  if (std::isnan(*increment) || std::isinf(*increment)) {
    ctx.reply.error(kNanOrInfinityArg);
    return;
  }
  KeyEntry* entry = hash_for_write(ctx, ctx.arg(1));
  if (entry == nullptr) return;
  long double current = 0;
  HashValue::Scratch scratch;
  if (auto stored = entry->object_as<HashValue>().get(ctx.arg(2), scratch)) {
    auto parsed = parse_long_double(*stored);
    if (!parsed) {
      ctx.reply.error(kHashNotFloat);
      return;
    }
    current = *parsed;
  }
  long double result = current + *increment;
  if (std::isnan(result) || std::isinf(result)) {
    ctx.reply.error(kNanOrInfinity);
    return;
  }
  std::string text = format_long_double_human(result);
  entry->object_as<HashValue>().set(ctx.arg(2), text, limits(ctx), true);
  ctx.db.key_changed(ctx.arg(1), kEventHash, "hincrbyfloat");
  ctx.propagate_as({"HSET", std::string(ctx.arg(1)), std::string(ctx.arg(2)), text});
  ctx.reply.bulk(text);
}

std::mt19937_64& rng() {
  static std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

// One picked entry: RESP3 nests each field/value pair in its own array.
void reply_pick(CommandContext& ctx, std::pair<std::string_view, std::string_view> pick, bool with_values) {
  if (with_values && ctx.reply.resp3()) ctx.reply.array(2);
  ctx.reply.bulk(pick.first);
  if (with_values) ctx.reply.bulk(pick.second);
}

void reply_picks_header(CommandContext& ctx, size_t picks, bool with_values) {
  ctx.reply.array(with_values && !ctx.reply.resp3() ? picks * 2 : picks);
}

// |count| picks that may repeat.
void random_with_repeats(CommandContext& ctx, HashValue& hash, uint64_t picks, bool with_values) {
  reply_picks_header(ctx, picks, with_values);
  HashValue::Scratch field_scratch, value_scratch;
  if (hash.encoding() != Encoding::Hashtable) {
    // Indexing the listpack walks it: collect the positions once.
    const std::vector<Listpack::Pos> fields = hash.listpack_fields();
    std::uniform_int_distribution<size_t> index(0, fields.size() - 1);
    for (uint64_t i = 0; i < picks; ++i) {
      reply_pick(ctx, hash.listpack_entry(fields[index(rng())], field_scratch, value_scratch), with_values);
    }
    return;
  }
  for (uint64_t i = 0; i < picks; ++i) {
    reply_pick(ctx, hash.random_entry(rng(), field_scratch, value_scratch), with_values);
  }
}

// `picks` distinct entries, fewer than the hash holds.
void random_distinct(CommandContext& ctx, HashValue& hash, size_t picks, bool with_values) {
  reply_picks_header(ctx, picks, with_values);
  HashValue::Scratch field_scratch, value_scratch;
  if (hash.encoding() != Encoding::Hashtable) {
    // Small enough to shuffle: a partial Fisher-Yates over the positions.
    std::vector<Listpack::Pos> fields = hash.listpack_fields();
    for (size_t i = 0; i < picks; ++i) {
      std::swap(fields[i], fields[std::uniform_int_distribution<size_t>(i, fields.size() - 1)(rng())]);
      reply_pick(ctx, hash.listpack_entry(fields[i], field_scratch, value_scratch), with_values);
    }
    return;
  }
  if (picks * 3 > hash.size()) {
    // Most of the table is wanted: retrying random picks would mostly hit duplicates.
    std::vector<std::pair<std::string_view, std::string_view>> all;
    all.reserve(hash.size());
    hash.for_each([&all](std::string_view field, std::string_view value) { all.emplace_back(field, value); });
    for (size_t i = 0; i < picks; ++i) {
      std::swap(all[i], all[std::uniform_int_distribution<size_t>(i, all.size() - 1)(rng())]);
      reply_pick(ctx, all[i], with_values);
    }
    return;
  }
  // Table nodes do not move while nothing is inserted, so their views can be kept.
  std::unordered_set<std::string_view> seen;
  while (seen.size() < picks) {
    auto pick = hash.random_entry(rng(), field_scratch, value_scratch);
    if (seen.insert(pick.first).second) reply_pick(ctx, pick, with_values);
  }
}

void hrandfield(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
    bool wrong;
    const HashValue* found = read_hash(ctx, entry, &wrong);
    if (wrong) return;
    if (found == nullptr) {
      ctx.reply.null();
      return;
    }
    HashValue::Scratch field_scratch, value_scratch;
    auto& hash = entry->object_as<HashValue>();
    ctx.reply.bulk(hash.random_entry(rng(), field_scratch, value_scratch).first);
    return;
  }
  auto request = ctx.random_pick_args("withvalues");
  if (!request) return;
  const int64_t count = request->count;
  const bool with_values = request->with_values;
  KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
  bool wrong;
  const HashValue* found = read_hash(ctx, entry, &wrong);
  if (wrong) return;
  if (found == nullptr || count == 0) {
    ctx.reply.array(0);
    return;
  }
  auto& hash = entry->object_as<HashValue>();
  if (count < 0) {
    const auto picks = static_cast<uint64_t>(-count);
    if (picks > kMaxRepeatedPicks) {
      ctx.reply.error(errors::kOutOfRange);
      return;
    }
    random_with_repeats(ctx, hash, picks, with_values);
    return;
  }
  if (static_cast<uint64_t>(count) >= hash.size()) {
    // Everything, in storage order.
    reply_picks_header(ctx, hash.size(), with_values);
    hash.for_each([&](std::string_view field, std::string_view value) {
      reply_pick(ctx, {field, value}, with_values);
    });
    return;
  }
  random_distinct(ctx, hash, static_cast<size_t>(count), with_values);
}

void hscan(CommandContext& ctx) {
  ctx.scan_collection<HashValue>(ValueType::Hash, [](HashValue& hash, uint64_t cursor, ScanCollector& found) {
    return hash.scan(cursor, [&found](std::string_view field, std::string_view value) { found.add(field, value); });
  });
}

// ---- Field deadlines ------------------------------------------------------------------
// Error texts and reply codes as Redis 7.4/8.0 word them.

constexpr std::string_view kFieldsMissing = "ERR Mandatory argument FIELDS is missing or not at the right position";
constexpr std::string_view kFieldCountNotPositive = "ERR Number of fields must be a positive integer";
// HEXPIRE and friends word the same complaint differently.
constexpr std::string_view kExpireFieldCountNotPositive = "ERR Parameter `numFields` should be greater than 0";
constexpr std::string_view kFieldCountMismatch = "ERR The `numfields` parameter must match the number of arguments";
constexpr std::string_view kNegativeExpireTime = "ERR invalid expire time, must be >= 0";

// Per-field outcomes of giving a field a deadline, and of asking for one.
constexpr int64_t kNoSuchField = -2;
constexpr int64_t kConditionNotMet = 0;
constexpr int64_t kDeadlineSet = 1;
constexpr int64_t kFieldDeleted = 2;
constexpr int64_t kNoDeadline = -1;

enum class DeadlineCondition : uint8_t { Always, NX, XX, GT, LT };

// A deadline argument: `unit_ms` milliseconds per unit, relative to `base_ms` (0 for the
// absolute forms). Replies Redis's error and returns nullopt when it is out of range.
std::optional<int64_t> deadline_arg(CommandContext& ctx, size_t i, int64_t unit_ms, int64_t base_ms) {
  auto value = ctx.int_arg(i);
  if (!value) return std::nullopt;
  if (*value < 0) {
    ctx.reply.error(kNegativeExpireTime);
    return std::nullopt;
  }
  if (*value > HashValue::kMaxExpiryMs / unit_ms || *value * unit_ms > HashValue::kMaxExpiryMs - base_ms) {
    ctx.reply.error("ERR invalid expire time in '" + ctx.command.full_name + "' command");
    return std::nullopt;
  }
  return *value * unit_ms + base_ms;
}

// "FIELDS numfields field..." with the keyword at `at`; returns the index of the first
// field, or nullopt after replying the error.
std::optional<size_t> fields_arg(CommandContext& ctx, size_t at, std::string_view count_error) {
  if (at >= ctx.argc() || !equals_ignore_case(ctx.arg(at), "fields")) {
    ctx.reply.error(kFieldsMissing);
    return std::nullopt;
  }
  if (at + 1 >= ctx.argc()) {
    ctx.wrong_arity();
    return std::nullopt;
  }
  auto count = parse_int64(ctx.arg(at + 1));
  if (!count || *count < 1) {
    ctx.reply.error(count_error);
    return std::nullopt;
  }
  if (static_cast<uint64_t>(*count) != ctx.argc() - at - 2) {
    ctx.reply.error(kFieldCountMismatch);
    return std::nullopt;
  }
  return at + 2;
}

// Gives `field` the deadline `when` if `condition` allows; a deadline already passed
// deletes the field instead. A field without a deadline counts as never expiring for
// GT and LT. Returns the reply code.
int64_t apply_deadline(HashValue& hash, std::string_view field, int64_t when, DeadlineCondition condition,
                       int64_t now_ms) {
  auto current = hash.field_expiry(field);
  if (!current) return kNoSuchField;
  const bool has_deadline = *current != HashValue::kNoExpiry;
  switch (condition) {
    case DeadlineCondition::Always:
      break;
    case DeadlineCondition::NX:
      if (has_deadline) return kConditionNotMet;
      break;
    case DeadlineCondition::XX:
      if (!has_deadline) return kConditionNotMet;
      break;
    case DeadlineCondition::GT:
      if (!has_deadline || *current >= when) return kConditionNotMet;
      break;
    case DeadlineCondition::LT:
      if (has_deadline && *current <= when) return kConditionNotMet;
      break;
  }
  if (when <= now_ms) {
    hash.erase(field);
    return kFieldDeleted;
  }
  hash.set_field_expiry(field, when);
  return kDeadlineSet;
}

// The EX / PX / EXAT / PXAT options of HGETEX and HSETEX.
struct DeadlineForm {
  std::string_view name;
  int64_t unit_ms;
  bool relative;  // counted from now, not from the Unix epoch
};

const DeadlineForm* deadline_form(std::string_view option) {
  static constexpr DeadlineForm kForms[] = {
      {"ex", 1000, true}, {"px", 1, true}, {"exat", 1000, false}, {"pxat", 1, false}};
  for (const DeadlineForm& form : kForms) {
    if (equals_ignore_case(option, form.name)) return &form;
  }
  return nullptr;
}

// So that the cron reclaims the fields even if nobody reads the hash again.
// What a command that sets field deadlines replays as, deterministically: HDEL of the
// fields it deleted (their deadline was already past), HPEXPIREAT of those it gave a
// deadline (conditions already applied), HPERSIST of those it made persistent.
class FieldDeadlineReplay {
 public:
  void note(std::string_view field, int64_t outcome) {
    if (outcome == kFieldDeleted) deleted_.emplace_back(field);
    if (outcome == kDeadlineSet) changed_.emplace_back(field);
  }
  void deleted(std::string_view field) { deleted_.emplace_back(field); }
  void changed(std::string_view field) { changed_.emplace_back(field); }
  // `when` is the deadline given, or nullopt for HPERSIST.
  void emit(CommandContext& ctx, std::string_view key, std::optional<int64_t> when) {
    if (!deleted_.empty()) {
      std::vector<std::string> argv = {"HDEL", std::string(key)};
      argv.insert(argv.end(), deleted_.begin(), deleted_.end());
      ctx.propagate_as(std::move(argv));
    }
    if (!changed_.empty()) {
      std::vector<std::string> argv = {when ? "HPEXPIREAT" : "HPERSIST", std::string(key)};
      if (when) argv.push_back(std::to_string(*when));
      argv.emplace_back("FIELDS");
      argv.push_back(std::to_string(changed_.size()));
      argv.insert(argv.end(), changed_.begin(), changed_.end());
      ctx.propagate_as(std::move(argv));
    }
  }

 private:
  std::vector<std::string> deleted_;
  std::vector<std::string> changed_;
};

void track_deadlines(CommandContext& ctx, std::string_view key, const HashValue& hash) {
  if (hash.size() > 0 && hash.has_field_deadlines()) ctx.db.track_field_expiry(key);
}

// HEXPIRE key time [NX|XX|GT|LT] FIELDS numfields field...
void expire_fields(CommandContext& ctx, int64_t unit_ms, bool relative) {
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  const HashValue* found = read_hash(ctx, entry, &wrong);
  if (wrong) return;
  auto when = deadline_arg(ctx, 2, unit_ms, relative ? ctx.clock.now_ms : 0);
  if (!when) return;
  DeadlineCondition condition = DeadlineCondition::Always;
  constexpr std::pair<std::string_view, DeadlineCondition> kConditions[] = {
      {"nx", DeadlineCondition::NX}, {"xx", DeadlineCondition::XX},
      {"gt", DeadlineCondition::GT}, {"lt", DeadlineCondition::LT}};
  size_t fields_at = 3;
  for (const auto& [name, value] : kConditions) {
    if (equals_ignore_case(ctx.arg(3), name)) {
      condition = value;
      fields_at = 4;
    }
  }
  auto first = fields_arg(ctx, fields_at, kExpireFieldCountNotPositive);
  if (!first) return;
  ctx.reply.array(ctx.argc() - *first);
  if (found == nullptr) {
    for (size_t i = *first; i < ctx.argc(); ++i) ctx.reply.integer(kNoSuchField);
    return;
  }
  auto& hash = entry->object_as<HashValue>();
  size_t updated = 0, deleted = 0;
  FieldDeadlineReplay replay;
  for (size_t i = *first; i < ctx.argc(); ++i) {
    const int64_t outcome = apply_deadline(hash, ctx.arg(i), *when, condition, ctx.clock.now_ms);
    updated += outcome == kDeadlineSet;
    deleted += outcome == kFieldDeleted;
    replay.note(ctx.arg(i), outcome);
    ctx.reply.integer(outcome);
  }
  replay.emit(ctx, key, *when);
  if (updated + deleted > 0) ctx.db.key_changed(key, kEventHash, deleted > 0 ? "hdel" : "hexpire");
  track_deadlines(ctx, key, hash);
  remove_if_empty(ctx, key, hash);
}

void hexpire(CommandContext& ctx) { expire_fields(ctx, 1000, true); }
void hpexpire(CommandContext& ctx) { expire_fields(ctx, 1, true); }
void hexpireat(CommandContext& ctx) { expire_fields(ctx, 1000, false); }
void hpexpireat(CommandContext& ctx) { expire_fields(ctx, 1, false); }

// HTTL key FIELDS numfields field...: the deadline of each field, in `unit_ms` units
// counted from `base_ms` (rounded up to whole seconds, as Redis does).
void field_deadlines(CommandContext& ctx, int64_t unit_ms, bool relative) {
  KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
  bool wrong;
  const HashValue* hash = read_hash(ctx, entry, &wrong);
  if (wrong) return;
  auto first = fields_arg(ctx, 2, kFieldCountNotPositive);
  if (!first) return;
  const int64_t base_ms = relative ? ctx.clock.now_ms : 0;
  ctx.reply.array(ctx.argc() - *first);
  for (size_t i = *first; i < ctx.argc(); ++i) {
    auto when = hash ? hash->field_expiry(ctx.arg(i)) : std::nullopt;
    if (!when) {
      ctx.reply.integer(kNoSuchField);
    } else if (*when == HashValue::kNoExpiry) {
      ctx.reply.integer(kNoDeadline);
    } else {
      ctx.reply.integer((*when - base_ms + unit_ms - 1) / unit_ms);
    }
  }
}

void httl(CommandContext& ctx) { field_deadlines(ctx, 1000, true); }
void hpttl(CommandContext& ctx) { field_deadlines(ctx, 1, true); }
void hexpiretime(CommandContext& ctx) { field_deadlines(ctx, 1000, false); }
void hpexpiretime(CommandContext& ctx) { field_deadlines(ctx, 1, false); }

void hpersist(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  const HashValue* found = read_hash(ctx, entry, &wrong);
  if (wrong) return;
  auto first = fields_arg(ctx, 2, kFieldCountNotPositive);
  if (!first) return;
  ctx.reply.array(ctx.argc() - *first);
  if (found == nullptr) {
    for (size_t i = *first; i < ctx.argc(); ++i) ctx.reply.integer(kNoSuchField);
    return;
  }
  auto& hash = entry->object_as<HashValue>();
  bool changed = false;
  for (size_t i = *first; i < ctx.argc(); ++i) {
    auto when = hash.field_expiry(ctx.arg(i));
    if (!when) {
      ctx.reply.integer(kNoSuchField);
    } else if (*when == HashValue::kNoExpiry) {
      ctx.reply.integer(kNoDeadline);
    } else {
      hash.set_field_expiry(ctx.arg(i), HashValue::kNoExpiry);
      changed = true;
      ctx.reply.integer(kDeadlineSet);
    }
  }
  if (changed) ctx.db.key_changed(key, kEventHash, "hpersist");
}

void hgetdel(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  const HashValue* found = read_hash(ctx, entry, &wrong);
  if (wrong) return;
  auto first = fields_arg(ctx, 2, kFieldCountNotPositive);
  if (!first) return;
  ctx.reply.array(ctx.argc() - *first);
  if (found == nullptr) {
    for (size_t i = *first; i < ctx.argc(); ++i) ctx.reply.null();
    return;
  }
  auto& hash = entry->object_as<HashValue>();
  size_t deleted = 0;
  FieldDeadlineReplay replay;
  for (size_t i = *first; i < ctx.argc(); ++i) {
    reply_field(ctx, &hash, ctx.arg(i));
    if (hash.erase(ctx.arg(i))) {
      ++deleted;
      replay.deleted(ctx.arg(i));
    }
  }
  if (deleted == 0) return;
  replay.emit(ctx, key, std::nullopt);
  ctx.db.key_changed(key, kEventHash, "hdel");
  remove_if_empty(ctx, key, hash);
}

// HGETEX key [EX s | PX ms | EXAT t | PXAT t | PERSIST] FIELDS numfields field...
void hgetex(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  const HashValue* found = read_hash(ctx, entry, &wrong);
  if (wrong) return;
  std::optional<int64_t> when;
  bool persist = false;
  size_t fields_at = 2;
  if (const DeadlineForm* form = deadline_form(ctx.arg(2))) {
    when = deadline_arg(ctx, 3, form->unit_ms, form->relative ? ctx.clock.now_ms : 0);
    if (!when) return;
    fields_at = 4;
  } else if (equals_ignore_case(ctx.arg(2), "persist")) {
    persist = true;
    fields_at = 3;
  }
  auto first = fields_arg(ctx, fields_at, kFieldCountNotPositive);
  if (!first) return;
  ctx.reply.array(ctx.argc() - *first);
  if (found == nullptr) {
    for (size_t i = *first; i < ctx.argc(); ++i) ctx.reply.null();
    return;
  }
  auto& hash = entry->object_as<HashValue>();
  size_t updated = 0, deleted = 0;
  FieldDeadlineReplay replay;
  for (size_t i = *first; i < ctx.argc(); ++i) {
    std::string_view field = ctx.arg(i);
    reply_field(ctx, &hash, field);
    if (when) {
      const int64_t outcome = apply_deadline(hash, field, *when, DeadlineCondition::Always, ctx.clock.now_ms);
      updated += outcome == kDeadlineSet;
      deleted += outcome == kFieldDeleted;
      replay.note(field, outcome);
    } else if (persist) {
      auto current = hash.field_expiry(field);
      if (current && *current != HashValue::kNoExpiry) {
        hash.set_field_expiry(field, HashValue::kNoExpiry);
        ++updated;
        replay.changed(field);
      }
    }
  }
  replay.emit(ctx, key, when);
  if (updated > 0) {
    ctx.db.key_changed(key, kEventHash, persist ? "hpersist" : "hexpire");
  } else if (deleted > 0) {
    ctx.db.key_changed(key, kEventHash, "hdel");
  }
  track_deadlines(ctx, key, hash);
  remove_if_empty(ctx, key, hash);
}

// HSETEX key [FNX|FXX] [EX s | PX ms | EXAT t | PXAT t | KEEPTTL] FIELDS numfields field value...
void hsetex(CommandContext& ctx) {
  enum class Presence : uint8_t { Any, NoneExist, AllExist };
  Presence presence = Presence::Any;
  std::optional<int64_t> when;
  bool keep_deadlines = false;
  size_t first = 0;
  constexpr std::string_view kOneExpiry = "ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified";
  constexpr std::string_view kOneCondition = "ERR Only one of FXX or FNX arguments can be specified";
  // Options are read before the key is looked at, as Redis does.
  for (size_t i = 2; first == 0; ++i) {
    if (i >= ctx.argc()) {
      ctx.wrong_arity();
      return;
    }
    std::string_view option = ctx.arg(i);
    const DeadlineForm* form = deadline_form(option);
    if (equals_ignore_case(option, "fields")) {
      if (i + 3 >= ctx.argc()) {
        ctx.wrong_arity();
        return;
      }
      auto count = parse_int64(ctx.arg(i + 1));
      if (!count || *count < 1 || *count > std::numeric_limits<int32_t>::max()) {
        ctx.reply.error("ERR invalid number of fields");
        return;
      }
      const size_t remaining = ctx.argc() - i - 2;
      if (remaining % 2 != 0 || static_cast<uint64_t>(*count) != remaining / 2) {
        ctx.wrong_arity();
        return;
      }
      first = i + 2;
    } else if (form != nullptr || equals_ignore_case(option, "keepttl")) {
      if (when || keep_deadlines) {
        ctx.reply.error(kOneExpiry);
        return;
      }
      if (form == nullptr) {
        keep_deadlines = true;
        continue;
      }
      if (i + 1 >= ctx.argc()) {
        ctx.reply.error("ERR missing expire time");
        return;
      }
      when = deadline_arg(ctx, ++i, form->unit_ms, form->relative ? ctx.clock.now_ms : 0);
      if (!when) return;
    } else if (equals_ignore_case(option, "fnx") || equals_ignore_case(option, "fxx")) {
      if (presence != Presence::Any) {
        ctx.reply.error(kOneCondition);
        return;
      }
      presence = equals_ignore_case(option, "fnx") ? Presence::NoneExist : Presence::AllExist;
    } else {
      ctx.reply.error("ERR unknown argument: " + std::string(option));
      return;
    }
  }
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  const HashValue* found = read_hash(ctx, entry, &wrong);
  if (wrong) return;
  if (presence != Presence::Any) {
    size_t present = 0;
    for (size_t i = first; i < ctx.argc(); i += 2) present += found != nullptr && found->contains(ctx.arg(i));
    const size_t fields = (ctx.argc() - first) / 2;
    if ((presence == Presence::NoneExist && present != 0) || (presence == Presence::AllExist && present != fields)) {
      ctx.reply.integer(0);
      return;
    }
  }
  entry = hash_for_write(ctx, key);
  auto& hash = entry->object_as<HashValue>();
  const HashLimits lim = limits(ctx);
  size_t updated = 0, deleted = 0;
  for (size_t i = first; i < ctx.argc(); i += 2) {
    // A new deadline replaces the old one anyway, so keep it until then.
    entry->object_as<HashValue>().set(ctx.arg(i), ctx.arg(i + 1), lim, keep_deadlines || when.has_value());
    if (!when) continue;
    const int64_t outcome = apply_deadline(hash, ctx.arg(i), *when, DeadlineCondition::Always, ctx.clock.now_ms);
    updated += outcome == kDeadlineSet;
    deleted += outcome == kFieldDeleted;
  }
  ctx.db.key_changed(key, kEventHash, "hset");
  if (updated + deleted > 0) ctx.db.key_changed(key, kEventHash, deleted > 0 ? "hdel" : "hexpire");
  if (when) {
    // Replayed with the absolute deadline: HSETEX key [FNX|FXX] PXAT <ms> FIELDS ...
    std::vector<std::string> argv = {"HSETEX", std::string(key)};
    if (presence != Presence::Any) argv.emplace_back(presence == Presence::NoneExist ? "FNX" : "FXX");
    argv.emplace_back("PXAT");
    argv.push_back(std::to_string(*when));
    argv.emplace_back("FIELDS");
    argv.push_back(std::to_string((ctx.argc() - first) / 2));
    for (size_t i = first; i < ctx.argc(); ++i) argv.emplace_back(ctx.arg(i));
    ctx.propagate_as(std::move(argv));
  }
  track_deadlines(ctx, key, hash);
  remove_if_empty(ctx, key, hash);
  ctx.reply.integer(1);
}

constexpr uint32_t kHash = kAclHash;
constexpr uint32_t kWriteFlags = kCmdWrite | kCmdDenyOom | kCmdFast;
constexpr uint32_t kReadFast = kCmdReadOnly | kCmdFast;

constexpr KeySpec kUpdateKey[] = {{kKeyRW | kKeyUpdate, 1, 0, 1}};
constexpr KeySpec kInsertKey[] = {{kKeyRW | kKeyInsert, 1, 0, 1}};
constexpr KeySpec kDeleteKey[] = {{kKeyRW | kKeyDelete, 1, 0, 1}};
constexpr KeySpec kAccessUpdateKey[] = {{kKeyRW | kKeyAccess | kKeyUpdate, 1, 0, 1}};
constexpr KeySpec kReadKey[] = {{kKeyRO | kKeyAccess, 1, 0, 1}};
constexpr KeySpec kProbeKey[] = {{kKeyRO, 1, 0, 1}};

constexpr std::string_view kUnorderedTips[] = {"nondeterministic_output_order"};

constexpr CommandArg kFieldValue[] = {{"field", ArgType::String}, {"value", ArgType::String}};
constexpr CommandArg kSetArgs[] = {
    {"key", ArgType::Key, 0},
    {"field_value", ArgType::Block, -1, {}, kArgMultiple, kFieldValue},
};
constexpr CommandArg kKeyArg[] = {{"key", ArgType::Key, 0}};
constexpr CommandArg kKeyField[] = {{"key", ArgType::Key, 0}, {"field", ArgType::String}};
constexpr CommandArg kKeyFields[] = {{"key", ArgType::Key, 0}, {"field", ArgType::String, -1, {}, kArgMultiple}};
constexpr CommandArg kKeyFieldValue[] = {
    {"key", ArgType::Key, 0}, {"field", ArgType::String}, {"value", ArgType::String}};
constexpr CommandArg kIncrByArgs[] = {
    {"key", ArgType::Key, 0}, {"field", ArgType::String}, {"increment", ArgType::Integer}};
constexpr CommandArg kIncrByFloatArgs[] = {
    {"key", ArgType::Key, 0}, {"field", ArgType::String}, {"increment", ArgType::Double}};

constexpr CommandArg kRandCountArgs[] = {
    {"count", ArgType::Integer},
    {"withvalues", ArgType::PureToken, -1, "WITHVALUES", kArgOptional},
};
constexpr CommandArg kRandArgs[] = {
    {"key", ArgType::Key, 0},
    {"options", ArgType::Block, -1, {}, kArgOptional, kRandCountArgs},
};
constexpr CommandArg kScanArgs[] = {
    {"key", ArgType::Key, 0},
    {"cursor", ArgType::Integer},
    {"pattern", ArgType::Pattern, -1, "MATCH", kArgOptional},
    {"count", ArgType::Integer, -1, "COUNT", kArgOptional},
};
constexpr std::string_view kNondeterministicTips[] = {"nondeterministic_output"};

constexpr KeySpec kAccessDeleteKey[] = {{kKeyRW | kKeyAccess | kKeyDelete, 1, 0, 1}};
constexpr CommandArg kFieldsBlock[] = {{"numfields", ArgType::Integer}, {"field", ArgType::String, -1, {}, kArgMultiple}};
constexpr CommandArg kKeyFieldsBlock[] = {
    {"key", ArgType::Key, 0},
    {"fields", ArgType::Block, -1, "FIELDS", 0, kFieldsBlock},
};
constexpr CommandArg kDeadlineConditions[] = {
    {"nx", ArgType::PureToken, -1, "NX"},
    {"xx", ArgType::PureToken, -1, "XX"},
    {"gt", ArgType::PureToken, -1, "GT"},
    {"lt", ArgType::PureToken, -1, "LT"},
};
constexpr CommandArg kHexpireArgs[] = {
    {"key", ArgType::Key, 0},
    {"seconds", ArgType::Integer},
    {"condition", ArgType::OneOf, -1, {}, kArgOptional, kDeadlineConditions},
    {"fields", ArgType::Block, -1, "FIELDS", 0, kFieldsBlock},
};
constexpr CommandArg kHpexpireArgs[] = {
    {"key", ArgType::Key, 0},
    {"milliseconds", ArgType::Integer},
    {"condition", ArgType::OneOf, -1, {}, kArgOptional, kDeadlineConditions},
    {"fields", ArgType::Block, -1, "FIELDS", 0, kFieldsBlock},
};
constexpr CommandArg kHexpireatArgs[] = {
    {"key", ArgType::Key, 0},
    {"unix-time-seconds", ArgType::UnixTime},
    {"condition", ArgType::OneOf, -1, {}, kArgOptional, kDeadlineConditions},
    {"fields", ArgType::Block, -1, "FIELDS", 0, kFieldsBlock},
};
constexpr CommandArg kHpexpireatArgs[] = {
    {"key", ArgType::Key, 0},
    {"unix-time-milliseconds", ArgType::UnixTime},
    {"condition", ArgType::OneOf, -1, {}, kArgOptional, kDeadlineConditions},
    {"fields", ArgType::Block, -1, "FIELDS", 0, kFieldsBlock},
};
constexpr CommandArg kGetexExpiration[] = {
    {"seconds", ArgType::Integer, -1, "EX"},
    {"milliseconds", ArgType::Integer, -1, "PX"},
    {"unix-time-seconds", ArgType::UnixTime, -1, "EXAT"},
    {"unix-time-milliseconds", ArgType::UnixTime, -1, "PXAT"},
    {"persist", ArgType::PureToken, -1, "PERSIST"},
};
constexpr CommandArg kHgetexArgs[] = {
    {"key", ArgType::Key, 0},
    {"expiration", ArgType::OneOf, -1, {}, kArgOptional, kGetexExpiration},
    {"fields", ArgType::Block, -1, "FIELDS", 0, kFieldsBlock},
};
constexpr CommandArg kSetexConditions[] = {
    {"fnx", ArgType::PureToken, -1, "FNX"},
    {"fxx", ArgType::PureToken, -1, "FXX"},
};
constexpr CommandArg kSetexExpiration[] = {
    {"seconds", ArgType::Integer, -1, "EX"},
    {"milliseconds", ArgType::Integer, -1, "PX"},
    {"unix-time-seconds", ArgType::UnixTime, -1, "EXAT"},
    {"unix-time-milliseconds", ArgType::UnixTime, -1, "PXAT"},
    {"keepttl", ArgType::PureToken, -1, "KEEPTTL"},
};
constexpr CommandArg kSetexFieldsBlock[] = {
    {"numfields", ArgType::Integer},
    {"data", ArgType::Block, -1, {}, kArgMultiple, kFieldValue},
};
constexpr CommandArg kHsetexArgs[] = {
    {"key", ArgType::Key, 0},
    {"condition", ArgType::OneOf, -1, {}, kArgOptional, kSetexConditions},
    {"expiration", ArgType::OneOf, -1, {}, kArgOptional, kSetexExpiration},
    {"fields", ArgType::Block, -1, "FIELDS", 0, kSetexFieldsBlock},
};
constexpr std::string_view kFieldExpireComplexity = "O(N) where N is the number of specified fields";

constexpr CommandHistory kHsetHistory[] = {{"4.0.0", "Accepts multiple `field` and `value` arguments."}};
constexpr CommandHistory kHdelHistory[] = {{"2.4.0", "Accepts multiple `field` arguments."}};

// Summaries are our own words; the other fields follow Redis 7.0's COMMAND DOCS.
const CommandSpec kCommands[] = {
    {.name = "hset", .arity = -4, .flags = kWriteFlags, .acl_categories = kHash, .handler = hset,
     .key_specs = kUpdateKey, .summary = "Sets one or more fields of a hash, creating the hash if needed.",
     .since = "2.0.0", .group = "hash",
     .complexity = "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is "
                   "called with multiple field/value pairs.",
     .arguments = kSetArgs, .history = kHsetHistory},
    {.name = "hsetnx", .arity = 4, .flags = kWriteFlags, .acl_categories = kHash, .handler = hsetnx,
     .key_specs = kInsertKey, .summary = "Sets a field of a hash unless the field is already there.",
     .since = "2.0.0", .group = "hash", .complexity = "O(1)", .arguments = kKeyFieldValue},
    {.name = "hget", .arity = 3, .flags = kReadFast, .acl_categories = kHash, .handler = hget,
     .key_specs = kReadKey, .summary = "Returns the value stored in one field of a hash.", .since = "2.0.0",
     .group = "hash", .complexity = "O(1)", .arguments = kKeyField},
    {.name = "hmset", .arity = -4, .flags = kWriteFlags, .acl_categories = kHash, .handler = hmset,
     .key_specs = kUpdateKey, .summary = "Sets several fields of a hash (the older form of HSET).",
     .since = "2.0.0", .group = "hash", .complexity = "O(N) where N is the number of fields being set.",
     .arguments = kSetArgs, .doc_flags = kDocDeprecated, .deprecated_since = "4.0.0",
     .replaced_by = "`HSET` with multiple field-value pairs"},
    {.name = "hmget", .arity = -3, .flags = kReadFast, .acl_categories = kHash, .handler = hmget,
     .key_specs = kReadKey, .summary = "Returns the values of the given fields of a hash.", .since = "2.0.0",
     .group = "hash", .complexity = "O(N) where N is the number of fields being requested.",
     .arguments = kKeyFields},
    {.name = "hdel", .arity = -3, .flags = kCmdWrite | kCmdFast, .acl_categories = kHash, .handler = hdel,
     .key_specs = kDeleteKey, .summary = "Removes fields from a hash, and the hash once it is empty.",
     .since = "2.0.0", .group = "hash", .complexity = "O(N) where N is the number of fields to be removed.",
     .arguments = kKeyFields, .history = kHdelHistory},
    {.name = "hlen", .arity = 2, .flags = kReadFast, .acl_categories = kHash, .handler = hlen,
     .key_specs = kProbeKey, .summary = "Counts the fields of a hash.", .since = "2.0.0", .group = "hash",
     .complexity = "O(1)", .arguments = kKeyArg},
    {.name = "hstrlen", .arity = 3, .flags = kReadFast, .acl_categories = kHash, .handler = hstrlen,
     .key_specs = kProbeKey, .summary = "Returns the byte length of one field's value in a hash.",
     .since = "3.2.0", .group = "hash", .complexity = "O(1)", .arguments = kKeyField},
    {.name = "hexists", .arity = 3, .flags = kReadFast, .acl_categories = kHash, .handler = hexists,
     .key_specs = kProbeKey, .summary = "Tells whether a hash has the given field.", .since = "2.0.0",
     .group = "hash", .complexity = "O(1)", .arguments = kKeyField},
    {.name = "hgetall", .arity = 2, .flags = kCmdReadOnly, .acl_categories = kHash, .handler = hgetall,
     .key_specs = kReadKey, .summary = "Returns every field of a hash with its value.", .since = "2.0.0",
     .group = "hash", .complexity = "O(N) where N is the size of the hash.", .arguments = kKeyArg,
     .tips = kUnorderedTips},
    {.name = "hkeys", .arity = 2, .flags = kCmdReadOnly, .acl_categories = kHash, .handler = hkeys,
     .key_specs = kReadKey, .summary = "Returns the field names of a hash.", .since = "2.0.0", .group = "hash",
     .complexity = "O(N) where N is the size of the hash.", .arguments = kKeyArg, .tips = kUnorderedTips},
    {.name = "hvals", .arity = 2, .flags = kCmdReadOnly, .acl_categories = kHash, .handler = hvals,
     .key_specs = kReadKey, .summary = "Returns the values of a hash, without their fields.", .since = "2.0.0",
     .group = "hash", .complexity = "O(N) where N is the size of the hash.", .arguments = kKeyArg,
     .tips = kUnorderedTips},
    {.name = "hincrby", .arity = 4, .flags = kWriteFlags, .acl_categories = kHash, .handler = hincrby,
     .key_specs = kAccessUpdateKey, .summary = "Adds an integer to the integer stored in a field of a hash.",
     .since = "2.0.0", .group = "hash", .complexity = "O(1)", .arguments = kIncrByArgs},
    {.name = "hincrbyfloat", .arity = 4, .flags = kWriteFlags, .acl_categories = kHash, .handler = hincrbyfloat,
     .key_specs = kAccessUpdateKey, .summary = "Adds a decimal number to the number stored in a field of a hash.",
     .since = "2.6.0", .group = "hash", .complexity = "O(1)", .arguments = kIncrByFloatArgs},
    {.name = "hrandfield", .arity = -2, .flags = kCmdReadOnly, .acl_categories = kHash,
     .handler = hrandfield, .key_specs = kReadKey,
     .summary = "Picks random fields of a hash, optionally with their values.", .since = "6.2.0",
     .group = "hash", .complexity = "O(N) where N is the number of fields returned", .arguments = kRandArgs,
     .tips = kNondeterministicTips},
    {.name = "hscan", .arity = -3, .flags = kCmdReadOnly, .acl_categories = kHash, .handler = hscan,
     .key_specs = kReadKey, .summary = "Walks the fields and values of a hash a few at a time with a cursor.",
     .since = "2.8.0", .group = "hash",
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
                   "cursor to return back to 0. N is the number of elements inside the collection..",
     .arguments = kScanArgs, .tips = kNondeterministicTips},
    {.name = "hexpire", .arity = -6, .flags = kCmdWrite | kCmdFast, .acl_categories = kHash, .handler = hexpire,
     .key_specs = kUpdateKey, .summary = "Gives fields of a hash a time to live, in seconds.", .since = "7.4.0",
     .group = "hash", .complexity = kFieldExpireComplexity, .arguments = kHexpireArgs},
    {.name = "hpexpire", .arity = -6, .flags = kCmdWrite | kCmdFast, .acl_categories = kHash, .handler = hpexpire,
     .key_specs = kUpdateKey, .summary = "Gives fields of a hash a time to live, in milliseconds.",
     .since = "7.4.0", .group = "hash", .complexity = kFieldExpireComplexity, .arguments = kHpexpireArgs},
    {.name = "hexpireat", .arity = -6, .flags = kCmdWrite | kCmdFast, .acl_categories = kHash, .handler = hexpireat,
     .key_specs = kUpdateKey, .summary = "Makes fields of a hash expire at a Unix time in seconds.",
     .since = "7.4.0", .group = "hash", .complexity = kFieldExpireComplexity, .arguments = kHexpireatArgs},
    {.name = "hpexpireat", .arity = -6, .flags = kCmdWrite | kCmdFast, .acl_categories = kHash,
     .handler = hpexpireat, .key_specs = kUpdateKey,
     .summary = "Makes fields of a hash expire at a Unix time in milliseconds.", .since = "7.4.0",
     .group = "hash", .complexity = kFieldExpireComplexity, .arguments = kHpexpireatArgs},
    {.name = "httl", .arity = -5, .flags = kReadFast, .acl_categories = kHash, .handler = httl,
     .key_specs = kReadKey, .summary = "Returns the seconds left before fields of a hash expire.",
     .since = "7.4.0", .group = "hash", .complexity = kFieldExpireComplexity, .arguments = kKeyFieldsBlock},
    {.name = "hpttl", .arity = -5, .flags = kReadFast, .acl_categories = kHash, .handler = hpttl,
     .key_specs = kReadKey, .summary = "Returns the milliseconds left before fields of a hash expire.",
     .since = "7.4.0", .group = "hash", .complexity = kFieldExpireComplexity, .arguments = kKeyFieldsBlock},
    {.name = "hexpiretime", .arity = -5, .flags = kReadFast, .acl_categories = kHash, .handler = hexpiretime,
     .key_specs = kReadKey, .summary = "Returns the Unix time in seconds at which fields of a hash expire.",
     .since = "7.4.0", .group = "hash", .complexity = kFieldExpireComplexity, .arguments = kKeyFieldsBlock},
    {.name = "hpexpiretime", .arity = -5, .flags = kReadFast, .acl_categories = kHash, .handler = hpexpiretime,
     .key_specs = kReadKey,
     .summary = "Returns the Unix time in milliseconds at which fields of a hash expire.", .since = "7.4.0",
     .group = "hash", .complexity = kFieldExpireComplexity, .arguments = kKeyFieldsBlock},
    {.name = "hpersist", .arity = -5, .flags = kCmdWrite | kCmdFast, .acl_categories = kHash, .handler = hpersist,
     .key_specs = kUpdateKey, .summary = "Removes the time to live of fields of a hash.", .since = "7.4.0",
     .group = "hash", .complexity = kFieldExpireComplexity, .arguments = kKeyFieldsBlock},
    {.name = "hgetdel", .arity = -5, .flags = kCmdWrite | kCmdFast, .acl_categories = kHash, .handler = hgetdel,
     .key_specs = kAccessDeleteKey, .summary = "Returns the values of fields of a hash and removes the fields.",
     .since = "8.0.0", .group = "hash", .complexity = kFieldExpireComplexity, .arguments = kKeyFieldsBlock},
    {.name = "hgetex", .arity = -5, .flags = kCmdWrite | kCmdFast, .acl_categories = kHash, .handler = hgetex,
     .key_specs = kAccessUpdateKey,
     .summary = "Returns the values of fields of a hash, optionally changing their time to live.",
     .since = "8.0.0", .group = "hash", .complexity = kFieldExpireComplexity, .arguments = kHgetexArgs},
    {.name = "hsetex", .arity = -6, .flags = kWriteFlags, .acl_categories = kHash, .handler = hsetex,
     .key_specs = kUpdateKey, .summary = "Sets fields of a hash, optionally with a time to live.",
     .since = "8.0.0", .group = "hash", .complexity = "O(N) where N is the number of fields being set.",
     .arguments = kHsetexArgs},
};

}  // namespace

std::span<const CommandSpec> hash_commands() { return kCommands; }

}  // namespace corvid
