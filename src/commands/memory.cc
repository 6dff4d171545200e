// MEMORY: what a key costs, how the process's memory divides, and the allocator's own
// view of it.

#include <malloc.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "commands/admin_flags.h"
#include "commands/context.h"
#include "server/info.h"
#include "server/server.h"

#if defined(CORVID_JEMALLOC)
// Weak, as in server/info.cc: binaries that link corvid_lib without jemalloc (unit
// tests) must still link, and then report what a libc build reports.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));
extern "C" void malloc_stats_print(void (*write_cb)(void*, const char*), void* cb_opaque, const char* opts)
    __attribute__((weak));
#endif

namespace corvid {

namespace {

// Below this much used memory there is too little data for a diagnosis to mean anything
// (Redis draws the same line).
constexpr uint64_t kDoctorMinimumUsed = 5ull << 20;

// MEMORY USAGE key [SAMPLES count]
//
// Every Corvid value knows its exact footprint (ValueObject::allocated_bytes counts the
// allocator's blocks, walking the elements of hashtable and skiplist encodings), so the
// figure is exact rather than extrapolated from `count` elements as in Redis; SAMPLES is
// read and checked as Redis checks it but does not shorten that walk.
void memory_usage(CommandContext& ctx) {
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (equals_ignore_case(ctx.arg(i), "samples") && i + 1 < ctx.argc()) {
      auto samples = ctx.int_arg(i + 1);
      if (!samples) return;
      if (*samples < 0) {
        ctx.reply.error(errors::kSyntax);
        return;
      }
      ++i;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  // Redis reads its dictionary directly: no hit or miss counted, no access time, and a
  // key past its TTL that has not been removed yet is still measured.
  const KeyEntry* entry = ctx.db.peek(ctx.arg(2), false);
  if (entry == nullptr) {
    ctx.reply.null();
    return;
  }
  // The entry block (header, TTL, key, inline value) and what the value owns.
  ctx.reply.integer(static_cast<int64_t>(entry->allocated_bytes()));
}

// Redis sends ratios and percentages computed in single precision.
void float_figure(ReplyWriter& reply, double value) { reply.double_value(static_cast<float>(value)); }

double ratio(uint64_t a, uint64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }
int64_t difference(uint64_t a, uint64_t b) { return static_cast<int64_t>(a) - static_cast<int64_t>(b); }

// MEMORY STATS: Redis's fields in Redis's order. Replication, AOF, cluster links,
// scripts and functions do not exist here and truly use nothing.
void memory_stats(CommandContext& ctx) {
  MemoryOverview overview = memory_overview(ctx.server);
  const MemoryFigures& figures = overview.figures;
  uint64_t keys = 0;
  size_t populated = 0;
  for (const auto& db : overview.databases) {
    keys += db.keys;
    if (db.keys != 0) ++populated;
  }
  ReplyWriter& reply = ctx.reply;
  reply.map(27 + populated);
  auto field = [&reply](std::string_view name, int64_t value) {
    reply.bulk(name);
    reply.integer(value);
  };
  auto float_field = [&reply](std::string_view name, double value) {
    reply.bulk(name);
    float_figure(reply, value);
  };
  field("peak.allocated", static_cast<int64_t>(overview.peak));
  field("total.allocated", static_cast<int64_t>(figures.used));
  field("startup.allocated", static_cast<int64_t>(overview.startup));
  field("replication.backlog", 0);
  field("clients.slaves", static_cast<int64_t>(overview.clients_slaves));
  field("clients.normal", static_cast<int64_t>(overview.clients_normal));
  field("cluster.links", 0);
  field("aof.buffer", 0);
  field("lua.caches", 0);
  field("functions.caches", 0);
  for (const auto& db : overview.databases) {
    if (db.keys == 0) continue;
    reply.bulk("db." + std::to_string(db.index));
    reply.map(3);
    field("overhead.hashtable.main", static_cast<int64_t>(db.main_table));
    field("overhead.hashtable.expires", static_cast<int64_t>(db.expires_table));
    // No cluster mode: no slot index.
    field("overhead.hashtable.slot-to-keys", 0);
  }
  field("overhead.total", static_cast<int64_t>(overview.overhead));
  field("keys.count", static_cast<int64_t>(keys));
  field("keys.bytes-per-key", keys == 0 ? 0 : static_cast<int64_t>(overview.net_used / keys));
  field("dataset.bytes", static_cast<int64_t>(overview.dataset));
  float_field("dataset.percentage", ratio(overview.dataset, overview.net_used) * 100);
  float_field("peak.percentage", ratio(figures.used, overview.peak) * 100);
  field("allocator.allocated", static_cast<int64_t>(figures.allocated));
  field("allocator.active", static_cast<int64_t>(figures.active));
  field("allocator.resident", static_cast<int64_t>(figures.resident));
  float_field("allocator-fragmentation.ratio", ratio(figures.active, figures.allocated));
  field("allocator-fragmentation.bytes", difference(figures.active, figures.allocated));
  float_field("allocator-rss.ratio", ratio(figures.resident, figures.active));
  field("allocator-rss.bytes", difference(figures.resident, figures.active));
  float_field("rss-overhead.ratio", ratio(figures.rss, figures.resident));
  field("rss-overhead.bytes", difference(figures.rss, figures.resident));
  float_field("fragmentation", ratio(figures.rss, figures.used));
  field("fragmentation.bytes", difference(figures.rss, figures.used));
}

// MEMORY DOCTOR: a few plain-language findings from the same figures as STATS.
void memory_doctor(CommandContext& ctx) {
  MemoryOverview overview = memory_overview(ctx.server);
  const MemoryFigures& figures = overview.figures;
  std::string report;
  if (figures.used < kDoctorMinimumUsed) {
    report =
        "This instance holds very little data (under 5MB in use), too little for memory figures "
        "to tell anything useful. Come back once it has been filled with some data.\n";
    ctx.reply.verbatim(report);
    return;
  }
  auto finding = [&report](const std::string& text) { report += " * " + text + "\n"; };
  char buffer[256];
  if (overview.peak > figures.used + figures.used / 2) {
    std::snprintf(buffer, sizeof buffer,
                  "Peak usage (%s) was more than 150%% of what is in use now (%s): memory freed since "
                  "then may still be held by the allocator, which shows as fragmentation.",
                  bytes_to_human(overview.peak).c_str(), bytes_to_human(figures.used).c_str());
    finding(buffer);
  }
  if (ratio(figures.rss, figures.used) > 1.4 && figures.rss > figures.used + (10ull << 20)) {
    std::snprintf(buffer, sizeof buffer,
                  "The process's resident set (%s) is %.2f times the memory in use (%s): high "
                  "fragmentation or pages not yet returned to the system (see MEMORY PURGE).",
                  bytes_to_human(figures.rss).c_str(), ratio(figures.rss, figures.used),
                  bytes_to_human(figures.used).c_str());
    finding(buffer);
  }
  if (ratio(figures.active, figures.allocated) > 1.1 && figures.active > figures.allocated + (10ull << 20)) {
    std::snprintf(buffer, sizeof buffer,
                  "The allocator's active pages exceed its allocations by %s (ratio %.2f): its own "
                  "fragmentation is high.",
                  bytes_to_human(figures.active - figures.allocated).c_str(),
                  ratio(figures.active, figures.allocated));
    finding(buffer);
  }
  size_t clients = 0;
  for (const auto& [id, client] : ctx.server.clients()) {
    if (!client->closed() && !client->replica) ++clients;
  }
  if (clients != 0 && overview.clients_normal / clients > (200ull << 10)) {
    std::snprintf(buffer, sizeof buffer,
                  "Connections use %s on average (%s in all): large query or output buffers, "
                  "perhaps slow readers or big pipelines.",
                  bytes_to_human(overview.clients_normal / clients).c_str(),
                  bytes_to_human(overview.clients_normal).c_str());
    finding(buffer);
  }
  if (report.empty()) {
    report = "No memory problems found: usage, peak, fragmentation and client buffers all look healthy.\n";
  } else {
    report = "Findings about this instance's memory:\n\n" + report;
  }
  ctx.reply.verbatim(report);
}

// MEMORY MALLOC-STATS
void memory_malloc_stats(CommandContext& ctx) {
#if defined(CORVID_JEMALLOC)
  if (malloc_stats_print != nullptr) {
    std::string text;
    malloc_stats_print([](void* out, const char* chunk) { static_cast<std::string*>(out)->append(chunk); },
                       &text, nullptr);
    ctx.reply.verbatim(text);
    return;
  }
#endif
  ctx.reply.bulk("Stats not supported for the current allocator");
}

// MEMORY PURGE: hands the allocator's dirty pages back to the system.
void memory_purge(CommandContext& ctx) {
#if defined(CORVID_JEMALLOC)
  if (mallctl != nullptr) {
    char command[64];
    // MALLCTL_ARENAS_ALL: every arena at once.
    std::snprintf(command, sizeof command, "arena.%u.purge", 4096u);
    if (mallctl(command, nullptr, nullptr, nullptr, 0) != 0) {
      ctx.reply.error("ERR Error purging dirty pages");
      return;
    }
    ctx.reply.ok();
    return;
  }
#endif
  // glibc's equivalent: return free memory at the top of the heap and in free chunks.
  malloc_trim(0);
  ctx.reply.ok();
}

void memory_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
  };
  ctx.help(kLines);
}

constexpr std::string_view kAllShardsSpecial[] = {"nondeterministic_output", "request_policy:all_shards",
                                                  "response_policy:special"};
constexpr std::string_view kAllShardsSucceeded[] = {"request_policy:all_shards", "response_policy:all_succeeded"};
constexpr KeySpec kUsageKeys[] = {{.flags = kKeyRO, .begin_index = 2, .last_key = 0, .key_step = 1}};
constexpr CommandArg kUsageArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "count", .type = ArgType::Integer, .token = "SAMPLES", .flags = kArgOptional},
};
constexpr std::string_view kAllocatorBound = "Depends on how much memory is allocated, could be slow";

