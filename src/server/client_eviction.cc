#include "server/client_eviction.h"

#include <algorithm>
#include <vector>

#include "server/client_info.h"
#include "server/log.h"
#include "server/server.h"

namespace corvid {

namespace {
constexpr uint64_t kSmallestLimit = 128 * 1024;
}  // namespace

uint64_t ClientEviction::limit_for(const Config& config) {
  uint64_t limit = 0;
  if (config.maxmemory_clients > 0) {
    limit = static_cast<uint64_t>(config.maxmemory_clients);
  } else if (config.maxmemory_clients < 0 && config.maxmemory != 0) {
    const auto percent = static_cast<double>(-config.maxmemory_clients);
    limit = static_cast<uint64_t>(static_cast<double>(config.maxmemory) * percent / 100.0);
  } else {
    return 0;
  }
  return std::max(limit, kSmallestLimit);
}

bool ClientEviction::counted(const Connection& client) const {
  // Monitors count as normal clients, as in Redis; internal clients have no socket.
  return limit_ != 0 && !client.replica && !client.closed() && client.fd() >= 0;
}

void ClientEviction::recount(Connection& client) {
  const uint64_t now = counted(client) ? connection_memory(server_, client) : 0;
  total_ = total_ - client.counted_memory + now;
  client.counted_memory = now;
}

void ClientEviction::forget(Connection& client) {
  total_ -= client.counted_memory;
  client.counted_memory = 0;
}

void ClientEviction::configure() {
  limit_ = limit_for(server_.config());
  for (auto& [id, client] : server_.clients()) recount(*client);
}

void ClientEviction::evict() {
  if (!over_limit()) return;
  // Figures can be stale for connections that did nothing since they last changed (a
  // reply buffer the cron shrank): read them again before choosing.
  std::vector<Connection*> candidates;
  for (auto& [id, client] : server_.clients()) {
    recount(*client);
    if (client->counted_memory != 0 && !client->no_evict) candidates.push_back(client.get());
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Connection* a, const Connection* b) { return a->counted_memory > b->counted_memory; });
  for (Connection* client : candidates) {
    if (!over_limit()) break;
    std::string info = client_info_line(server_, *client, server_.clock().now_ms, nullptr);
    info.pop_back();  // the newline
    log_notice("Evicting client: " + info);
    ++server_.stats().evicted_clients;
    server_.close_client(*client);  // leaves the total through forget()
  }
}

}  // namespace corvid
