#include "commands/stream_support.h"

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/number_format.h"
#include "server/config.h"
#include "server/server.h"

namespace corvid {
namespace {

// Redis's reading of an unsigned 64-bit number in an ID: a plain integer, or failing that
// whatever strtoull takes in full (leading blanks, a sign).
std::optional<uint64_t> id_part(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (std::optional<int64_t> v = parse_int64(text)) {
    if (*v < 0) return std::nullopt;
    return static_cast<uint64_t>(*v);
  }
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (errno == EINVAL || errno == ERANGE || end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<StreamID> parse_stream_id(std::string_view text, uint64_t missing_seq, bool strict, bool* seq_given) {
  if (text.size() > 127) return std::nullopt;
  if (seq_given != nullptr) *seq_given = true;
  if (text == "-" || text == "+") {
    if (strict) return std::nullopt;
    return text == "-" ? StreamID::min() : StreamID::max();
  }
  const size_t dash = text.find('-');
  const std::optional<uint64_t> ms = id_part(std::string(text.substr(0, dash)));
  if (!ms) return std::nullopt;
  if (dash == std::string_view::npos) return StreamID{*ms, missing_seq};
  const std::string_view rest = text.substr(dash + 1);
  if (seq_given != nullptr && rest == "*") {
    *seq_given = false;
    return StreamID{*ms, 0};
  }
  const std::optional<uint64_t> seq = id_part(std::string(rest));
  if (!seq) return std::nullopt;
  return StreamID{*ms, *seq};
}

std::optional<StreamID> stream_id_arg(CommandContext& ctx, size_t i, uint64_t missing_seq, bool strict,
                                      bool* seq_given) {
  auto id = parse_stream_id(ctx.arg(i), missing_seq, strict, seq_given);
  if (!id) ctx.reply.error(kInvalidStreamId);
  return id;
}

std::optional<StreamID> stream_bound_arg(CommandContext& ctx, size_t i, bool is_start) {
  const std::string_view text = ctx.arg(i);
  const uint64_t missing_seq = is_start ? 0 : UINT64_MAX;
  const bool exclusive = text.size() > 1 && text[0] == '(';
  auto id = exclusive ? parse_stream_id(text.substr(1), missing_seq, true) : parse_stream_id(text, missing_seq, false);
  if (!id) {
    ctx.reply.error(kInvalidStreamId);
    return std::nullopt;
  }
  if (exclusive && !(is_start ? id->increment() : id->decrement())) {
    ctx.reply.error(is_start ? "ERR invalid start ID for the interval" : "ERR invalid end ID for the interval");
    return std::nullopt;
  }
  return id;
}

std::optional<std::vector<StreamID>> stream_id_args(CommandContext& ctx, size_t first) {
  std::vector<StreamID> ids;
  ids.reserve(ctx.argc() - first);
  for (size_t i = first; i < ctx.argc(); ++i) {
    auto id = stream_id_arg(ctx, i, 0, true);
    if (!id) return std::nullopt;
    ids.push_back(*id);
  }
  return ids;
}

StreamLimits stream_limits(CommandContext& ctx) {
  const Config& config = ctx.server.config();
  return {static_cast<size_t>(config.stream_node_max_bytes), static_cast<int64_t>(config.stream_node_max_entries)};
}

StreamValue* read_stream(CommandContext& ctx, const KeyEntry* entry, bool* wrong) {
  return ctx.typed<StreamValue>(entry, ValueType::Stream, wrong);
}

StreamGroup* stream_group_arg(CommandContext& ctx, StreamValue** value) {
  bool wrong;
  *value = read_stream(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return nullptr;
  StreamGroup* group = *value != nullptr ? (*value)->find_group(ctx.arg(2)) : nullptr;
  if (group == nullptr) {
    ctx.reply.error("NOGROUP No such key '" + std::string(ctx.arg(1)) + "' or consumer group '" +
                    std::string(ctx.arg(2)) + "'");
  }
  return group;
}

void reply_stream_entry(CommandContext& ctx, const Stream::Entry& e) {
  ctx.reply.array(2);
  ctx.reply.bulk(e.id.text());
  ctx.reply.array(e.fields.size() * 2);
  for (const auto& [field, value] : e.fields) {
    ctx.reply.bulk(field);
    ctx.reply.bulk(value);
  }
}

bool reply_first_stream_entry(CommandContext& ctx, const Stream& s, StreamID start, StreamID end, bool reverse) {
  bool found = false;
  s.visit(start, end, reverse, [&](const Stream::Entry& e) {
    reply_stream_entry(ctx, e);
    found = true;
    return false;
  });
  return found;
}

void propagate_claim(CommandContext& ctx, std::string_view key, std::string_view group_name,
                     const StreamGroup& group, std::string_view id_text, const StreamPending& entry) {
  ctx.propagate_as({"XCLAIM", std::string(key), std::string(group_name), entry.owner->name, "0",
                    std::string(id_text), "TIME", std::to_string(entry.delivery_time_ms), "RETRYCOUNT",
                    std::to_string(entry.delivery_count), "FORCE", "JUSTID", "LASTID", group.last_id().text()});
}

void propagate_group_position(CommandContext& ctx, std::string_view key, std::string_view group_name,
                              const StreamGroup& group) {
  ctx.propagate_as({"XGROUP", "SETID", std::string(key), std::string(group_name), group.last_id().text(),
                    "ENTRIESREAD", std::to_string(group.entries_read())});
}

}  // namespace corvid
