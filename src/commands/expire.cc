// Key expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME,
// PEXPIRETIME, PERSIST.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "commands/context.h"
#include "server/server.h"

namespace corvid {

namespace {

enum ExpireCondition : unsigned {
  kOnlyWithoutTtl = 1u << 0,  // NX
  kOnlyWithTtl = 1u << 1,     // XX
  kOnlyLater = 1u << 2,       // GT
  kOnlyEarlier = 1u << 3,     // LT
};

// Whether the NX/XX/GT/LT conditions allow replacing `current` (kNoExpiry when the key
// has no TTL, which counts as an infinitely late deadline) by `deadline`.
bool conditions_allow(unsigned conditions, int64_t current, int64_t deadline) {
  bool has_ttl = current != KeyEntry::kNoExpiry;
  if ((conditions & kOnlyWithoutTtl) && has_ttl) return false;
  if ((conditions & kOnlyWithTtl) && !has_ttl) return false;
  if ((conditions & kOnlyLater) && (!has_ttl || deadline <= current)) return false;
  if ((conditions & kOnlyEarlier) && has_ttl && deadline >= current) return false;
  return true;
}

// The four setters differ only in the unit of their argument and in what it is
// relative to (now, or the Unix epoch).
void set_expiry(CommandContext& ctx, int64_t base_ms, bool in_seconds) {
  unsigned conditions = 0;
  // Redis validates the options before the number, so "EXPIRE k abc foo" complains about foo.
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view option = ctx.arg(i);
    if (equals_ignore_case(option, "nx")) {
      conditions |= kOnlyWithoutTtl;
    } else if (equals_ignore_case(option, "xx")) {
      conditions |= kOnlyWithTtl;
    } else if (equals_ignore_case(option, "gt")) {
      conditions |= kOnlyLater;
    } else if (equals_ignore_case(option, "lt")) {
      conditions |= kOnlyEarlier;
    } else {
      ctx.reply.error("ERR Unsupported option " + std::string(option));
      return;
    }
  }
  if ((conditions & kOnlyWithoutTtl) && (conditions & (kOnlyWithTtl | kOnlyLater | kOnlyEarlier))) {
    ctx.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return;
  }
  if ((conditions & kOnlyLater) && (conditions & kOnlyEarlier)) {
    ctx.reply.error("ERR GT and LT options at the same time are not compatible");
    return;
  }

