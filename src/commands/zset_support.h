#pragma once
// Helpers the sorted-set command files share (commands/zsets.cc and
// commands/zset_algebra.cc): the encoding thresholds as configured now, replies of
// members with optional scores in both protocols, and the end of every STORE form.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/context.h"
#include "db/zset_value.h"

namespace corvid {

// ZADD's options (GEOADD takes NX, XX and CH of them).
struct ZAddFlags {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
};
struct ScoredMember {
  double score = 0;
  std::string_view member;
};
// ZADD once its arguments are checked: adds or updates `members` of the sorted set at
// `key` (created unless XX), sends zadd / zincr, and replies as ZADD does.
void zadd_and_reply(CommandContext& ctx, std::string_view key, const ZAddFlags& flags,
                    std::span<const ScoredMember> members);

// zset-max-listpack-entries and zset-max-listpack-value, as configured now.
ZSetLimits zset_limits(CommandContext& ctx);

// An array of `count` members, with their scores as RESP2 flat pairs or RESP3 nested
// [member, score] arrays: reply_scored_header once, then reply_scored for each member.
void reply_scored_header(CommandContext& ctx, size_t count, bool with_scores);
void reply_scored(CommandContext& ctx, std::string_view member, double score, bool with_scores);

// Puts `sorted` (ascending by score, then member) under `destination` as a new sorted
// set, replacing what was there; an empty result deletes the key instead ("del"). A
// stored set is reported as `event`. Replies the number of members stored.
void store_sorted_and_reply(CommandContext& ctx, std::string_view destination,
                            const std::vector<std::pair<std::string, double>>& sorted, std::string_view event);

}  // namespace corvid
