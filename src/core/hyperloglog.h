#pragma once
// HyperLogLog values in Redis's own byte layout, so that a value written by either
// server counts the same on the other (GET/SET, and later RDB).
//
//   [ "HYLL" ][ encoding: 0 dense, 1 sparse ][ 3 unused bytes ][ cached cardinality ]
//   [ registers ... ]
//
// The cached cardinality is 8 bytes, little endian; the top bit of its last byte set
// means "stale, recount". There are 16384 registers (the low 14 bits of an element's
// 64-bit MurmurHash64A pick one; the run of zero bits above them, plus one, capped at
// 51, is what the register remembers as a maximum).
//
// Dense: 16384 six-bit registers packed little-endian-first (register i occupies bits
// 6i .. 6i+5 of the byte string, least significant bit first), 12288 bytes.
//
// Sparse: a run-length code, read left to right over the registers:
//   00xxxxxx            ZERO   1..64 zero registers (xxxxxx + 1)
//   01xxxxxx yyyyyyyy   XZERO  1..16384 zero registers (14 bits + 1)
//   1vvvvvxx            VAL    1..4 registers (xx + 1) holding vvvvv + 1 (1..32)
// A register above 32, or a sparse value that would outgrow hll-sparse-max-bytes, turns
// the value dense for good.
//
// Everything here takes untrusted bytes: a value may be any string a client SET. The
// header is checked by looks_valid(); sparse bodies are checked as they are walked, and a
// malformed one is reported (SetResult::Corrupt, nullopt) rather than trusted. Redis reads
// one byte past the end of the string (its strings are NUL-terminated), so a two-byte
// XZERO cut short reads its second byte as 0 here too.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace corvid::hll {

inline constexpr size_t kHeaderSize = 16;
inline constexpr uint32_t kIndexBits = 14;
inline constexpr uint32_t kRegisterCount = 1u << kIndexBits;
inline constexpr uint32_t kRegisterBits = 6;
inline constexpr size_t kDenseRegisterBytes = (kRegisterCount * kRegisterBits + 7) / 8;
inline constexpr size_t kDenseSize = kHeaderSize + kDenseRegisterBytes;
inline constexpr uint8_t kDense = 0;
inline constexpr uint8_t kSparse = 1;
// Longest run of zero bits an element can report (64 hash bits minus the index bits) + 1.
inline constexpr uint8_t kMaxRank = 64 - kIndexBits + 1;
inline constexpr uint8_t kSparseMaxValue = 32;
inline constexpr uint64_t kHashSeed = 0xadc83b19ULL;

// One register value per register: what merging several values produces.
using Registers = std::array<uint8_t, kRegisterCount>;

enum class SetResult { Unchanged, Changed, Corrupt };

// The header checks a value must pass to be treated as a HyperLogLog at all: length,
// magic, a known encoding, and the exact length when dense.
bool looks_valid(std::string_view value);
// Of a value that looks_valid().
inline uint8_t encoding_of(std::string_view value) { return static_cast<uint8_t>(value[4]); }

// A sparse value covering every register with zeros (what PFADD creates).
std::string empty_value();

uint64_t murmur_hash64a(std::string_view data, uint64_t seed);

// Which register an element lands in and the rank (1..kMaxRank) it offers it.
struct Observation {
  uint32_t index;
  uint8_t rank;
};
Observation observe(std::string_view element);

// The cached cardinality (of a value at least kHeaderSize long).
bool cache_valid(std::string_view value);
uint64_t cached_cardinality(std::string_view value);
void store_cardinality(char* value, uint64_t cardinality);
void invalidate_cache(char* value);

// Dense registers: `registers` is the kDenseRegisterBytes after the header.
uint8_t dense_register(const uint8_t* registers, uint32_t index);
void set_dense_register(uint8_t* registers, uint32_t index, uint8_t value);
// Raises a dense register in place; true when it grew.
bool dense_raise(uint8_t* registers, uint32_t index, uint8_t value);

// Raises register `index` to `value` if lower, in either encoding; a sparse value may
// grow, or become dense (when `value` does not fit a VAL or the sparse form would pass
// `sparse_max_bytes`). A sparse change marks the cache stale; the caller does it for
// dense ones. Corrupt when the sparse body cannot be walked to the register (the value
// may still have changed on an earlier call, never on this one).
SetResult raise_register(std::string& value, uint32_t index, uint8_t rank, size_t sparse_max_bytes);
// raise_register for an element's observation.
SetResult add(std::string& value, std::string_view element, size_t sparse_max_bytes);

// Rewrites a sparse value as dense (header copied, encoding changed). False, leaving the
// value alone, when the sparse body does not describe exactly kRegisterCount registers.
// A dense value is left as it is.
bool to_dense(std::string& value);

// Folds `value`'s registers into `max` (register-wise maximum). False for a malformed
// sparse body (`max` may then hold part of it).
bool merge_into(Registers& max, std::string_view value);

// The estimate of a value's cardinality (ignores the cache); nullopt for a malformed
// sparse body.
std::optional<uint64_t> estimate(std::string_view value);
// The estimate of a set of registers (values above kMaxRank are ignored).
uint64_t estimate(const Registers& registers);

// PFDEBUG DECODE: the opcodes of a sparse value ("z:3 Z:16000 v:2,1").
std::string describe_sparse(std::string_view value);

// PFSELFTEST: nullopt when the implementation behaves, else the error reply to give.
std::optional<std::string> self_test();

}  // namespace corvid::hll
