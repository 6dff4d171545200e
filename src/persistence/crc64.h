#pragma once
// The CRC-64 that RDB files and DUMP payloads end with: the "Jones" polynomial
// (0xad93d23594c935a9), reflected input and output, initial value 0, no final xor.
// A file is valid when the checksum of everything before its last eight bytes equals
// those bytes read as a little-endian integer.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace corvid {

// Continues `crc` over `data` (start from 0). Processes eight bytes per step.
uint64_t crc64(uint64_t crc, const void* data, size_t length);
inline uint64_t crc64(uint64_t crc, std::string_view data) { return crc64(crc, data.data(), data.size()); }

// Appends the trailer: the CRC-64 of everything in `bytes`, little-endian.
inline void append_crc64(std::string& bytes) {
  const uint64_t crc = crc64(0, bytes);
  char trailer[8];
  std::memcpy(trailer, &crc, 8);  // little-endian hosts
  bytes.append(trailer, 8);
}

}  // namespace corvid
