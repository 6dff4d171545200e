#pragma once
// ACL LOG: the latest refusals (commands, keys, channels, failed AUTH), newest first. A
// refusal like one of the ten newest (same reason, context, object and user, within a
// minute) counts on that entry, which becomes the newest, instead of adding another, as in
// Redis.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace corvid {

// Where a refused command came from, as ACL LOG's "context" names it.
enum class AclContext : uint8_t { TopLevel, Multi, Script };

struct AclLogEntry {
  uint64_t count = 1;
  std::string reason;   // command, key, channel, auth
  std::string context;  // toplevel, multi, lua
  std::string object;   // the command, key or channel refused ("AUTH" for logins)
  std::string username;
  int64_t created_ms = 0;  // of the latest occurrence
  std::string client_info;  // the client's CLIENT LIST line at that moment
};

class AclLog {
 public:
  void add(AclLogEntry entry, size_t max_len);
  const std::deque<AclLogEntry>& entries() const { return entries_; }
  void reset() { entries_.clear(); }

 private:
  std::deque<AclLogEntry> entries_;
};

}  // namespace corvid
