#pragma once
// The single hook every key modification goes through. A command (or expiry, or
// eviction) that changes a key tells its Database once; the Database forwards the change
// here, and the server fans it out: WATCH invalidation, waking blocked clients, keyspace
// notifications, client-side-caching invalidation. Consumers subscribe at the server, so
// commands never need to know who listens.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace corvid {

// Keyspace-notification classes, as the letters of notify-keyspace-events name them.
enum KeyEventClass : uint32_t {
  kEventGeneric = 1u << 0,  // g
  kEventString = 1u << 1,   // $
  kEventList = 1u << 2,     // l
  kEventSet = 1u << 3,      // s
  kEventHash = 1u << 4,     // h
  kEventZSet = 1u << 5,     // z
  kEventExpired = 1u << 6,  // x
  kEventEvicted = 1u << 7,  // e
  kEventStream = 1u << 8,   // t
  kEventKeyMiss = 1u << 9,  // m
  kEventModule = 1u << 10,  // d
  kEventNew = 1u << 11,     // n
};

// notify-keyspace-events bits beside the classes: which channels carry the events.
inline constexpr uint32_t kNotifyKeyspace = 1u << 12;  // K: "__keyspace@<db>__:<key>", the event as message
inline constexpr uint32_t kNotifyKeyevent = 1u << 13;  // E: "__keyevent@<db>__:<event>", the key as message

// A key in a numbered database, as the server's per-key tables (blocked clients, WATCH)
// index them.
struct DbKey {
  int db;
  std::string key;
  bool operator==(const DbKey&) const = default;
};

struct DbKeyHash {
  size_t operator()(const DbKey& k) const { return std::hash<std::string_view>()(k.key) ^ static_cast<size_t>(k.db); }
};

struct KeyChange {
  int db;
  std::string_view key;
  uint32_t event_class;
  std::string_view event;  // "set", "del", "expire", "expired", "rename_from", ...
};

class KeyEntry;

// Frees the entries a Database lets go of: expired and evicted keys, and the values that
// commands delete or overwrite as a side effect (RENAME's destination, SET over a list,
// RESTORE REPLACE...): at once, or on a background thread when the owner's lazyfree
// settings ask for it. DEL, UNLINK and FLUSH* free through their own paths.
class EntryDisposer {
 public:
  enum class Reason { Expired, Evicted, Deleted };
  virtual void dispose(KeyEntry* entry, Reason reason) = 0;

 protected:
  ~EntryDisposer() = default;
};

class KeyChangeListener {
 public:
  virtual void on_key_change(const KeyChange& change) = 0;
  // An event that is not itself a change: a read that missed ("keymiss"), or a key
  // coming into being ("new", which a change report then follows). Only keyspace
  // notifications hear of these; WATCH and blocked clients must not.
  virtual void on_key_event(const KeyChange&) {}
  // Blocked clients waiting on the key should look at it again; nothing changed.
  virtual void on_key_ready(int /*db*/, std::string_view /*key*/) {}

 protected:
  ~KeyChangeListener() = default;
};

}  // namespace corvid
