#pragma once
// SHA-1 (OpenSSL's libcrypto), for the digests Redis computes with it: DEBUG DIGEST and
// DEBUG DIGEST-VALUE and the SHAs of scripts.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace corvid {

using Sha1 = std::array<uint8_t, 20>;

Sha1 sha1(std::string_view data);

// 40 lower-case hex digits (DEBUG DIGEST, script SHAs).
std::string digest_hex(const Sha1& digest);

}  // namespace corvid
