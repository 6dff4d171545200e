#include "server/blocking.h"

namespace corvid {

void BlockingRegistry::block(Connection& client, std::unique_ptr<BlockedCommand> blocked) {
  for (const std::string& key : blocked->keys) {
    auto& queue = queues_[DbKey{blocked->db, key}];
    blocked->queue_positions.push_back(queue.insert(queue.end(), &client));
  }
  if (blocked->deadline_ms != 0) deadlines_.emplace(blocked->deadline_ms, &client);
  blocked_[&client] = std::move(blocked);
}

std::unique_ptr<BlockedCommand> BlockingRegistry::release(Connection& client) {
  auto it = blocked_.find(&client);
  if (it == blocked_.end()) return nullptr;
  std::unique_ptr<BlockedCommand> blocked = std::move(it->second);
  blocked_.erase(it);
  for (size_t i = 0; i < blocked->keys.size(); ++i) {
    auto queue = queues_.find(DbKey{blocked->db, blocked->keys[i]});
    queue->second.erase(blocked->queue_positions[i]);
    if (queue->second.empty()) queues_.erase(queue);
  }
  blocked->queue_positions.clear();
  if (blocked->deadline_ms != 0) deadlines_.erase({blocked->deadline_ms, &client});
  return blocked;
}

const BlockedCommand* BlockingRegistry::blocked_command(const Connection& client) const {
  auto it = blocked_.find(&client);
  return it == blocked_.end() ? nullptr : it->second.get();
}

void BlockingRegistry::key_changed(int db, std::string_view key) {
  if (queues_.empty()) return;
  DbKey ref{db, std::string(key)};
  if (!queues_.contains(ref) || ready_set_.contains(ref)) return;
  ready_set_.insert(ref);
  ready_.push_back(std::move(ref));
}

std::vector<DbKey> BlockingRegistry::take_ready_keys() {
  std::vector<DbKey> out;
  out.swap(ready_);
  ready_set_.clear();
  return out;
}

std::vector<Connection*> BlockingRegistry::waiters(const DbKey& key) const {
  auto it = queues_.find(key);
  if (it == queues_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

int64_t BlockingRegistry::next_deadline_ms() const { return deadlines_.empty() ? 0 : deadlines_.begin()->first; }

std::vector<Connection*> BlockingRegistry::timed_out(int64_t now_ms) const {
  std::vector<Connection*> out;
  for (const auto& [deadline, client] : deadlines_) {
    if (deadline > now_ms) break;
    out.push_back(client);
  }
  return out;
}

}  // namespace corvid
