// Sorted-set commands: ZADD ZINCRBY ZSCORE ZMSCORE ZCARD ZCOUNT ZLEXCOUNT ZRANK ZREVRANK
// ZRANGE ZRANGESTORE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX
// ZREM ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX ZPOPMIN ZPOPMAX ZMPOP BZPOPMIN
// BZPOPMAX BZMPOP ZRANDMEMBER ZSCAN. The set algebra (ZUNION ZINTER ZDIFF, their STORE
// forms, ZINTERCARD) is commands/zset_algebra.cc.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "commands/context.h"
#include "commands/zset_support.h"
#include "core/glob.h"
#include "core/number_format.h"
#include "db/zset_value.h"

namespace corvid {

namespace {

constexpr std::string_view kNotFloatRange = "ERR min or max is not a float";
constexpr std::string_view kNotLexRange = "ERR min or max not valid string range item";

const ZSetValue* read_zset(CommandContext& ctx, const KeyEntry* entry, bool* wrong) {
  return ctx.typed<ZSetValue>(entry, ValueType::ZSet, wrong);
}

// Removes the key once a command has emptied it; Redis reports that as a generic "del"
// after the command's own event.
void remove_if_empty(CommandContext& ctx, std::string_view key, const ZSetValue& zset) {
  if (zset.size() != 0) return;
  ctx.db.remove(key);
  ctx.db.key_changed(key, kEventGeneric, "del");
}

// ---- Argument parsing -------------------------------------------------------------

// Redis reads range bounds with a bare strtod (after an optional "("): leading blanks,
// overflow to infinity and an empty number (0) pass; only trailing bytes (up to a NUL)
// and NaN fail.
bool parse_score_bound(std::string_view text, double* value, bool* exclusive) {
  *exclusive = !text.empty() && text[0] == '(';
  if (*exclusive) text.remove_prefix(1);
  std::string copy(text);
  char* end = nullptr;
  *value = std::strtod(copy.c_str(), &end);
  return *end == '\0' && !std::isnan(*value);
}

std::optional<ScoreRange> parse_score_range(CommandContext& ctx, std::string_view min, std::string_view max) {
  ScoreRange range;
  if (!parse_score_bound(min, &range.min, &range.min_exclusive) ||
      !parse_score_bound(max, &range.max, &range.max_exclusive)) {
    ctx.reply.error(kNotFloatRange);
    return std::nullopt;
  }
  return range;
}

bool parse_lex_bound(std::string_view text, LexBound* bound) {
  if (text.empty()) return false;
  switch (text[0]) {
    case '+':
      if (text.size() != 1) return false;
      bound->kind = LexBound::PositiveInfinity;
      return true;
    case '-':
      if (text.size() != 1) return false;
      bound->kind = LexBound::NegativeInfinity;
      return true;
    case '(':
      bound->kind = LexBound::Exclusive;
      bound->value = text.substr(1);
      return true;
    case '[':
      bound->kind = LexBound::Inclusive;
      bound->value = text.substr(1);
      return true;
    default:
      return false;
  }
}

std::optional<LexRange> parse_lex_range(CommandContext& ctx, std::string_view min, std::string_view max) {
  LexRange range;
  if (!parse_lex_bound(min, &range.min) || !parse_lex_bound(max, &range.max)) {
    ctx.reply.error(kNotLexRange);
    return std::nullopt;
  }
  return range;
}

// ---- ZADD / ZINCRBY ---------------------------------------------------------------

// ZADD's checks of its options and pairs; the work itself is zadd_and_reply's.
void zadd_generic(CommandContext& ctx, ZAddFlags flags, size_t score_index) {
  const size_t argc = ctx.argc();
  if ((argc - score_index) % 2 != 0 || argc == score_index) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  const size_t pairs = (argc - score_index) / 2;
  if (flags.nx && flags.xx) {
    ctx.reply.error("ERR XX and NX options at the same time are not compatible");
    return;
  }
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) {
    ctx.reply.error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return;
  }
  if (flags.incr && pairs > 1) {
    ctx.reply.error("ERR INCR option supports a single increment-element pair");
    return;
  }
  // Every score is checked before anything changes: the command applies fully or not at all.
  std::vector<ScoredMember> members(pairs);
  for (size_t j = 0; j < pairs; ++j) {
    auto score = ctx.double_arg(score_index + 2 * j);
    if (!score) return;
    members[j] = ScoredMember{*score, ctx.arg(score_index + 2 * j + 1)};
  }
  zadd_and_reply(ctx, ctx.arg(1), flags, members);
}

void zadd(CommandContext& ctx) {
  ZAddFlags flags;
  size_t i = 2;
  for (; i < ctx.argc(); ++i) {
    const std::string_view a = ctx.arg(i);
    if (equals_ignore_case(a, "nx")) {
      flags.nx = true;
    } else if (equals_ignore_case(a, "xx")) {
      flags.xx = true;
    } else if (equals_ignore_case(a, "ch")) {
      flags.ch = true;
    } else if (equals_ignore_case(a, "incr")) {
      flags.incr = true;
    } else if (equals_ignore_case(a, "gt")) {
      flags.gt = true;
    } else if (equals_ignore_case(a, "lt")) {
      flags.lt = true;
    } else {
      break;
    }
  }
  zadd_generic(ctx, flags, i);
}

void zincrby(CommandContext& ctx) {
  ZAddFlags flags;
  flags.incr = true;
  zadd_generic(ctx, flags, 2);
}

// ---- Point reads --------------------------------------------------------------------

void zscore(CommandContext& ctx) {
  bool wrong;
  const ZSetValue* zset = read_zset(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  auto score = zset ? zset->score(ctx.arg(2)) : std::nullopt;
  if (score) {
    ctx.reply.double_value(*score);
  } else {
    ctx.reply.null();
  }
}

void zmscore(CommandContext& ctx) {
  bool wrong;
  const ZSetValue* zset = read_zset(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    auto score = zset ? zset->score(ctx.arg(i)) : std::nullopt;
    if (score) {
      ctx.reply.double_value(*score);
    } else {
      ctx.reply.null();
    }
  }
}

void zcard(CommandContext& ctx) {
  bool wrong;
  const ZSetValue* zset = read_zset(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.integer(zset ? static_cast<int64_t>(zset->size()) : 0);
}

// ZCOUNT and ZLEXCOUNT, once their interval has parsed.
template <class Range>
void reply_count_in(CommandContext& ctx, const std::optional<Range>& range) {
  if (!range) return;
  bool wrong;
  const ZSetValue* zset = read_zset(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  if (zset == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  auto [first, last] = zset->ranks_in(*range);
  ctx.reply.integer(static_cast<int64_t>(last - first));
}

void zcount(CommandContext& ctx) { reply_count_in(ctx, parse_score_range(ctx, ctx.arg(2), ctx.arg(3))); }
void zlexcount(CommandContext& ctx) { reply_count_in(ctx, parse_lex_range(ctx, ctx.arg(2), ctx.arg(3))); }

void rank_generic(CommandContext& ctx, bool reverse) {
  bool wrong;
  const ZSetValue* zset = read_zset(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  auto rank = zset ? zset->rank(ctx.arg(2)) : std::nullopt;
  if (!rank) {
    ctx.reply.null();
    return;
  }
  ctx.reply.integer(static_cast<int64_t>(reverse ? zset->size() - 1 - *rank : *rank));
}

void zrank(CommandContext& ctx) { rank_generic(ctx, false); }
void zrevrank(CommandContext& ctx) { rank_generic(ctx, true); }

// ---- Ranges ------------------------------------------------------------------------

// Start/end indexes as ZRANGE and ZREMRANGEBYRANK read them (negative from the end),
// turned into ascending ranks [first, last) of a set of `size` (counted from the top
// when `reverse`).
std::pair<size_t, size_t> rank_interval(int64_t start, int64_t end, size_t size, bool reverse) {
  const auto n = static_cast<int64_t>(size);
  if (start < 0) start += n;
  if (end < 0) end += n;
  if (start < 0) start = 0;
  if (start > end || start >= n) return {0, 0};
  if (end >= n) end = n - 1;
  if (reverse) return {static_cast<size_t>(n - 1 - end), static_cast<size_t>(n - start)};
  return {static_cast<size_t>(start), static_cast<size_t>(end + 1)};
}

enum class RangeKind : uint8_t { Rank, Score, Lex };
enum class Direction : uint8_t { Auto, Forward, Reverse };

// A parsed interval of one of the three kinds.
struct Interval {
  std::optional<std::pair<int64_t, int64_t>> ranks;
  std::optional<ScoreRange> scores;
  std::optional<LexRange> members;

  // The ascending ranks [first, last) it covers in `zset` (rank intervals counted from
  // the top when `reverse`).
  std::pair<size_t, size_t> ranks_in(const ZSetValue& zset, bool reverse) const {
    if (ranks) return rank_interval(ranks->first, ranks->second, zset.size(), reverse);
    return scores ? zset.ranks_in(*scores) : zset.ranks_in(*members);
  }
};

// Reads the interval from arguments `min` and `max`; replies the error on failure.
std::optional<Interval> parse_interval(CommandContext& ctx, RangeKind kind, size_t min, size_t max) {
  Interval interval;
  switch (kind) {
    case RangeKind::Rank: {
      auto start = ctx.int_arg(min);
      if (!start) return std::nullopt;
      auto end = ctx.int_arg(max);
      if (!end) return std::nullopt;
      interval.ranks.emplace(*start, *end);
      break;
    }
    case RangeKind::Score:
      interval.scores = parse_score_range(ctx, ctx.arg(min), ctx.arg(max));
      if (!interval.scores) return std::nullopt;
      break;
    case RangeKind::Lex:
      interval.members = parse_lex_range(ctx, ctx.arg(min), ctx.arg(max));
      if (!interval.members) return std::nullopt;
      break;
  }
  return interval;
}

struct RangeRequest {
  RangeKind kind = RangeKind::Rank;
  bool reverse = false;
  bool with_scores = false;
  bool has_limit = false;
  int64_t offset = 0;
  int64_t count = -1;
};

// Applies LIMIT to the ascending interval [first, last) walked from the top when
// `reverse`: skips `offset` and keeps `count` (negative: all); a negative offset
// leaves nothing, as in Redis.
std::pair<size_t, size_t> apply_limit(std::pair<size_t, size_t> interval, const RangeRequest& req) {
  auto [first, last] = interval;
  if (!req.has_limit) return interval;
  if (req.offset < 0) return {0, 0};
  const auto offset = static_cast<uint64_t>(req.offset);
  const size_t span = last - first;
  if (offset >= span) return {0, 0};
  const size_t available = span - static_cast<size_t>(offset);
  const size_t take = req.count < 0 ? available : std::min<uint64_t>(available, static_cast<uint64_t>(req.count));
  if (req.reverse) return {last - static_cast<size_t>(offset) - take, last - static_cast<size_t>(offset)};
  return {first + static_cast<size_t>(offset), first + static_cast<size_t>(offset) + take};
}

// The shared body of ZRANGE, ZRANGESTORE and the older range commands. `first_arg` is
// the source key's index; min and max follow it; options start after them. Only ZRANGE
// and ZRANGESTORE (Direction::Auto) take REV, BYSCORE and BYLEX.
void range_generic(CommandContext& ctx, size_t first_arg, std::optional<std::string_view> destination, RangeKind kind,
                   Direction direction) {
  RangeRequest req;
  req.kind = kind;
  size_t min_arg = first_arg + 1;
  size_t max_arg = first_arg + 2;
  for (size_t j = first_arg + 3; j < ctx.argc(); ++j) {
    const std::string_view a = ctx.arg(j);
    const size_t left = ctx.argc() - j - 1;
    if (!destination && equals_ignore_case(a, "withscores")) {
      req.with_scores = true;
    } else if (equals_ignore_case(a, "limit") && left >= 2) {
      auto offset = ctx.int_arg(j + 1);
      if (!offset) return;
      auto count = ctx.int_arg(j + 2);
      if (!count) return;
      req.has_limit = true;
      req.offset = *offset;
      req.count = *count;
      j += 2;
    } else if (direction == Direction::Auto && equals_ignore_case(a, "rev")) {
      req.reverse = true;
    } else if (direction == Direction::Auto && req.kind == RangeKind::Rank && equals_ignore_case(a, "byscore")) {
      req.kind = RangeKind::Score;
    } else if (direction == Direction::Auto && req.kind == RangeKind::Rank && equals_ignore_case(a, "bylex")) {
      req.kind = RangeKind::Lex;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  if (direction == Direction::Reverse) req.reverse = true;
  if (req.has_limit && req.kind == RangeKind::Rank) {
    ctx.reply.error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return;
  }
  if (req.with_scores && req.kind == RangeKind::Lex) {
    ctx.reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return;
  }
  // Reversed score and member ranges name the upper bound first.
  if (req.reverse && req.kind != RangeKind::Rank) std::swap(min_arg, max_arg);

  auto interval = parse_interval(ctx, req.kind, min_arg, max_arg);
  if (!interval) return;

  bool wrong;
  const ZSetValue* zset = read_zset(ctx, ctx.db.lookup_read(ctx.arg(first_arg)), &wrong);
  if (wrong) return;
  size_t first = 0, last = 0;
  if (zset != nullptr) std::tie(first, last) = apply_limit(interval->ranks_in(*zset, req.reverse), req);
  const size_t count = last > first ? last - first : 0;

  if (!destination) {
    reply_scored_header(ctx, count, req.with_scores);
    if (count > 0) {
      zset->visit_ranks(first, last, req.reverse, [&](std::string_view member, double score) {
        reply_scored(ctx, member, score, req.with_scores);
      });
    }
    return;
  }
  std::vector<std::pair<std::string, double>> result;
  result.reserve(count);
  if (count > 0) {
    zset->visit_ranks(first, last, false,
                      [&](std::string_view member, double score) { result.emplace_back(std::string(member), score); });
  }
  store_sorted_and_reply(ctx, *destination, result, "zrangestore");
}

void zrange(CommandContext& ctx) { range_generic(ctx, 1, std::nullopt, RangeKind::Rank, Direction::Auto); }
void zrangestore(CommandContext& ctx) { range_generic(ctx, 2, ctx.arg(1), RangeKind::Rank, Direction::Auto); }
void zrevrange(CommandContext& ctx) { range_generic(ctx, 1, std::nullopt, RangeKind::Rank, Direction::Reverse); }
void zrangebyscore(CommandContext& ctx) { range_generic(ctx, 1, std::nullopt, RangeKind::Score, Direction::Forward); }
void zrevrangebyscore(CommandContext& ctx) {
  range_generic(ctx, 1, std::nullopt, RangeKind::Score, Direction::Reverse);
}
void zrangebylex(CommandContext& ctx) { range_generic(ctx, 1, std::nullopt, RangeKind::Lex, Direction::Forward); }
void zrevrangebylex(CommandContext& ctx) { range_generic(ctx, 1, std::nullopt, RangeKind::Lex, Direction::Reverse); }

// ---- Removal ----------------------------------------------------------------------

void zrem(CommandContext& ctx) {
  const std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  const ZSetValue* found = read_zset(ctx, entry, &wrong);
  if (wrong) return;
  if (found == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  auto& zset = entry->object_as<ZSetValue>();
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc() && zset.size() > 0; ++i) deleted += zset.erase(ctx.arg(i));
  if (deleted > 0) {
    ctx.db.key_changed(key, kEventZSet, "zrem");
    remove_if_empty(ctx, key, zset);
  }
  ctx.reply.integer(deleted);
}

void remrange_generic(CommandContext& ctx, RangeKind kind, std::string_view event) {
  auto interval = parse_interval(ctx, kind, 2, 3);
  if (!interval) return;
  const std::string_view key = ctx.arg(1);
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  const ZSetValue* found = read_zset(ctx, entry, &wrong);
  if (wrong) return;
  if (found == nullptr) {
    ctx.reply.integer(0);
    return;
  }
  auto& zset = entry->object_as<ZSetValue>();
  auto [first, last] = interval->ranks_in(zset, false);
  const size_t removed = last > first ? last - first : 0;
  if (removed > 0) {
    zset.erase_ranks(first, last);
    ctx.db.key_changed(key, kEventZSet, event);
    remove_if_empty(ctx, key, zset);
  }
  ctx.reply.integer(static_cast<int64_t>(removed));
}

void zremrangebyrank(CommandContext& ctx) { remrange_generic(ctx, RangeKind::Rank, "zremrangebyrank"); }
void zremrangebyscore(CommandContext& ctx) { remrange_generic(ctx, RangeKind::Score, "zremrangebyscore"); }
void zremrangebylex(CommandContext& ctx) { remrange_generic(ctx, RangeKind::Lex, "zremrangebylex"); }

// ---- Popping ----------------------------------------------------------------------

enum class PopShape : uint8_t {
  Flat,    // ZPOPMIN/ZPOPMAX: member, score, member, score... (RESP3 nests pairs when a count was given)
  Single,  // ZPOPMIN/ZPOPMAX without count: one member and its score, flat in both protocols
  Keyed,   // ZMPOP/BZMPOP: [key, [[member, score], ...]]
  KeyedSingle,  // BZPOPMIN/BZPOPMAX: [key, member, score]
};

// Pops up to `count` (> 0) members from the low (or, with `max`, the high) end of the
// non-empty sorted set at `entry`, replies them in `shape`, and reports the change
// (removing the key once emptied). Shared with the blocking variants.
void pop_and_reply(CommandContext& ctx, KeyEntry& entry, bool max, uint64_t count, PopShape shape) {
  auto& zset = entry.object_as<ZSetValue>();
  const std::string key(entry.key());
  const size_t n = static_cast<size_t>(std::min<uint64_t>(count, zset.size()));
  const size_t first = max ? zset.size() - n : 0;
  const size_t last = max ? zset.size() : n;
  const bool nested = shape == PopShape::Keyed || (shape == PopShape::Flat && ctx.reply.resp3());
  // The multi-key and blocking forms replay as ZPOPMIN/ZPOPMAX of the one key.
  const char* plain = max ? "ZPOPMAX" : "ZPOPMIN";
  if (shape == PopShape::Keyed) ctx.propagate_as({plain, key, std::to_string(n)});
  if (shape == PopShape::KeyedSingle) ctx.propagate_as({plain, key});
  if (shape == PopShape::KeyedSingle) {
    ctx.reply.array(3);
    ctx.reply.bulk(key);
  } else {
    if (shape == PopShape::Keyed) {
      ctx.reply.array(2);
      ctx.reply.bulk(key);
    }
    ctx.reply.array(nested ? n : n * 2);
  }
  zset.visit_ranks(first, last, max, [&](std::string_view member, double score) {
    if (nested) ctx.reply.array(2);
    ctx.reply.bulk(member);
    ctx.reply.double_value(score);
  });
  zset.erase_ranks(first, last);
  ctx.db.key_changed(key, kEventZSet, max ? "zpopmax" : "zpopmin");
  remove_if_empty(ctx, key, zset);
}

void pop_generic(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  std::optional<int64_t> count;
  if (ctx.argc() == 3) {
    count = parse_int64(ctx.arg(2));
    if (!count || *count < 0) {
      ctx.reply.error("ERR value is out of range, must be positive");
      return;
    }
  }
  KeyEntry* entry = ctx.db.lookup_write(ctx.arg(1));
  bool wrong;
  const ZSetValue* zset = read_zset(ctx, entry, &wrong);
  if (wrong) return;
  if (zset == nullptr || (count && *count == 0)) {
    ctx.reply.array(0);
    return;
  }
  pop_and_reply(ctx, *entry, max, count ? static_cast<uint64_t>(*count) : 1, count ? PopShape::Flat : PopShape::Single);
}

void zpopmin(CommandContext& ctx) { pop_generic(ctx, false); }
void zpopmax(CommandContext& ctx) { pop_generic(ctx, true); }

// The entry of the first of `keys` holding a sorted set. A key of another type met
// before it ends the search with a WRONGTYPE reply (`*wrong`).
KeyEntry* first_zset(CommandContext& ctx, std::span<const std::string_view> keys, bool* wrong) {
  for (std::string_view key : keys) {
    KeyEntry* entry = ctx.db.lookup_write(key);
    if (read_zset(ctx, entry, wrong) != nullptr) return entry;
    if (*wrong) break;
  }
  return nullptr;
}

// ZMPOP, and with a timeout first BZMPOP, which waits for one of the sorted sets.
void multi_pop(CommandContext& ctx, bool blocking) {
  std::optional<int64_t> deadline;
  if (blocking) {
    deadline = ctx.timeout_arg(1);
    if (!deadline) return;
  }
  auto request = ctx.multi_pop_args(blocking ? 2 : 1, "min", "max");
  if (!request) return;
  bool wrong;
  KeyEntry* entry = first_zset(ctx, request->keys, &wrong);
  if (wrong) return;
  if (entry == nullptr) {
    if (deadline) {
      ctx.block(request->keys, ValueType::ZSet, *deadline);
    } else {
      ctx.reply.null_array();
    }
    return;
  }
  pop_and_reply(ctx, *entry, request->second_end, request->count, PopShape::Keyed);
}

void zmpop(CommandContext& ctx) { multi_pop(ctx, false); }
void bzmpop(CommandContext& ctx) { multi_pop(ctx, true); }

// BZPOPMIN/BZPOPMAX key... timeout.
void blocking_pop(CommandContext& ctx, bool max) {
  auto deadline = ctx.timeout_arg(ctx.argc() - 1);
  if (!deadline) return;
  auto keys = ctx.args.subspan(1, ctx.argc() - 2);
  bool wrong;
  KeyEntry* entry = first_zset(ctx, keys, &wrong);
  if (wrong) return;
  if (entry == nullptr) {
    ctx.block(keys, ValueType::ZSet, *deadline);
    return;
  }
  pop_and_reply(ctx, *entry, max, 1, PopShape::KeyedSingle);
}

void bzpopmin(CommandContext& ctx) { blocking_pop(ctx, false); }
void bzpopmax(CommandContext& ctx) { blocking_pop(ctx, true); }

// ---- ZRANDMEMBER ------------------------------------------------------------------

std::mt19937_64& rng() {
  static std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

void zrandmember(CommandContext& ctx) {
  if (ctx.argc() == 2) {
    KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
    bool wrong;
    const ZSetValue* found = read_zset(ctx, entry, &wrong);
    if (wrong) return;
    if (found == nullptr) {
      ctx.reply.null();
      return;
    }
    ZSetValue::Scratch scratch;
    ctx.reply.bulk(entry->object_as<ZSetValue>().random_entry(rng(), scratch).first);
    return;
  }
  auto request = ctx.random_pick_args("withscores");
  if (!request) return;
  const int64_t count = request->count;
  const bool with_scores = request->with_values;
  KeyEntry* entry = ctx.db.lookup_read(ctx.arg(1));
  bool wrong;
  const ZSetValue* found = read_zset(ctx, entry, &wrong);
  if (wrong) return;
  if (found == nullptr || count == 0) {
    ctx.reply.array(0);
    return;
  }
  auto& zset = entry->object_as<ZSetValue>();
  const size_t size = zset.size();
  if (count < 0) {
    const auto picks = static_cast<uint64_t>(-count);
    if (picks > kMaxRepeatedPicks) {
      ctx.reply.error(errors::kOutOfRange);
      return;
    }
    reply_scored_header(ctx, picks, with_scores);
    ZSetValue::Scratch scratch;
    if (zset.encoding() == Encoding::Listpack) {
      // Indexing the listpack walks it: draw ranks and visit each.
      std::uniform_int_distribution<size_t> index(0, size - 1);
      for (uint64_t i = 0; i < picks; ++i) {
        const size_t r = index(rng());
        zset.visit_ranks(r, r + 1, false,
                         [&](std::string_view member, double score) { reply_scored(ctx, member, score, with_scores); });
      }
      return;
    }
    for (uint64_t i = 0; i < picks; ++i) {
      auto [member, score] = zset.random_entry(rng(), scratch);
      reply_scored(ctx, member, score, with_scores);
    }
    return;
  }
  if (static_cast<uint64_t>(count) >= size) {
    // Everything, highest first as Redis replies it.
    reply_scored_header(ctx, size, with_scores);
    zset.visit_ranks(0, size, true,
                     [&](std::string_view member, double score) { reply_scored(ctx, member, score, with_scores); });
    return;
  }
  // Distinct picks: a partial shuffle of the ranks.
  const auto picks = static_cast<size_t>(count);
  reply_scored_header(ctx, picks, with_scores);
  if (picks * 3 > size || zset.encoding() == Encoding::Listpack) {
    std::vector<size_t> ranks(size);
    for (size_t i = 0; i < size; ++i) ranks[i] = i;
    for (size_t i = 0; i < picks; ++i) {
      std::swap(ranks[i], ranks[std::uniform_int_distribution<size_t>(i, size - 1)(rng())]);
      zset.visit_ranks(ranks[i], ranks[i] + 1, false,
                       [&](std::string_view member, double score) { reply_scored(ctx, member, score, with_scores); });
    }
    return;
  }
  // Skiplist nodes do not move while nothing is inserted, so their views can be kept.
  std::unordered_set<std::string_view> seen;
  ZSetValue::Scratch scratch;
  while (seen.size() < picks) {
    auto [member, score] = zset.random_entry(rng(), scratch);
    if (seen.insert(member).second) reply_scored(ctx, member, score, with_scores);
  }
}

// ---- ZSCAN ------------------------------------------------------------------------

void zscan(CommandContext& ctx) {
  ctx.scan_collection<ZSetValue>(ValueType::ZSet, [](ZSetValue& zset, uint64_t cursor, ScanCollector& found) {
    // A listpack replies the score text it stores; a skiplist formats its doubles.
    const bool stored_text = zset.encoding() == Encoding::Listpack;
    return zset.scan(cursor, [&](std::string_view member, double score) {
      found.add(member, stored_text ? ZSetValue::listpack_score_text(score) : format_double(score));
    });
  });
}


// Summaries are our own words; the other fields follow Redis 7.0's COMMAND DOCS.
constexpr KeySpec kZaddKeys[] = {
    {.flags = kKeyRW | kKeyUpdate, .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}};
constexpr CommandArg kZaddConditionArgs[] = {
    {.name = "nx", .type = ArgType::PureToken, .token = "NX"},
    {.name = "xx", .type = ArgType::PureToken, .token = "XX"},
};
constexpr CommandArg kZaddComparisonArgs[] = {
    {.name = "gt", .type = ArgType::PureToken, .token = "GT"},
    {.name = "lt", .type = ArgType::PureToken, .token = "LT"},
};
constexpr CommandArg kZaddScoreMemberArgs[] = {
    {.name = "score", .type = ArgType::Double},
    {.name = "member", .type = ArgType::String},
};
constexpr CommandArg kZaddArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "condition",
     .type = ArgType::OneOf,
     .flags = kArgOptional,
     .arguments = kZaddConditionArgs,
     .since = "3.0.2"},
    {.name = "comparison",
     .type = ArgType::OneOf,
     .flags = kArgOptional,
     .arguments = kZaddComparisonArgs,
     .since = "6.2.0"},
    {.name = "change", .type = ArgType::PureToken, .token = "CH", .flags = kArgOptional, .since = "3.0.2"},
    {.name = "increment", .type = ArgType::PureToken, .token = "INCR", .flags = kArgOptional, .since = "3.0.2"},
    {.name = "score_member", .type = ArgType::Block, .flags = kArgMultiple, .arguments = kZaddScoreMemberArgs},
};
constexpr CommandHistory kZaddHistory[] = {{"2.4.0", "Accepts multiple elements."},
                                           {"3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."},
                                           {"6.2.0", "Added the `GT` and `LT` options."}};
constexpr KeySpec kZincrbyKeys[] = {
    {.flags = kKeyRW | kKeyAccess | kKeyUpdate, .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}};
constexpr CommandArg kZincrbyArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "increment", .type = ArgType::Integer},
    {.name = "member", .type = ArgType::String},
};
constexpr KeySpec kReadKey[] = {
    {.flags = kKeyRO | kKeyAccess, .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}};
constexpr CommandArg kZscoreArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "member", .type = ArgType::String},
};
constexpr CommandArg kZmscoreArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "member", .type = ArgType::String, .flags = kArgMultiple},
};
constexpr KeySpec kZcardKeys[] = {{.flags = kKeyRO, .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}};
constexpr CommandArg kZcardArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
};
constexpr CommandArg kZcountArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "min", .type = ArgType::Double},
    {.name = "max", .type = ArgType::Double},
};
constexpr CommandArg kZlexcountArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "min", .type = ArgType::String},
    {.name = "max", .type = ArgType::String},
};
constexpr CommandArg kZrankArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "member", .type = ArgType::String},
};
constexpr CommandArg kZrevrankArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "member", .type = ArgType::String},
};
constexpr CommandArg kZrangeSortbyArgs[] = {
    {.name = "byscore", .type = ArgType::PureToken, .token = "BYSCORE"},
    {.name = "bylex", .type = ArgType::PureToken, .token = "BYLEX"},
};
constexpr CommandArg kZrangeOffsetCountArgs[] = {
    {.name = "offset", .type = ArgType::Integer},
    {.name = "count", .type = ArgType::Integer},
};
constexpr CommandArg kZrangeArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "start", .type = ArgType::String},
    {.name = "stop", .type = ArgType::String},
    {.name = "sortby", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kZrangeSortbyArgs, .since = "6.2.0"},
    {.name = "rev", .type = ArgType::PureToken, .token = "REV", .flags = kArgOptional, .since = "6.2.0"},
    {.name = "offset_count",
     .type = ArgType::Block,
     .token = "LIMIT",
     .flags = kArgOptional,
     .arguments = kZrangeOffsetCountArgs,
     .since = "6.2.0"},
    {.name = "withscores", .type = ArgType::PureToken, .token = "WITHSCORES", .flags = kArgOptional},
};
constexpr CommandHistory kZrangeHistory[] = {{"6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."}};
constexpr KeySpec kZrangestoreKeys[] = {
    {.flags = kKeyOW | kKeyUpdate, .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0},
    {.flags = kKeyRO | kKeyAccess, .begin_index = 2, .last_key = 0, .key_step = 1, .limit = 0}};
