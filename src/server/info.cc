#include "server/info.h"

#include <malloc.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <random>
#include <vector>

#include "server/client_info.h"
#include "server/config.h"
#include "server/jemalloc_ctl.h"
#include "server/memory_gauge.h"
#include "server/server.h"

#if defined(__SANITIZE_ADDRESS__)
#define CORVID_ASAN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORVID_ASAN_ALLOCATOR 1
#endif
#endif

#if defined(CORVID_ASAN_ALLOCATOR)
// From the sanitizer runtime (its header does not ship with every compiler).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
extern "C" size_t __sanitizer_get_heap_size();
#endif

namespace corvid {

namespace {

__attribute__((format(printf, 2, 3))) void appendf(std::string& out, const char* format, ...) {
  char buffer[512];
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  if (n < 0) return;
  if (static_cast<size_t>(n) < sizeof buffer) {
    out.append(buffer, static_cast<size_t>(n));
    return;
  }
  std::string big(static_cast<size_t>(n) + 1, '\0');
  va_start(args, format);
  std::vsnprintf(big.data(), big.size(), format, args);
  va_end(args);
  big.resize(static_cast<size_t>(n));
  out += big;
}

using ull = unsigned long long;
using ll = long long;

uint64_t process_rss() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long size = 0;
  unsigned long resident = 0;
  int fields = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  if (fields != 2) return 0;
  return static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// What the allocator held before main() ran: Redis's used_memory_startup, as near as a
// library can get without a hook in start-up.
const uint64_t startup_used = [] { return memory_figures().used; }();

std::string build_id() {
  // Changes with every build of a version, as Redis's does.
  std::string seed = std::string(CORVID_VERSION) + " " + __DATE__ + " " + __TIME__;
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : seed) hash = (hash ^ c) * 1099511628211ull;
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%llx", static_cast<ull>(hash));
  return buffer;
}

std::string executable_path() {
  char buffer[4096];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
}

// Redis prints ratios and percentages with two decimals; 0 when undefined.
double ratio(uint64_t a, uint64_t b) { return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b); }
ll difference(uint64_t a, uint64_t b) { return static_cast<ll>(a) - static_cast<ll>(b); }

