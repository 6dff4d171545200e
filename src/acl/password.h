#pragma once
// Passwords as ACL users keep them: SHA-256 digests in lowercase hex (what ACL LIST shows
// after '#'), compared in constant time so that a reply's timing says nothing about how
// much of a guess was right.

#include <string>
#include <string_view>

namespace corvid {

// The 64-character lowercase hex SHA-256 digest of `password`.
std::string password_hash(std::string_view password);
// Whether `text` has the shape of a digest: exactly 64 lowercase hex characters.
bool is_password_hash(std::string_view text);
// Equality of two digests, in time that depends only on their lengths.
bool hashes_equal(std::string_view a, std::string_view b);
// `chars` lowercase hex characters from the system's cryptographic generator (ACL GENPASS).
std::string random_password_hex(size_t chars);

}  // namespace corvid
