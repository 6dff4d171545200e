// Generic keyspace commands: DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX, COPY, MOVE,
// TOUCH, RANDOMKEY, KEYS, SCAN, OBJECT.

#include <cctype>
#include <charconv>
#include <climits>
#include <string>
#include <vector>

#include "commands/context.h"
#include "core/glob.h"
#include "core/number_format.h"
#include "server/server.h"

namespace corvid {

namespace {

std::string_view type_name(ValueType type) {
  switch (type) {
    case ValueType::String:
      return "string";
    case ValueType::List:
      return "list";
    case ValueType::Set:
      return "set";
    case ValueType::ZSet:
      return "zset";
    case ValueType::Hash:
      return "hash";
    case ValueType::Stream:
      return "stream";
  }
  return "none";
}

// ---- Freeing ----

// ---- DEL, UNLINK, EXISTS, TYPE, TOUCH ----

void delete_keys(CommandContext& ctx, bool lazy) {
  int64_t deleted = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    // find() first so that an expired key is reported as expired, not as deleted.
    if (ctx.db.find(ctx.arg(i)) == nullptr) continue;
    // UNLINK (and DEL with lazyfree-lazy-user-del) free big values on the background thread.
    ctx.server.free_entry(ctx.db.detach(ctx.arg(i)), lazy);
    ctx.db.key_changed(ctx.arg(i), kEventGeneric, "del");
    ++deleted;
  }
  ctx.reply.integer(deleted);
}

void del(CommandContext& ctx) { delete_keys(ctx, ctx.server.config().lazyfree_lazy_user_del); }

void unlink(CommandContext& ctx) { delete_keys(ctx, true); }

void exists(CommandContext& ctx) {
  int64_t count = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (ctx.db.lookup_no_touch(ctx.arg(i)) != nullptr) ++count;
  }
  ctx.reply.integer(count);
}

void type(CommandContext& ctx) {
  KeyEntry* entry = ctx.db.lookup_no_touch(ctx.arg(1));
  ctx.reply.simple(entry == nullptr ? "none" : type_name(entry->type()));
}

void touch(CommandContext& ctx) {
  int64_t count = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (ctx.db.lookup_read(ctx.arg(i)) != nullptr) ++count;
  }
  ctx.reply.integer(count);
}

// ---- RENAME, RENAMENX, COPY, MOVE ----

void rename_key(CommandContext& ctx, bool only_if_absent) {
  std::string_view from = ctx.arg(1);
  std::string_view to = ctx.arg(2);
  KeyEntry* source = ctx.db.lookup_write(from);
  if (source == nullptr) {
    ctx.reply.error(errors::kNoSuchKey);
    return;
  }
  if (from == to) {
    if (only_if_absent) {
      ctx.reply.integer(0);
    } else {
      ctx.reply.ok();
    }
    return;
  }
  if (ctx.db.lookup_write(to) != nullptr) {
    if (only_if_absent) {
      ctx.reply.integer(0);
      return;
    }
    ctx.db.remove(to);
  }
  // The key bytes live inside the entry, so the new name needs a new entry; the value
  // moves over without a copy.
  KeyEntry* renamed = KeyEntry::relocate(*source, to, source->expire_at_ms());
  KeyEntry::destroy(ctx.db.detach(from));
  ctx.db.insert(renamed);
  ctx.db.key_changed(from, kEventGeneric, "rename_from");
  ctx.db.key_changed(to, kEventGeneric, "rename_to");
  if (only_if_absent) {
    ctx.reply.integer(1);
  } else {
    ctx.reply.ok();
  }
}

void rename(CommandContext& ctx) { rename_key(ctx, false); }

void renamenx(CommandContext& ctx) { rename_key(ctx, true); }

