// String commands: SET and its variants, GET and its variants, the counters, APPEND,
// the range commands and LCS.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "commands/context.h"
#include "commands/string_values.h"
#include "core/number_format.h"
#include "server/server.h"

namespace corvid {

namespace {

constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
constexpr std::string_view kNanOrInfinity = "ERR increment would produce NaN or Infinity";

// ---- expiry arguments ---------------------------------------------------------------

enum class ExpireKind : uint8_t { None, Ex, Px, ExAt, PxAt };

ExpireKind expire_kind(std::string_view option) {
  if (equals_ignore_case(option, "EX")) return ExpireKind::Ex;
  if (equals_ignore_case(option, "PX")) return ExpireKind::Px;
  if (equals_ignore_case(option, "EXAT")) return ExpireKind::ExAt;
  if (equals_ignore_case(option, "PXAT")) return ExpireKind::PxAt;
  return ExpireKind::None;
}

// The absolute deadline in ms for an EX/PX/EXAT/PXAT argument, or nullopt once the error
// has been replied. Like Redis, anything that is not positive once converted (including
// overflow past int64) is "invalid expire time", naming the command.
std::optional<int64_t> parse_deadline(CommandContext& ctx, std::string_view text, ExpireKind kind) {
  auto value = parse_int64(text);
  if (!value) {
    ctx.reply.error(errors::kNotInteger);
    return std::nullopt;
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  bool seconds = kind == ExpireKind::Ex || kind == ExpireKind::ExAt;
  bool relative = kind == ExpireKind::Ex || kind == ExpireKind::Px;
  int64_t ms = *value;
  bool valid = ms > 0 && (!seconds || ms <= kMax / 1000);
  if (valid && seconds) ms *= 1000;
  if (valid && relative) {
    valid = ms <= kMax - ctx.clock.now_ms;
    if (valid) ms += ctx.clock.now_ms;
  }
  if (!valid) {
    ctx.reply.error("ERR invalid expire time in '" + ctx.command.full_name + "' command");
    return std::nullopt;
  }
  return ms;
}

// SET and GETEX share one option grammar; each accepts only its half of it. An option may
// repeat, but two different expiry forms, or an expiry with KEEPTTL/PERSIST, may not.
struct StringOptions {
  ExpireKind expire = ExpireKind::None;
  std::string_view expire_text;
  bool nx = false;
  bool xx = false;
  bool get = false;
  bool keep_ttl = false;
  bool persist = false;
};

bool parse_string_options(CommandContext& ctx, size_t first, bool for_set, StringOptions& opts) {
  for (size_t i = first; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    ExpireKind kind = ExpireKind::None;
    if (for_set && equals_ignore_case(opt, "NX") && !opts.xx) {
      opts.nx = true;
    } else if (for_set && equals_ignore_case(opt, "XX") && !opts.nx) {
      opts.xx = true;
    } else if (for_set && equals_ignore_case(opt, "GET")) {
      opts.get = true;
    } else if (for_set && equals_ignore_case(opt, "KEEPTTL") && opts.expire == ExpireKind::None) {
      opts.keep_ttl = true;
    } else if (!for_set && equals_ignore_case(opt, "PERSIST") && opts.expire == ExpireKind::None) {
      opts.persist = true;
    } else if ((kind = expire_kind(opt)) != ExpireKind::None && !opts.keep_ttl && !opts.persist &&
               (opts.expire == ExpireKind::None || opts.expire == kind) && i + 1 < ctx.argc()) {
      opts.expire = kind;
      opts.expire_text = ctx.arg(++i);
    } else {
      ctx.reply.error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// ---- storing values -----------------------------------------------------------------

// ---- SET family ---------------------------------------------------------------------

// How Redis 7.0 replays SET: a relative or second-based expiry becomes SET key value PXAT
// <ms> (the other options go); without an expiry, GET is dropped; otherwise as sent.
void propagate_set(CommandContext& ctx, const StringOptions& opts, int64_t deadline) {
  if (opts.expire != ExpireKind::None && opts.expire != ExpireKind::PxAt) {
    ctx.propagate_as({"SET", std::string(ctx.arg(1)), std::string(ctx.arg(2)), "PXAT", std::to_string(deadline)});
  } else if (opts.get && opts.expire == ExpireKind::None) {
    std::vector<std::string> argv;
    for (size_t i = 0; i < ctx.argc(); ++i) {
      if (i < 3 || !equals_ignore_case(ctx.arg(i), "GET")) argv.emplace_back(ctx.arg(i));
    }
    ctx.propagate_as(std::move(argv));
  }
}

void set_command(CommandContext& ctx) {
  StringOptions opts;
  if (ctx.argc() > 3 && !parse_string_options(ctx, 3, true, opts)) return;
  int64_t deadline = KeyEntry::kNoExpiry;
  if (opts.expire != ExpireKind::None) {
    auto parsed = parse_deadline(ctx, opts.expire_text, opts.expire);
    if (!parsed) return;
    deadline = *parsed;
  }
  std::string_view key = ctx.arg(1);
  KeyEntry* existing;
  if (opts.get) {
    existing = ctx.db.lookup_read(key);
    if (!string_or_absent(ctx, existing)) return;
    if (existing != nullptr) {
      char scratch[24];
      ctx.reply.bulk(existing->string_value(scratch));
    } else {
      ctx.reply.null();
    }
  }
  // With GET this is the key's second use, as in Redis (the LFU counter sees both).
  existing = ctx.db.lookup_write(key);
  if ((opts.nx && existing != nullptr) || (opts.xx && existing == nullptr)) {
    if (!opts.get) ctx.reply.null();
    return;
  }
  if (opts.keep_ttl && existing != nullptr) deadline = existing->expire_at_ms();
  store_string(ctx.db, existing, key, ctx.arg(2), deadline);
  ctx.db.key_changed(key, kEventString, "set");
  // Redis reports the TTL as a change of its own (KEEPTTL keeps one: no event).
  if (opts.expire != ExpireKind::None) ctx.db.key_changed(key, kEventGeneric, "expire");
  propagate_set(ctx, opts, deadline);
  if (!opts.get) ctx.reply.ok();
}

void setnx(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  if (ctx.db.lookup_write(key) != nullptr) {
    ctx.reply.integer(0);
    return;
  }
  ctx.db.insert(KeyEntry::create_string(key, ctx.arg(2), KeyEntry::kNoExpiry));
  ctx.db.key_changed(key, kEventString, "set");
  ctx.reply.integer(1);
}

void set_with_ttl(CommandContext& ctx, ExpireKind kind) {
  auto deadline = parse_deadline(ctx, ctx.arg(2), kind);
  if (!deadline) return;
  std::string_view key = ctx.arg(1);
  store_string(ctx.db, ctx.db.lookup_write(key), key, ctx.arg(3), *deadline);
  ctx.db.key_changed(key, kEventString, "set");
  ctx.db.key_changed(key, kEventGeneric, "expire");
  ctx.propagate_as({"SET", std::string(key), std::string(ctx.arg(3)), "PXAT", std::to_string(*deadline)});
  ctx.reply.ok();
}

void setex(CommandContext& ctx) { set_with_ttl(ctx, ExpireKind::Ex); }
void psetex(CommandContext& ctx) { set_with_ttl(ctx, ExpireKind::Px); }

void getset(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  KeyEntry* existing = ctx.db.lookup_read(key);
  if (!string_or_absent(ctx, existing)) return;
  if (existing != nullptr) {
    char scratch[24];
    ctx.reply.bulk(existing->string_value(scratch));
  } else {
    ctx.reply.null();
  }
  // Read, then looked up again to be written, as Redis does (the LFU counter sees both).
  existing = ctx.db.lookup_write(key);
  store_string(ctx.db, existing, key, ctx.arg(2), KeyEntry::kNoExpiry);
  ctx.db.key_changed(key, kEventString, "set");
  ctx.propagate_as({"SET", std::string(key), std::string(ctx.arg(2))});  // as Redis replays GETSET
}

void mset(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) {
    ctx.wrong_arity();
    return;
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    std::string_view key = ctx.arg(i);
    store_string(ctx.db, ctx.db.lookup_write(key), key, ctx.arg(i + 1), KeyEntry::kNoExpiry);
    ctx.db.key_changed(key, kEventString, "set");
  }
  ctx.reply.ok();
}

void msetnx(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) {
    ctx.wrong_arity();
    return;
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (ctx.db.lookup_write(ctx.arg(i)) != nullptr) {
      ctx.reply.integer(0);
      return;
    }
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    std::string_view key = ctx.arg(i);
    // A key named twice is present by its second turn.
    store_string(ctx.db, ctx.db.lookup_write(key), key, ctx.arg(i + 1), KeyEntry::kNoExpiry);
    ctx.db.key_changed(key, kEventString, "set");
  }
  ctx.reply.integer(1);
}

// ---- GET family ---------------------------------------------------------------------

void get(CommandContext& ctx) {
  KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
  if (entry == nullptr) {
    ctx.reply.null();
    return;
  }
  if (!string_or_absent(ctx, entry)) return;
  char scratch[24];
  ctx.reply.bulk(entry->string_value(scratch));
}

void getex(CommandContext& ctx) {
  StringOptions opts;
  if (!parse_string_options(ctx, 2, false, opts)) return;
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_read(key);
  if (entry == nullptr) {
    ctx.reply.null();
    return;
  }
  if (!string_or_absent(ctx, entry)) return;
  int64_t deadline = KeyEntry::kNoExpiry;
  if (opts.expire != ExpireKind::None) {
    auto parsed = parse_deadline(ctx, opts.expire_text, opts.expire);
    if (!parsed) return;
    deadline = *parsed;
  }
  char scratch[24];
  ctx.reply.bulk(entry->string_value(scratch));
  bool absolute = opts.expire == ExpireKind::ExAt || opts.expire == ExpireKind::PxAt;
  // GETEX never replays as itself: DEL/UNLINK, PEXPIREAT or PERSIST, as in Redis.
  if (absolute && deadline <= ctx.clock.now_ms) {
    // A deadline already past deletes the key now rather than leaving it to expire.
    ctx.db.remove(key, EntryDisposer::Reason::Expired);
    ctx.db.key_changed(key, kEventGeneric, "del");
    ctx.propagate_as({ctx.server.config().lazyfree_lazy_expire ? "UNLINK" : "DEL", std::string(key)});
  } else if (opts.expire != ExpireKind::None) {
    ctx.db.set_expiry(entry, deadline);
    ctx.db.key_changed(key, kEventGeneric, "expire");
    ctx.propagate_as({"PEXPIREAT", std::string(key), std::to_string(deadline)});
  } else if (opts.persist && entry->has_expiry()) {
    ctx.db.clear_expiry(entry);
    ctx.db.key_changed(key, kEventGeneric, "persist");
    ctx.propagate_as({"PERSIST", std::string(key)});
  }
}

void getdel(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_read(key);
  if (entry == nullptr) {
    ctx.reply.null();
    return;
  }
  if (!string_or_absent(ctx, entry)) return;
  char scratch[24];
  ctx.reply.bulk(entry->string_value(scratch));
  ctx.db.remove(key);
  ctx.db.key_changed(key, kEventGeneric, "del");
  ctx.propagate_as({"DEL", std::string(key)});
}

void mget(CommandContext& ctx) {
  ctx.reply.array(ctx.argc() - 1);
  for (size_t i = 1; i < ctx.argc(); ++i) {
    KeyEntry* entry = ctx.db.lookup_read(ctx.arg(i));
    // MGET answers nil for keys of other types instead of failing.
    if (entry == nullptr || entry->type() != ValueType::String) {
      ctx.reply.null();
    } else {
      char scratch[24];
      ctx.reply.bulk(entry->string_value(scratch));
    }
  }
}

void strlen_command(CommandContext& ctx) {
  KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
  if (!string_or_absent(ctx, entry)) return;
  if (entry == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  char scratch[24];
  ctx.reply.integer(static_cast<int64_t>(entry->string_value(scratch).size()));
}

void getrange(CommandContext& ctx) {
  auto start = ctx.int_arg(2);
  if (!start) return;
  auto end = ctx.int_arg(3);
  if (!end) return;
  KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
  if (entry == nullptr) {
    ctx.reply.bulk("");
    return;
  }
  if (!string_or_absent(ctx, entry)) return;
  char scratch[24];
  std::string_view value = entry->string_value(scratch);
  auto length = static_cast<int64_t>(value.size());
  int64_t from = *start;
  int64_t to = *end;
  // Two negative indexes in the wrong order select nothing, before any clamping.
  if (from < 0 && to < 0 && from > to) {
    ctx.reply.bulk("");
    return;
  }
  if (from < 0) from += length;
  if (to < 0) to += length;
  if (from < 0) from = 0;
  if (to < 0) to = 0;
  if (to >= length) to = length - 1;
  if (length == 0 || from > to) {
    ctx.reply.bulk("");
    return;
  }
  ctx.reply.bulk(value.substr(static_cast<size_t>(from), static_cast<size_t>(to - from + 1)));
}

// ---- modifying in place -------------------------------------------------------------

void append(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  std::string_view tail = ctx.arg(2);
  KeyEntry* entry = ctx.db.lookup_write(key);
  size_t total;
  if (entry == nullptr) {
    // A new key gets the encoding SET would give it.
    ctx.db.insert(KeyEntry::create_string(key, tail, KeyEntry::kNoExpiry));
    total = tail.size();
  } else {
    if (!string_or_absent(ctx, entry)) return;
    char scratch[24];
    size_t current = entry->string_value(scratch).size();
    if (!length_allowed(ctx, current, tail.size())) return;
    total = current + tail.size();
    entry = make_raw(ctx.db, entry, total);
    RawString* raw = entry->raw_string();
    if (!tail.empty()) std::memcpy(raw->data() + raw->length, tail.data(), tail.size());
    raw->length = total;
  }
  ctx.db.key_changed(key, kEventString, "append");
  ctx.reply.integer(static_cast<int64_t>(total));
}

void setrange(CommandContext& ctx) {
  auto offset = ctx.int_arg(2);
  if (!offset) return;
  if (*offset < 0) {
    ctx.reply.error(kOffsetOutOfRange);
    return;
  }
  std::string_view key = ctx.arg(1);
  std::string_view patch = ctx.arg(3);
  auto start = static_cast<uint64_t>(*offset);
  KeyEntry* entry = ctx.db.lookup_write(key);
  if (!string_or_absent(ctx, entry)) return;
  char scratch[24];
  size_t current = entry == nullptr ? 0 : entry->string_value(scratch).size();
  // Writing nothing changes nothing (and does not create the key).
  if (patch.empty()) {
    ctx.reply.integer(static_cast<int64_t>(current));
    return;
  }
  if (!length_allowed(ctx, start, patch.size())) return;
  RawString* raw = writable_string(ctx.db, key, entry, start + patch.size());
  std::memcpy(raw->data() + start, patch.data(), patch.size());
  ctx.db.key_changed(key, kEventString, "setrange");
  ctx.reply.integer(static_cast<int64_t>(raw->length));
}

// ---- counters -----------------------------------------------------------------------

void increment(CommandContext& ctx, int64_t delta) {
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  if (!string_or_absent(ctx, entry)) return;
  int64_t current = 0;
  if (entry != nullptr) {
    if (entry->is_int()) {
      current = entry->int_value();
    } else {
      char scratch[24];
      auto parsed = parse_int64(entry->string_value(scratch));
      if (!parsed) {
        ctx.reply.error(errors::kNotInteger);
        return;
      }
      current = *parsed;
    }
  }
  int64_t result;
  if (__builtin_add_overflow(current, delta, &result)) {
    ctx.reply.error(errors::kOverflow);
    return;
  }
  if (entry == nullptr) {
    ctx.db.insert(KeyEntry::create_int(key, result, KeyEntry::kNoExpiry));
  } else if (entry->is_int()) {
    entry->set_int_value(result);
  } else {
    KeyEntry* replacement = KeyEntry::create_int(key, result, entry->expire_at_ms());
    replacement->set_lfu_counter(entry->lfu_counter());
    ctx.db.replace(entry, replacement);
  }
  ctx.db.key_changed(key, kEventString, "incrby");
  ctx.reply.integer(result);
}

void incr(CommandContext& ctx) { increment(ctx, 1); }
void decr(CommandContext& ctx) { increment(ctx, -1); }

void incrby(CommandContext& ctx) {
  if (auto delta = ctx.int_arg(2)) increment(ctx, *delta);
}

void decrby(CommandContext& ctx) {
  auto delta = ctx.int_arg(2);
  if (!delta) return;
  // Its negation does not exist, so Redis refuses it before looking at the key.
  if (*delta == std::numeric_limits<int64_t>::min()) {
    ctx.reply.error("ERR decrement would overflow");
    return;
  }
  increment(ctx, -*delta);
}

void incrbyfloat(CommandContext& ctx) {
  std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  if (!string_or_absent(ctx, entry)) return;
  long double current = 0;
  if (entry != nullptr) {
    if (entry->is_int()) {
      current = static_cast<long double>(entry->int_value());
    } else {
      char scratch[24];
      auto parsed = parse_long_double(entry->string_value(scratch));
      if (!parsed) {
        ctx.reply.error(errors::kNotFloat);
        return;
      }
      current = *parsed;
    }
  }
  auto delta = parse_long_double(ctx.arg(2));
  if (!delta) {
    ctx.reply.error(errors::kNotFloat);
    return;
  }
  long double result = current + *delta;
  if (std::isnan(result) || std::isinf(result)) {
    ctx.reply.error(kNanOrInfinity);
    return;
  }
  std::string text = format_long_double_human(result);
  int64_t deadline = entry != nullptr ? entry->expire_at_ms() : KeyEntry::kNoExpiry;
  KeyEntry* replacement = KeyEntry::create_text(key, text, deadline);
  if (entry != nullptr) {
    replacement->set_lfu_counter(entry->lfu_counter());
    ctx.db.replace(entry, replacement);
  } else {
    ctx.db.insert(replacement);
  }
  ctx.db.key_changed(key, kEventString, "incrbyfloat");
  // Replayed as the value it produced: float rounding must not differ on replay.
  ctx.propagate_as({"SET", std::string(key), text, "KEEPTTL"});
  ctx.reply.bulk(text);
}

// ---- LCS ----------------------------------------------------------------------------

struct LcsMatch {
  uint32_t a_first;
  uint32_t a_last;
  uint32_t b_first;
  uint32_t b_last;
};

void lcs(CommandContext& ctx) {
  // Both keys are looked up (and type-checked) before the options are read.
  KeyEntry* entry_a = ctx.db.lookup_read(ctx.arg(1));
  KeyEntry* entry_b = ctx.db.lookup_read(ctx.arg(2));
  if ((entry_a != nullptr && entry_a->type() != ValueType::String) ||
      (entry_b != nullptr && entry_b->type() != ValueType::String)) {
    ctx.reply.error("ERR The specified keys must contain string values");
    return;
  }
  char scratch_a[24];
  char scratch_b[24];
  std::string_view a = entry_a != nullptr ? entry_a->string_value(scratch_a) : std::string_view();
  std::string_view b = entry_b != nullptr ? entry_b->string_value(scratch_b) : std::string_view();

  bool want_idx = false;
  bool want_len = false;
  bool with_match_len = false;
  int64_t min_match_len = 0;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (equals_ignore_case(opt, "IDX")) {
      want_idx = true;
    } else if (equals_ignore_case(opt, "LEN")) {
      want_len = true;
    } else if (equals_ignore_case(opt, "WITHMATCHLEN")) {
      with_match_len = true;
    } else if (equals_ignore_case(opt, "MINMATCHLEN") && i + 1 < ctx.argc()) {
      auto value = ctx.int_arg(++i);
      if (!value) return;
      min_match_len = *value < 0 ? 0 : *value;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  if (want_idx && want_len) {
    ctx.reply.error("ERR If you want both the length and indexes, please just use IDX.");
    return;
  }
  constexpr size_t kMaxInput = std::numeric_limits<uint32_t>::max() - 1;
  if (a.size() >= kMaxInput || b.size() >= kMaxInput) {
    ctx.reply.error("ERR String too long for LCS");
    return;
  }

  // table[i * width + j] = length of the LCS of a[0..i) and b[0..j).
  const uint64_t width = b.size() + 1;
  const uint64_t cells = (a.size() + 1) * width;
  const uint64_t limit = ctx.server.config().proto_max_bulk_len;
  std::unique_ptr<uint32_t[]> table;
  if (cells <= limit / sizeof(uint32_t)) table.reset(new (std::nothrow) uint32_t[cells]);
  if (!table) {
    ctx.reply.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    return;
  }
  auto at = [&](uint64_t i, uint64_t j) -> uint32_t& { return table[i * width + j]; };
  for (uint64_t j = 0; j < width; ++j) at(0, j) = 0;
  for (uint64_t i = 1; i <= a.size(); ++i) {
    at(i, 0) = 0;
    for (uint64_t j = 1; j < width; ++j) {
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  const uint32_t total = at(a.size(), b.size());
  if (want_len) {
    ctx.reply.integer(total);
    return;
  }

  // Walk back from the end. On a mismatch, step along a (i) only when that keeps a
  // strictly longer LCS, else along b: this tie-break decides which of several equally
  // long answers is reported, and must stay as it is to agree with Redis.
  std::string common(total, '\0');
  size_t fill = total;
  std::vector<LcsMatch> matches;
  bool in_run = false;
  LcsMatch run{};
  auto close_run = [&] {
    if (!in_run) return;
    in_run = false;
    int64_t run_length = static_cast<int64_t>(run.a_last - run.a_first) + 1;
    if (want_idx && (min_match_len == 0 || run_length >= min_match_len)) matches.push_back(run);
  };
  uint64_t i = a.size();
  uint64_t j = b.size();
  while (i > 0 && j > 0) {
    if (a[i - 1] == b[j - 1]) {
      common[--fill] = a[i - 1];
      --i;
      --j;
      if (in_run) {
        run.a_first = static_cast<uint32_t>(i);
        run.b_first = static_cast<uint32_t>(j);
      } else {
        run = {static_cast<uint32_t>(i), static_cast<uint32_t>(i), static_cast<uint32_t>(j), static_cast<uint32_t>(j)};
        in_run = true;
      }
      if (i == 0 || j == 0) close_run();
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      close_run();
    }
  }

  if (!want_idx) {
    ctx.reply.bulk(common);
    return;
  }
  ctx.reply.map(2);
  ctx.reply.bulk("matches");
  ctx.reply.array(matches.size());
  for (const LcsMatch& m : matches) {
    ctx.reply.array(with_match_len ? 3 : 2);
    ctx.reply.array(2);
    ctx.reply.integer(m.a_first);
    ctx.reply.integer(m.a_last);
    ctx.reply.array(2);
    ctx.reply.integer(m.b_first);
    ctx.reply.integer(m.b_last);
    if (with_match_len) ctx.reply.integer(static_cast<int64_t>(m.a_last - m.a_first) + 1);
  }
  ctx.reply.bulk("len");
  ctx.reply.integer(total);
}

// ---- the table ----------------------------------------------------------------------

constexpr uint32_t kStr = kAclString;

// SET touches its key as a plain overwrite, unless a GET anywhere among the options makes
// it read the old value first. Like Redis, any argument after the value that spells GET
// counts, even one that is really an option's value.
void set_get_keys(std::span<const std::string_view> args, std::vector<KeyRef>& keys) {
  uint32_t flags = kKeyOW | kKeyUpdate;
  for (size_t i = 3; i < args.size(); ++i) {
    if (equals_ignore_case(args[i], "GET")) {
      flags = kKeyRW | kKeyAccess | kKeyUpdate;
      break;
    }
  }
  keys.push_back({1, flags});
}

constexpr KeySpec kReadAccess[] = {{kKeyRO | kKeyAccess, 1, 0, 1}};
constexpr KeySpec kReadOnly[] = {{kKeyRO, 1, 0, 1}};
constexpr KeySpec kUpdate[] = {{kKeyRW | kKeyAccess | kKeyUpdate, 1, 0, 1}};
constexpr KeySpec kSetKey[] = {{.flags = kKeyRW | kKeyAccess | kKeyUpdate | kKeyVariableFlags,
                                .begin_index = 1,
                                .last_key = 0,
                                .key_step = 1,
                                .notes = "RW and ACCESS due to the optional `GET` argument"}};
constexpr KeySpec kGetExKey[] = {{.flags = kKeyRW | kKeyAccess | kKeyUpdate,
                                  .begin_index = 1,
                                  .last_key = 0,
                                  .key_step = 1,
                                  .notes = "RW and UPDATE because it changes the TTL"}};
constexpr KeySpec kGetDelKey[] = {{kKeyRW | kKeyAccess | kKeyDelete, 1, 0, 1}};
constexpr KeySpec kInsertKey[] = {{kKeyOW | kKeyInsert, 1, 0, 1}};
constexpr KeySpec kOverwriteKey[] = {{kKeyOW | kKeyUpdate, 1, 0, 1}};
constexpr KeySpec kAppendKey[] = {{kKeyRW | kKeyInsert, 1, 0, 1}};
constexpr KeySpec kSetRangeKey[] = {{kKeyRW | kKeyUpdate, 1, 0, 1}};
constexpr KeySpec kMsetKeys[] = {{kKeyOW | kKeyUpdate, 1, -1, 2}};
constexpr KeySpec kMsetnxKeys[] = {{kKeyOW | kKeyInsert, 1, -1, 2}};
constexpr KeySpec kMgetKeys[] = {{kKeyRO | kKeyAccess, 1, -1, 1}};
constexpr KeySpec kLcsKeys[] = {{kKeyRO | kKeyAccess, 1, 1, 1}};

// ---- COMMAND DOCS arguments ----

constexpr CommandArg kKeyArg[] = {{.name = "key", .type = ArgType::Key, .key_spec_index = 0}};
constexpr CommandArg kKeysArg[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0, .flags = kArgMultiple}};
constexpr CommandArg kKeyValueArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "value", .type = ArgType::String},
};

constexpr CommandArg kSetCondition[] = {
    {.name = "nx", .type = ArgType::PureToken, .token = "NX"},
    {.name = "xx", .type = ArgType::PureToken, .token = "XX"},
};
constexpr CommandArg kSetExpiration[] = {
    {.name = "seconds", .type = ArgType::Integer, .token = "EX", .since = "2.6.12"},
    {.name = "milliseconds", .type = ArgType::Integer, .token = "PX", .since = "2.6.12"},
    {.name = "unix-time-seconds", .type = ArgType::UnixTime, .token = "EXAT", .since = "6.2.0"},
    {.name = "unix-time-milliseconds", .type = ArgType::UnixTime, .token = "PXAT", .since = "6.2.0"},
    {.name = "keepttl", .type = ArgType::PureToken, .token = "KEEPTTL", .since = "6.0.0"},
};
constexpr CommandArg kSetArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "value", .type = ArgType::String},
    {.name = "condition", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kSetCondition, .since = "2.6.12"},
    {.name = "get", .type = ArgType::PureToken, .token = "GET", .flags = kArgOptional, .since = "6.2.0"},
    {.name = "expiration", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kSetExpiration},
};

constexpr CommandArg kGetExExpiration[] = {
    {.name = "seconds", .type = ArgType::Integer, .token = "EX"},
    {.name = "milliseconds", .type = ArgType::Integer, .token = "PX"},
    {.name = "unix-time-seconds", .type = ArgType::UnixTime, .token = "EXAT"},
    {.name = "unix-time-milliseconds", .type = ArgType::UnixTime, .token = "PXAT"},
    {.name = "persist", .type = ArgType::PureToken, .token = "PERSIST"},
};
constexpr CommandArg kGetExArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "expiration", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kGetExExpiration},
};

constexpr CommandArg kSetExArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "seconds", .type = ArgType::Integer},
    {.name = "value", .type = ArgType::String},
};
constexpr CommandArg kPSetExArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "milliseconds", .type = ArgType::Integer},
    {.name = "value", .type = ArgType::String},
};