constexpr CommandArg kZrangestoreSortbyArgs[] = {
    {.name = "byscore", .type = ArgType::PureToken, .token = "BYSCORE"},
    {.name = "bylex", .type = ArgType::PureToken, .token = "BYLEX"},
};
constexpr CommandArg kZrangestoreOffsetCountArgs[] = {
    {.name = "offset", .type = ArgType::Integer},
    {.name = "count", .type = ArgType::Integer},
};
constexpr CommandArg kZrangestoreArgs[] = {
    {.name = "dst", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "src", .type = ArgType::Key, .key_spec_index = 1},
    {.name = "min", .type = ArgType::String},
    {.name = "max", .type = ArgType::String},
    {.name = "sortby", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kZrangestoreSortbyArgs},
    {.name = "rev", .type = ArgType::PureToken, .token = "REV", .flags = kArgOptional},
    {.name = "offset_count",
     .type = ArgType::Block,
     .token = "LIMIT",
     .flags = kArgOptional,
     .arguments = kZrangestoreOffsetCountArgs},
};
constexpr CommandArg kZrevrangeArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "start", .type = ArgType::Integer},
    {.name = "stop", .type = ArgType::Integer},
    {.name = "withscores", .type = ArgType::PureToken, .token = "WITHSCORES", .flags = kArgOptional},
};
constexpr CommandArg kZrangebyscoreOffsetCountArgs[] = {
    {.name = "offset", .type = ArgType::Integer},
    {.name = "count", .type = ArgType::Integer},
};
constexpr CommandArg kZrangebyscoreArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "min", .type = ArgType::Double},
    {.name = "max", .type = ArgType::Double},
    {.name = "withscores", .type = ArgType::PureToken, .token = "WITHSCORES", .flags = kArgOptional, .since = "2.0.0"},
    {.name = "offset_count",
     .type = ArgType::Block,
     .token = "LIMIT",
     .flags = kArgOptional,
     .arguments = kZrangebyscoreOffsetCountArgs},
};
constexpr CommandHistory kZrangebyscoreHistory[] = {{"2.0.0", "Added the `WITHSCORES` modifier."}};
constexpr CommandArg kZrevrangebyscoreOffsetCountArgs[] = {
    {.name = "offset", .type = ArgType::Integer},
    {.name = "count", .type = ArgType::Integer},
};
constexpr CommandArg kZrevrangebyscoreArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "max", .type = ArgType::Double},
    {.name = "min", .type = ArgType::Double},
    {.name = "withscores", .type = ArgType::PureToken, .token = "WITHSCORES", .flags = kArgOptional},
    {.name = "offset_count",
     .type = ArgType::Block,
     .token = "LIMIT",
     .flags = kArgOptional,
     .arguments = kZrevrangebyscoreOffsetCountArgs},
};
constexpr CommandHistory kZrevrangebyscoreHistory[] = {{"2.1.6", "`min` and `max` can be exclusive."}};
constexpr CommandArg kZrangebylexOffsetCountArgs[] = {
    {.name = "offset", .type = ArgType::Integer},
    {.name = "count", .type = ArgType::Integer},
};
constexpr CommandArg kZrangebylexArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "min", .type = ArgType::String},
    {.name = "max", .type = ArgType::String},
    {.name = "offset_count",
     .type = ArgType::Block,
     .token = "LIMIT",
     .flags = kArgOptional,
     .arguments = kZrangebylexOffsetCountArgs},
};
constexpr CommandArg kZrevrangebylexOffsetCountArgs[] = {
    {.name = "offset", .type = ArgType::Integer},
    {.name = "count", .type = ArgType::Integer},
};
constexpr CommandArg kZrevrangebylexArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "max", .type = ArgType::String},
    {.name = "min", .type = ArgType::String},
    {.name = "offset_count",
     .type = ArgType::Block,
     .token = "LIMIT",
     .flags = kArgOptional,
     .arguments = kZrevrangebylexOffsetCountArgs},
};
constexpr KeySpec kDeleteKey[] = {
    {.flags = kKeyRW | kKeyDelete, .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}};
