#include "server/redaction.h"

#include <strings.h>

namespace corvid {

namespace {

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

}  // namespace corvid
