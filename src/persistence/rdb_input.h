#pragma once
// Reading RDB encodings from untrusted bytes (files, DUMP payloads, replication
// streams). Every read is bounds-checked; a malformed input throws RdbFormatError
// with what was wrong, which the caller turns into Redis's error or log line. No
// length read from the input is trusted for an allocation beyond what the input
// can still hold.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace corvid {

class RdbFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The reason given when the input ends before what it announces (a truncated file, or a
// length that cannot be right): loaders report it as Redis's "Short read".
inline constexpr const char* kShortRead = "unexpected end of data";

class RdbInput {
 public:
  virtual ~RdbInput() = default;

  // Fills `out` with exactly `n` bytes or throws (a short read is a format error).
  virtual void read(void* out, size_t n) = 0;
  // Bytes the input can still deliver (an upper bound for lengths it announces).
  virtual uint64_t remaining() const = 0;
  // Bytes consumed so far (for error messages and progress).
  virtual uint64_t offset() const = 0;

  uint8_t byte();
  // A length prefix. When the prefix is instead an encoded-string marker, `encoded`
  // is set and the six-bit encoding returned.
  uint64_t length(bool* encoded = nullptr);
  // A length that must also fit what is left of the input, for counts of items of at
  // least `min_item_bytes` each.
  uint64_t count(size_t min_item_bytes = 1);
  // An RDB string (integer-encoded, LZF or plain), as bytes.
  std::string string();
  // A string that must hold an integer (ziplist-era payloads, IDLE values...).
  int64_t integer_string();
  // ZSET version 1 text score.
  double text_double();
  double binary_double();
  int64_t millis();
  uint32_t u32_le();
  // Fails with `what` unless `condition` holds.
  static void require(bool condition, const char* what) {
    if (!condition) throw RdbFormatError(what);
  }
};

// A payload in memory (DUMP/RESTORE, unit tests, fuzzing).
class MemoryInput final : public RdbInput {
 public:
  explicit MemoryInput(std::string_view data) : data_(data) {}
  void read(void* out, size_t n) override;
  uint64_t remaining() const override { return data_.size() - pos_; }
  uint64_t offset() const override { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace corvid