constexpr CommandArg kZremArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "member", .type = ArgType::String, .flags = kArgMultiple},
};
constexpr CommandHistory kZremHistory[] = {{"2.4.0", "Accepts multiple elements."}};
constexpr CommandArg kZremrangebyrankArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "start", .type = ArgType::Integer},
    {.name = "stop", .type = ArgType::Integer},
};
constexpr CommandArg kZremrangebyscoreArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "min", .type = ArgType::Double},
    {.name = "max", .type = ArgType::Double},
};
constexpr CommandArg kZremrangebylexArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "min", .type = ArgType::String},
    {.name = "max", .type = ArgType::String},
};
constexpr KeySpec kPopKey[] = {
    {.flags = kKeyRW | kKeyAccess | kKeyDelete, .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0}};
constexpr CommandArg kZpopminArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "count", .type = ArgType::Integer, .flags = kArgOptional},
};
constexpr CommandArg kZpopmaxArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "count", .type = ArgType::Integer, .flags = kArgOptional},
};
constexpr KeySpec kZmpopKeys[] = {{.flags = kKeyRW | kKeyAccess | kKeyDelete,
                                   .begin_index = 1,
                                   .last_key = 0,
                                   .key_step = 1,
                                   .find = KeyFind::KeyNum,
                                   .keynum_index = 0,
                                   .first_key = 1}};
