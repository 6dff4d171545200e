#include "persistence/dump_payload.h"

#include <cstdint>
#include <cstring>

#include "persistence/crc64.h"
#include "persistence/rdb_format.h"

namespace corvid {

void seal_dump_payload(std::string& payload, int version) {
  payload.push_back(static_cast<char>(version & 0xff));
  payload.push_back(static_cast<char>((version >> 8) & 0xff));
  append_crc64(payload);
}

bool dump_payload_valid(std::string_view payload) {
  if (payload.size() < kDumpFooterSize) return false;
  const char* footer = payload.data() + payload.size() - kDumpFooterSize;
  const int version = static_cast<unsigned char>(footer[0]) | (static_cast<unsigned char>(footer[1]) << 8);
  if (version > rdb::kMaxReadableVersion) return false;
  uint64_t stored;
  std::memcpy(&stored, footer + 2, 8);
  return crc64(0, payload.substr(0, payload.size() - 8)) == stored;
}

}  // namespace corvid
