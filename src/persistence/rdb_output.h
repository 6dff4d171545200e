#pragma once
// Writing RDB encodings: where serialized bytes go, and the primitives every RDB writer
// (files, DUMP payloads, snapshots) builds values from.
//
// A sink receives two kinds of bytes: raw bytes, copied as they are, and the content of
// a string long enough that LZF might pay. What a sink does with the second kind is its
// business: StringOutput compresses at once (DUMP), a snapshot defers it to its writer
// thread, so that compression never runs on the executor.

#include <cstdint>
#include <string>
#include <string_view>

namespace corvid {

class RdbOutput {
 public:
  virtual ~RdbOutput() = default;

  // Bytes copied verbatim.
  virtual void raw(std::string_view bytes) = 0;
  // An RDB string of at least kLzfMinInputLength bytes that is not an integer: the
  // sink writes it either LZF-compressed (when enabled and smaller) or length-prefixed.
  virtual void compressible(std::string_view content) = 0;

  void byte(uint8_t b) { raw(std::string_view(reinterpret_cast<const char*>(&b), 1)); }
  // A length prefix (6, 14, 32 or 64 bits).
  void length(uint64_t n);
  // An RDB string: integer-encoded when it is the canonical text of an integer that fits
  // 32 bits, compressible when long, else length-prefixed bytes.
  void string(std::string_view s);
  // A string holding the decimal text of `v` (integer-encoded when it fits 32 bits).
  void integer_string(int64_t v);
  // Binary data (an encoded listpack or intset): compressible when long, never
  // integer-encoded.
  void blob(std::string_view s);
  // Length-prefixed bytes, never integer-encoded nor compressed.
  void plain_string(std::string_view s);
  // Little-endian IEEE double (ZSET_2 scores).
  void binary_double(double d);
  // Little-endian 64-bit millisecond time (EXPIRETIME_MS and friends).
  void millis(int64_t ms);
};

// Everything in one string; long strings are LZF-compressed at once when `compress`.
class StringOutput final : public RdbOutput {
 public:
  explicit StringOutput(bool compress) : compress_(compress) {}
  void raw(std::string_view bytes) override { data_.append(bytes); }
  void compressible(std::string_view content) override;
  std::string& data() { return data_; }

 private:
  bool compress_;
  std::string data_;
};

// Writes the LZF or plain form of a long string into `out` (what the deferred sinks do
// later, off the executor).
void write_long_string(std::string& out, std::string_view content, bool compress);

}  // namespace corvid