void server_section(Server& server, std::string& out) {
  const Config& config = server.config();
  utsname name{};
  uname(&name);
  timeval now{};
  gettimeofday(&now, nullptr);
  int64_t uptime = (server.clock().now_ms - server.start_time_ms()) / 1000;
  static const std::string id = build_id();
  static const std::string executable = executable_path();
  out += "# Server\r\n";
  out += "redis_version:7.0.15\r\n";
  out += "corvid_version:" CORVID_VERSION "\r\n";
  out += "redis_git_sha1:00000000\r\nredis_git_dirty:0\r\n";
  appendf(out, "redis_build_id:%s\r\n", id.c_str());
  out += "redis_mode:standalone\r\n";
  appendf(out, "os:%s %s %s\r\n", name.sysname, name.release, name.machine);
  appendf(out, "arch_bits:%d\r\n", static_cast<int>(sizeof(void*) * 8));
  out += "monotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:epoll\r\natomicvar_api:c11-builtin\r\n";
#if defined(__GNUC__)
  appendf(out, "gcc_version:%d.%d.%d\r\n", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  out += "gcc_version:0.0.0\r\n";
#endif
  appendf(out, "process_id:%ld\r\n", static_cast<long>(getpid()));
  out += "process_supervised:no\r\n";
  appendf(out, "run_id:%s\r\n", server.run_id().c_str());
  appendf(out, "tcp_port:%d\r\n", config.port);
  appendf(out, "server_time_usec:%lld\r\n", static_cast<ll>(now.tv_sec) * 1000000 + now.tv_usec);
  appendf(out, "uptime_in_seconds:%lld\r\n", static_cast<ll>(uptime));
  appendf(out, "uptime_in_days:%lld\r\n", static_cast<ll>(uptime / 86400));
  appendf(out, "hz:%d\r\n", server.effective_hz());
  appendf(out, "configured_hz:%d\r\n", config.hz);
  // Redis's LRU clock: seconds, in 24 bits.
  appendf(out, "lru_clock:%u\r\n", server.clock().seconds() & ((1u << 24) - 1));
  appendf(out, "executable:%s\r\n", executable.c_str());
  appendf(out, "config_file:%s\r\n", config.config_file.c_str());
  out += "io_threads_active:0\r\n";
}

struct ClientFigures {
  size_t connected = 0;  // replicas are not counted: INFO shows them as connected_slaves
  size_t max_input_buffer = 0;
  size_t max_output_buffer = 0;
  uint64_t memory = 0;
  uint64_t replica_memory = 0;
};

ClientFigures client_figures(Server& server) {
  ClientFigures figures;
  for (const auto& [id, client] : server.clients()) {
    if (client->closed()) continue;
    if (client->replica) {
      figures.replica_memory += connection_memory(server, *client);
      continue;
    }
    ++figures.connected;
    figures.max_input_buffer = std::max(figures.max_input_buffer, client->query_buffer_size());
    figures.max_output_buffer = std::max(figures.max_output_buffer, client->output_buffer().block_memory());
    figures.memory += connection_memory(server, *client);
  }
  return figures;
}

void clients_section(Server& server, std::string& out) {
  ClientFigures clients = client_figures(server);
  out += "# Clients\r\n";
  appendf(out, "connected_clients:%zu\r\n", clients.connected);
  out += "cluster_connections:0\r\n";
  appendf(out, "maxclients:%u\r\n", server.config().maxclients);
  appendf(out, "client_recent_max_input_buffer:%zu\r\n", clients.max_input_buffer);
  appendf(out, "client_recent_max_output_buffer:%zu\r\n", clients.max_output_buffer);
  appendf(out, "blocked_clients:%llu\r\n", static_cast<ull>(server.blocked_clients()));
  appendf(out, "tracking_clients:%zu\r\n", server.tracking().tracking_clients());
  appendf(out, "clients_in_timeout_table:%llu\r\n", static_cast<ull>(server.blocking().clients_with_timeout()));
}

void memory_section(Server& server, std::string& out) {
  MemoryOverview overview = memory_overview(server);
  const MemoryFigures& memory = overview.figures;
  const uint64_t peak = overview.peak;
  const uint64_t overhead = overview.overhead;
  const uint64_t dataset = overview.dataset;
  const uint64_t net_used = overview.net_used;
  uint64_t total_system = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const Config& config = server.config();

  out += "# Memory\r\n";
  appendf(out, "used_memory:%llu\r\n", static_cast<ull>(memory.used));
  appendf(out, "used_memory_human:%s\r\n", bytes_to_human(memory.used).c_str());
  appendf(out, "used_memory_rss:%llu\r\n", static_cast<ull>(memory.rss));
  appendf(out, "used_memory_rss_human:%s\r\n", bytes_to_human(memory.rss).c_str());
  appendf(out, "used_memory_peak:%llu\r\n", static_cast<ull>(peak));
  appendf(out, "used_memory_peak_human:%s\r\n", bytes_to_human(peak).c_str());
  appendf(out, "used_memory_peak_perc:%.2f%%\r\n", ratio(memory.used, peak) * 100);
  appendf(out, "used_memory_overhead:%llu\r\n", static_cast<ull>(overhead));
  appendf(out, "used_memory_startup:%llu\r\n", static_cast<ull>(startup_used));
  appendf(out, "used_memory_dataset:%llu\r\n", static_cast<ull>(dataset));
  appendf(out, "used_memory_dataset_perc:%.2f%%\r\n", ratio(dataset, net_used) * 100);
  appendf(out, "allocator_allocated:%llu\r\n", static_cast<ull>(memory.allocated));
  appendf(out, "allocator_active:%llu\r\n", static_cast<ull>(memory.active));
  appendf(out, "allocator_resident:%llu\r\n", static_cast<ull>(memory.resident));
  appendf(out, "total_system_memory:%llu\r\n", static_cast<ull>(total_system));
  appendf(out, "total_system_memory_human:%s\r\n", bytes_to_human(total_system).c_str());
  // EVAL's interpreter and cache, and the functions' interpreter and libraries (scripting/).
  const Scripting& scripting = server.scripting();
  const uint64_t lua_vm = scripting.lua_memory();
  const uint64_t functions_vm = scripting.functions().vm_memory();
  const uint64_t functions_overhead = scripting.functions().overhead_memory();
  const uint64_t scripts_memory = scripting.scripts_memory() + functions_overhead;
  appendf(out, "used_memory_lua:%llu\r\n", static_cast<ull>(lua_vm));
  appendf(out, "used_memory_vm_eval:%llu\r\n", static_cast<ull>(lua_vm));
  appendf(out, "used_memory_lua_human:%s\r\n", bytes_to_human(lua_vm).c_str());
  appendf(out, "used_memory_scripts_eval:%llu\r\n", static_cast<ull>(scripting.scripts_memory()));
  appendf(out, "number_of_cached_scripts:%llu\r\n", static_cast<ull>(scripting.cached_scripts()));
  appendf(out, "number_of_functions:%llu\r\n", static_cast<ull>(scripting.functions().function_count()));
  appendf(out, "number_of_libraries:%llu\r\n", static_cast<ull>(scripting.functions().libraries().size()));
  appendf(out, "used_memory_vm_functions:%llu\r\n", static_cast<ull>(functions_vm));
  appendf(out, "used_memory_vm_total:%llu\r\n", static_cast<ull>(lua_vm + functions_vm));
  appendf(out, "used_memory_vm_total_human:%s\r\n", bytes_to_human(lua_vm + functions_vm).c_str());
  appendf(out, "used_memory_functions:%llu\r\n", static_cast<ull>(functions_overhead));
  appendf(out, "used_memory_scripts:%llu\r\n", static_cast<ull>(scripts_memory));
  appendf(out, "used_memory_scripts_human:%s\r\n", bytes_to_human(scripts_memory).c_str());
  appendf(out, "maxmemory:%llu\r\n", static_cast<ull>(config.maxmemory));
  appendf(out, "maxmemory_human:%s\r\n", bytes_to_human(config.maxmemory).c_str());
  appendf(out, "maxmemory_policy:%s\r\n", config.maxmemory_policy.c_str());
  appendf(out, "allocator_frag_ratio:%.2f\r\n", ratio(memory.active, memory.allocated));
  appendf(out, "allocator_frag_bytes:%lld\r\n", difference(memory.active, memory.allocated));
  appendf(out, "allocator_rss_ratio:%.2f\r\n", ratio(memory.resident, memory.active));
  appendf(out, "allocator_rss_bytes:%lld\r\n", difference(memory.resident, memory.active));
  appendf(out, "rss_overhead_ratio:%.2f\r\n", ratio(memory.rss, memory.resident));
  appendf(out, "rss_overhead_bytes:%lld\r\n", difference(memory.rss, memory.resident));
  appendf(out, "mem_fragmentation_ratio:%.2f\r\n", ratio(memory.rss, memory.used));
  appendf(out, "mem_fragmentation_bytes:%lld\r\n", difference(memory.rss, memory.used));
  out +=
      "mem_not_counted_for_evict:0\r\nmem_replication_backlog:0\r\nmem_total_replication_buffers:0\r\n";
  appendf(out, "mem_clients_slaves:%llu\r\n", static_cast<ull>(overview.clients_slaves));
  appendf(out, "mem_clients_normal:%llu\r\n", static_cast<ull>(overview.clients_normal));
  out += "mem_cluster_links:0\r\nmem_aof_buffer:0\r\n";
  appendf(out, "mem_allocator:%s\r\n", memory.allocator.c_str());
  out += "active_defrag_running:0\r\n";
  appendf(out, "lazyfree_pending_objects:%llu\r\n", static_cast<ull>(server.lazy_freer().pending_objects()));
  appendf(out, "lazyfreed_objects:%llu\r\n", static_cast<ull>(server.lazy_freer().freed_objects()));
}

void persistence_section(Server& server, std::string& out) {
  server.rdb().info(out, server.loading());
  server.aof().info(out);
  server.rdb().loading_info(out);
  server.aof().loading_info(out);
}

// A meter that sampled across a counter reset could report nonsense; never print it.
double rate(const RateMeter& meter) {
  double value = meter.per_second();
  return std::isfinite(value) && value > 0 && value < 1e15 ? value : 0.0;
}

void stats_section(Server& server, std::string& out) {
  ServerStats& s = server.stats();
  KeyspaceStats& k = server.keyspace_stats();
  out += "# Stats\r\n";
  appendf(out, "total_connections_received:%llu\r\n", static_cast<ull>(s.connections_received));
  appendf(out, "total_commands_processed:%llu\r\n", static_cast<ull>(s.commands_processed));
  appendf(out, "instantaneous_ops_per_sec:%lld\r\n", static_cast<ll>(rate(s.ops_per_sec)));
  appendf(out, "total_net_input_bytes:%llu\r\n", static_cast<ull>(s.net_input_bytes));
  appendf(out, "total_net_output_bytes:%llu\r\n", static_cast<ull>(s.net_output_bytes));
  out += "total_net_repl_input_bytes:0\r\ntotal_net_repl_output_bytes:0\r\n";
  appendf(out, "instantaneous_input_kbps:%.2f\r\n", rate(s.input_kbps) / 1024);
  appendf(out, "instantaneous_output_kbps:%.2f\r\n", rate(s.output_kbps) / 1024);
  out += "instantaneous_input_repl_kbps:0.00\r\ninstantaneous_output_repl_kbps:0.00\r\n";
  appendf(out, "rejected_connections:%llu\r\n", static_cast<ull>(s.rejected_connections));
  appendf(out, "sync_full:%llu\r\n", static_cast<ull>(s.sync_full));
  out += "sync_partial_ok:0\r\nsync_partial_err:0\r\n";
  appendf(out, "expired_keys:%llu\r\n", static_cast<ull>(k.expired_keys));
  appendf(out, "expired_stale_perc:%.2f\r\n", k.expired_stale_perc * 100);
  appendf(out, "expired_time_cap_reached_count:%llu\r\n",
          static_cast<unsigned long long>(k.expired_time_cap_reached_count));
  appendf(out, "expire_cycle_cpu_milliseconds:%llu\r\n", static_cast<ull>(s.expire_cycle_cpu_milliseconds));
  const Evictor& evictor = server.evictor();
  appendf(out, "evicted_keys:%llu\r\n", static_cast<ull>(evictor.evicted_keys()));
  appendf(out, "evicted_clients:%llu\r\n", static_cast<ull>(s.evicted_clients));
  appendf(out, "total_eviction_exceeded_time:%llu\r\n", static_cast<ull>(evictor.total_exceeded_ms()));
  appendf(out, "current_eviction_exceeded_time:%llu\r\n", static_cast<ull>(evictor.current_exceeded_ms()));
  // No forking, MIGRATE, replicas or defragmentation yet.
  appendf(out, "keyspace_hits:%llu\r\n", static_cast<ull>(k.hits));
  appendf(out, "keyspace_misses:%llu\r\n", static_cast<ull>(k.misses));
  const PubSub& pubsub = server.pubsub();
  appendf(out, "pubsub_channels:%zu\r\n", pubsub.active_count(SubscriptionKind::Channel));
  appendf(out, "pubsub_patterns:%zu\r\n", pubsub.active_count(SubscriptionKind::Pattern));
  appendf(out, "pubsubshard_channels:%zu\r\n", pubsub.active_count(SubscriptionKind::ShardChannel));
  out +=
      "latest_fork_usec:0\r\ntotal_forks:0\r\nmigrate_cached_sockets:0\r\nslave_expires_tracked_keys:0\r\n"
      "active_defrag_hits:0\r\n"
      "active_defrag_misses:0\r\nactive_defrag_key_hits:0\r\nactive_defrag_key_misses:0\r\n"
      "total_active_defrag_time:0\r\ncurrent_active_defrag_time:0\r\n";
  const Tracking& tracking = server.tracking();
  appendf(out, "tracking_total_keys:%zu\r\n", tracking.total_keys());
  appendf(out, "tracking_total_items:%zu\r\n", tracking.total_items());
  appendf(out, "tracking_total_prefixes:%zu\r\n", tracking.total_prefixes());
  appendf(out, "unexpected_error_replies:%llu\r\n", static_cast<ull>(s.unexpected_error_replies));
  appendf(out, "total_error_replies:%llu\r\n", static_cast<ull>(s.total_error_replies));
  out += "dump_payload_sanitizations:0\r\n";
  appendf(out, "total_reads_processed:%llu\r\n", static_cast<ull>(s.io_reads_processed));
  appendf(out, "total_writes_processed:%llu\r\n", static_cast<ull>(s.io_writes_processed));
  out +=
      "io_threaded_reads_processed:0\r\nio_threaded_writes_processed:0\r\n";
  // Redis 7.2's fields (7.0 counts these closes nowhere), where 7.2 puts them.
  appendf(out, "client_query_buffer_limit_disconnections:%llu\r\n",
          static_cast<ull>(s.client_query_buffer_limit_disconnections));
  appendf(out, "client_output_buffer_limit_disconnections:%llu\r\n",
          static_cast<ull>(s.client_output_buffer_limit_disconnections));
  appendf(out, "reply_buffer_shrinks:%llu\r\n", static_cast<ull>(s.reply_buffer_shrinks));
  appendf(out, "reply_buffer_expands:%llu\r\n", static_cast<ull>(s.reply_buffer_expands));
  // Added by Redis 7.2; 7.0 does not count ACL refusals.
  appendf(out, "acl_access_denied_auth:%llu\r\n", static_cast<ull>(s.acl_access_denied_auth));
  appendf(out, "acl_access_denied_cmd:%llu\r\n", static_cast<ull>(s.acl_access_denied_cmd));
  appendf(out, "acl_access_denied_key:%llu\r\n", static_cast<ull>(s.acl_access_denied_key));
  appendf(out, "acl_access_denied_channel:%llu\r\n", static_cast<ull>(s.acl_access_denied_channel));
}

void replication_section(Server& server, std::string& out) {
  out += "# Replication\r\nrole:master\r\n";
  appendf(out, "connected_slaves:%zu\r\n", server.replicas().count());
  out += server.replicas().info_lines();
  out += "master_failover_state:no-failover\r\n";
  appendf(out, "master_replid:%s\r\n", master_replid().c_str());
  out +=
      "master_replid2:0000000000000000000000000000000000000000\r\nmaster_repl_offset:0\r\n"
      "second_repl_offset:-1\r\nrepl_backlog_active:0\r\n";
  appendf(out, "repl_backlog_size:%lld\r\n", static_cast<ll>(config_fixed_int(server.config(), "repl-backlog-size")));
  out += "repl_backlog_first_byte_offset:0\r\nrepl_backlog_histlen:0\r\n";
}

void append_cpu(std::string& out, const char* name, const timeval& tv) {
  appendf(out, "%s:%ld.%06ld\r\n", name, static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec));
}