constexpr CommandArg kMsetArgs[] = {
    {.name = "key_value", .type = ArgType::Block, .flags = kArgMultiple, .arguments = kKeyValueArgs},
};

constexpr CommandArg kIncrByArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "increment", .type = ArgType::Integer},
};
constexpr CommandArg kDecrByArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "decrement", .type = ArgType::Integer},
};
constexpr CommandArg kIncrByFloatArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "increment", .type = ArgType::Double},
};

constexpr CommandArg kRangeArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "start", .type = ArgType::Integer},
    {.name = "end", .type = ArgType::Integer},
};
constexpr CommandArg kSetRangeArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "offset", .type = ArgType::Integer},
    {.name = "value", .type = ArgType::String},
};

constexpr CommandArg kLcsArgs[] = {
    {.name = "key1", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "key2", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "len", .type = ArgType::PureToken, .token = "LEN", .flags = kArgOptional},
    {.name = "idx", .type = ArgType::PureToken, .token = "IDX", .flags = kArgOptional},
    {.name = "len", .type = ArgType::Integer, .token = "MINMATCHLEN", .flags = kArgOptional},
    {.name = "withmatchlen", .type = ArgType::PureToken, .token = "WITHMATCHLEN", .flags = kArgOptional},
};

// ---- history and tips ----

