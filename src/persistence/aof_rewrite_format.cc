#include "persistence/aof_rewrite_format.h"

#include <charconv>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "core/number_format.h"
#include "db/hash_value.h"
#include "db/list_value.h"
#include "db/set_value.h"
#include "db/stream_value.h"
#include "db/zset_value.h"

namespace corvid {

namespace {

constexpr size_t kItemsPerCommand = 64;  // Redis's AOF_REWRITE_ITEMS_PER_CMD

// "*<n>\r\n" or "$<n>\r\n", formatted in place (no temporary strings per argument).
void header(RdbOutput& out, char type, size_t n) {
  char buf[32];
  buf[0] = type;
  char* end = std::to_chars(buf + 1, buf + sizeof buf - 2, n).ptr;
  *end++ = '\r';
  *end++ = '\n';
  out.raw(std::string_view(buf, static_cast<size_t>(end - buf)));
}

void bulk(RdbOutput& out, std::string_view s) {
  header(out, '$', s.size());
  out.raw(s);
  out.raw("\r\n");
}

void command(RdbOutput& out, std::span<const std::string_view> argv) {
  header(out, '*', argv.size());
  for (std::string_view a : argv) bulk(out, a);
}

void command(RdbOutput& out, std::initializer_list<std::string_view> argv) {
  command(out, std::span<const std::string_view>(argv.begin(), argv.size()));
}

// A command with a fixed head and up to kItemsPerCommand groups of `arity` arguments.
class Batched {
 public:
  Batched(RdbOutput& out, std::string_view name, std::string_view key, size_t arity, size_t total)
      : out_(out), name_(name), key_(key), arity_(arity), left_(total) {}
  void add(std::initializer_list<std::string_view> group) {
    if (in_batch_ == 0) {
      const size_t n = std::min(left_, kItemsPerCommand);
      header(out_, '*', 2 + n * arity_);
      bulk(out_, name_);
      bulk(out_, key_);
    }
    for (std::string_view a : group) bulk(out_, a);
    --left_;
    if (++in_batch_ == kItemsPerCommand) in_batch_ = 0;
  }

 private:
  RdbOutput& out_;
  std::string_view name_, key_;
  size_t arity_, left_, in_batch_ = 0;
};

std::string score_text(double score) {
  char buf[64];
  const int n = std::snprintf(buf, sizeof buf, "%.17g", score);
  return std::string(buf, static_cast<size_t>(n));
}

// Consumer groups as Redis 7.0 rewrites them: XGROUP CREATE with the last ID and entries
// read (-1 when unknown), then per consumer either XGROUP CREATECONSUMER (nothing
// pending) or one forced XCLAIM per pending ID, which recreates the PEL entry with its
// delivery time and count. Seen times are not carried (the replayed commands set them),
// and XCLAIM drops a pending ID whose entry was deleted, in Redis as in a replay here.
void write_stream_groups(RdbOutput& out, std::string_view key, const StreamValue& value) {
  for (const auto& [name, group] : value.groups()) {
    command(out, {"XGROUP", "CREATE", key, name, group.last_id().text(), "ENTRIESREAD",
                  std::to_string(group.entries_read())});
    for (const auto& [consumer_name, consumer] : group.consumers()) {
      if (consumer.pending.empty()) {
        command(out, {"XGROUP", "CREATECONSUMER", key, name, consumer_name});
        continue;
      }
      for (StreamID id : consumer.pending) {
        const StreamPending& pending = *group.find_pending(id);
        command(out,
                {"XCLAIM", key, name, consumer_name, "0", id.text(), "TIME", std::to_string(pending.delivery_time_ms),
                 "RETRYCOUNT", std::to_string(pending.delivery_count), "JUSTID", "FORCE"});
      }
    }
  }
}

}  // namespace

void write_select_command(RdbOutput& out, int db) { command(out, {"SELECT", std::to_string(db)}); }

void write_function_load_command(RdbOutput& out, std::string_view code) { command(out, {"FUNCTION", "LOAD", code}); }

void write_key_as_commands(RdbOutput& out, const KeyEntry& entry) {
  const std::string_view key = entry.key();
  switch (entry.type()) {
    case ValueType::String: {
      char scratch[24];
      command(out, {"SET", key, entry.string_value(scratch)});
      break;
    }
    case ValueType::List: {
      const ListValue& list = entry.object_as<ListValue>();
      Batched b(out, "RPUSH", key, 1, list.size());
      list.items().for_each([&](std::string_view e) { b.add({e}); });
      break;
    }
    case ValueType::Set: {
      const SetValue& set = entry.object_as<SetValue>();
      Batched b(out, "SADD", key, 1, set.size());
      set.for_each([&](std::string_view m) { b.add({m}); });
      break;
    }
    case ValueType::ZSet: {
      const ZSetValue& zset = entry.object_as<ZSetValue>();
      Batched b(out, "ZADD", key, 2, zset.size());
      zset.for_each([&](std::string_view m, double score) { b.add({score_text(score), m}); });
      break;
    }
    case ValueType::Hash: {
      const HashValue& hash = entry.object_as<HashValue>();
      Batched b(out, "HMSET", key, 2, hash.size());
      std::vector<std::pair<std::string, int64_t>> deadlines;
      hash.for_each_with_expiry([&](std::string_view f, std::string_view v, int64_t when) {
        b.add({f, v});
        if (when != HashValue::kNoExpiry) deadlines.emplace_back(f, when);
      });
      for (const auto& [field, when] : deadlines) {
        command(out, {"HPEXPIREAT", key, std::to_string(when), "FIELDS", "1", field});
      }
      break;
    }
    case ValueType::Stream: {
      // The entries as XADDs with their IDs (an empty stream as an XADD trimmed to
      // nothing), then XSETID for what entries no longer show.
      const Stream& s = entry.object_as<StreamValue>().stream();
      if (s.length() == 0) {
        command(out, {"XADD", key, "MAXLEN", "0", "0-1", "x", "y"});
      }
      s.visit(StreamID::min(), StreamID::max(), false, [&](const Stream::Entry& e) {
        std::vector<std::string_view> args{"XADD", key};
        const std::string id = e.id.text();
        args.push_back(id);
        for (const auto& [field, value] : e.fields) {
          args.push_back(field);
          args.push_back(value);
        }
        command(out, args);
        return true;
      });
      command(out, {"XSETID", key, s.last_id().text(), "ENTRIESADDED", std::to_string(s.entries_added()),
                    "MAXDELETEDID", s.max_deleted_id().text()});
      write_stream_groups(out, key, entry.object_as<StreamValue>());
      break;
    }
  }
  if (entry.has_expiry()) command(out, {"PEXPIREAT", key, std::to_string(entry.expire_at_ms())});
}

}  // namespace corvid