void cpu_section(std::string& out) {
  rusage self{};
  rusage children{};
  rusage thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  // INFO runs on the main thread, so this thread's usage is the main thread's.
  getrusage(RUSAGE_THREAD, &thread);
  out += "# CPU\r\n";
  append_cpu(out, "used_cpu_sys", self.ru_stime);
  append_cpu(out, "used_cpu_user", self.ru_utime);
  append_cpu(out, "used_cpu_sys_children", children.ru_stime);
  append_cpu(out, "used_cpu_user_children", children.ru_utime);
  append_cpu(out, "used_cpu_sys_main_thread", thread.ru_stime);
  append_cpu(out, "used_cpu_user_main_thread", thread.ru_utime);
}

void append_command_stats(const Command& command, std::string& out) {
  const CommandStats& s = command.stats;
  if (s.calls != 0 || s.failed_calls != 0 || s.rejected_calls != 0) {
    double per_call = s.calls == 0 ? 0.0 : static_cast<double>(s.usec) / static_cast<double>(s.calls);
    appendf(out, "cmdstat_%s:calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu\r\n",
            command.full_name.c_str(), static_cast<ull>(s.calls), static_cast<ull>(s.usec), per_call,
            static_cast<ull>(s.rejected_calls), static_cast<ull>(s.failed_calls));
  }
  for (const auto& sub : command.subcommands) append_command_stats(*sub, out);
}

