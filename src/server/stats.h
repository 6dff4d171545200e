#pragma once
// Counters the server keeps for INFO stats / commandstats / errorstats.

#include <cstdint>
#include <map>
#include <string>

namespace corvid {

struct CommandStats {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
};

// Samples a counter over time for the "instantaneous_*" INFO fields.
class RateMeter {
 public:
  void sample(int64_t now_ms, uint64_t counter);
  double per_second() const;

 private:
  static constexpr int kSamples = 16;
  int64_t last_ms_ = 0;
  uint64_t last_counter_ = 0;
  double samples_[kSamples] = {};
  int next_ = 0;
  bool started_ = false;
};

struct ServerStats {
  uint64_t connections_received = 0;
  uint64_t commands_processed = 0;
  uint64_t rejected_connections = 0;
  uint64_t sync_full = 0;  // SYNCs served (each is a full synchronization)
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t total_error_replies = 0;
  // Refusals by ACL (INFO acl_access_denied_*, as Redis 7.2 reports them).
  uint64_t acl_access_denied_auth = 0;
  uint64_t acl_access_denied_cmd = 0;
  uint64_t acl_access_denied_key = 0;
  uint64_t acl_access_denied_channel = 0;
  uint64_t unexpected_error_replies = 0;
  uint64_t client_query_buffer_limit_disconnections = 0;
  uint64_t client_output_buffer_limit_disconnections = 0;
  uint64_t evicted_clients = 0;  // closed by maxmemory-clients
  uint64_t io_reads_processed = 0;
  uint64_t io_writes_processed = 0;
  // Resizes of clients' fixed reply buffers (INFO reply_buffer_shrinks / _expands).
  uint64_t reply_buffer_shrinks = 0;
  uint64_t reply_buffer_expands = 0;
  uint64_t expire_cycle_cpu_milliseconds = 0;
  uint64_t expire_cycle_us = 0;
  uint64_t lazyfree_pending_objects = 0;
  uint64_t lazyfreed_objects = 0;
  // Errors by their code word ("ERR", "WRONGTYPE"), for INFO errorstats.
  std::map<std::string, uint64_t> errors_by_code;
  RateMeter ops_per_sec;
  RateMeter input_kbps;
  RateMeter output_kbps;
};

}  // namespace corvid
