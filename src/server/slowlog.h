#pragma once
// SLOWLOG: the most recent commands that ran for at least slowlog-log-slower-than
// microseconds, newest first, at most slowlog-max-len of them. Arguments are stored
// shortened as Redis stores them (32 arguments, 128 bytes each, with a note of what was
// left out) and secrets are replaced by "(redacted)", so that the log neither holds big
// values nor leaks passwords.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corvid {

struct SlowLogEntry {
  uint64_t id;
  int64_t unix_seconds;
  uint64_t duration_us;
  std::vector<std::string> args;
  std::string client_address;
  std::string client_name;
};

class SlowLog {
 public:
  void record(int64_t unix_seconds, uint64_t duration_us, std::string_view full_name,
              std::span<const std::string_view> args, std::string client_address, std::string client_name,
              size_t max_len);
  void reset() { entries_.clear(); }
  // Newest first.
  const std::deque<SlowLogEntry>& entries() const { return entries_; }

 private:
  std::deque<SlowLogEntry> entries_;
  uint64_t next_id_ = 0;
};

}  // namespace corvid