void commandstats_section(Server& server, std::string& out) {
  out += "# Commandstats\r\n";
  for (const auto& command : server.commands().all()) append_command_stats(*command, out);
}

// INFO is parsed as "name:value" lines, so an error code may not carry line breaks or colons.
std::string safe_info_name(std::string_view name) {
  std::string safe(name);
  for (char& c : safe) {
    if (c == ':' || c == '\r' || c == '\n') c = '_';
  }
  return safe;
}

void errorstats_section(Server& server, std::string& out) {
  out += "# Errorstats\r\n";
  for (const auto& [code, count] : server.stats().errors_by_code) {
    appendf(out, "errorstat_%s:count=%llu\r\n", safe_info_name(code).c_str(), static_cast<ull>(count));
  }
}

// Percentile names as CONFIG GET shows them ("%f" without trailing zeros): p50, p99.9.
std::string percentile_name(double percentile) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%f", percentile);
  std::string name = buffer;
  if (name.find('.') != std::string::npos) {
    while (name.back() == '0') name.pop_back();
    if (name.back() == '.') name.pop_back();
  }
  return name;
}

void append_latency_stats(const Command& command, const std::vector<double>& percentiles, std::string& out) {
  if (!command.latency_histogram.empty()) {
    out += "latency_percentiles_usec_";
    out += safe_info_name(command.full_name);
    out += ':';
    for (size_t i = 0; i < percentiles.size(); ++i) {
      if (i != 0) out += ',';
      double usec = static_cast<double>(command.latency_histogram.value_at_percentile(percentiles[i])) / 1000.0;
      appendf(out, "p%s=%.3f", percentile_name(percentiles[i]).c_str(), usec);
    }
    out += "\r\n";
  }
  for (const auto& sub : command.subcommands) append_latency_stats(*sub, percentiles, out);
}

