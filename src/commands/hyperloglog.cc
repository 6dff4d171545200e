// HyperLogLog: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST.
//
// A HyperLogLog is a plain string holding Redis's byte layout (core/hyperloglog.h), so
// values move between Corvid and Redis with GET/SET. Every command that may write one
// first makes the string raw, as Redis unshares it, so OBJECT ENCODING agrees.

#include <cstring>
#include <string>

#include "commands/context.h"
#include "commands/string_values.h"
#include "core/hyperloglog.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {

namespace {

constexpr std::string_view kNotHyperLogLog = "WRONGTYPE Key is not a valid HyperLogLog string value.";
constexpr std::string_view kCorrupt = "INVALIDOBJ Corrupted HLL object detected";

size_t sparse_max_bytes(CommandContext& ctx) { return static_cast<size_t>(ctx.server.config().hll_sparse_max_bytes); }

// Redis's check of a key's value: WRONGTYPE for another type, then its own WRONGTYPE text
// for a string that is not a HyperLogLog. `entry` is not null.
bool is_hyperloglog_or_reply(CommandContext& ctx, const KeyEntry* entry) {
  if (!string_or_absent(ctx, entry)) return false;
  char scratch[24];
  if (hll::looks_valid(entry->string_value(scratch))) return true;
  ctx.reply.error(kNotHyperLogLog);
  return false;
}

// The value of a checked HyperLogLog entry, made raw so that it can be written in place.
// May reallocate the entry.
KeyEntry* unshared(CommandContext& ctx, KeyEntry* entry) {
  char scratch[24];
  return make_raw(ctx.db, entry, entry->string_value(scratch).size());
}

// Stores `value` as the raw string of `entry`, in place when it fits. A dense value never
// grows again, so it gets an exact buffer; a sparse one grows by a few bytes per change.
void write_back(KeyEntry* entry, std::string_view value) {
  RawString* raw = entry->raw_string();
  if (raw->capacity >= value.size()) {
    std::memcpy(raw->data(), value.data(), value.size());
    raw->length = value.size();
    return;
  }
  size_t capacity = hll::encoding_of(value) == hll::kDense ? value.size() : value.size() + value.size() / 2;
  entry->replace_raw_string(RawString::create(value, capacity));
}

KeyEntry* insert_value(CommandContext& ctx, std::string_view key, std::string_view value) {
  KeyEntry* entry = KeyEntry::create_raw(key, RawString::create(value, value.size()), KeyEntry::kNoExpiry);
  ctx.db.insert(entry);
  return entry;
}

void pfadd(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  if (entry != nullptr) {
    if (!is_hyperloglog_or_reply(ctx, entry)) return;
    entry = unshared(ctx, entry);
  }
  // Creating the key counts as one update, as in Redis (so PFADD key alone replies 1).
  uint64_t updated = entry == nullptr ? 1 : 0;
  if (entry != nullptr && hll::encoding_of(entry->raw_string()->view()) == hll::kDense) {
    // Dense never changes size: update the registers where they lie.
    char* value = entry->raw_string()->data();
    auto* registers = reinterpret_cast<uint8_t*>(value) + hll::kHeaderSize;
    for (size_t i = 2; i < ctx.argc(); ++i) {
      hll::Observation seen = hll::observe(ctx.arg(i));
      if (hll::dense_raise(registers, seen.index, seen.rank)) ++updated;
    }
    if (updated > 0) hll::invalidate_cache(value);
  } else {
    std::string value = entry == nullptr ? hll::empty_value() : std::string(entry->raw_string()->view());
    const size_t limit = sparse_max_bytes(ctx);
    for (size_t i = 2; i < ctx.argc(); ++i) {
      switch (hll::add(value, ctx.arg(i), limit)) {
        case hll::SetResult::Changed:
          ++updated;
          break;
        case hll::SetResult::Unchanged:
          break;
        case hll::SetResult::Corrupt:
          // Redis keeps what the earlier elements changed, without announcing it.
          if (updated > 0 && entry != nullptr) write_back(entry, value);
          ctx.reply.error(kCorrupt);
          return;
      }
    }
    if (updated > 0) {
      hll::invalidate_cache(value.data());
      if (entry == nullptr) {
        insert_value(ctx, key, value);
      } else {
        write_back(entry, value);
      }
    }
  }
  if (updated > 0) {
    ctx.db.key_changed(key, kEventString, "pfadd");
    // Redis counts every changed register (and the creation) as a change.
    ctx.server.keyspace_stats().dirty += updated - 1;
  }
  ctx.reply.integer(updated > 0 ? 1 : 0);
}

void pfcount(CommandContext& ctx) {
  if (ctx.argc() > 2) {
    // The union of several: merged into scratch registers, nothing is written.
    hll::Registers max{};
    for (size_t i = 1; i < ctx.argc(); ++i) {
      KeyEntry* entry = ctx.db.lookup_read(ctx.arg(i));
      if (entry == nullptr) continue;
      if (!is_hyperloglog_or_reply(ctx, entry)) return;
      char scratch[24];
      if (!hll::merge_into(max, entry->string_value(scratch))) {
        ctx.reply.error(kCorrupt);
        return;
      }
    }
    ctx.reply.integer(static_cast<int64_t>(hll::estimate(max)));
    return;
  }
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_read(key);
  if (entry == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  if (!is_hyperloglog_or_reply(ctx, entry)) return;
  entry = unshared(ctx, entry);
  RawString* raw = entry->raw_string();
  uint64_t cardinality;
  if (hll::cache_valid(raw->view())) {
    cardinality = hll::cached_cardinality(raw->view());
  } else {
    auto estimate = hll::estimate(raw->view());
    if (!estimate) {
      ctx.reply.error(kCorrupt);
      return;
    }
    cardinality = *estimate;
    hll::store_cardinality(raw->data(), cardinality);
    // Redis treats the refreshed cache as a modification (WATCH, dirty count) but sends
    // no keyspace event for it: class 0 reaches no subscriber.
    ctx.db.key_changed(key, 0, "pfcount");
  }
  ctx.reply.integer(static_cast<int64_t>(cardinality));
}

void pfmerge(CommandContext& ctx) {
  hll::Registers max{};
  bool any_dense = false;
  // The destination is also a source.
  for (size_t i = 1; i < ctx.argc(); ++i) {
    KeyEntry* entry = ctx.db.lookup_read(ctx.arg(i));
    if (entry == nullptr) continue;
    if (!is_hyperloglog_or_reply(ctx, entry)) return;
    char scratch[24];
    std::string_view value = entry->string_value(scratch);
    if (hll::encoding_of(value) == hll::kDense) any_dense = true;
    if (!hll::merge_into(max, value)) {
      ctx.reply.error(kCorrupt);
      return;
    }
  }
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  std::string value;
  if (entry == nullptr) {
    value = hll::empty_value();
  } else {
    entry = unshared(ctx, entry);
    value.assign(entry->raw_string()->view());
  }
  // The destination is dense when any source was; otherwise it stays sparse as long as
  // the registers let it (the sources were checked, so this cannot fail).
  if (any_dense && !hll::to_dense(value)) {
    ctx.reply.error(kCorrupt);
    return;
  }
  const size_t limit = sparse_max_bytes(ctx);
  for (uint32_t i = 0; i < hll::kRegisterCount; ++i) {
    if (max[i] != 0) hll::raise_register(value, i, max[i], limit);
  }
  hll::invalidate_cache(value.data());
  if (entry == nullptr) {
    insert_value(ctx, key, value);
  } else {
    write_back(entry, value);
  }
  // Redis announces a merge as "pfadd": it adds many elements at once.
  ctx.db.key_changed(key, kEventString, "pfadd");
  ctx.reply.ok();
}

// Converts the sparse value of `entry` to dense for PFDEBUG; replies the error and returns
// false when it is malformed. Redis counts the conversion as a change (to propagate it)
// without announcing it.
bool debug_to_dense(CommandContext& ctx, KeyEntry* entry) {
  std::string value(entry->raw_string()->view());
  if (!hll::to_dense(value)) {
    ctx.reply.error(kCorrupt);
    return false;
  }
  write_back(entry, value);
  ++ctx.server.keyspace_stats().dirty;
  return true;
}

void pfdebug(CommandContext& ctx) {
  std::string_view subcommand = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(ctx.arg(2));
  if (entry == nullptr) {
    ctx.reply.error("ERR The specified key does not exist");
    return;
  }
  if (!is_hyperloglog_or_reply(ctx, entry)) return;
  entry = unshared(ctx, entry);
  const bool sparse = hll::encoding_of(entry->raw_string()->view()) == hll::kSparse;
  if (equals_ignore_case(subcommand, "getreg")) {
    if (sparse && !debug_to_dense(ctx, entry)) return;
    const auto* registers = reinterpret_cast<const uint8_t*>(entry->raw_string()->data()) + hll::kHeaderSize;
    ctx.reply.array(hll::kRegisterCount);
    for (uint32_t i = 0; i < hll::kRegisterCount; ++i) ctx.reply.integer(hll::dense_register(registers, i));
  } else if (equals_ignore_case(subcommand, "decode")) {
    if (!sparse) {
      ctx.reply.error("ERR HLL encoding is not sparse");
      return;
    }
    ctx.reply.bulk(hll::describe_sparse(entry->raw_string()->view()));
  } else if (equals_ignore_case(subcommand, "encoding")) {
    ctx.reply.simple(sparse ? "sparse" : "dense");
  } else if (equals_ignore_case(subcommand, "todense")) {
    if (sparse && !debug_to_dense(ctx, entry)) return;
    ctx.reply.integer(sparse ? 1 : 0);
  } else {
    ctx.reply.error("ERR Unknown PFDEBUG subcommand '" + std::string(subcommand) + "'");
  }
}

void pfselftest(CommandContext& ctx) {
  if (auto failure = hll::self_test()) {
    ctx.reply.error(*failure);
    return;
  }
  ctx.reply.ok();
}

// ---- key specs ----

constexpr KeySpec kPfaddKey[] = {{kKeyRW | kKeyInsert, 1, 0, 1}};
constexpr KeySpec kPfcountKeys[] = {
    {.flags = kKeyRW | kKeyAccess,
     .begin_index = 1,
     .last_key = -1,
     .key_step = 1,
     .notes = "RW because it may change the internal representation of the key, and propagate to replicas"}};
constexpr KeySpec kPfmergeKeys[] = {
    {kKeyRW | kKeyAccess | kKeyInsert, 1, 0, 1},
    {kKeyRO | kKeyAccess, 2, -1, 1},
};
constexpr KeySpec kPfdebugKey[] = {{kKeyRW | kKeyAccess, 2, 0, 1}};

// ---- COMMAND DOCS arguments ----

constexpr CommandArg kPfaddArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "element", .type = ArgType::String, .flags = kArgOptional | kArgMultiple},
};
constexpr CommandArg kPfcountArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0, .flags = kArgMultiple},
};
constexpr CommandArg kPfmergeArgs[] = {
    {.name = "destkey", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "sourcekey", .type = ArgType::Key, .key_spec_index = 1, .flags = kArgMultiple},
};
constexpr CommandArg kPfdebugArgs[] = {
    {.name = "subcommand", .type = ArgType::String},
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
};

