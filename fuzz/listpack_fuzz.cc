// Listpack blocks will come from untrusted bytes (RESTORE payloads, RDB files): whatever
// from_bytes() accepts must be safe to walk both ways, read, and modify. Random bytes
// rarely form a block that passes the header checks, so half of the inputs build a
// valid listpack from the input and then corrupt one byte of it.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/listpack.h"

namespace {

void exercise(corvid::Listpack& lp) {
  corvid::Listpack::Scratch scratch;
  size_t forward = 0;
  for (auto p = lp.begin(); p != lp.end(); p = lp.next(p)) {
    (void)lp.get(p, scratch);
    (void)lp.get_int(p);
    ++forward;
  }
  size_t backward = 0;
  for (auto p = lp.last(); p; p = lp.prev(*p)) ++backward;
  if (forward != lp.size() || backward != lp.size()) std::abort();
  lp.push_back("tail");
  lp.push_front("12345");
  if (auto middle = lp.at(static_cast<int64_t>(lp.size() / 2))) lp.replace(*middle, "replacement-value");
  if (auto found = lp.find(lp.begin(), "tail", 1)) lp.erase(*found);
  lp.erase(lp.begin(), 2);
  if (!lp.validate()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string block;
  if (data[0] & 1) {
    // Entries separated by ',' become a listpack; the first two bytes of the input choose
    // which byte of its block to corrupt and how.
    corvid::Listpack built;
    size_t start = 0;
    while (start <= input.size()) {
      size_t comma = input.find(',', start);
      if (comma == std::string_view::npos) comma = input.size();
      built.push_back(input.substr(start, comma - start));
      start = comma + 1;
    }
    block = std::string(built.raw());
    size_t where = (static_cast<size_t>(data[0]) << 8 | (size > 1 ? data[1] : 0)) % block.size();
    block[where] = static_cast<char>(block[where] ^ (size > 2 ? data[2] : 0x5a));
  } else {
    block = std::string(input);
  }
  auto loaded = corvid::Listpack::from_bytes(block);
  if (loaded) exercise(*loaded);
  return 0;
}
