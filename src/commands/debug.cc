// DEBUG: testing and inspection tools, gated by enable-debug-command as in Redis 7.

#include <sys/mman.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>

#include "commands/admin_flags.h"
#include "commands/context.h"
#include "commands/debug_encodings.h"
#include "commands/debug_protocol.h"
#include "core/glob.h"
#include "core/number_format.h"
#include "db/digest.h"
#include "db/list_value.h"
#include "persistence/rdb_output.h"
#include "persistence/value_writer.h"
#include "server/config.h"
#include "server/info.h"
#include "server/log.h"
#include "server/server.h"

namespace corvid {

namespace {


// Redis parses DEBUG SLEEP's argument with strtod: anything unparsable sleeps 0 seconds.
void debug_sleep(CommandContext& ctx) {
  double seconds = std::strtod(std::string(ctx.arg(2)).c_str(), nullptr);
  if (!(seconds > 0)) seconds = 0;
  seconds = std::min(seconds, 1e9);
  timespec duration;
  duration.tv_sec = static_cast<time_t>(seconds);
  duration.tv_nsec = static_cast<long>((seconds - std::floor(seconds)) * 1e9);
  while (nanosleep(&duration, &duration) != 0 && errno == EINTR) {
  }
  ctx.reply.ok();
}

std::optional<int64_t> positive_arg(CommandContext& ctx, size_t i) {
  auto value = parse_int64(ctx.arg(i));
  if (!value || *value < 0) {
    ctx.reply.error("ERR value is out of range, must be positive");
    return std::nullopt;
  }
  return value;
}

// DEBUG POPULATE count [prefix] [size]: string keys "prefix:N" holding "value:N", cut
// or zero-padded to `size` bytes when a size is given. Existing keys are left alone.
void debug_populate(CommandContext& ctx) {
  auto count = positive_arg(ctx, 2);
  if (!count) return;
  std::string prefix = ctx.argc() >= 4 ? std::string(ctx.arg(3)) : std::string("key");
  int64_t size = 0;
  if (ctx.argc() == 5) {
    auto parsed = positive_arg(ctx, 4);
    if (!parsed) return;
    size = *parsed;
  }
  std::string key;
  std::string value;
  for (int64_t i = 0; i < *count; ++i) {
    key = prefix + ":" + std::to_string(i);
    if (ctx.db.lookup_write(key) != nullptr) continue;
    value = "value:" + std::to_string(i);
    if (size > 0) value.resize(static_cast<size_t>(size), '\0');
    ctx.db.insert(KeyEntry::create_string(key, value, KeyEntry::kNoExpiry));
    // Event class 0: Redis sends no keyspace notification for DEBUG POPULATE, but WATCH
    // and the other key-change consumers must still hear of the new key.
    ctx.db.key_changed(key, 0, "populate");
  }
  ctx.reply.ok();
}

void debug_htstats_key(CommandContext& ctx) {
  // Only values held in hash tables have statistics to show; strings never are.
  if (ctx.db.find(ctx.arg(2)) == nullptr) {
    ctx.reply.error(errors::kNoSuchKey);
    return;
  }
  ctx.reply.error("ERR The value stored at the specified key is not represented using an hash table");
}

void debug_log(CommandContext& ctx) {
  log_warning("DEBUG LOG: " + std::string(ctx.arg(2)));
  ctx.reply.ok();
}

// DEBUG ERROR replies the text as an error as it is, outside of the error statistics,
// with line breaks turned into spaces so the reply stays one line.
void debug_error(CommandContext& ctx) {
  std::string message(1, '-');
  message += ctx.arg(2);
  for (char& c : message) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  message += "\r\n";
  ctx.reply.raw(message);
}

// Redis's flags here are read with atoi: anything that is not a number means 0.
bool atoi_flag(CommandContext& ctx, size_t i) { return std::atoi(std::string(ctx.arg(i)).c_str()) != 0; }

void debug_set_active_expire(CommandContext& ctx) {
  ctx.server.set_active_expire(atoi_flag(ctx, 2));
  ctx.reply.ok();
}

void debug_digest(CommandContext& ctx) { ctx.reply.simple(digest_hex(dataset_digest(ctx.server.databases()))); }

// Logically expired keys are digested too (no lookup, no lazy expiry), as in Redis.
void debug_digest_value(CommandContext& ctx) {
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const KeyEntry* entry = ctx.db.peek(ctx.arg(i), false);
    ctx.reply.simple(digest_hex(entry != nullptr ? value_digest(*entry) : Sha1{}));
  }
}

// Redis's field layout: address, refcount, encoding, the value's serialized length (as
// RDB would write it now), its LRU clock and idle seconds, and for lists the quicklist's
// shape. Sizes are Corvid's own.
void debug_object(CommandContext& ctx) {
  const KeyEntry* entry = ctx.db.peek(ctx.arg(2), false);
  if (entry == nullptr) {
    ctx.reply.error(errors::kNoSuchKey);
    return;
  }
  StringOutput serialized(ctx.server.config().rdbcompression);
  write_value(serialized, *entry);
  const uint32_t now_s = ctx.clock.seconds();
  const bool lfu = ctx.server.access_policy().lfu;
  const uint32_t lru = lfu ? ((((entry->access_clock() / 60) & 0xffff) << 8) | entry->lfu_counter())
                           : (entry->access_clock() & 0xffffff);
  const uint64_t idle = now_s > entry->access_clock() ? now_s - entry->access_clock() : 0;
  char line[512];
  std::snprintf(line, sizeof line,
                "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u lru_seconds_idle:%llu",
                static_cast<const void*>(entry), std::string(encoding_name(entry->encoding())).c_str(),
                serialized.data().size() - 1, lru, static_cast<unsigned long long>(idle));
  std::string text = line;
  if (entry->type() == ValueType::List) {
    const Quicklist& items = entry->object_as<ListValue>().items();
    // ql_compressed says whether the list compresses at all, as in Redis.
    std::snprintf(line, sizeof line,
                  " ql_nodes:%zu ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d ql_uncompressed_size:%zu",
                  items.node_count(),
                  items.node_count() == 0 ? 0.0 : static_cast<double>(items.size()) / items.node_count(),
                  items.fill(), items.compress_depth() != 0 ? 1 : 0, items.uncompressed_bytes());
    text += line;
  }
  ctx.reply.simple(text);
}

// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the dataset, load the dump back.
void debug_reload(CommandContext& ctx) {
  bool merge = false, flush = true, save = true;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (equals_ignore_case(ctx.arg(i), "merge")) {
      merge = true;
    } else if (equals_ignore_case(ctx.arg(i), "noflush")) {
      flush = false;
    } else if (equals_ignore_case(ctx.arg(i), "nosave")) {
      save = false;
    } else {
      ctx.reply.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
      return;
    }
  }
  RdbPersistence& rdb = ctx.server.rdb();
  if (save && !rdb.save()) {
    ctx.reply.error("ERR");
    return;
  }
  if (flush) {
    for (Database* db : ctx.server.databases()) db->detach_all()->dispose();
    ctx.server.flush_function_libraries();
  }
  if (rdb.load_now(merge)) {
    ctx.reply.error("ERR Error trying to load the RDB dump");
    return;
  }
  log_warning("DB reloaded by DEBUG RELOAD");
  ctx.reply.ok();
}