// With latency-tracking off the section is there, empty; histograms recorded before
// are kept (LATENCY HISTOGRAM still shows them).
void latencystats_section(Server& server, std::string& out) {
  out += "# Latencystats\r\n";
  if (!server.config().latency_tracking) return;
  const std::vector<double>& percentiles = server.config().latency_tracking_info_percentiles;
  for (const auto& command : server.commands().all()) append_latency_stats(*command, percentiles, out);
}

void keyspace_section(Server& server, std::string& out) {
  out += "# Keyspace\r\n";
  for (int i = 0; i < server.database_count(); ++i) {
    Database& db = server.db(i);
    if (db.size() == 0) continue;
    appendf(out, "db%d:keys=%zu,expires=%zu,avg_ttl=%llu\r\n", i, db.size(), db.volatile_count(),
            static_cast<ull>(db.average_ttl_ms()));
  }
}

enum Section : uint32_t {
  kServer = 1u << 0,
  kClients = 1u << 1,
  kMemory = 1u << 2,
  kPersistence = 1u << 3,
  kStats = 1u << 4,
  kReplication = 1u << 5,
  kCpu = 1u << 6,
  kModules = 1u << 7,
  kCommandstats = 1u << 8,
  kErrorstats = 1u << 9,
  kCluster = 1u << 10,
  kKeyspace = 1u << 11,
  kLatencystats = 1u << 12,
};

