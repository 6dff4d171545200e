#include "server/monitor.h"

#include <algorithm>
#include <cstdio>

#include "net/connection.h"
#include "server/redaction.h"

namespace corvid {

void append_quoted(std::string& out, std::string_view arg) {
  out += '"';
  for (unsigned char c : arg) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          char hex[5];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out += hex;
        }
    }
  }
  out += '"';
}

void Monitors::add(Connection& client) {
  if (std::find(monitors_.begin(), monitors_.end(), &client) == monitors_.end()) monitors_.push_back(&client);
}

void Monitors::remove(Connection& client) { std::erase(monitors_, &client); }

void Monitors::feed(int64_t now_us, int db, std::string_view origin, std::string_view full_name,
                    std::span<const std::string_view> args) {
  char head[64];
  std::snprintf(head, sizeof head, "+%lld.%06lld [%d ", static_cast<long long>(now_us / 1000000),
                static_cast<long long>(now_us % 1000000), db);
  std::string line = head;
  line.append(origin);
  line += ']';
  for (size_t i = 0; i < args.size(); ++i) {
    line += ' ';
    append_quoted(line, is_secret_argument(full_name, args, i) ? std::string_view("(redacted)") : args[i]);
  }
  line += "\r\n";
  for (Connection* monitor : monitors_) {
    if (monitor->closed()) continue;
    monitor->reply().raw(line);
    monitor->keep_pushed_output();
    listener_.on_message_queued(*monitor);
  }
}

}  // namespace corvid
