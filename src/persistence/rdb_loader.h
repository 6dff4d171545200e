#pragma once
// Reads an RDB stream (a dump.rdb, later an AOF preamble or a replica's full sync) into
// the databases, in slices so that the server can answer LOADING meanwhile. Accepts every
// version from 1 to 12 and every value encoding value_reader knows; skips keys already
// expired (a primary's rule) and empty collections, as Redis does, and checks the CRC-64
// trailer. Anything malformed throws RdbFormatError with where and what.

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/key_access.h"
#include "db/value_limits.h"
#include "persistence/rdb_input.h"

namespace corvid {

// Whether the file at `path` starts with the RDB signature "REDIS" (a dump, an AOF base in
// RDB form, or an old-style AOF with an RDB preamble). False if it cannot be read.
bool file_starts_with_rdb_magic(const std::string& path);

// A file read through a buffer; every byte read is added to the running CRC-64.
class FileInput final : public RdbInput {
 public:
  // Opens `path`; null with errno set when it cannot be opened.
  static std::unique_ptr<FileInput> open(const std::string& path);
  ~FileInput() override;
  FileInput(const FileInput&) = delete;
  FileInput& operator=(const FileInput&) = delete;

  void read(void* out, size_t n) override;
  uint64_t remaining() const override { return size_ - offset_; }
  uint64_t offset() const override { return offset_; }
  uint64_t size() const { return size_; }
  uint64_t crc() const { return crc_; }
  // The trailer is read without counting it into the checksum it is compared with.
  void set_checksumming(bool on) { checksumming_ = on; }

 private:
  FileInput(int fd, uint64_t size) : fd_(fd), size_(size) {}
  int fd_;
  uint64_t size_;
  uint64_t offset_ = 0;
  uint64_t crc_ = 0;
  bool checksumming_ = true;
  std::vector<char> buffer_ = std::vector<char>(1 << 16);
  size_t buffer_pos_ = 0;
  size_t buffer_len_ = 0;
};

struct RdbLoadOptions {
  ValueLimits limits;
  int64_t now_ms = 0;
  bool skip_expired = true;  // a primary drops keys whose TTL passed while saved
  bool verify_checksum = true;
  bool replace_existing = false;  // DEBUG RELOAD MERGE: a loaded key replaces one in memory
  // Takes a function library's code (with replace_existing); the reason it cannot be
  // loaded otherwise. Unset: libraries are read and passed over (check-rdb, fuzzing).
  std::function<std::optional<std::string>(const std::string& code, bool replace)> load_function;
  AccessPolicy access;       // which of IDLE / FREQ to apply
};

struct RdbLoadStats {
  int version = 0;
  std::string producer_version;  // aux redis-ver
  int64_t ctime_s = -1;          // aux ctime
  uint64_t used_mem = 0;         // aux used-mem
  bool aof_base = false;         // aux aof-base
  uint64_t keys_loaded = 0;
  uint64_t functions_loaded = 0;  // function libraries
  uint64_t keys_expired = 0;
  uint64_t empty_keys_skipped = 0;
  bool checksum_checked = false;  // false when the file was saved without one
};

class RdbLoader {
 public:
  // `log` receives Redis's notices as they happen ("Loading RDB produced by ...").
  RdbLoader(RdbInput& in, std::vector<Database*> databases, const RdbLoadOptions& options,
            std::function<void(const std::string&)> log);
  // Reads and checks the signature and version.
  void begin();
  // Loads records for about `budget_us` (negative: to the end). True once the EOF
  // opcode and the checksum have been read and checked.
  bool step(int64_t budget_us);
  const RdbLoadStats& stats() const { return stats_; }
  uint64_t bytes_read() const { return in_.offset(); }

 private:
  bool read_one();
  void finish();

  RdbInput& in_;
  std::vector<Database*> databases_;
  RdbLoadOptions options_;
  std::function<void(const std::string&)> log_;
  RdbLoadStats stats_;
  Database* db_ = nullptr;
  int64_t pending_expire_ = -1;
  int64_t pending_idle_ = -1;
  int pending_freq_ = -1;
  bool done_ = false;
};

}  // namespace corvid
