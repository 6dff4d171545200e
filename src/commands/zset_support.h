#pragma once
// Helpers the sorted-set command files share (commands/zsets.cc and
// commands/zset_algebra.cc): the encoding thresholds as configured now, replies of
// members with optional scores in both protocols, and the end of every STORE form.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/context.h"
#include "db/zset_value.h"

namespace corvid {

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
