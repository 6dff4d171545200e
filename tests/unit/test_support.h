#pragma once
// Small helpers shared by the unit tests: hex for byte fixtures and an owning pointer for
// key entries. (Databases to load into: db/standalone_keyspace.h.)

#include <memory>
#include <string>
#include <string_view>

#include "db/key_entry.h"

namespace corvid::testing_support {

inline std::string from_hex(std::string_view hex) {
  std::string out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

inline std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

struct EntryDeleter {
  void operator()(KeyEntry* e) const {
    if (e != nullptr) KeyEntry::destroy(e);
  }
};
using EntryPtr = std::unique_ptr<KeyEntry, EntryDeleter>;

}  // namespace corvid::testing_support
