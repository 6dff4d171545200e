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

void zadd_and_reply(CommandContext& ctx, std::string_view key, const ZAddFlags& flags,
                    std::span<const ScoredMember> members) {
  KeyEntry* entry = ctx.db.lookup_write(key);
  bool wrong;
  ctx.typed<ZSetValue>(entry, ValueType::ZSet, &wrong);
  if (wrong) return;
  const ZSetLimits lim = zset_limits(ctx);
  int64_t added = 0, updated = 0, processed = 0;
  double last_score = 0;
  bool failed = false;
  if (entry == nullptr && !flags.xx) {
    auto zset = std::make_unique<ZSetValue>();
    // Redis picks the encoding of a new key from the first member alone.
    if (lim.max_listpack_entries == 0 || members[0].member.size() > lim.max_listpack_value) {
      zset->convert_to_skiplist();
    }
    entry = KeyEntry::create_object(key, ValueType::ZSet, std::move(zset), KeyEntry::kNoExpiry);
    ctx.db.insert(entry);
  }
  if (entry != nullptr) {
    auto& zset = entry->object_as<ZSetValue>();
    for (const auto& [given_score, member] : members) {
      double score = given_score;
      if (auto current = zset.score(member)) {
        if (flags.nx) continue;
        if (flags.incr) {
          score += *current;
          if (std::isnan(score)) {
            ctx.reply.error("ERR resulting score is not a number (NaN)");
            failed = true;
            break;
          }
        }
        if ((flags.lt && score >= *current) || (flags.gt && score <= *current)) continue;
        ++processed;
        last_score = score;
        if (score != *current) {
          entry->object_as<ZSetValue>().set(member, score, lim);
          ++updated;
        }
      } else if (!flags.xx) {
        entry->object_as<ZSetValue>().set(member, score, lim);
        ++added;
        ++processed;
        last_score = score;
      }
    }
  }
  if (added + updated > 0) ctx.db.key_changed(key, kEventZSet, flags.incr ? "zincr" : "zadd");
  if (failed) return;
  if (flags.incr) {
    if (processed > 0) {
      ctx.reply.double_value(last_score);
    } else {
      ctx.reply.null();
    }
    return;
  }
  ctx.reply.integer(flags.ch ? added + updated : added);
}

}  // namespace corvid