constexpr CommandHistory kSetHistory[] = {
    {"2.6.12", "New options: EX and PX for an expiry, NX and XX for a condition on the key's existence."},
    {"6.0.0", "New option KEEPTTL keeps the key's current time to live."},
    {"6.2.0", "New options: GET returns the previous value; EXAT and PXAT take an absolute expiry time."},
    {"7.0.0", "GET may now be combined with NX."},
};

constexpr std::string_view kMsetTips[] = {"request_policy:multi_shard", "response_policy:all_succeeded"};
constexpr std::string_view kMsetnxTips[] = {"request_policy:multi_shard", "response_policy:agg_min"};
constexpr std::string_view kMgetTips[] = {"request_policy:multi_shard"};

constexpr std::string_view kRangeComplexity =
    "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned "
    "length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for "
    "small strings.";

// Summaries are our own words; the other fields follow Redis 7.0's COMMAND DOCS.
const CommandSpec kCommands[] = {
    {.name = "get", .arity = 2, .flags = kCmdReadOnly | kCmdFast, .acl_categories = kAclRead | kStr | kAclFast,
     .handler = get, .key_specs = kReadAccess, .summary = "Returns the string stored at a key.", .since = "1.0.0",
     .group = "string", .complexity = "O(1)", .arguments = kKeyArg},
    {.name = "set", .arity = -3, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kAclWrite | kStr | kAclSlow,
     .handler = set_command, .key_specs = kSetKey,
     .summary = "Stores a string at a key, with an optional expiry, condition, or reply of the old value.",
     .since = "1.0.0", .group = "string", .complexity = "O(1)", .arguments = kSetArgs, .history = kSetHistory,
     .get_keys = set_get_keys},
    {.name = "setnx", .arity = 3, .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclWrite | kStr | kAclFast, .handler = setnx, .key_specs = kInsertKey,
     .summary = "Stores a string at a key only when the key is absent.", .since = "1.0.0", .group = "string",
     .complexity = "O(1)", .arguments = kKeyValueArgs},
    {.name = "setex", .arity = 4, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kAclWrite | kStr | kAclSlow,
     .handler = setex, .key_specs = kOverwriteKey,
     .summary = "Stores a string at a key with a time to live given in seconds.", .since = "2.0.0",
     .group = "string", .complexity = "O(1)", .arguments = kSetExArgs},
    {.name = "psetex", .arity = 4, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kAclWrite | kStr | kAclSlow,
     .handler = psetex, .key_specs = kOverwriteKey,
     .summary = "Stores a string at a key with a time to live given in milliseconds.", .since = "2.6.0",
     .group = "string", .complexity = "O(1)", .arguments = kPSetExArgs},
    {.name = "getset", .arity = 3, .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclWrite | kStr | kAclFast, .handler = getset, .key_specs = kUpdate,
     .summary = "Replaces the string at a key and replies with the one it held before.", .since = "1.0.0",
     .group = "string", .complexity = "O(1)", .arguments = kKeyValueArgs, .doc_flags = kDocDeprecated,
     .deprecated_since = "6.2.0", .replaced_by = "`SET` with the `!GET` argument"},
    {.name = "getex", .arity = -2, .flags = kCmdWrite | kCmdFast, .acl_categories = kAclWrite | kStr | kAclFast,
     .handler = getex, .key_specs = kGetExKey,
     .summary = "Returns the string at a key, optionally changing or removing its expiry.", .since = "6.2.0",
     .group = "string", .complexity = "O(1)", .arguments = kGetExArgs},
    {.name = "getdel", .arity = 2, .flags = kCmdWrite | kCmdFast, .acl_categories = kAclWrite | kStr | kAclFast,
     .handler = getdel, .key_specs = kGetDelKey, .summary = "Returns the string at a key and removes the key.",
     .since = "6.2.0", .group = "string", .complexity = "O(1)", .arguments = kKeyArg},
    {.name = "mget", .arity = -2, .flags = kCmdReadOnly | kCmdFast, .acl_categories = kAclRead | kStr | kAclFast,
     .handler = mget, .key_specs = kMgetKeys, .summary = "Returns the strings stored at several keys at once.",
     .since = "1.0.0", .group = "string", .complexity = "O(N) where N is the number of keys to retrieve.",
     .arguments = kKeysArg, .tips = kMgetTips},
    {.name = "mset", .arity = -3, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kAclWrite | kStr | kAclSlow,
     .handler = mset, .key_specs = kMsetKeys, .summary = "Stores strings at several keys in one atomic step.",
     .since = "1.0.1", .group = "string", .complexity = "O(N) where N is the number of keys to set.",
     .arguments = kMsetArgs, .tips = kMsetTips},
    {.name = "msetnx", .arity = -3, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kAclWrite | kStr | kAclSlow,
     .handler = msetnx, .key_specs = kMsetnxKeys,
     .summary = "Stores strings at several keys, but only if none of those keys exists yet.", .since = "1.0.1",
     .group = "string", .complexity = "O(N) where N is the number of keys to set.", .arguments = kMsetArgs,
     .tips = kMsetnxTips},
    {.name = "incr", .arity = 2, .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclWrite | kStr | kAclFast, .handler = incr, .key_specs = kUpdate,
     .summary = "Adds one to the integer stored at a key, starting from zero if absent.", .since = "1.0.0",
     .group = "string", .complexity = "O(1)", .arguments = kKeyArg},
    {.name = "decr", .arity = 2, .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclWrite | kStr | kAclFast, .handler = decr, .key_specs = kUpdate,
     .summary = "Subtracts one from the integer stored at a key, starting from zero if absent.", .since = "1.0.0",
     .group = "string", .complexity = "O(1)", .arguments = kKeyArg},
    {.name = "incrby", .arity = 3, .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclWrite | kStr | kAclFast, .handler = incrby, .key_specs = kUpdate,
     .summary = "Adds an integer amount to the integer stored at a key.", .since = "1.0.0", .group = "string",
     .complexity = "O(1)", .arguments = kIncrByArgs},
    {.name = "decrby", .arity = 3, .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclWrite | kStr | kAclFast, .handler = decrby, .key_specs = kUpdate,
     .summary = "Subtracts an integer amount from the integer stored at a key.", .since = "1.0.0",
     .group = "string", .complexity = "O(1)", .arguments = kDecrByArgs},
    {.name = "incrbyfloat", .arity = 3, .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclWrite | kStr | kAclFast, .handler = incrbyfloat, .key_specs = kUpdate,
     .summary = "Adds a floating-point amount to the number stored at a key.", .since = "2.6.0",
     .group = "string", .complexity = "O(1)", .arguments = kIncrByFloatArgs},
    {.name = "append", .arity = 3, .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclWrite | kStr | kAclFast, .handler = append, .key_specs = kAppendKey,
     .summary = "Adds bytes to the end of the string at a key, creating it if needed.", .since = "2.0.0",
     .group = "string",
     .complexity =
         "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present "
         "value is of any size, since the dynamic string library used by Redis will double the free space available "
         "on every reallocation.",
     .arguments = kKeyValueArgs},
    {.name = "strlen", .arity = 2, .flags = kCmdReadOnly | kCmdFast, .acl_categories = kAclRead | kStr | kAclFast,
     .handler = strlen_command, .key_specs = kReadOnly, .summary = "Returns the byte length of the string at a key.",
     .since = "2.2.0", .group = "string", .complexity = "O(1)", .arguments = kKeyArg},
    {.name = "getrange", .arity = 4, .flags = kCmdReadOnly, .acl_categories = kAclRead | kStr | kAclSlow,
     .handler = getrange, .key_specs = kReadAccess,
     .summary = "Returns the bytes of the string at a key between two offsets, inclusive.", .since = "2.4.0",
     .group = "string", .complexity = kRangeComplexity, .arguments = kRangeArgs},
    {.name = "substr", .arity = 4, .flags = kCmdReadOnly, .acl_categories = kAclRead | kStr | kAclSlow,
     .handler = getrange, .key_specs = kReadAccess,
     .summary = "Older name of GETRANGE: returns part of the string at a key.", .since = "1.0.0",
     .group = "string", .complexity = kRangeComplexity, .arguments = kRangeArgs, .doc_flags = kDocDeprecated,
     .deprecated_since = "2.0.0", .replaced_by = "`GETRANGE`"},
    {.name = "setrange", .arity = 4, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kAclWrite | kStr | kAclSlow,
     .handler = setrange, .key_specs = kSetRangeKey,
     .summary = "Writes bytes into the string at a key from a given offset, zero-padding as needed.",
     .since = "2.2.0", .group = "string",
     .complexity =
         "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so "
         "the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value "
         "argument.",
     .arguments = kSetRangeArgs},
    {.name = "lcs", .arity = -3, .flags = kCmdReadOnly, .acl_categories = kAclRead | kStr | kAclSlow, .handler = lcs,
     .key_specs = kLcsKeys,
     .summary = "Computes the longest common subsequence of the strings at two keys.", .since = "7.0.0",
     .group = "string", .complexity = "O(N*M) where N and M are the lengths of s1 and s2, respectively",
     .arguments = kLcsArgs},
};

}  // namespace

std::span<const CommandSpec> string_commands() { return kCommands; }

}  // namespace corvid