constexpr uint32_t kDefaultSections = kServer | kClients | kMemory | kPersistence | kStats | kReplication | kCpu |
                                      kModules | kErrorstats | kCluster | kKeyspace;
// "all" adds the per-command sections to the default ones.
constexpr uint32_t kAllSections = kDefaultSections | kCommandstats | kLatencystats;

uint32_t section_bit(const std::string& name) {
  static constexpr std::pair<std::string_view, uint32_t> kNames[] = {
      {"server", kServer},           {"clients", kClients},
      {"memory", kMemory},           {"persistence", kPersistence},
      {"stats", kStats},             {"replication", kReplication},
      {"cpu", kCpu},                 {"modules", kModules},
      {"commandstats", kCommandstats}, {"errorstats", kErrorstats},
      {"cluster", kCluster},         {"keyspace", kKeyspace},
      {"latencystats", kLatencystats},
      {"default", kDefaultSections}, {"all", kAllSections},
      {"everything", kAllSections},
  };
  for (const auto& [known, bit] : kNames) {
    if (name == known) return bit;
  }
  return 0;
}

}  // namespace

namespace {

std::string random_replid() {
  std::random_device device;
  std::mt19937_64 rng((static_cast<uint64_t>(device()) << 32) ^ device());
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(40, '0');
  for (char& c : hex) c = kDigits[rng() & 15];
  return hex;
}

std::string& replid_storage() {
  static std::string id = random_replid();
  return id;
}

}  // namespace