// A database number as MOVE and COPY take it: a C int (with Redis's own error text
// beyond that range), then an existing database. Replies the error on failure.
Database* database_arg(CommandContext& ctx, size_t i) {
  auto index = parse_int64(ctx.arg(i));
  if (!index) {
    ctx.reply.error(errors::kNotInteger);
    return nullptr;
  }
  if (*index < INT_MIN || *index > INT_MAX) {
    ctx.reply.error("ERR value is out of range, value must between -2147483648 and 2147483647");
    return nullptr;
  }
  if (*index < 0 || *index >= ctx.server.database_count()) {
    ctx.reply.error(errors::kDbIndexOutOfRange);
    return nullptr;
  }
  return &ctx.server.db(static_cast<int>(*index));
}

void copy(CommandContext& ctx) {
  std::string_view from = ctx.arg(1);
  std::string_view to = ctx.arg(2);
  Database* target = &ctx.db;
  bool replace = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (equals_ignore_case(ctx.arg(i), "replace")) {
      replace = true;
    } else if (equals_ignore_case(ctx.arg(i), "db") && i + 1 < ctx.argc()) {
      target = database_arg(ctx, ++i);
      if (target == nullptr) return;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  if (target == &ctx.db && from == to) {
    ctx.reply.error("ERR source and destination objects are the same");
    return;
  }
  KeyEntry* source = ctx.db.lookup_read(from);
  if (source == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  if (target->lookup_write(to) != nullptr) {
    if (!replace) {
      ctx.reply.integer(0);
      return;
    }
    // Deleted and added anew, as in Redis: notifications hear "new".
    target->remove(to);
  }
  KeyEntry* copy = KeyEntry::clone(*source, to, source->expire_at_ms());
  // A copy is a new object: its use starts from nothing.
  copy->set_lfu_counter(kLfuInitialCounter);
  target->insert(copy);
  target->key_changed(to, kEventGeneric, "copy_to");
  ctx.reply.integer(1);
}

void move(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  Database* target = database_arg(ctx, 2);
  if (target == nullptr) return;
  if (target == &ctx.db) {
    ctx.reply.error("ERR source and destination objects are the same");
    return;
  }
  if (ctx.db.lookup_write(key) == nullptr || target->lookup_write(key) != nullptr) {
    ctx.reply.integer(0);
    return;
  }
  target->insert(ctx.db.detach(key));
  ctx.db.key_changed(key, kEventGeneric, "move_from");
  target->key_changed(key, kEventGeneric, "move_to");
  ctx.reply.integer(1);
}

// ---- RANDOMKEY, KEYS, SCAN ----

void randomkey(CommandContext& ctx) {
  KeyEntry* entry = ctx.db.random_key();
  if (entry == nullptr) {
    ctx.reply.null();
  } else {
    ctx.reply.bulk(entry->key());
  }
}

void keys(CommandContext& ctx) {
  std::string_view pattern = ctx.arg(1);
  // The lone "*" also lists the empty key, which glob_match would not (see glob.h).
  bool everything = pattern == "*";
  std::vector<std::string_view> found;
  // Expired keys are hidden but left for lazy or active expiry, as Redis does.
  ctx.db.for_each([&](KeyEntry& entry) {
    if (ctx.db.is_expired(entry)) return;
    if (everything || glob_match(pattern, entry.key())) found.push_back(entry.key());
  });
  ctx.reply.array(found.size());
  for (std::string_view key : found) ctx.reply.bulk(key);
}

void scan(CommandContext& ctx) {
  auto cursor = ctx.cursor_arg(1);
  if (!cursor) return;
  auto options = ctx.scan_options(2, true);
  if (!options) return;
  int64_t count = options->count;
  std::optional<std::string_view> pattern = options->pattern;
  std::optional<std::string_view> type_filter = options->type;

  std::vector<std::string_view> found;
  std::vector<std::string> expired;
  // Redis filters an expired key through its TYPE lookup, which deletes it and then
  // sees type "none": so "TYPE none" lists expired keys. Reproduced for byte-identity.
  bool wants_none = type_filter && equals_ignore_case(*type_filter, "none");
  // COUNT bounds the keys visited, matching or not, and a call takes at most ten
  // bucket steps per key asked for, so a sparse table cannot make one call walk it all.
  uint64_t visited = 0;
  uint64_t wanted = static_cast<uint64_t>(count);
  uint64_t bucket_budget = wanted > UINT64_MAX / 10 ? UINT64_MAX : wanted * 10;
  uint64_t next = *cursor;
  do {
    next = ctx.db.scan(next, [&](KeyEntry& entry) {
      ++visited;
      if (pattern && !glob_match(*pattern, entry.key())) return;
      if (ctx.db.is_expired(entry)) {
        expired.emplace_back(entry.key());
        if (wants_none) found.push_back(entry.key());
        return;
      }
      if (type_filter && !equals_ignore_case(*type_filter, type_name(entry.type()))) return;
      found.push_back(entry.key());
    });
  } while (next != 0 && bucket_budget-- > 0 && visited < wanted);

  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, next);
  (void)error;
  ctx.reply.array(2);
  ctx.reply.bulk(std::string_view(digits, static_cast<size_t>(end - digits)));
  ctx.reply.array(found.size());
  for (std::string_view key : found) ctx.reply.bulk(key);
  // Only now, with the reply written from their bytes, may expired entries go.
  for (const std::string& key : expired) ctx.db.find(key);
}

// ---- OBJECT ----

bool lfu_policy(CommandContext& ctx) { return ctx.server.config().maxmemory_policy.ends_with("-lfu"); }

// Redis shares one object among all keys holding a small non-negative integer and
// reports its refcount as "infinite" (INT_MAX), except under LRU/LFU eviction with a
// memory limit, where every key needs its own access clock.
constexpr int64_t kSharedIntegers = 10000;
constexpr int64_t kSharedRefcount = INT_MAX;

bool shares_integers(CommandContext& ctx) {
  const Config& config = ctx.server.config();
  bool lru_or_lfu = config.maxmemory_policy.ends_with("-lru") || config.maxmemory_policy.ends_with("-lfu");
  return config.maxmemory == 0 || !lru_or_lfu;
}

void object_encoding(CommandContext& ctx) {
  KeyEntry* entry = ctx.db.lookup_no_notify(ctx.arg(2));
  if (entry == nullptr) {
    ctx.reply.null();
    return;
  }
  ctx.reply.bulk(encoding_name(entry->encoding()));
}

void object_refcount(CommandContext& ctx) {
  KeyEntry* entry = ctx.db.lookup_no_notify(ctx.arg(2));
  if (entry == nullptr) {
    ctx.reply.null();
    return;
  }
  bool shared = entry->is_int() && !entry->has_own_integer() && entry->int_value() >= 0 &&
                entry->int_value() < kSharedIntegers && shares_integers(ctx);
  ctx.reply.integer(shared ? kSharedRefcount : 1);
}

void object_idletime(CommandContext& ctx) {
  KeyEntry* entry = ctx.db.lookup_no_notify(ctx.arg(2));
  if (entry == nullptr) {
    ctx.reply.null();
    return;
  }
  if (lfu_policy(ctx)) {
    ctx.reply.error(
        "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between "
        "policies at runtime LRU and LFU data will take some time to adjust.");
    return;
  }
  uint32_t now = ctx.clock.seconds();
  uint32_t last = entry->access_clock();
  ctx.reply.integer(now > last ? static_cast<int64_t>(now - last) : 0);
}

void object_freq(CommandContext& ctx) {
  KeyEntry* entry = ctx.db.lookup_no_notify(ctx.arg(2));
  if (entry == nullptr) {
    ctx.reply.null();
    return;
  }
  if (!lfu_policy(ctx)) {
    ctx.reply.error(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching "
        "between policies at runtime LRU and LFU data will take some time to adjust.");
    return;
  }
  ctx.reply.integer(ctx.db.access_frequency(*entry));
}

void object_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
  };
  ctx.help(kLines);
}