  auto amount = ctx.int_arg(2);
  if (!amount) return;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  int64_t deadline = *amount;
  bool invalid = false;
  if (in_seconds) {
    invalid = deadline > kMax / 1000 || deadline < kMin / 1000;
    if (!invalid) deadline *= 1000;
  }
  // Only the upper end is checked: a hugely negative deadline is simply in the past.
  if (!invalid && deadline > kMax - base_ms) invalid = true;
  if (invalid) {
    ctx.reply.error("ERR invalid expire time in '" + ctx.command.full_name + "' command");
    return;
  }
  deadline += base_ms;

  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  if (entry == nullptr || !conditions_allow(conditions, entry->expire_at_ms(), deadline)) {
    ctx.reply.integer(0);
    return;
  }
  if (deadline <= ctx.clock.now_ms) {
    // A deadline already passed deletes the key now, and says so as a deletion (and
    // replays as one).
    ctx.db.remove(key, EntryDisposer::Reason::Expired);
    ctx.db.key_changed(key, kEventGeneric, "del");
    ctx.propagate_as({ctx.server.config().lazyfree_lazy_expire ? "UNLINK" : "DEL", std::string(key)});
  } else {
    ctx.db.set_expiry(entry, deadline);
    ctx.db.key_changed(key, kEventGeneric, "expire");
    // Replayed as an absolute deadline, the options kept (PEXPIREAT already is one).
    if (ctx.command.full_name != "pexpireat") {
      std::vector<std::string> argv = {"PEXPIREAT", std::string(key), std::to_string(deadline)};
      for (size_t i = 3; i < ctx.argc(); ++i) argv.emplace_back(ctx.arg(i));
      ctx.propagate_as(std::move(argv));
    }
  }
  ctx.reply.integer(1);
}

void expire(CommandContext& ctx) { set_expiry(ctx, ctx.clock.now_ms, true); }
void pexpire(CommandContext& ctx) { set_expiry(ctx, ctx.clock.now_ms, false); }
void expireat(CommandContext& ctx) { set_expiry(ctx, 0, true); }
void pexpireat(CommandContext& ctx) { set_expiry(ctx, 0, false); }

// -2 for a missing key, -1 for a key without TTL, else the time left (or the deadline,
// when `absolute`); seconds are rounded to the nearest.
void report_expiry(CommandContext& ctx, bool in_ms, bool absolute) {
  KeyEntry* entry = ctx.db.lookup_no_touch(ctx.arg(1));
  if (entry == nullptr) {
    ctx.reply.integer(-2);
    return;
  }
  if (!entry->has_expiry()) {
    ctx.reply.integer(-1);
    return;
  }
  int64_t value = entry->expire_at_ms();
  if (!absolute) value = std::max<int64_t>(0, value - ctx.clock.now_ms);
  if (in_ms) {
    ctx.reply.integer(value);
    return;
  }
  // Unsigned, because rounding a deadline near INT64_MAX up must not overflow (Redis
  // then reports 9223372036854776).
  ctx.reply.integer(static_cast<int64_t>((static_cast<uint64_t>(value) + 500) / 1000));
}

void ttl(CommandContext& ctx) { report_expiry(ctx, false, false); }
void pttl(CommandContext& ctx) { report_expiry(ctx, true, false); }
void expiretime(CommandContext& ctx) { report_expiry(ctx, false, true); }
void pexpiretime(CommandContext& ctx) { report_expiry(ctx, true, true); }

void persist(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  if (entry == nullptr || !entry->has_expiry()) {
    ctx.reply.integer(0);
    return;
  }
  ctx.db.clear_expiry(entry);
  ctx.db.key_changed(key, kEventGeneric, "persist");
  ctx.reply.integer(1);
}

constexpr uint32_t kWriteFast = kCmdWrite | kCmdFast;
constexpr uint32_t kReadFast = kCmdReadOnly | kCmdFast;
constexpr uint32_t kWriteAcl = kAclKeyspace | kAclWrite | kAclFast;
constexpr uint32_t kReadAcl = kAclKeyspace | kAclRead | kAclFast;

constexpr KeySpec kUpdatedKey[] = {{kKeyRW | kKeyUpdate, 1, 0, 1}};
constexpr KeySpec kReadKey[] = {{kKeyRO | kKeyAccess, 1, 0, 1}};

constexpr CommandArg kConditions[] = {
    {"nx", ArgType::PureToken, -1, "NX"},
    {"xx", ArgType::PureToken, -1, "XX"},
    {"gt", ArgType::PureToken, -1, "GT"},
    {"lt", ArgType::PureToken, -1, "LT"},
};
constexpr CommandArg kConditionArg = {"condition", ArgType::OneOf, -1, {}, kArgOptional, kConditions, "7.0.0"};
constexpr CommandArg kExpireArgs[] = {{"key", ArgType::Key, 0}, {"seconds", ArgType::Integer}, kConditionArg};
constexpr CommandArg kPexpireArgs[] = {{"key", ArgType::Key, 0}, {"milliseconds", ArgType::Integer}, kConditionArg};
constexpr CommandArg kExpireatArgs[] = {
    {"key", ArgType::Key, 0}, {"unix-time-seconds", ArgType::UnixTime}, kConditionArg};
constexpr CommandArg kPexpireatArgs[] = {
    {"key", ArgType::Key, 0}, {"unix-time-milliseconds", ArgType::UnixTime}, kConditionArg};
constexpr CommandArg kKeyArg[] = {{"key", ArgType::Key, 0}};

constexpr CommandHistory kConditionHistory[] = {{"7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."}};
constexpr CommandHistory kTtlHistory[] = {{"2.8.0", "Added the -2 reply."}};

constexpr std::string_view kNondeterministic[] = {"nondeterministic_output"};

const CommandSpec kCommands[] = {
    {"expire", -3, kWriteFast, kWriteAcl, expire, kUpdatedKey, {}, "Set a key's time to live in seconds", "1.0.0",
     "generic", "O(1)", kExpireArgs, kConditionHistory},
    {"pexpire", -3, kWriteFast, kWriteAcl, pexpire, kUpdatedKey, {}, "Set a key's time to live in milliseconds",
     "2.6.0", "generic", "O(1)", kPexpireArgs, kConditionHistory},
    {"expireat", -3, kWriteFast, kWriteAcl, expireat, kUpdatedKey, {},
     "Set the expiration for a key as a UNIX timestamp", "1.2.0", "generic", "O(1)", kExpireatArgs, kConditionHistory},
    {"pexpireat", -3, kWriteFast, kWriteAcl, pexpireat, kUpdatedKey, {},
     "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0", "generic", "O(1)",
     kPexpireatArgs, kConditionHistory},
    {"ttl", 2, kReadFast, kReadAcl, ttl, kReadKey, {}, "Get the time to live for a key in seconds", "1.0.0", "generic",
     "O(1)", kKeyArg, kTtlHistory, kNondeterministic},
    {"pttl", 2, kReadFast, kReadAcl, pttl, kReadKey, {}, "Get the time to live for a key in milliseconds", "2.6.0",
     "generic", "O(1)", kKeyArg, kTtlHistory, kNondeterministic},
    {"expiretime", 2, kReadFast, kReadAcl, expiretime, kReadKey, {}, "Get the expiration Unix timestamp for a key",
     "7.0.0", "generic", "O(1)", kKeyArg},
    {"pexpiretime", 2, kReadFast, kReadAcl, pexpiretime, kReadKey, {},
     "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "generic", "O(1)", kKeyArg},
    {"persist", 2, kWriteFast, kWriteAcl, persist, kUpdatedKey, {}, "Remove the expiration from a key", "2.2.0",
     "generic", "O(1)", kKeyArg},
};

}  // namespace

std::span<const CommandSpec> expire_commands() { return kCommands; }

}  // namespace corvid
