// Hash commands: HSET HMSET HSETNX HGET HMGET HDEL HLEN HSTRLEN HEXISTS HGETALL HKEYS
// HVALS HINCRBY HINCRBYFLOAT.

#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "commands/context.h"
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
  return {static_cast<size_t>(config_fixed_int(config, "hash-max-listpack-entries")),
          static_cast<size_t>(config_fixed_int(config, "hash-max-listpack-value"))};
}

// The hash at `entry` for reading; replies WRONGTYPE (and returns null) for other types.
// A missing key is also null, with nothing replied: `*wrong` tells the two apart.
const HashValue* read_hash(CommandContext& ctx, const KeyEntry* entry, bool* wrong) {
  *wrong = false;
  if (entry == nullptr) return nullptr;
  if (entry->type() != ValueType::Hash) {
    ctx.reply.error(errors::kWrongType);
    *wrong = true;
    return nullptr;
  }
  return &entry->object_as<HashValue>();
}

// The key's hash, created empty when missing; null (WRONGTYPE replied) for other types.
KeyEntry* hash_for_write(CommandContext& ctx, std::string_view key) {
  KeyEntry* entry = ctx.db.lookup_write(key);
  if (entry == nullptr) {
    entry = KeyEntry::create_object(key, ValueType::Hash, Encoding::Listpack, std::make_unique<HashValue>(),
                                    KeyEntry::kNoExpiry);
    ctx.db.insert(entry);
    return entry;
  }
  if (entry->type() != ValueType::Hash) {
    ctx.reply.error(errors::kWrongType);
    return nullptr;
  }
  return entry;
}

// Sets the field/value pairs from argument 2 on; returns how many fields were new.
int64_t set_pairs(CommandContext& ctx, KeyEntry& entry) {
  const HashLimits lim = limits(ctx);
  int64_t created = 0;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) created += hash_set(entry, ctx.arg(i), ctx.arg(i + 1), lim);
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
  hash_set(*entry, ctx.arg(2), ctx.arg(3), limits(ctx));
  ctx.db.key_changed(ctx.arg(1), kEventHash, "hset");
  ctx.reply.integer(1);
}

void hget(CommandContext& ctx) {
  bool wrong;
  const HashValue* hash = read_hash(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  HashValue::Scratch scratch;
  auto value = hash ? hash->get(ctx.arg(2), scratch) : std::nullopt;
  if (value) {
    ctx.reply.bulk(*value);
  } else {
    ctx.reply.null();
  }
}

void hmget(CommandContext& ctx) {
  bool wrong;
  const HashValue* hash = read_hash(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.array(ctx.argc() - 2);
  HashValue::Scratch scratch;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    auto value = hash ? hash->get(ctx.arg(i), scratch) : std::nullopt;
    if (value) {
      ctx.reply.bulk(*value);
    } else {
      ctx.reply.null();
    }
  }
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
    // Redis reports the key's removal as a separate generic event after "hdel".
    if (hash.size() == 0) {
      ctx.db.remove(key);
      ctx.db.key_changed(key, kEventGeneric, "del");
    }
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
  hash_set(*entry, ctx.arg(2), std::string_view(digits, format_int64(result, digits)), limits(ctx));
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
  hash_set(*entry, ctx.arg(2), text, limits(ctx));
  ctx.db.key_changed(ctx.arg(1), kEventHash, "hincrbyfloat");
  ctx.reply.bulk(text);
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
};

}  // namespace

std::span<const CommandSpec> hash_commands() { return kCommands; }

}  // namespace corvid