// ---- The table ----

constexpr uint32_t kRead = kAclKeyspace | kAclRead;
constexpr uint32_t kWrite = kAclKeyspace | kAclWrite;

constexpr KeySpec kAllKeysRO[] = {{kKeyRO, 1, -1, 1}};
constexpr KeySpec kAllKeysDelete[] = {{kKeyRM | kKeyDelete, 1, -1, 1}};
constexpr KeySpec kFirstKeyRO[] = {{kKeyRO, 1, 0, 1}};
constexpr KeySpec kRenameKeys[] = {{kKeyRW | kKeyAccess | kKeyDelete, 1, 0, 1}, {kKeyOW | kKeyUpdate, 2, 0, 1}};
constexpr KeySpec kRenamenxKeys[] = {{kKeyRW | kKeyAccess | kKeyDelete, 1, 0, 1}, {kKeyOW | kKeyInsert, 2, 0, 1}};
constexpr KeySpec kCopyKeys[] = {{kKeyRO | kKeyAccess, 1, 0, 1}, {kKeyOW | kKeyUpdate, 2, 0, 1}};
constexpr KeySpec kMoveKeys[] = {{kKeyRW | kKeyAccess | kKeyUpdate, 1, 0, 1}};
constexpr KeySpec kObjectKey[] = {{kKeyRO, 2, 0, 1}};

