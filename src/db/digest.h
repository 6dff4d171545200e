#pragma once
// DEBUG DIGEST and DEBUG DIGEST-VALUE: SHA-1 based signatures of the dataset and of single
// values, computed the way Redis 7.0 computes them, so that the same data gives the same
// hex string on Corvid and on Redis (and before and after any save/load round trip).
//
// The signature depends on content only: not on encodings, not on the order of set,
// hash or sorted-set members, not on TTL values (only on whether a key has one).
// A value's digest starts from zero; "xor" XORs in the SHA-1 of some bytes (so the order
// of xors does not matter), "mix" does the same and then replaces the digest by its own
// SHA-1 (so order matters):
//   value:   mix(type as big-endian u32); then
//            string: mix(bytes)   list: mix(each element, in order)
//            set: xor(each member)
//            hash: xor(mix(mix(0, field), value)) per field
//            zset: xor(mix(mix(0, member), "%.17g" score)) per member
//            xor("!!expire!!") when the key has a TTL
//   dataset: for each non-empty database: mix(db index as big-endian u32), then, per key,
//            xor(mix(0, key) continued with the value digest).

#include <string>
#include <vector>

#include "core/sha1.h"
#include "db/database.h"

namespace corvid {

Sha1 value_digest(const KeyEntry& entry);
Sha1 dataset_digest(const std::vector<Database*>& databases);

}  // namespace corvid
