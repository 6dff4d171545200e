// DUMP and RESTORE: a value serialized in Redis's payload format (the RDB encoding of the
// value, the RDB version, then a CRC-64 of both), so that values move between Corvid and
// Redis in either direction.

#include <limits>
#include <string>
#include <vector>

#include "commands/context.h"
#include "core/number_format.h"
#include "db/database.h"
#include "db/key_access.h"
#include "persistence/dump_payload.h"
#include "persistence/rdb_format.h"
#include "persistence/value_reader.h"
#include "persistence/value_writer.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {

namespace {

void dump(CommandContext& ctx) {
  const KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
  if (entry == nullptr) {
    ctx.reply.null();
    return;
  }
  StringOutput out(ctx.server.config().rdbcompression);
  write_value(out, *entry);
  std::string& payload = out.data();
  seal_dump_payload(payload, dump_version_for(*entry));
  ctx.reply.bulk(payload);
}

struct RestoreOptions {
  bool replace = false;
  bool absolute_ttl = false;
  int64_t idle_seconds = -1;
  int64_t frequency = -1;
};

std::optional<RestoreOptions> restore_options(CommandContext& ctx) {
  RestoreOptions options;
  for (size_t i = 4; i < ctx.argc(); ++i) {
    const std::string_view word = ctx.arg(i);
    const bool has_value = i + 1 < ctx.argc();
    if (equals_ignore_case(word, "replace")) {
      options.replace = true;
    } else if (equals_ignore_case(word, "absttl")) {
      options.absolute_ttl = true;
    } else if (equals_ignore_case(word, "idletime") && has_value && options.frequency == -1) {
      auto idle = ctx.int_arg(++i);
      if (!idle) return std::nullopt;
      if (*idle < 0) {
        ctx.reply.error("ERR Invalid IDLETIME value, must be >= 0");
        return std::nullopt;
      }
      options.idle_seconds = *idle;
    } else if (equals_ignore_case(word, "freq") && has_value && options.idle_seconds == -1) {
      auto freq = ctx.int_arg(++i);
      if (!freq) return std::nullopt;
      if (*freq < 0 || *freq > 255) {
        ctx.reply.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
        return std::nullopt;
      }
      options.frequency = *freq;
    } else {
      ctx.reply.error(errors::kSyntax);
      return std::nullopt;
    }
  }
  return options;
}

void restore(CommandContext& ctx) {
  auto options = restore_options(ctx);
  if (!options) return;
  const std::string_view key = ctx.arg(1);
  if (!options->replace && ctx.db.lookup_write(key) != nullptr) {
    ctx.reply.error("BUSYKEY Target key name already exists.");
    return;
  }
  auto ttl = ctx.int_arg(2);
  if (!ttl) return;
  if (*ttl < 0) {
    ctx.reply.error("ERR Invalid TTL value, must be >= 0");
    return;
  }
  const std::string_view payload = ctx.arg(3);
  if (!dump_payload_valid(payload)) {
    ctx.reply.error("ERR DUMP payload version or checksum are wrong");
    return;
  }
  int64_t expire_at = KeyEntry::kNoExpiry;
  if (*ttl > 0) {
    if (options->absolute_ttl) {
      expire_at = *ttl;
    } else if (*ttl > std::numeric_limits<int64_t>::max() - ctx.clock.now_ms) {
      expire_at = std::numeric_limits<int64_t>::max();
    } else {
      expire_at = ctx.clock.now_ms + *ttl;
    }
  }
  KeyEntry* entry = nullptr;
  try {
    // The reader may run into the footer, as Redis's does (its reader sees the whole
    // payload); what a payload must not do is run past it.
    MemoryInput in(payload);
    const uint8_t type = in.byte();
    if (is_rdb_value_type(type)) entry = read_value(in, type, key, expire_at, value_limits(ctx.server.config()));
  } catch (const RdbFormatError&) {
    entry = nullptr;
  }
  if (entry == nullptr) {
    ctx.reply.error("ERR Bad data format");
    return;
  }
  bool deleted = false;
  if (options->replace) deleted = ctx.db.remove(key);
  if (expire_at != KeyEntry::kNoExpiry && expire_at <= ctx.clock.now_ms) {
    // Already expired: nothing is added, but a replaced key is gone.
    KeyEntry::destroy(entry);
    if (deleted) {
      ctx.db.key_changed(key, kEventGeneric, "del");
      ctx.propagate_as({"DEL", std::string(key)});
    }
    ctx.reply.ok();
    return;
  }
  ctx.db.insert(entry);
  const AccessPolicy& access = ctx.server.access_policy();
  if (access.lfu && options->frequency >= 0) {
    entry->set_lfu_counter(static_cast<uint8_t>(options->frequency));
    entry->set_access_clock(ctx.clock.seconds());
  } else if (!access.lfu && options->idle_seconds >= 0) {
    const int64_t now = ctx.clock.seconds();
    entry->set_access_clock(static_cast<uint32_t>(options->idle_seconds >= now ? 0 : now - options->idle_seconds));
  }
  ctx.db.key_changed(key, kEventGeneric, "restore");
  if (expire_at != KeyEntry::kNoExpiry && !options->absolute_ttl) {
    // Replayed with the deadline it got: the TTL argument made absolute, ABSTTL added.
    std::vector<std::string> argv(ctx.args.begin(), ctx.args.end());
    argv[2] = std::to_string(expire_at);
    argv.emplace_back("ABSTTL");
    ctx.propagate_as(std::move(argv));
  }
  ctx.reply.ok();
}

constexpr uint32_t kRead = kAclKeyspace | kAclRead;
constexpr uint32_t kWrite = kAclKeyspace | kAclWrite;

constexpr KeySpec kDumpKeys[] = {{kKeyRO | kKeyAccess, 1, 0, 1}};
constexpr KeySpec kRestoreKeys[] = {{kKeyOW | kKeyUpdate, 1, 0, 1}};
constexpr CommandArg kDumpArgs[] = {{"key", ArgType::Key, 0}};
constexpr CommandArg kRestoreArgs[] = {
    {"key", ArgType::Key, 0},
    {"ttl", ArgType::Integer},
    {"serialized-value", ArgType::String},
    {"replace", ArgType::PureToken, -1, "REPLACE", kArgOptional, {}, "3.0.0"},
    {"absttl", ArgType::PureToken, -1, "ABSTTL", kArgOptional, {}, "5.0.0"},
    {"seconds", ArgType::Integer, -1, "IDLETIME", kArgOptional, {}, "5.0.0"},
    {"frequency", ArgType::Integer, -1, "FREQ", kArgOptional, {}, "5.0.0"},
};
constexpr CommandHistory kRestoreHistory[] = {
    {"3.0.0", "Added the `REPLACE` modifier."},
    {"5.0.0", "Added the `ABSTTL` modifier."},
    {"5.0.0", "Added the `IDLETIME` and `FREQ` options."},
};
constexpr std::string_view kNondeterministic[] = {"nondeterministic_output"};

const CommandSpec kCommands[] = {
    {"dump", 2, kCmdReadOnly, kRead | kAclSlow, dump, kDumpKeys, {},
     "Serializes the value of a key in the format RESTORE reads.", "2.6.0", "generic",
     "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects "
     "composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) "
     "where M is small, so simply O(1).",
     kDumpArgs, {}, kNondeterministic},
    {"restore", -4, kCmdWrite | kCmdDenyOom, kWrite | kAclSlow | kAclDangerous, restore, kRestoreKeys, {},
     "Creates a key from a value serialized by DUMP.", "2.6.0", "generic",
     "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of "
     "Redis objects composing the value and M their average size. For small string values the time complexity is "
     "thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is "
     "O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
     kRestoreArgs, kRestoreHistory},
};

}  // namespace

std::span<const CommandSpec> dump_restore_commands() { return kCommands; }

}  // namespace corvid