constexpr CommandArg kKeyArg[] = {{"key", ArgType::Key, 0}};
constexpr CommandArg kKeysArg[] = {{"key", ArgType::Key, 0, {}, kArgMultiple}};
constexpr CommandArg kRenameArgs[] = {{"key", ArgType::Key, 0}, {"newkey", ArgType::Key, 1}};
constexpr CommandArg kCopyArgs[] = {
    {"source", ArgType::Key, 0},
    {"destination", ArgType::Key, 1},
    {"destination-db", ArgType::Integer, -1, "DB", kArgOptional},
    {"replace", ArgType::PureToken, -1, "REPLACE", kArgOptional},
};
constexpr CommandArg kMoveArgs[] = {{"key", ArgType::Key, 0}, {"db", ArgType::Integer}};
constexpr CommandArg kPatternArg[] = {{"pattern", ArgType::Pattern}};
constexpr CommandArg kScanArgs[] = {
    {"cursor", ArgType::Integer},
    {"pattern", ArgType::Pattern, -1, "MATCH", kArgOptional},
    {"count", ArgType::Integer, -1, "COUNT", kArgOptional},
    {"type", ArgType::String, -1, "TYPE", kArgOptional, {}, "6.0.0"},
};

constexpr CommandHistory kExistsHistory[] = {{"3.0.3", "Accepts multiple `key` arguments."}};
constexpr CommandHistory kRenamenxHistory[] = {
    {"3.2.0", "The command no longer returns an error when source and destination names are the same."}};
constexpr CommandHistory kScanHistory[] = {{"6.0.0", "Added the `TYPE` subcommand."}};

constexpr std::string_view kMultiShardTips[] = {"request_policy:multi_shard", "response_policy:agg_sum"};
constexpr std::string_view kRandomkeyTips[] = {"request_policy:all_shards", "nondeterministic_output"};
constexpr std::string_view kKeysTips[] = {"request_policy:all_shards", "nondeterministic_output_order"};
constexpr std::string_view kScanTips[] = {"nondeterministic_output", "request_policy:special"};
constexpr std::string_view kNondeterministic[] = {"nondeterministic_output"};

const CommandSpec kObjectSubcommands[] = {
    {"encoding", 3, kCmdReadOnly, kRead | kAclSlow, object_encoding, kObjectKey, {},
     "Inspect the internal encoding of a Redis object", "2.2.3", "generic", "O(1)", kKeyArg, {}, kNondeterministic},
    {"freq", 3, kCmdReadOnly, kRead | kAclSlow, object_freq, kObjectKey, {},
     "Get the logarithmic access frequency counter of a Redis object", "4.0.0", "generic", "O(1)", kKeyArg, {},
     kNondeterministic},
    {"help", 2, kCmdLoading | kCmdStale, kAclKeyspace | kAclSlow, object_help, {}, {},
     "Show helpful text about the different subcommands", "6.2.0", "generic", "O(1)"},
    {"idletime", 3, kCmdReadOnly, kRead | kAclSlow, object_idletime, kObjectKey, {},
     "Get the time since a Redis object was last accessed", "2.2.3", "generic", "O(1)", kKeyArg, {},
     kNondeterministic},
    {"refcount", 3, kCmdReadOnly, kRead | kAclSlow, object_refcount, kObjectKey, {},
     "Get the number of references to the value of the key", "2.2.3", "generic", "O(1)", kKeyArg, {},
     kNondeterministic},
};