// Summaries are our own words; the other fields follow Redis 7.0's COMMAND DOCS.
const CommandSpec kCommands[] = {
    {.name = "pfadd", .arity = -2, .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclWrite | kAclHyperLogLog | kAclFast, .handler = pfadd, .key_specs = kPfaddKey,
     .summary = "Adds elements to a HyperLogLog, creating it if needed.", .since = "2.8.9",
     .group = "hyperloglog", .complexity = "O(1) to add every element.", .arguments = kPfaddArgs},
    {.name = "pfcount", .arity = -2, .flags = kCmdReadOnly | kCmdMayReplicate, .acl_categories = kAclRead | kAclHyperLogLog | kAclSlow,
     .handler = pfcount, .key_specs = kPfcountKeys,
     .summary = "Estimates how many distinct elements one HyperLogLog, or the union of several, has seen.",
     .since = "2.8.9", .group = "hyperloglog",
     .complexity = "O(1) with a very small average constant time when called with a single key. O(N) with N being "
                   "the number of keys, and much bigger constant times, when called with multiple keys.",
     .arguments = kPfcountArgs},
    {.name = "pfmerge", .arity = -2, .flags = kCmdWrite | kCmdDenyOom,
     .acl_categories = kAclWrite | kAclHyperLogLog | kAclSlow, .handler = pfmerge, .key_specs = kPfmergeKeys,
     .summary = "Stores the union of HyperLogLogs at a destination key.", .since = "2.8.9",
     .group = "hyperloglog", .complexity = "O(N) to merge N HyperLogLogs, but with high constant times.",
     .arguments = kPfmergeArgs},
    {.name = "pfdebug", .arity = 3, .flags = kCmdWrite | kCmdDenyOom | kCmdAdmin,
     .acl_categories = kAclWrite | kAclHyperLogLog | kAclAdmin | kAclSlow | kAclDangerous, .handler = pfdebug,
     .key_specs = kPfdebugKey, .summary = "Inspects or converts the representation of a HyperLogLog (internal).",
     .since = "2.8.9", .group = "hyperloglog", .complexity = "N/A", .arguments = kPfdebugArgs,
     .doc_flags = kDocSysCmd},
    {.name = "pfselftest", .arity = 1, .flags = kCmdAdmin,
     .acl_categories = kAclHyperLogLog | kAclAdmin | kAclSlow | kAclDangerous, .handler = pfselftest,
     .summary = "Runs the HyperLogLog implementation's internal checks.", .since = "2.8.9",
     .group = "hyperloglog", .complexity = "N/A", .doc_flags = kDocSysCmd},
};

}  // namespace

std::span<const CommandSpec> hyperloglog_commands() { return kCommands; }

}  // namespace corvid
