// Helpers the sorted-set command files share (see zset_support.h).

#include "commands/zset_support.h"

#include "server/config.h"
#include "server/server.h"

namespace corvid {

ZSetLimits zset_limits(CommandContext& ctx) {
  const Config& config = ctx.server.config();
  return {static_cast<size_t>(config.zset_max_listpack_entries),
          static_cast<size_t>(config.zset_max_listpack_value)};
}

void reply_scored_header(CommandContext& ctx, size_t count, bool with_scores) {
  ctx.reply.array(with_scores && !ctx.reply.resp3() ? count * 2 : count);
}

void reply_scored(CommandContext& ctx, std::string_view member, double score, bool with_scores) {
  if (with_scores && ctx.reply.resp3()) ctx.reply.array(2);
  ctx.reply.bulk(member);
  if (with_scores) ctx.reply.double_value(score);
}

void store_sorted_and_reply(CommandContext& ctx, std::string_view destination,
                            const std::vector<std::pair<std::string, double>>& sorted, std::string_view event) {
  if (sorted.empty()) {
    if (ctx.db.remove(destination)) ctx.db.key_changed(destination, kEventGeneric, "del");
  } else {
    auto stored = zset_from_sorted(sorted, zset_limits(ctx));
    ctx.db.upsert(KeyEntry::create_object(destination, ValueType::ZSet, std::move(stored), KeyEntry::kNoExpiry));
    ctx.db.key_changed(destination, kEventZSet, event);
  }
  ctx.reply.integer(static_cast<int64_t>(sorted.size()));
}

}  // namespace corvid