const CommandSpec kCommands[] = {
    {"del", -2, kCmdWrite, kWrite | kAclSlow, del, kAllKeysDelete, {}, "Delete a key", "1.0.0", "generic",
     "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a "
     "string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, "
     "sorted set or hash. Removing a single key that holds a string value is O(1).",
     kKeysArg, {}, kMultiShardTips},
    {"unlink", -2, kCmdWrite | kCmdFast, kWrite | kAclFast, unlink, kAllKeysDelete, {},
     "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", "4.0.0",
     "generic",
     "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in "
     "order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
     kKeysArg, {}, kMultiShardTips},
    {"exists", -2, kCmdReadOnly | kCmdFast, kRead | kAclFast, exists, kAllKeysRO, {}, "Determine if a key exists",
     "1.0.0", "generic", "O(N) where N is the number of keys to check.", kKeysArg, kExistsHistory, kMultiShardTips},
    {"type", 2, kCmdReadOnly | kCmdFast, kRead | kAclFast, type, kFirstKeyRO, {}, "Determine the type stored at key",
     "1.0.0", "generic", "O(1)", kKeyArg},
    {"rename", 3, kCmdWrite, kWrite | kAclSlow, rename, kRenameKeys, {}, "Rename a key", "1.0.0", "generic", "O(1)",
     kRenameArgs},
    {"renamenx", 3, kCmdWrite | kCmdFast, kWrite | kAclFast, renamenx, kRenamenxKeys, {},
     "Rename a key, only if the new key does not exist", "1.0.0", "generic", "O(1)", kRenameArgs, kRenamenxHistory},
    {"copy", -3, kCmdWrite | kCmdDenyOom, kWrite | kAclSlow, copy, kCopyKeys, {}, "Copy a key", "6.2.0", "generic",
     "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.", kCopyArgs},
    {"move", 3, kCmdWrite | kCmdFast, kWrite | kAclFast, move, kMoveKeys, {}, "Move a key to another database",
     "1.0.0", "generic", "O(1)", kMoveArgs},
    {"touch", -2, kCmdReadOnly | kCmdFast, kRead | kAclFast, touch, kAllKeysRO, {},
     "Alters the last access time of a key(s). Returns the number of existing keys specified.", "3.2.1", "generic",
     "O(N) where N is the number of keys that will be touched.", kKeysArg, {}, kMultiShardTips},
    {"randomkey", 1, kCmdReadOnly, kRead | kAclSlow, randomkey, {}, {}, "Return a random key from the keyspace",
     "1.0.0", "generic", "O(1)", {}, {}, kRandomkeyTips},
    {"keys", 2, kCmdReadOnly, kRead | kAclSlow | kAclDangerous, keys, {}, {}, "Find all keys matching the given pattern",
     "1.0.0", "generic",
     "O(N) with N being the number of keys in the database, under the assumption that the key names in the database "
     "and the given pattern have limited length.",
     kPatternArg, {}, kKeysTips},
    {"scan", -2, kCmdReadOnly, kRead | kAclSlow, scan, {}, {}, "Incrementally iterate the keys space", "2.8.0",
     "generic",
     "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return "
     "back to 0. N is the number of elements inside the collection.",
     kScanArgs, kScanHistory, kScanTips},
    {"object", -2, 0, kAclSlow, nullptr, {}, kObjectSubcommands, "A container for object introspection commands",
     "2.2.3", "generic", "Depends on subcommand."},
};

}  // namespace

std::span<const CommandSpec> key_commands() { return kCommands; }

}  // namespace corvid