// DEBUG LOADAOF: the AOF written out and fsynced, the dataset emptied and loaded from it.
void debug_loadaof(CommandContext& ctx) {
  if (auto error = ctx.server.aof().reload()) {
    // Redis exits here: the dataset is gone and the AOF cannot bring it back.
    ctx.server.fatal(*error);
    return;
  }
  ctx.server.keyspace_stats().dirty = 0;
  log_warning("Append Only File loaded by DEBUG LOADAOF");
  ctx.reply.ok();
}

// DEBUG SEGFAULT: a real invalid write (to a page mapped read-only), so that the crash
// handler sees what a bug would give it.
void debug_segfault(CommandContext&) {
  void* page = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  *static_cast<volatile int*>(page) = 1;
}

// DEBUG PANIC: what an internal consistency check that fails does.
void debug_panic(CommandContext&) {
  log_warning("Guru Meditation: DEBUG PANIC called at Unix time " + std::to_string(std::time(nullptr)));
  std::abort();
}


// Stops the cron (active expiry, client checks, save points...) until PAUSE-CRON 0.
void debug_pause_cron(CommandContext& ctx) {
  ctx.server.set_cron_paused(atoi_flag(ctx, 2));
  ctx.reply.ok();
}

// REPLYBUFFER PEAK-RESET-TIME <NEVER|RESET|ms> / RESIZING <0|1>.
void debug_replybuffer(CommandContext& ctx) {
  if (equals_ignore_case(ctx.arg(2), "peak-reset-time")) {
    if (equals_ignore_case(ctx.arg(3), "never")) {
      ctx.server.set_reply_buffer_peak_reset_ms(-1);
    } else if (equals_ignore_case(ctx.arg(3), "reset")) {
      ctx.server.set_reply_buffer_peak_reset_ms(Server::kReplyBufferPeakResetMs);
    } else {
      auto ms = ctx.int_arg(3);
      if (!ms) return;
      ctx.server.set_reply_buffer_peak_reset_ms(*ms);
    }
  } else if (equals_ignore_case(ctx.arg(2), "resizing")) {
    ctx.server.set_reply_buffer_resizing(atoi_flag(ctx, 3));
  } else {
    ctx.subcommand_syntax_error();
    return;
  }
  ctx.reply.ok();
}

