#pragma once
// SHA-1 (OpenSSL's libcrypto), for the digests Redis computes with it: DEBUG DIGEST and
// DEBUG DIGEST-VALUE (and later the SHAs of scripts).

#include <array>
#include <cstdint>
#include <string_view>

namespace corvid {

using Sha1 = std::array<uint8_t, 20>;

Sha1 sha1(std::string_view data);

}  // namespace corvid
