#pragma once
// Clients parked by blocking commands (BLPOP, BLMOVE, BZPOPMIN, ...) until one of their
// keys can serve them, their timeout passes, or CLIENT UNBLOCK releases them.
//
// A blocked command is served by running it again. A change to a key somebody waits on
// marks the key ready; once the command that changed it has finished (a whole EXEC or
// script, later), the server re-runs each waiter's command, first blocked first served,
// while the key holds a value of the awaited type. A re-run that still finds nothing
// leaves its client where it was in the queue. No other client's command runs between
// the push and those re-runs, so the pop is atomic with the push that woke it: an
// element is never lost or handed out twice.

#include <cstdint>
#include <list>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "db/key_change.h"
#include "db/key_entry.h"

namespace corvid {

class Connection;
struct Command;

// What a blocking command replies when it may not wait (inside MULTI/EXEC): BLMOVE and
// BRPOPLPUSH a null bulk string, the others a null array, as Redis 7.0 does.
enum class NoWaitReply : uint8_t { NullArray, Null };

// Everything needed to run a blocked command again: the arguments are owned copies
// because the client's query buffer moves on.
struct BlockedCommand {
  const Command* command = nullptr;
  std::vector<std::string> args;
  int db = 0;
  std::vector<std::string> keys;  // distinct, in argument order
  ValueType type = ValueType::List;
  int64_t deadline_ms = 0;  // wall clock; 0 waits forever
  bool wake_when_key_gone = false;  // also runs again when a key goes or changes type

  // Where the client sits in each key's queue, for O(1) removal.
  std::vector<std::list<Connection*>::iterator> queue_positions;
};

class BlockingRegistry {
 public:
  // Parks `client` on the keys of `blocked`, at the end of each key's queue.
  void block(Connection& client, std::unique_ptr<BlockedCommand> blocked);
  // Takes the client out of every queue (served, timed out, unblocked or gone) and hands
  // back what it was waiting for; null when it was not blocked.
  std::unique_ptr<BlockedCommand> release(Connection& client);
  bool is_blocked(const Connection& client) const { return blocked_.count(&client) != 0; }
  const BlockedCommand* blocked_command(const Connection& client) const;

  // A key changed: if anybody waits on it, it is ready to be looked at.
  void key_changed(int db, std::string_view key);
  bool has_ready_keys() const { return !ready_.empty(); }
  // The ready keys in the order they became ready, each once; the list starts afresh.
  std::vector<DbKey> take_ready_keys();
  // Who waits on a key, first blocked first.
  std::vector<Connection*> waiters(const DbKey& key) const;

  // The earliest deadline among blocked clients (0 when nobody has one).
  int64_t next_deadline_ms() const;
  // Clients whose deadline is at or before `now_ms`.
  std::vector<Connection*> timed_out(int64_t now_ms) const;

  size_t blocked_clients() const { return blocked_.size(); }
  size_t blocking_keys() const { return queues_.size(); }
  size_t clients_with_timeout() const { return deadlines_.size(); }

 private:
  std::unordered_map<DbKey, std::list<Connection*>, DbKeyHash> queues_;
  std::unordered_map<const Connection*, std::unique_ptr<BlockedCommand>> blocked_;
  std::set<std::pair<int64_t, Connection*>> deadlines_;
  std::vector<DbKey> ready_;
  std::unordered_set<DbKey, DbKeyHash> ready_set_;
};

}  // namespace corvid
