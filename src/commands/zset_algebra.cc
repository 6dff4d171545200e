// Sorted-set algebra: ZUNION ZINTER ZDIFF, their STORE forms ZUNIONSTORE ZINTERSTORE
// ZDIFFSTORE, and ZINTERCARD. Inputs may be sorted sets or plain sets (every member
// scoring 1); WEIGHTS and AGGREGATE combine the scores as Redis does.

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "commands/context.h"
#include "commands/zset_support.h"
#include "core/number_format.h"
#include "db/set_value.h"
#include "db/zset_value.h"

namespace corvid {

namespace {

constexpr std::string_view kWeightNotFloat = "ERR weight value is not a float";

enum class SetOp : uint8_t { Union, Inter, Diff };
enum class Aggregate : uint8_t { Sum, Min, Max };

// One input of a set operation: a sorted set, a plain set (every member scoring 1), or
// a missing key (empty).
struct Source {
  const ZSetValue* zset = nullptr;
  const SetValue* set = nullptr;
  double weight = 1;

  size_t size() const { return zset ? zset->size() : set ? set->size() : 0; }
  std::optional<double> score(std::string_view member) const {
    if (zset) return zset->score(member);
    if (set && set->contains(member)) return 1.0;
    return std::nullopt;
  }
  // visit(member, score) over every member.
  template <class F>
  void for_each(F&& visit) const {
    if (zset) {
      zset->for_each(visit);
    } else if (set) {
      set->for_each([&visit](std::string_view member) { visit(member, 1.0); });
    }
  }
};

// Redis turns inf * 0 and inf + -inf into 0 rather than NaN.
double weighted(double score, double weight) {
  const double value = score * weight;
  return std::isnan(value) ? 0 : value;
}

void aggregate_into(double& target, double value, Aggregate how) {
  switch (how) {
    case Aggregate::Sum:
      target += value;
      if (std::isnan(target)) target = 0;
      break;
    case Aggregate::Min:
      target = std::min(target, value);
      break;
    case Aggregate::Max:
      target = std::max(target, value);
      break;
  }
}

// The shared body of ZUNION ZINTER ZDIFF (`destination` empty), their STORE forms and
// ZINTERCARD (`cardinality_only`).
void setop_generic(CommandContext& ctx, std::optional<std::string_view> destination, size_t numkeys_index, SetOp op,
                   bool cardinality_only = false) {
  auto numkeys = ctx.int_arg(numkeys_index);
  if (!numkeys) return;
  if (*numkeys < 1) {
    ctx.reply.error("ERR at least 1 input key is needed for '" + ctx.command.full_name + "' command");
    return;
  }
  if (static_cast<uint64_t>(*numkeys) > ctx.argc() - numkeys_index - 1) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  const auto keys = static_cast<size_t>(*numkeys);
  const size_t first_key = numkeys_index + 1;
  std::vector<Source> sources(keys);
  for (size_t i = 0; i < keys; ++i) {
    const std::string_view key = ctx.arg(first_key + i);
    // Sources are reads even for the STORE forms (keyspace misses, "keymiss"), as in Redis.
    const KeyEntry* entry = ctx.db.lookup_read(key);
    if (entry == nullptr) continue;
    if (entry->type() == ValueType::ZSet) {
      sources[i].zset = &entry->object_as<ZSetValue>();
    } else if (entry->type() == ValueType::Set) {
      sources[i].set = &entry->object_as<SetValue>();
    } else {
      ctx.reply.error(errors::kWrongType);
      return;
    }
  }

  Aggregate aggregate = Aggregate::Sum;
  bool with_scores = false;
  uint64_t limit = 0;
  for (size_t j = first_key + keys; j < ctx.argc(); ++j) {
    const std::string_view a = ctx.arg(j);
    const size_t left = ctx.argc() - j - 1;
    if (cardinality_only && left >= 1 && equals_ignore_case(a, "limit")) {
      auto value = parse_int64(ctx.arg(j + 1));
      if (!value || *value < 0) {
        ctx.reply.error("ERR LIMIT can't be negative");
        return;
      }
      limit = static_cast<uint64_t>(*value);
      ++j;
    } else if (!cardinality_only && op != SetOp::Diff && left >= keys && equals_ignore_case(a, "weights")) {
      for (size_t i = 0; i < keys; ++i) {
        auto weight = ctx.double_arg(j + 1 + i, kWeightNotFloat);
        if (!weight) return;
        sources[i].weight = *weight;
      }
      j += keys;
    } else if (!cardinality_only && op != SetOp::Diff && left >= 1 && equals_ignore_case(a, "aggregate")) {
      const std::string_view how = ctx.arg(j + 1);
      if (equals_ignore_case(how, "sum")) {
        aggregate = Aggregate::Sum;
      } else if (equals_ignore_case(how, "min")) {
        aggregate = Aggregate::Min;
      } else if (equals_ignore_case(how, "max")) {
        aggregate = Aggregate::Max;
      } else {
        ctx.reply.error(errors::kSyntax);
        return;
      }
      ++j;
    } else if (!cardinality_only && !destination && equals_ignore_case(a, "withscores")) {
      with_scores = true;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }

  // Smallest inputs first: an intersection walks the smallest and probes the others.
  if (op != SetOp::Diff) {
    std::stable_sort(sources.begin(), sources.end(),
                     [](const Source& a, const Source& b) { return a.size() < b.size(); });
  }

  std::vector<std::pair<std::string, double>> result;
  switch (op) {
    case SetOp::Inter: {
      if (sources.front().size() == 0) break;
      bool stop = false;
      sources.front().for_each([&](std::string_view member, double score) {
        if (stop) return;
        double total = weighted(score, sources.front().weight);
        for (size_t i = 1; i < sources.size(); ++i) {
          auto other = sources[i].score(member);
          if (!other) return;
          // Unlike the first input's, these products are not cleaned of NaN: a NaN
          // resets a SUM to 0 and leaves MIN/MAX alone, as in Redis.
          aggregate_into(total, *other * sources[i].weight, aggregate);
        }
        result.emplace_back(std::string(member), total);
        if (cardinality_only && limit != 0 && result.size() >= limit) stop = true;
      });
      break;
    }
    case SetOp::Union: {
      std::unordered_map<std::string, double> totals;
      for (const Source& source : sources) {
        source.for_each([&](std::string_view member, double score) {
          const double value = weighted(score, source.weight);
          auto [it, inserted] = totals.try_emplace(std::string(member), value);
          if (!inserted) aggregate_into(it->second, value, aggregate);
        });
      }
      result.reserve(totals.size());
      for (auto& [member, score] : totals) result.emplace_back(member, score);
      break;
    }
    case SetOp::Diff: {
      sources.front().for_each([&](std::string_view member, double score) {
        for (size_t i = 1; i < sources.size(); ++i) {
          if (sources[i].score(member)) return;
        }
        result.emplace_back(std::string(member), score);
      });
      break;
    }
  }

  if (cardinality_only) {
    ctx.reply.integer(static_cast<int64_t>(result.size()));
    return;
  }
  std::sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  if (!destination) {
    reply_scored_header(ctx, result.size(), with_scores);
    for (const auto& [member, score] : result) reply_scored(ctx, member, score, with_scores);
    return;
  }
  store_sorted_and_reply(ctx, *destination, result,
                         op == SetOp::Union   ? "zunionstore"
                         : op == SetOp::Inter ? "zinterstore"
                                              : "zdiffstore");
}

void zunion(CommandContext& ctx) { setop_generic(ctx, std::nullopt, 1, SetOp::Union); }
void zinter(CommandContext& ctx) { setop_generic(ctx, std::nullopt, 1, SetOp::Inter); }
void zdiff(CommandContext& ctx) { setop_generic(ctx, std::nullopt, 1, SetOp::Diff); }
void zunionstore(CommandContext& ctx) { setop_generic(ctx, ctx.arg(1), 2, SetOp::Union); }
void zinterstore(CommandContext& ctx) { setop_generic(ctx, ctx.arg(1), 2, SetOp::Inter); }
void zdiffstore(CommandContext& ctx) { setop_generic(ctx, ctx.arg(1), 2, SetOp::Diff); }
void zintercard(CommandContext& ctx) { setop_generic(ctx, std::nullopt, 1, SetOp::Inter, true); }

// Summaries are our own words; the other fields follow Redis 7.0's COMMAND DOCS.
constexpr KeySpec kReadKeys[] = {{.flags = kKeyRO | kKeyAccess,
                                  .begin_index = 1,
                                  .last_key = 0,
                                  .key_step = 1,
                                  .find = KeyFind::KeyNum,
                                  .keynum_index = 0,
                                  .first_key = 1}};
constexpr CommandArg kAggregateArgs[] = {
    {.name = "sum", .type = ArgType::PureToken, .token = "SUM"},
    {.name = "min", .type = ArgType::PureToken, .token = "MIN"},
    {.name = "max", .type = ArgType::PureToken, .token = "MAX"},
};
// ZUNION and ZINTER take the same arguments.
constexpr CommandArg kUnionInterArgs[] = {
    {.name = "numkeys", .type = ArgType::Integer},
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0, .flags = kArgMultiple},
    {.name = "weight", .type = ArgType::Integer, .token = "WEIGHTS", .flags = kArgOptional | kArgMultiple},
    {.name = "aggregate",
     .type = ArgType::OneOf,
     .token = "AGGREGATE",
     .flags = kArgOptional,
     .arguments = kAggregateArgs},
    {.name = "withscores", .type = ArgType::PureToken, .token = "WITHSCORES", .flags = kArgOptional},
};
constexpr CommandArg kZdiffArgs[] = {
    {.name = "numkeys", .type = ArgType::Integer},
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0, .flags = kArgMultiple},
    {.name = "withscores", .type = ArgType::PureToken, .token = "WITHSCORES", .flags = kArgOptional},
};
constexpr KeySpec kStoreKeys[] = {
    {.flags = kKeyOW | kKeyUpdate, .begin_index = 1, .last_key = 0, .key_step = 1, .limit = 0},
    {.flags = kKeyRO | kKeyAccess,
     .begin_index = 2,
     .last_key = 0,
     .key_step = 1,
     .find = KeyFind::KeyNum,
     .keynum_index = 0,
     .first_key = 1}};
// ZUNIONSTORE and ZINTERSTORE take the same arguments.
constexpr CommandArg kUnionInterStoreArgs[] = {
    {.name = "destination", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "numkeys", .type = ArgType::Integer},
    {.name = "key", .type = ArgType::Key, .key_spec_index = 1, .flags = kArgMultiple},
    {.name = "weight", .type = ArgType::Integer, .token = "WEIGHTS", .flags = kArgOptional | kArgMultiple},
    {.name = "aggregate",
     .type = ArgType::OneOf,
     .token = "AGGREGATE",
     .flags = kArgOptional,
     .arguments = kAggregateArgs},
};
constexpr CommandArg kZdiffstoreArgs[] = {
    {.name = "destination", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "numkeys", .type = ArgType::Integer},
    {.name = "key", .type = ArgType::Key, .key_spec_index = 1, .flags = kArgMultiple},
};
constexpr CommandArg kZintercardArgs[] = {
    {.name = "numkeys", .type = ArgType::Integer},
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0, .flags = kArgMultiple},
    {.name = "limit", .type = ArgType::Integer, .token = "LIMIT", .flags = kArgOptional},
};
const CommandSpec kCommands[] = {
    {.name = "zunion",
     .arity = -3,
     .flags = kCmdReadOnly,
     .acl_categories = kAclSortedSet,
     .handler = zunion,
     .key_specs = kReadKeys,
     .summary = "Returns the union of sorted sets (and sets), with combined scores.",
     .since = "6.2.0",
     .group = "sorted-set",
     .complexity = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the "
                   "number of elements in the resulting sorted set.",
     .arguments = kUnionInterArgs},
    {.name = "zinter",
     .arity = -3,
     .flags = kCmdReadOnly,
     .acl_categories = kAclSortedSet,
     .handler = zinter,
     .key_specs = kReadKeys,
     .summary = "Returns the intersection of sorted sets (and sets), with combined scores.",
     .since = "6.2.0",
     .group = "sorted-set",
     .complexity = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of "
                   "input sorted sets and M being the number of elements in the resulting sorted set.",
     .arguments = kUnionInterArgs},
    {.name = "zdiff",
     .arity = -3,
     .flags = kCmdReadOnly,
     .acl_categories = kAclSortedSet,
     .handler = zdiff,
     .key_specs = kReadKeys,
     .summary = "Returns the members of the first sorted set that none of the others has.",
     .since = "6.2.0",
     .group = "sorted-set",
     .complexity = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the "
                   "size of the first set, and K is the size of the result set.",
     .arguments = kZdiffArgs},
    {.name = "zunionstore",
     .arity = -4,
     .flags = kCmdWrite | kCmdDenyOom,
     .acl_categories = kAclSortedSet,
     .handler = zunionstore,
     .key_specs = kStoreKeys,
     .summary = "Stores the union of sorted sets (and sets) into a key.",
     .since = "2.0.0",
     .group = "sorted-set",
     .complexity = "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the "
                   "number of elements in the resulting sorted set.",
     .arguments = kUnionInterStoreArgs},
    {.name = "zinterstore",
     .arity = -4,
     .flags = kCmdWrite | kCmdDenyOom,
     .acl_categories = kAclSortedSet,
     .handler = zinterstore,
     .key_specs = kStoreKeys,
     .summary = "Stores the intersection of sorted sets (and sets) into a key.",
     .since = "2.0.0",
     .group = "sorted-set",
     .complexity = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of "
                   "input sorted sets and M being the number of elements in the resulting sorted set.",
     .arguments = kUnionInterStoreArgs},
    {.name = "zdiffstore",
     .arity = -4,
     .flags = kCmdWrite | kCmdDenyOom,
     .acl_categories = kAclSortedSet,
     .handler = zdiffstore,
     .key_specs = kStoreKeys,
     .summary = "Stores into a key the members of the first sorted set that none of the others has.",
     .since = "6.2.0",
     .group = "sorted-set",
     .complexity = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the "
                   "size of the first set, and K is the size of the result set.",
     .arguments = kZdiffstoreArgs},
    {.name = "zintercard",
     .arity = -3,
     .flags = kCmdReadOnly,
     .acl_categories = kAclSortedSet,
     .handler = zintercard,
     .key_specs = kReadKeys,
     .summary = "Counts the members common to several sorted sets (and sets), optionally up to a limit.",
     .since = "7.0.0",
     .group = "sorted-set",
     .complexity =
         "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
     .arguments = kZintercardArgs},
};

}  // namespace

std::span<const CommandSpec> sorted_set_algebra_commands() { return kCommands; }

}  // namespace corvid
