#include "server/slowlog.h"

#include <strings.h>

namespace corvid {

namespace {

constexpr size_t kMaxArguments = 32;
constexpr size_t kMaxArgumentBytes = 128;

bool same_word(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

bool is_secret_argument(std::string_view full_name, std::span<const std::string_view> args, size_t index) {
  if (full_name == "auth") return index >= 1;
  if (full_name == "hello") {
    // HELLO [protover [AUTH username password] [SETNAME name]], read as HELLO reads it.
    for (size_t i = 2; i < args.size() && i < index; ++i) {
      if (same_word(args[i], "auth") && i + 2 < args.size()) {
        if (index == i + 1 || index == i + 2) return true;
        i += 2;
      } else if (same_word(args[i], "setname") && i + 1 < args.size()) {
        ++i;
      } else {
        break;
      }
    }
    return false;
  }
  if (full_name == "config|set") {
    // Values follow their directive: CONFIG SET name value [name value ...].
    if (index < 3 || index % 2 == 0) return false;
    std::string_view name = args[index - 1];
    for (std::string_view secret : {"requirepass", "masterauth", "masteruser", "tls-key-file-pass",
                                    "tls-client-key-file-pass"}) {
      if (same_word(name, secret)) return true;
    }
  }
  return false;
}

void SlowLog::record(int64_t unix_seconds, uint64_t duration_us, std::string_view full_name,
                     std::span<const std::string_view> args, std::string client_address, std::string client_name,
                     size_t max_len) {
  SlowLogEntry entry{next_id_++, unix_seconds, duration_us, {}, std::move(client_address), std::move(client_name)};
  size_t shown = args.size() > kMaxArguments ? kMaxArguments - 1 : args.size();
  entry.args.reserve(shown + 1);
  for (size_t i = 0; i < shown; ++i) {
    std::string_view arg = args[i];
    if (is_secret_argument(full_name, args, i)) {
      entry.args.emplace_back("(redacted)");
    } else if (arg.size() > kMaxArgumentBytes) {
      entry.args.emplace_back(arg.substr(0, kMaxArgumentBytes));
      entry.args.back() += "... (" + std::to_string(arg.size() - kMaxArgumentBytes) + " more bytes)";
    } else {
      entry.args.emplace_back(arg);
    }
  }
  if (shown < args.size()) entry.args.push_back("... (" + std::to_string(args.size() - shown) + " more arguments)");
  entries_.push_front(std::move(entry));
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace corvid
