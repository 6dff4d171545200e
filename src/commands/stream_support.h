#pragma once
// What the stream command files share (streams.cc, stream_reads.cc, stream_groups.cc,
// stream_info.cc): reading IDs as Redis reads them, finding the stream and its group,
// replying entries, and the forms in which consumer-group changes propagate.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "commands/context.h"
#include "db/stream_value.h"

namespace corvid {

inline constexpr std::string_view kInvalidStreamId = "ERR Invalid stream ID specified as stream command argument";

// "ms-seq", "ms" (the sequence is `missing_seq`), "-" and "+" unless `strict`, and "ms-*"
// when `seq_given` is asked for (it is then false).
std::optional<StreamID> parse_stream_id(std::string_view text, uint64_t missing_seq, bool strict,
                                        bool* seq_given = nullptr);
// The same for argument `i`, replying the error when it is not an ID.
std::optional<StreamID> stream_id_arg(CommandContext& ctx, size_t i, uint64_t missing_seq, bool strict,
                                      bool* seq_given = nullptr);
// One end of an interval (XRANGE, XPENDING, XAUTOCLAIM): an ID, "-" or "+", or "(ID" for
// an exclusive end, made inclusive by stepping past it.
std::optional<StreamID> stream_bound_arg(CommandContext& ctx, size_t i, bool is_start);
// Every argument from `first` on as a strict ID (XDEL, XACK), or nullopt after replying
// the error for the first one that is not: such commands apply fully or not at all.
std::optional<std::vector<StreamID>> stream_id_args(CommandContext& ctx, size_t first);

StreamLimits stream_limits(CommandContext& ctx);
StreamValue* read_stream(CommandContext& ctx, const KeyEntry* entry, bool* wrong);
// The stream at argument 1 and its group named by argument 2, for commands that need both;
// null after replying WRONGTYPE or "NOGROUP No such key 'k' or consumer group 'g'".
StreamGroup* stream_group_arg(CommandContext& ctx, StreamValue** value);

// [id, [field, value, ...]].
void reply_stream_entry(CommandContext& ctx, const Stream::Entry& e);
// The first live entry with start <= ID <= end (the last when `reverse`), replied as
// reply_stream_entry; false (nothing replied) when there is none.
bool reply_first_stream_entry(CommandContext& ctx, const Stream& s, StreamID start, StreamID end, bool reverse);
// A stream's entry by ID, as above.
inline bool reply_stream_entry_by_id(CommandContext& ctx, const Stream& s, StreamID id) {
  return reply_first_stream_entry(ctx, s, id, id, false);
}

// How a change to a PEL entry replays (AOF, replicas): "XCLAIM key group consumer 0 id
// TIME t RETRYCOUNT n FORCE JUSTID LASTID last", which gives the entry to its owner with
// its delivery time and count whether or not the replica had it.
void propagate_claim(CommandContext& ctx, std::string_view key, std::string_view group_name,
                     const StreamGroup& group, std::string_view id_text, const StreamPending& entry);
// And a change of the group's position: "XGROUP SETID key group id ENTRIESREAD n".
void propagate_group_position(CommandContext& ctx, std::string_view key, std::string_view group_name,
                              const StreamGroup& group);

}  // namespace corvid