constexpr CommandArg kZmpopWhereArgs[] = {
    {.name = "min", .type = ArgType::PureToken, .token = "MIN"},
    {.name = "max", .type = ArgType::PureToken, .token = "MAX"},
};
constexpr CommandArg kZmpopArgs[] = {
    {.name = "numkeys", .type = ArgType::Integer},
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0, .flags = kArgMultiple},
    {.name = "where", .type = ArgType::OneOf, .arguments = kZmpopWhereArgs},
    {.name = "count", .type = ArgType::Integer, .token = "COUNT", .flags = kArgOptional},
};
constexpr KeySpec kBlockingPopKeys[] = {
    {.flags = kKeyRW | kKeyAccess | kKeyDelete, .begin_index = 1, .last_key = -2, .key_step = 1, .limit = 0}};
constexpr KeySpec kBlockingMpopKeys[] = {{.flags = kKeyRW | kKeyAccess | kKeyDelete,
                                          .begin_index = 2,
                                          .last_key = 0,
                                          .key_step = 1,
                                          .find = KeyFind::KeyNum,
                                          .keynum_index = 0,
                                          .first_key = 1}};
constexpr CommandArg kBlockingPopArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0, .flags = kArgMultiple},
    {.name = "timeout", .type = ArgType::Double},
};
constexpr CommandArg kBlockingMpopArgs[] = {
    {.name = "timeout", .type = ArgType::Double},
    {.name = "numkeys", .type = ArgType::Integer},
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0, .flags = kArgMultiple},
    {.name = "where", .type = ArgType::OneOf, .arguments = kZmpopWhereArgs},
    {.name = "count", .type = ArgType::Integer, .token = "COUNT", .flags = kArgOptional},
};
constexpr CommandHistory kTimeoutHistory[] = {{"6.0.0", "`timeout` is interpreted as a double instead of an integer."}};
constexpr CommandArg kZrandmemberOptionsArgs[] = {
    {.name = "count", .type = ArgType::Integer},
    {.name = "withscores", .type = ArgType::PureToken, .token = "WITHSCORES", .flags = kArgOptional},
};
constexpr CommandArg kZrandmemberArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "options", .type = ArgType::Block, .flags = kArgOptional, .arguments = kZrandmemberOptionsArgs},
};
constexpr std::string_view kZrandmemberTips[] = {"nondeterministic_output"};
constexpr CommandArg kZscanArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "cursor", .type = ArgType::Integer},
    {.name = "pattern", .type = ArgType::Pattern, .token = "MATCH", .flags = kArgOptional},
    {.name = "count", .type = ArgType::Integer, .token = "COUNT", .flags = kArgOptional},
};
constexpr std::string_view kZscanTips[] = {"nondeterministic_output"};
const CommandSpec kCommands[] = {
    {.name = "zadd",
     .arity = -4,
     .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = zadd,
     .key_specs = kZaddKeys,
     .summary = "Adds members with scores to a sorted set, or changes the scores of members already in it.",
     .since = "1.2.0",
     .group = "sorted-set",
     .complexity = "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
     .arguments = kZaddArgs,
     .history = kZaddHistory},
    {.name = "zincrby",
     .arity = 4,
     .flags = kCmdWrite | kCmdDenyOom | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = zincrby,
     .key_specs = kZincrbyKeys,
     .summary = "Adds an increment to the score of one member of a sorted set.",
     .since = "1.2.0",
     .group = "sorted-set",
     .complexity = "O(log(N)) where N is the number of elements in the sorted set.",
     .arguments = kZincrbyArgs},
    {.name = "zscore",
     .arity = 3,
     .flags = kCmdReadOnly | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = zscore,
     .key_specs = kReadKey,
     .summary = "Returns the score of one member of a sorted set.",
     .since = "1.2.0",
     .group = "sorted-set",
     .complexity = "O(1)",
     .arguments = kZscoreArgs},
    {.name = "zmscore",
     .arity = -3,
     .flags = kCmdReadOnly | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = zmscore,
     .key_specs = kReadKey,
     .summary = "Returns the scores of several members of a sorted set.",
     .since = "6.2.0",
     .group = "sorted-set",
     .complexity = "O(N) where N is the number of members being requested.",
     .arguments = kZmscoreArgs},
    {.name = "zcard",
     .arity = 2,
     .flags = kCmdReadOnly | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = zcard,
     .key_specs = kZcardKeys,
     .summary = "Counts the members of a sorted set.",
     .since = "1.2.0",
     .group = "sorted-set",
     .complexity = "O(1)",
     .arguments = kZcardArgs},
    {.name = "zcount",
     .arity = 4,
     .flags = kCmdReadOnly | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = zcount,
     .key_specs = kReadKey,
     .summary = "Counts the members of a sorted set whose scores fall in an interval.",
     .since = "2.0.0",
     .group = "sorted-set",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     .arguments = kZcountArgs},
    {.name = "zlexcount",
     .arity = 4,
     .flags = kCmdReadOnly | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = zlexcount,
     .key_specs = kReadKey,
     .summary = "Counts the members of a sorted set that fall in an interval of member names.",
     .since = "2.8.9",
     .group = "sorted-set",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     .arguments = kZlexcountArgs},
    {.name = "zrank",
     .arity = 3,
     .flags = kCmdReadOnly | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = zrank,
     .key_specs = kReadKey,
     .summary = "Returns the position of a member in a sorted set, lowest score first.",
     .since = "2.0.0",
     .group = "sorted-set",
     .complexity = "O(log(N))",
     .arguments = kZrankArgs},
    {.name = "zrevrank",
     .arity = 3,
     .flags = kCmdReadOnly | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = zrevrank,
     .key_specs = kReadKey,
     .summary = "Returns the position of a member in a sorted set, highest score first.",
     .since = "2.0.0",
     .group = "sorted-set",
     .complexity = "O(log(N))",
     .arguments = kZrevrankArgs},
    {.name = "zrange",
     .arity = -4,
     .flags = kCmdReadOnly,
     .acl_categories = kAclSortedSet,
     .handler = zrange,
     .key_specs = kReadKey,
     .summary = "Returns the members of a sorted set in a range of positions, scores or member names.",
     .since = "1.2.0",
     .group = "sorted-set",
     .complexity =
         "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
     .arguments = kZrangeArgs,
     .history = kZrangeHistory},
    {.name = "zrangestore",
     .arity = -5,
     .flags = kCmdWrite | kCmdDenyOom,
     .acl_categories = kAclSortedSet,
     .handler = zrangestore,
     .key_specs = kZrangestoreKeys,
     .summary = "Stores into a new key the members of a sorted set in a range of positions, scores or names.",
     .since = "6.2.0",
     .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
                   "stored into the destination key.",
     .arguments = kZrangestoreArgs},
    {.name = "zrevrange",
     .arity = -4,
     .flags = kCmdReadOnly,
     .acl_categories = kAclSortedSet,
     .handler = zrevrange,
     .key_specs = kReadKey,
     .summary = "Returns the members of a sorted set in a range of positions, highest score first.",
     .since = "1.2.0",
     .group = "sorted-set",
     .complexity =
         "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
     .arguments = kZrevrangeArgs,
     .doc_flags = kDocDeprecated,
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `REV` argument"},
    {.name = "zrangebyscore",
     .arity = -4,
     .flags = kCmdReadOnly,
     .acl_categories = kAclSortedSet,
     .handler = zrangebyscore,
     .key_specs = kReadKey,
     .summary = "Returns the members of a sorted set whose scores fall in an interval.",
     .since = "1.0.5",
     .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
                   "being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you "
                   "can consider it O(log(N)).",
     .arguments = kZrangebyscoreArgs,
     .history = kZrangebyscoreHistory,
     .doc_flags = kDocDeprecated,
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `BYSCORE` argument"},
    {.name = "zrevrangebyscore",
     .arity = -4,
     .flags = kCmdReadOnly,
     .acl_categories = kAclSortedSet,
     .handler = zrevrangebyscore,
     .key_specs = kReadKey,
     .summary = "Returns the members of a sorted set whose scores fall in an interval, highest first.",
     .since = "2.2.0",
     .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
                   "being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you "
                   "can consider it O(log(N)).",
     .arguments = kZrevrangebyscoreArgs,
     .history = kZrevrangebyscoreHistory,
     .doc_flags = kDocDeprecated,
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `REV` and `BYSCORE` arguments"},
    {.name = "zrangebylex",
     .arity = -4,
     .flags = kCmdReadOnly,
     .acl_categories = kAclSortedSet,
     .handler = zrangebylex,
     .key_specs = kReadKey,
     .summary = "Returns the members of a sorted set that fall in an interval of member names.",
     .since = "2.8.9",
     .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
                   "being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you "
                   "can consider it O(log(N)).",
     .arguments = kZrangebylexArgs,
     .doc_flags = kDocDeprecated,
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `BYLEX` argument"},
    {.name = "zrevrangebylex",
     .arity = -4,
     .flags = kCmdReadOnly,
     .acl_categories = kAclSortedSet,
     .handler = zrevrangebylex,
     .key_specs = kReadKey,
     .summary = "Returns the members of a sorted set in an interval of member names, in reverse order.",
     .since = "2.8.9",
     .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
                   "being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you "
                   "can consider it O(log(N)).",
     .arguments = kZrevrangebylexArgs,
     .doc_flags = kDocDeprecated,
     .deprecated_since = "6.2.0",
     .replaced_by = "`ZRANGE` with the `REV` and `BYLEX` arguments"},
    {.name = "zrem",
     .arity = -3,
     .flags = kCmdWrite | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = zrem,
     .key_specs = kDeleteKey,
     .summary = "Removes members from a sorted set, and the key once it is empty.",
     .since = "1.2.0",
     .group = "sorted-set",
     .complexity = "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to "
                   "be removed.",
     .arguments = kZremArgs,
     .history = kZremHistory},
    {.name = "zremrangebyrank",
     .arity = 4,
     .flags = kCmdWrite,
     .acl_categories = kAclSortedSet,
     .handler = zremrangebyrank,
     .key_specs = kDeleteKey,
     .summary = "Removes the members of a sorted set in a range of positions.",
     .since = "2.0.0",
     .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
                   "removed by the operation.",
     .arguments = kZremrangebyrankArgs},
    {.name = "zremrangebyscore",
     .arity = 4,
     .flags = kCmdWrite,
     .acl_categories = kAclSortedSet,
     .handler = zremrangebyscore,
     .key_specs = kDeleteKey,
     .summary = "Removes the members of a sorted set whose scores fall in an interval.",
     .since = "1.2.0",
     .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
                   "removed by the operation.",
     .arguments = kZremrangebyscoreArgs},
    {.name = "zremrangebylex",
     .arity = 4,
     .flags = kCmdWrite,
     .acl_categories = kAclSortedSet,
     .handler = zremrangebylex,
     .key_specs = kDeleteKey,
     .summary = "Removes the members of a sorted set that fall in an interval of member names.",
     .since = "2.8.9",
     .group = "sorted-set",
     .complexity = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements "
                   "removed by the operation.",
     .arguments = kZremrangebylexArgs},
    {.name = "zpopmin",
     .arity = -2,
     .flags = kCmdWrite | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = zpopmin,
     .key_specs = kPopKey,
     .summary = "Removes and returns the members with the lowest scores of a sorted set.",
     .since = "5.0.0",
     .group = "sorted-set",
     .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of "
                   "elements popped.",
     .arguments = kZpopminArgs},
    {.name = "zpopmax",
     .arity = -2,
     .flags = kCmdWrite | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = zpopmax,
     .key_specs = kPopKey,
     .summary = "Removes and returns the members with the highest scores of a sorted set.",
     .since = "5.0.0",
     .group = "sorted-set",
     .complexity = "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of "
                   "elements popped.",
     .arguments = kZpopmaxArgs},
    {.name = "zmpop",
     .arity = -4,
     .flags = kCmdWrite,
     .acl_categories = kAclSortedSet,
     .handler = zmpop,
     .key_specs = kZmpopKeys,
     .summary =
         "Removes and returns the lowest or highest members of the first non-empty sorted set among several keys.",
     .since = "7.0.0",
     .group = "sorted-set",
     .complexity = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the "
                   "sorted set, and M being the number of elements popped.",
     .arguments = kZmpopArgs},
    {.name = "bzpopmin",
     .arity = -3,
     .flags = kCmdWrite | kCmdNoScript | kCmdBlocking | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = bzpopmin,
     .key_specs = kBlockingPopKeys,
     .summary = "Pops the lowest-scored member of the first non-empty sorted set, waiting for one if all are empty.",
     .since = "5.0.0",
     .group = "sorted-set",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     .arguments = kBlockingPopArgs,
     .history = kTimeoutHistory},
    {.name = "bzpopmax",
     .arity = -3,
     .flags = kCmdWrite | kCmdNoScript | kCmdBlocking | kCmdFast,
     .acl_categories = kAclSortedSet,
     .handler = bzpopmax,
     .key_specs = kBlockingPopKeys,
     .summary = "Pops the highest-scored member of the first non-empty sorted set, waiting for one if all are empty.",
     .since = "5.0.0",
     .group = "sorted-set",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     .arguments = kBlockingPopArgs,
     .history = kTimeoutHistory},
    {.name = "bzmpop",
     .arity = -5,
     .flags = kCmdWrite | kCmdBlocking,
     .acl_categories = kAclSortedSet,
     .handler = bzmpop,
     .key_specs = kBlockingMpopKeys,
     .summary = "Pops the lowest or highest members of the first non-empty sorted set, waiting if all are empty.",
     .since = "7.0.0",
     .group = "sorted-set",
     .complexity = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the "
                   "sorted set, and M being the number of elements popped.",
     .arguments = kBlockingMpopArgs},
    {.name = "zrandmember",
     .arity = -2,
     .flags = kCmdReadOnly,
     .acl_categories = kAclSortedSet,
     .handler = zrandmember,
     .key_specs = kReadKey,
     .summary = "Picks random members of a sorted set, optionally with their scores.",
     .since = "6.2.0",
     .group = "sorted-set",
     .complexity = "O(N) where N is the number of elements returned",
     .arguments = kZrandmemberArgs,
     .tips = kZrandmemberTips},
    {.name = "zscan",
     .arity = -3,
     .flags = kCmdReadOnly,
     .acl_categories = kAclSortedSet,
     .handler = zscan,
     .key_specs = kReadKey,
     .summary = "Walks the members and scores of a sorted set a few at a time with a cursor.",
     .since = "2.8.0",
     .group = "sorted-set",
     .complexity = "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor "
                   "to return back to 0. N is the number of elements inside the collection..",
     .arguments = kZscanArgs,
     .tips = kZscanTips},
};

}  // namespace

std::span<const CommandSpec> sorted_set_commands() { return kCommands; }

}  // namespace corvid
