#pragma once
// Client-side caching (CLIENT TRACKING): which clients may hold which keys in a local
// cache, and the invalidation messages that tell them a key changed.
//
// Two modes, as in Redis. In the default mode the server remembers the keys each tracking
// client read (a table of key -> client ids) and, when a key changes, tells exactly those
// clients once and forgets the key. In broadcast mode (BCAST) nothing is remembered per
// read: a client registers key prefixes, changed keys are collected per prefix during an
// event-loop turn, and every client of a prefix gets them all before the loop sleeps.
//
// Like Redis, the table is keyed by key name alone (a change in any database invalidates
// the name everywhere) and holds client ids, not pointers: entries of clients that stopped
// tracking or went away are skipped when the key changes, and dropped with it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace corvid {

class Connection;

// CLIENT TRACKING ON's options, checked by the command before they get here.
struct TrackingOptions {
  uint64_t redirect = 0;  // client id to send invalidations to; 0 for the client itself
  bool bcast = false;
  bool optin = false;
  bool optout = false;
  bool noloop = false;
  std::vector<std::string_view> prefixes;  // BCAST only
};

// One tracking client's mode, as CLIENT TRACKINGINFO and CLIENT LIST show it.
struct TrackingState {
  uint64_t redirect = 0;
  bool bcast = false;
  bool optin = false;
  bool optout = false;
  bool noloop = false;
  // CLIENT CACHING YES (OPTIN) or NO (OPTOUT) was given for the next command.
  bool caching = false;
  // The redirect target was gone when an invalidation was due.
  bool broken_redirect = false;
  std::vector<std::string> prefixes;  // sorted, as Redis lists them
};

class Tracking {
 public:
  // What tracking needs of the server: clients by id (redirect targets, tracked ids), and
  // to be told when a message was added to a client's output.
  class Host {
   public:
    virtual Connection* find_client(uint64_t id) = 0;
    virtual void on_message_queued(Connection& receiver) = 0;

   protected:
    ~Host() = default;
  };

  explicit Tracking(Host& host) : host_(host) {}
  Tracking(const Tracking&) = delete;
  Tracking& operator=(const Tracking&) = delete;

  // CLIENT TRACKING ON (again: the mode's flags and redirect are replaced, prefixes added)
  // and OFF (also RESET and disconnection).
  void enable(Connection& client, const TrackingOptions& options);
  void disable(Connection& client);
  // The client's mode, or nullptr when it is not tracking.
  const TrackingState* state(const Connection& client) const;
  // CLIENT CACHING: applies to the client's next command (or transaction).
  void set_caching(Connection& client);
  void clear_caching(Connection& client);

  // Whether a read-only command of this client should remember its keys: tracking in the
  // default mode, and OPTIN/OPTOUT with CLIENT CACHING allow it.
  bool remembers_reads(const Connection& client) const;
  void remember(const Connection& client, std::span<const std::string_view> keys);

  // The command being run and its client. While `executing`, invalidations for that same
  // client wait until end_command, so that they follow its reply (a whole transaction's
  // replies, for EXEC). The current client is also the one NOLOOP refers to.
  void begin_command(Connection* client) { current_ = client; }
  // A script running past busy-reply-threshold lets other clients' commands run between
  // its slices; they get a fresh command state and the script's is put back after.
  struct CommandState {
    Connection* current = nullptr;
    bool executing = false;
    std::vector<std::optional<std::string>> deferred;
  };
  CommandState suspend_command() {
    CommandState state{current_, executing_, std::move(deferred_)};
    current_ = nullptr;
    executing_ = false;
    deferred_.clear();
    return state;
  }
  void resume_command(CommandState state) {
    current_ = state.current;
    executing_ = state.executing;
    deferred_ = std::move(state.deferred);
  }
  void set_executing(bool executing) { executing_ = executing; }
  void end_command();

  // A key changed (the key-change hook): its trackers are told and it is forgotten; it is
  // collected for the broadcast prefixes it matches.
  void key_changed(std::string_view key);
  // FLUSHDB/FLUSHALL: every tracking client is told to drop everything (a null key list)
  // and the table is emptied.
  void invalidate_all();
  // Before the loop sleeps: sends the keys collected per broadcast prefix.
  void broadcast();
  // tracking-table-max-keys: invalidates random keys while the table is over the limit,
  // with an effort that grows while it stays over (0 means no limit).
  void enforce_limit(uint64_t max_keys);

  // INFO.
  size_t tracking_clients() const { return clients_.size(); }
  size_t total_keys() const { return keys_.size(); }
  size_t total_items() const { return total_items_; }
  size_t total_prefixes() const { return prefixes_.size(); }

 private:
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };
  struct Prefix {
    std::vector<uint64_t> clients;
    // Keys changed this turn, in byte order, with the id of the client that changed each
    // last (0: expiry or eviction), so that NOLOOP clients are not told of their own.
    std::map<std::string, uint64_t, std::less<>> changed;
  };
  // Invalidation payloads: one key, the keys of a broadcast, or "everything" (flush).
  struct Invalidation {
    std::span<const std::string_view> keys = {};
    bool all = false;
  };

  // Forgets `key` and tells its trackers, except `skip_current` NOLOOP rules.
  void invalidate_key(std::string_view key);
  // Sends one invalidation to `tracker` (or to its redirect target).
  void send(Connection& tracker, TrackingState& state, const Invalidation& what);
  void remove_from_prefixes(uint64_t client_id, const TrackingState& state);
  uint64_t current_id() const;

  Host& host_;
  std::unordered_map<uint64_t, TrackingState> clients_;
  std::unordered_map<std::string, std::vector<uint64_t>, NameHash, std::equal_to<>> keys_;
  size_t total_items_ = 0;
  std::map<std::string, Prefix, std::less<>> prefixes_;
  Connection* current_ = nullptr;
  bool executing_ = false;
  // Invalidations for the executing client, sent after its command (nullopt: flush).
  std::vector<std::optional<std::string>> deferred_;
  unsigned limit_misses_ = 0;  // consecutive enforce_limit calls that ended over the limit
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace corvid
