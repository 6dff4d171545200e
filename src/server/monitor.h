#pragma once
// MONITOR: clients that receive a line for every command the server runs, as Redis
// formats it: +<seconds>.<microseconds> [<db> <client address>] "arg" "arg" ...
// Administrative commands and those flagged skip-monitor are not shown; secrets are
// "(redacted)".

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/pubsub.h"

namespace corvid {

class Connection;

// One argument quoted as Redis quotes it: printable bytes as they are, \\ \" \n \r \t \a
// \b escaped, anything else as \xHH.
void append_quoted(std::string& out, std::string_view arg);

class Monitors {
 public:
  // Told after a line was added to a monitor's output (write scheduling, output limits).
  explicit Monitors(PubSub::DeliveryListener& listener) : listener_(listener) {}
  Monitors(const Monitors&) = delete;
  Monitors& operator=(const Monitors&) = delete;

  void add(Connection& client);
  // When the connection is freed or RESET (never while feed() walks the list).
  void remove(Connection& client);
  bool empty() const { return monitors_.empty(); }

  // A command ran: `origin` is the client's address as monitors show it.
  void feed(int64_t now_us, int db, std::string_view origin, std::string_view full_name,
            std::span<const std::string_view> args);

 private:
  PubSub::DeliveryListener& listener_;
  std::vector<Connection*> monitors_;
};

}  // namespace corvid
