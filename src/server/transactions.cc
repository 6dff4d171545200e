#include "server/transactions.h"

#include <algorithm>

#include "commands/command_table.h"

namespace corvid {

bool Transactions::in_multi(const Connection& client) const {
  auto it = clients_.find(&client);
  return it != clients_.end() && it->second.queue.has_value();
}

void Transactions::begin(const Connection& client) {
  ClientState& state = clients_[&client];
  state.queue.emplace();
  state.fails_on_exec = false;
}

void Transactions::queue(const Connection& client, const Command& command, std::span<const std::string_view> args) {
  ClientState& state = clients_[&client];
  state.queue->push_back(QueuedCommand{&command, std::vector<std::string>(args.begin(), args.end())});
  size_t bytes = sizeof(QueuedCommand) + args.size() * sizeof(std::string);
  for (std::string_view arg : args) bytes += arg.size();
  state.queued_bytes += bytes;
}

void Transactions::fail_on_exec(const Connection& client) { clients_[&client].fails_on_exec = true; }

bool Transactions::fails_on_exec(const Connection& client) const {
  auto it = clients_.find(&client);
  return it != clients_.end() && it->second.fails_on_exec;
}

size_t Transactions::queued_memory(const Connection& client) const {
  if (clients_.empty()) return 0;
  auto it = clients_.find(&client);
  return it == clients_.end() ? 0 : it->second.queued_bytes;
}

size_t Transactions::queued_count(const Connection& client) const {
  auto it = clients_.find(&client);
  return it == clients_.end() || !it->second.queue ? 0 : it->second.queue->size();
}

bool Transactions::queued_with_flag(const Connection& client, uint32_t flags) const {
  auto it = clients_.find(&client);
  if (it == clients_.end() || !it->second.queue) return false;
  return std::any_of(it->second.queue->begin(), it->second.queue->end(),
                     [flags](const QueuedCommand& q) { return (q.command->spec->flags & flags) != 0; });
}

std::vector<QueuedCommand> Transactions::end(const Connection& client) {
  auto it = clients_.find(&client);
  if (it == clients_.end() || !it->second.queue) return {};
  std::vector<QueuedCommand> queued = std::move(*it->second.queue);
  it->second.queue.reset();
  it->second.queued_bytes = 0;
  it->second.fails_on_exec = false;
  trim(client);
  return queued;
}

void Transactions::watch(Connection& client, int db, std::string_view key) {
  ClientState& state = clients_[&client];
  DbKey ref{db, std::string(key)};
  if (std::find(state.watched.begin(), state.watched.end(), ref) != state.watched.end()) return;
  watchers_[ref].push_back(&client);
  state.watched.push_back(std::move(ref));
}

void Transactions::unwatch(const Connection& client) {
  auto it = clients_.find(&client);
  if (it == clients_.end()) return;
  for (const DbKey& ref : it->second.watched) {
    auto watchers = watchers_.find(ref);
    std::erase(watchers->second, &client);
    if (watchers->second.empty()) watchers_.erase(watchers);
  }
  it->second.watched.clear();
  it->second.dirty = false;
  trim(client);
}

std::vector<DbKey> Transactions::watched_keys(const Connection& client) const {
  auto it = clients_.find(&client);
  return it == clients_.end() ? std::vector<DbKey>{} : it->second.watched;
}

bool Transactions::dirty(const Connection& client) const {
  auto it = clients_.find(&client);
  return it != clients_.end() && it->second.dirty;
}

void Transactions::key_changed(int db, std::string_view key) {
  if (watchers_.empty()) return;
  auto it = watchers_.find(DbKey{db, std::string(key)});
  if (it == watchers_.end()) return;
  for (const Connection* client : it->second) clients_[client].dirty = true;
}

size_t Transactions::watching_clients() const {
  size_t count = 0;
  for (const auto& [client, state] : clients_) count += !state.watched.empty();
  return count;
}

void Transactions::forget(const Connection& client) {
  unwatch(client);
  clients_.erase(&client);
}

void Transactions::trim(const Connection& client) {
  auto it = clients_.find(&client);
  if (it != clients_.end() && !it->second.queue && it->second.watched.empty()) clients_.erase(it);
}

}  // namespace corvid
