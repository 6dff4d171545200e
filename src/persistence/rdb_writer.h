#pragma once
// The structure of an RDB file around its values: the header and aux fields, database
// selectors, and key records (expiry, LRU/LFU hints, type, key, value). Everything goes
// to an RdbOutput; the checksum trailer is the sink's business (it sees every byte).
//
//   "REDIS0010"  AUX...  FUNCTION2 code...  [SELECTDB n  RESIZEDB keys expires  record...]...  EOF  crc64
//   record:      [EXPIRETIME_MS t] [IDLE s | FREQ f] type key value

#include <cstdint>
#include <span>
#include <string>

#include "db/key_access.h"
#include "db/key_entry.h"
#include "persistence/rdb_output.h"

namespace corvid {

struct RdbHeader {
  int version = 10;
  int64_t ctime_s = 0;     // creation time
  uint64_t used_mem = 0;   // memory in use when the snapshot began
  bool aof_base = false;   // the base of an AOF (its preamble)
  std::string repl_id;     // replication id and offset, when known
  int64_t repl_offset = 0;
};

void write_rdb_header(RdbOutput& out, const RdbHeader& header);
void write_select_db(RdbOutput& out, int db);
void write_resize_db(RdbOutput& out, uint64_t keys, uint64_t expires);
// A function library (its code), as Redis 7.0 writes it before the databases and in
// FUNCTION DUMP payloads.
void write_function_record(RdbOutput& out, std::string_view code);

// Which access hint key records carry: Redis saves the idle time under an LRU policy and
// the frequency under an LFU one (none otherwise, and never in DUMP payloads).
enum class AccessHint : uint8_t { None, Idle, Frequency };
AccessHint access_hint_for(const std::string& maxmemory_policy);

// A whole RDB holding only function libraries, checksum included (what a SYNC asking for
// them alone gets: redis-cli --functions-rdb).
std::string rdb_of_functions(const RdbHeader& header, std::span<const std::string> codes, bool compress);

void write_key_record(RdbOutput& out, const KeyEntry& entry, AccessHint hint, const AccessPolicy& policy,
                      uint32_t now_s);
void write_eof(RdbOutput& out);

}  // namespace corvid
