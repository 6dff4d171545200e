#include "persistence/rdb_writer.h"

#include <cstdio>

#include "core/number_format.h"
#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/value_writer.h"

namespace corvid {

namespace {

void aux(RdbOutput& out, std::string_view name, std::string_view value) {
  out.byte(rdb::kOpAux);
  out.string(name);
  out.string(value);
}

void aux(RdbOutput& out, std::string_view name, int64_t value) {
  out.byte(rdb::kOpAux);
  out.string(name);
  out.integer_string(value);
}

}  // namespace

void write_rdb_header(RdbOutput& out, const RdbHeader& header) {
  char magic[10];
  std::snprintf(magic, sizeof magic, "REDIS%04d", header.version);
  out.raw(std::string_view(magic, 9));
  // What Redis 7.0 writes, in its order, and Corvid's own version (Redis ignores aux
  // fields it does not know).
  aux(out, "redis-ver", "7.0.15");
  aux(out, "redis-bits", 64);
  aux(out, "ctime", header.ctime_s);
  aux(out, "used-mem", static_cast<int64_t>(header.used_mem));
  if (!header.repl_id.empty()) {
    aux(out, "repl-stream-db", 0);
    aux(out, "repl-id", header.repl_id);
    aux(out, "repl-offset", header.repl_offset);
  }
  aux(out, "aof-base", header.aof_base ? 1 : 0);
  aux(out, "corvid-ver", CORVID_VERSION);
}

void write_select_db(RdbOutput& out, int db) {
  out.byte(rdb::kOpSelectDb);
  out.length(static_cast<uint64_t>(db));
}

void write_resize_db(RdbOutput& out, uint64_t keys, uint64_t expires) {
  out.byte(rdb::kOpResizeDb);
  out.length(keys);
  out.length(expires);
}

void write_function_record(RdbOutput& out, std::string_view code) {
  out.byte(rdb::kOpFunction2);
  out.string(code);
}

AccessHint access_hint_for(const std::string& policy) {
  if (policy.ends_with("-lru")) return AccessHint::Idle;
  if (policy.ends_with("-lfu")) return AccessHint::Frequency;
  return AccessHint::None;
}

void write_key_record(RdbOutput& out, const KeyEntry& entry, AccessHint hint, const AccessPolicy& policy,
                      uint32_t now_s) {
  if (entry.has_expiry()) {
    out.byte(rdb::kOpExpireTimeMs);
    out.millis(entry.expire_at_ms());
  }
  if (hint == AccessHint::Idle) {
    out.byte(rdb::kOpIdle);
    out.length(now_s > entry.access_clock() ? now_s - entry.access_clock() : 0);
  } else if (hint == AccessHint::Frequency) {
    out.byte(rdb::kOpFreq);
    out.byte(lfu_decayed_counter(entry, policy, now_s));
  }
  const std::string_view key = entry.key();
  write_value(out, entry, &key);
}

void write_eof(RdbOutput& out) { out.byte(rdb::kOpEof); }

std::string rdb_of_functions(const RdbHeader& header, std::span<const std::string> codes, bool compress) {
  StringOutput out(compress);
  write_rdb_header(out, header);
  for (const std::string& code : codes) write_function_record(out, code);
  write_eof(out);
  append_crc64(out.data());
  return std::move(out.data());
}

}  // namespace corvid
