#pragma once
// The envelope of a DUMP (and FUNCTION DUMP) payload: the serialized content, then the RDB
// version it was written in (u16, little-endian), then the CRC-64 of everything before
// (u64, little-endian). Redis checks the version and checksum before it reads a byte of
// the content, and so does Corvid.

#include <cstddef>
#include <string>
#include <string_view>

namespace corvid {

inline constexpr size_t kDumpFooterSize = 10;

// Appends the footer for RDB version `version` to `payload`.
void seal_dump_payload(std::string& payload, int version);

// Long enough for a footer, a version Corvid reads (up to 12, Redis 7.4's, where Redis 7.0
// stops at 10), and a matching checksum.
bool dump_payload_valid(std::string_view payload);

}  // namespace corvid
