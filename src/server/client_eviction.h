#pragma once
// maxmemory-clients: the memory that normal and pub/sub connections hold together (query
// buffers, reply buffers, queued MULTI commands; server/client_info.h's figure) is kept
// under a limit by closing the connections that hold the most, as Redis 7 does. The
// limit is bytes, or a percentage of maxmemory; either way at least 128KB, so a
// mistaken setting cannot leave no room to talk to the server at all.
//
// Each counted connection's figure is re-read where it may have changed (input read,
// command run, output written, message queued) and the running total adjusted, so the
// check before each command and before the loop sleeps is one comparison; only going
// over the limit walks the connections. Nothing is counted while the limit is 0.
// Replicas are neither counted nor closed. A connection with CLIENT NO-EVICT is counted
// but never closed, so its memory may cost others theirs: the limit is on the total, as
// in Redis.

#include <cstdint>

#include "net/connection.h"

namespace corvid {

class Server;
struct Config;

class ClientEviction {
 public:
  explicit ClientEviction(Server& server) : server_(server) {}

  // The limit in bytes that `config` asks for; 0 when client eviction is off.
  static uint64_t limit_for(const Config& config);
  // maxmemory-clients or maxmemory changed (or the server starts): every connection is
  // counted again under the new limit.
  void configure();
  // Re-reads one connection's figure (it may have grown or shrunk, or stopped or started
  // being counted). Cheap when eviction is off.
  void update(Connection& client) {
    if (limit_ != 0 || client.counted_memory != 0) recount(client);
  }
  // A closing connection leaves the total.
  void forget(Connection& client);
  bool over_limit() const { return limit_ != 0 && total_ >= limit_; }
  // Closes the connections holding the most memory (not NO-EVICT ones) until the total is under
  // the limit; each is logged at notice level and counted in INFO evicted_clients.
  void evict();
  uint64_t limit() const { return limit_; }
  uint64_t counted_total() const { return total_; }

 private:
  bool counted(const Connection& client) const;
  void recount(Connection& client);

  Server& server_;
  uint64_t limit_ = 0;
  uint64_t total_ = 0;  // the sum of every connection's counted_memory
};

}  // namespace corvid
