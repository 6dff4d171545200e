#pragma once
// A key written as the commands that recreate it, for an AOF base without an RDB preamble
// (aof-use-rdb-preamble no): SET, RPUSH, SADD, ZADD, HMSET in batches of 64 elements as
// Redis writes them; a stream as XADDs, XSETID and its consumer groups (XGROUP CREATE,
// XGROUP CREATECONSUMER, XCLAIM ... FORCE); then PEXPIREAT for a TTL and HPEXPIREAT for
// hash field deadlines.

#include "db/key_entry.h"
#include "persistence/rdb_output.h"

namespace corvid {

void write_key_as_commands(RdbOutput& out, const KeyEntry& entry);
void write_select_command(RdbOutput& out, int db);
// A function library as the FUNCTION LOAD that recreates it (first in the file, as Redis
// writes them).
void write_function_load_command(RdbOutput& out, std::string_view code);

}  // namespace corvid