// One replication id per process, as a master that has never had a replica keeps,
// until DEBUG CHANGE-REPL-ID draws another.
const std::string& master_replid() { return replid_storage(); }

void change_master_replid() { replid_storage() = random_replid(); }


std::string bytes_to_human(uint64_t bytes) {
  char buffer[64];
  auto d = static_cast<double>(bytes);
  if (bytes < 1024) {
    std::snprintf(buffer, sizeof buffer, "%lluB", static_cast<ull>(bytes));
  } else if (bytes < (1ull << 20)) {
    std::snprintf(buffer, sizeof buffer, "%.2fK", d / 1024);
  } else if (bytes < (1ull << 30)) {
    std::snprintf(buffer, sizeof buffer, "%.2fM", d / (1ull << 20));
  } else if (bytes < (1ull << 40)) {
    std::snprintf(buffer, sizeof buffer, "%.2fG", d / (1ull << 30));
  } else if (bytes < (1ull << 50)) {
    std::snprintf(buffer, sizeof buffer, "%.2fT", d / (1ull << 40));
  } else if (bytes < (1ull << 60)) {
    std::snprintf(buffer, sizeof buffer, "%.2fP", d / (1ull << 50));
  } else {
    std::snprintf(buffer, sizeof buffer, "%lluB", static_cast<ull>(bytes));
  }
  return buffer;
}

