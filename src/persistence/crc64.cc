#include "persistence/crc64.h"

#include <array>
#include <cstring>

namespace corvid {

namespace {

// The reflected form of 0xad93d23594c935a9 (its bits in reverse order).
constexpr uint64_t kReflectedPolynomial = 0x95ac9329ac4bc9b5ULL;

// tables[0] is the classic byte-at-a-time table; tables[k][b] is the CRC of byte b
// followed by k zero bytes, which lets eight input bytes be folded in one step.
struct Tables {
  std::array<std::array<uint64_t, 256>, 8> t{};
  constexpr Tables() {
    for (uint64_t b = 0; b < 256; ++b) {
      uint64_t crc = b;
      for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ kReflectedPolynomial : crc >> 1;
      t[0][b] = crc;
    }
    for (size_t k = 1; k < 8; ++k) {
      for (size_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    }
  }
};

constexpr Tables kTables;

}  // namespace

uint64_t crc64(uint64_t crc, const void* data, size_t length) {
  const auto* p = static_cast<const unsigned char*>(data);
  const auto& t = kTables.t;
  while (length >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);  // little-endian hosts only (x86-64, aarch64)
    crc ^= word;
    crc = t[7][crc & 0xff] ^ t[6][(crc >> 8) & 0xff] ^ t[5][(crc >> 16) & 0xff] ^ t[4][(crc >> 24) & 0xff] ^
          t[3][(crc >> 32) & 0xff] ^ t[2][(crc >> 40) & 0xff] ^ t[1][(crc >> 48) & 0xff] ^ t[0][crc >> 56];
    p += 8;
    length -= 8;
  }
  while (length-- > 0) crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

}  // namespace corvid