// Lets scripts call commands flagged noscript (MULTI, CLIENT, DEBUG ...).
void debug_set_disable_deny_scripts(CommandContext& ctx) {
  ctx.server.scripting().set_deny_disabled(atoi_flag(ctx, 2));
  ctx.reply.ok();
}

void debug_change_repl_id(CommandContext& ctx) {
  change_master_replid();
  ctx.reply.ok();
}

// Random patterns (heavy in wildcards, sets and escapes) against random subjects: the
// matcher must come back from each, whatever it answers.
void debug_stringmatch_test(CommandContext& ctx) {
  static constexpr char kAlphabet[] = "*?[]^-\\ab*c*";
  std::mt19937 rng(std::random_device{}());
  std::string pattern, subject;
  for (int i = 0; i < 100000; ++i) {
    pattern.resize(rng() % 64);
    for (char& c : pattern) c = rng() % 4 == 0 ? static_cast<char>(rng() & 0xff) : kAlphabet[rng() % (sizeof kAlphabet - 1)];
    subject.resize(rng() % 64);
    for (char& c : subject) c = rng() % 4 == 0 ? static_cast<char>(rng() & 0xff) : kAlphabet[rng() % (sizeof kAlphabet - 1)];
    glob_match(pattern, subject, rng() % 2 == 0);
  }
  ctx.reply.simple("Apparently Redis did not crash: test passed");
}