// Summaries are our own words; the other fields follow Redis 7.0.
const CommandSpec kMemorySubcommands[] = {
    {.name = "malloc-stats", .arity = 2, .flags = 0, .acl_categories = kAclSlow, .handler = memory_malloc_stats,
     .summary = "Replies the allocator's own statistics report.", .since = "4.0.0", .group = kServerGroup,
     .complexity = kAllocatorBound, .tips = kAllShardsSpecial},
    {.name = "stats", .arity = 2, .flags = 0, .acl_categories = kAclSlow, .handler = memory_stats,
     .summary = "Breaks down the server's memory use.", .since = "4.0.0", .group = kServerGroup,
     .complexity = "O(1)", .tips = kAllShardsSpecial},
    {.name = "purge", .arity = 2, .flags = 0, .acl_categories = kAclSlow, .handler = memory_purge,
     .summary = "Asks the allocator to give unused pages back to the system.", .since = "4.0.0",
     .group = kServerGroup, .complexity = kAllocatorBound, .tips = kAllShardsSucceeded},
    {.name = "usage", .arity = -3, .flags = kCmdReadOnly, .acl_categories = kAclSlow, .handler = memory_usage,
     .key_specs = kUsageKeys, .summary = "Replies how many bytes a key and its value occupy.", .since = "4.0.0",
     .group = kServerGroup, .complexity = "O(N) where N is the number of samples.", .arguments = kUsageArgs},
    {.name = "doctor", .arity = 2, .flags = 0, .acl_categories = kAclSlow, .handler = memory_doctor,
     .summary = "Reports memory problems in plain language.", .since = "4.0.0", .group = kServerGroup,
     .complexity = "O(1)", .tips = kAllShardsSpecial},
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = kAclSlow,
     .handler = memory_help, .summary = "Describes the MEMORY subcommands.", .since = "4.0.0",
     .group = kServerGroup, .complexity = "O(1)"},
};

const CommandSpec kCommands[] = {
    {.name = "memory", .arity = -2, .flags = 0, .acl_categories = kAclSlow, .handler = nullptr,
     .subcommands = kMemorySubcommands, .summary = "Groups the memory diagnostics subcommands.", .since = "4.0.0",
     .group = kServerGroup, .complexity = "Depends on subcommand."},
};

}  // namespace

std::span<const CommandSpec> memory_commands() { return kCommands; }

}  // namespace corvid