MemoryFigures memory_figures() {
  MemoryFigures figures;
  figures.rss = process_rss();
#if defined(CORVID_JEMALLOC)
  if (mallctl != nullptr) {
    // jemalloc's statistics are a snapshot taken when the epoch advances.
    uint64_t epoch = 1;
    size_t length = sizeof epoch;
    mallctl("epoch", &epoch, &length, &epoch, length);
    auto read = [](const char* name) -> uint64_t {
      size_t value = 0;
      size_t size = sizeof value;
      return mallctl(name, &value, &size, nullptr, 0) == 0 ? value : 0;
    };
    figures.used = memory_gauge::used();
    figures.allocated = read("stats.allocated");
    figures.active = read("stats.active");
    figures.resident = read("stats.resident");
    const char* version = nullptr;
    size_t size = sizeof version;
    std::string name = "jemalloc";
    if (mallctl("version", &version, &size, nullptr, 0) == 0 && version != nullptr) {
      // "5.3.0-0-g54eaed1d..." is shown as Redis shows its bundled jemalloc: "5.3.0".
      std::string_view full(version);
      name += '-';
      name += full.substr(0, full.find('-'));
    }
    figures.allocator = std::move(name);
    memory_gauge::note_peak(figures.used);
    return figures;
  }
#endif
#if defined(CORVID_ASAN_ALLOCATOR)
  figures.used = memory_gauge::used();
  figures.allocated = figures.used;
  figures.active = __sanitizer_get_heap_size();
  figures.resident = figures.rss;
  figures.allocator = "libc";
#else
  struct mallinfo2 info = mallinfo2();
  figures.used = memory_gauge::used();
  figures.allocated = figures.used;
  figures.active = info.arena + info.hblkhd;
  figures.resident = figures.rss;
  figures.allocator = "libc";
#endif
  memory_gauge::note_peak(figures.used);
  return figures;
}


MemoryOverview memory_overview(Server& server) {
  MemoryOverview overview;
  overview.figures = memory_figures();
  const uint64_t used = overview.figures.used;
  overview.peak = std::max(memory_gauge::peak(), used);
  overview.startup = startup_used;
  const ClientFigures clients = client_figures(server);
  overview.clients_normal = clients.memory;
  overview.clients_slaves = clients.replica_memory;
  // Structure rather than data: what the process held at start, the clients, and the
  // keyspace's bucket arrays and TTL lists.
  uint64_t overhead = startup_used + overview.clients_normal + overview.clients_slaves;
  for (int i = 0; i < server.database_count(); ++i) {
    Database& db = server.db(i);
    MemoryOverview::DatabaseTables tables;
    tables.index = i;
    tables.keys = db.size();
    tables.main_table = db.bucket_count() * sizeof(void*);
    tables.expires_table = db.volatile_count() * sizeof(void*);
    overhead += tables.main_table + tables.expires_table;
    overview.databases.push_back(tables);
  }
  overview.overhead = std::min(overhead, used);
  overview.dataset = used - overview.overhead;
  overview.net_used = used > startup_used ? used - startup_used : 0;
  return overview;
}

std::string build_info(Server& server, std::span<const std::string_view> sections) {
  uint32_t wanted = sections.empty() ? kDefaultSections : 0;
  for (std::string_view requested : sections) {
    std::string name(requested);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    wanted |= section_bit(name);
  }
  std::string out;
  auto section = [&](uint32_t bit, auto&& write) {
    if (!(wanted & bit)) return;
    if (!out.empty()) out += "\r\n";
    write();
  };
  section(kServer, [&] { server_section(server, out); });
  section(kClients, [&] { clients_section(server, out); });
  section(kMemory, [&] { memory_section(server, out); });
  section(kPersistence, [&] { persistence_section(server, out); });
  section(kStats, [&] { stats_section(server, out); });
  section(kReplication, [&] { replication_section(server, out); });
  section(kCpu, [&] { cpu_section(out); });
  section(kModules, [&] { out += "# Modules\r\n"; });
  section(kCommandstats, [&] { commandstats_section(server, out); });
  section(kErrorstats, [&] { errorstats_section(server, out); });
  section(kLatencystats, [&] { latencystats_section(server, out); });
  section(kCluster, [&] { out += "# Cluster\r\ncluster_enabled:0\r\n"; });
  section(kKeyspace, [&] { keyspace_section(server, out); });
  return out;
}

}  // namespace corvid
