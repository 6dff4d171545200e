#pragma once
// MULTI/EXEC and WATCH state of every client.
//
// Between MULTI and EXEC a client's commands are queued (arguments copied) instead of
// run; a command refused while queuing (unknown, wrong arity...) makes EXEC fail with
// EXECABORT. WATCH registers (database, key) pairs; any change to one of them — a
// command, expiry, a flush or swap that affects it — marks every client watching it
// "dirty", and a dirty client's EXEC runs nothing and replies null. The server feeds
// changes in from the key-change hook (Server::on_key_change) and from FLUSHDB,
// FLUSHALL and SWAPDB, which change keys without per-key events.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "db/key_change.h"

namespace corvid {

class Connection;
struct Command;

struct QueuedCommand {
  const Command* command;
  std::vector<std::string> args;
};

class Transactions {
 public:
  // ---- MULTI
  bool in_multi(const Connection& client) const;
  void begin(const Connection& client);
  void queue(const Connection& client, const Command& command, std::span<const std::string_view> args);
  // A command was refused while queuing: the transaction can only be aborted now.
  void fail_on_exec(const Connection& client);
  bool fails_on_exec(const Connection& client) const;
  size_t queued_count(const Connection& client) const;
  // The memory the queued commands hold (CLIENT LIST multi-mem; counted in the client's
  // memory for maxmemory-clients).
  size_t queued_memory(const Connection& client) const;
  // Whether a queued command has one of the command flags (EXEC of a deny-oom command).
  bool queued_with_flag(const Connection& client, uint32_t flags) const;
  // Ends the MULTI state (EXEC, DISCARD) and hands back what was queued.
  std::vector<QueuedCommand> end(const Connection& client);

  // ---- WATCH
  void watch(Connection& client, int db, std::string_view key);
  // Forgets every watched key of the client (EXEC, DISCARD, UNWATCH) and its dirtiness.
  void unwatch(const Connection& client);
  std::vector<DbKey> watched_keys(const Connection& client) const;
  // Whether a key the client watches has changed since it was watched.
  bool dirty(const Connection& client) const;
  // A key changed: everyone watching it is dirty.
  void key_changed(int db, std::string_view key);
  // FLUSHDB/FLUSHALL/SWAPDB: every client watching a key of `db` for which
  // `affected(key)` holds is dirty. Called before the database changes.
  template <class Affected>
  void database_changed(int db, Affected&& affected) {
    for (auto& [key, watchers] : watchers_) {
      if (key.db != db || !affected(std::string_view(key.key))) continue;
      for (const Connection* client : watchers) clients_[client].dirty = true;
    }
  }
  size_t watching_clients() const;

  // The client is gone, or RESET: all of its state goes.
  void forget(const Connection& client);

 private:
  struct ClientState {
    std::optional<std::vector<QueuedCommand>> queue;  // engaged between MULTI and EXEC/DISCARD
    size_t queued_bytes = 0;
    bool fails_on_exec = false;
    bool dirty = false;
    std::vector<DbKey> watched;
  };
  // Drops the client's entry once it holds nothing, so idle clients cost nothing here.
  void trim(const Connection& client);

  std::unordered_map<const Connection*, ClientState> clients_;
  std::unordered_map<DbKey, std::vector<const Connection*>, DbKeyHash> watchers_;
};

}  // namespace corvid