void debug_help(CommandContext& ctx) {
  // Only what this server implements.
  static constexpr std::string_view kLines[] = {
      "CHANGE-REPL-ID",
      "    Change the replication IDs of the instance.",
      "    Dangerous: should be used only for testing the replication subsystem.",
      "DIGEST",
      "    Output a hex signature representing the current DB content.",
      "DIGEST-VALUE <key> [<key> ...]",
      "    Output a hex signature of the values of all the specified keys.",
      "ERROR <string>",
      "    Return a Redis protocol error with <string> as message. Useful for clients",
      "    unit tests to simulate Redis errors.",
      "LOG <message>",
      "    Write <message> to the server log.",
      "HTSTATS-KEY <key>",
      "    Like HTSTATS but for the hash table stored at <key>'s value.",
      "LOADAOF",
      "    Flush the AOF buffers on disk and reload the AOF in memory.",
      "OBJECT <key>",
      "    Show low level info about `key` and associated value.",
      "PANIC",
      "    Crash the server simulating a panic.",
      "POPULATE <count> [<prefix>] [<size>]",
      "    Create <count> string keys named key:<num>. If <prefix> is specified then",
      "    it is used instead of the 'key' prefix. These are not propagated to",
      "    replicas. Cluster slots are not respected so keys not belonging to the",
      "    current node can be created in cluster mode.",
      "PROTOCOL <type>",
      "    Reply with a test value of the specified type. <type> can be: string,",
      "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
      "    true, false.",
      "RELOAD [option ...]",
      "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
      "    * MERGE: conflicting keys will be loaded from RDB.",
      "    * NOFLUSH: the existing database will not be removed before load, but",
      "      conflicting keys make the load fail.",
      "    * NOSAVE: the database will be loaded from an existing RDB file.",
      "    Examples:",
      "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
      "      the database.",
      "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
      "      existing RDB file.",
      "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
      "      file to the database.",
      "SEGFAULT",
      "    Crash the server with sigsegv.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "QUICKLIST-PACKED-THRESHOLD <size>",
      "    Sets the threshold for elements to be inserted as plain vs packed nodes",
      "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
      "STRINGMATCH-TEST",
      "    Run a fuzz tester against the stringmatchlen() function.",
      "LISTPACK <key>",
      "    Show low level info about the listpack encoding of <key>.",
      "QUICKLIST <key> [<0|1>]",
      "    Show low level info about the quicklist encoding of <key>.",
      "    The optional argument (0 by default) sets the level of detail",
      "PAUSE-CRON <0|1>",
      "    Stop periodic cron job processing.",
      "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
      "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
      "    In case NEVER is provided the last observed peak will never be reset",
      "    In case RESET is provided the peak reset time will be restored to the default value",
      "REPLYBUFFER RESIZING <0|1>",
      "    Enable or disable the reply buffer resize cron job",
  };
  ctx.help(kLines);
}

void debug(CommandContext& ctx) {
  // Nothing DEBUG does is replayed (Redis propagates none of it either).
  ctx.propagate_nothing();
  struct Subcommand {
    std::string_view name;
    size_t min_args;
    size_t max_args;
    CommandHandler handler;
  };
  static constexpr Subcommand kSubcommands[] = {
      {"help", 2, 2, debug_help},         {"sleep", 3, 3, debug_sleep}, {"populate", 3, 5, debug_populate},
      {"protocol", 3, 3, debug_protocol},
      {"stringmatch-test", 2, 2, debug_stringmatch_test},
      {"pause-cron", 3, 3, debug_pause_cron},
      {"replybuffer", 4, 4, debug_replybuffer},
      {"set-disable-deny-scripts", 3, 3, debug_set_disable_deny_scripts},
      {"change-repl-id", 2, 2, debug_change_repl_id},
      {"htstats-key", 3, 3, debug_htstats_key}, {"log", 3, 3, debug_log},     {"error", 3, 3, debug_error},
      {"set-active-expire", 3, 3, debug_set_active_expire},
      {"digest", 2, 2, debug_digest},     {"digest-value", 2, SIZE_MAX, debug_digest_value},
      {"object", 3, 3, debug_object},     {"reload", 2, SIZE_MAX, debug_reload},
      {"loadaof", 2, 2, debug_loadaof},
      {"segfault", 2, 2, debug_segfault}, {"panic", 2, 2, debug_panic},
      {"listpack", 3, 3, debug_listpack}, {"quicklist", 3, 4, debug_quicklist},
      {"quicklist-packed-threshold", 3, 3, debug_quicklist_packed_threshold},
  };
  for (const Subcommand& sub : kSubcommands) {
    if (equals_ignore_case(ctx.arg(1), sub.name) && ctx.argc() >= sub.min_args && ctx.argc() <= sub.max_args) {
      sub.handler(ctx);
      return;
    }
  }
  ctx.subcommand_syntax_error();
}

const CommandSpec kCommands[] = {
    {.name = "debug", .arity = -2, .flags = kAdminFlags | kCmdProtected, .acl_categories = kAdminAcl, .handler = debug,
     .summary = "Tools for testing and inspecting the server.", .since = "1.0.0", .group = kServerGroup,
     .complexity = "Depends on subcommand.", .doc_flags = kDocSysCmd},
};

}  // namespace

std::span<const CommandSpec> debug_commands() { return kCommands; }

}  // namespace corvid
