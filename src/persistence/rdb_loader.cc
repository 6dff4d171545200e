#include "persistence/rdb_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstring>

#include "core/monotonic.h"
#include "core/number_format.h"
#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/value_reader.h"

namespace corvid {

std::unique_ptr<FileInput> FileInput::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    errno = e;
    return nullptr;
  }
  return std::unique_ptr<FileInput>(new FileInput(fd, static_cast<uint64_t>(st.st_size)));
}

FileInput::~FileInput() { ::close(fd_); }

bool file_starts_with_rdb_magic(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char magic[5] = {};
  const bool rdb = ::read(fd, magic, 5) == 5 && std::memcmp(magic, "REDIS", 5) == 0;
  ::close(fd);
  return rdb;
}

void FileInput::read(void* out, size_t n) {
  require(n <= remaining(), kShortRead);
  auto* dest = static_cast<char*>(out);
  while (n > 0) {
    if (buffer_pos_ == buffer_len_) {
      ssize_t got;
      do {
        got = ::read(fd_, buffer_.data(), buffer_.size());
      } while (got < 0 && errno == EINTR);
      require(got > 0, got == 0 ? kShortRead : "read error");
      buffer_pos_ = 0;
      buffer_len_ = static_cast<size_t>(got);
    }
    const size_t take = std::min(n, buffer_len_ - buffer_pos_);
    std::memcpy(dest, buffer_.data() + buffer_pos_, take);
    if (checksumming_) crc_ = crc64(crc_, dest, take);
    buffer_pos_ += take;
    dest += take;
    n -= take;
    offset_ += take;
  }
}

RdbLoader::RdbLoader(RdbInput& in, std::vector<Database*> databases, const RdbLoadOptions& options,
                     std::function<void(const std::string&)> log)
    : in_(in), databases_(std::move(databases)), options_(options), log_(std::move(log)) {}

void RdbLoader::begin() {
  char magic[9];
  in_.read(magic, 9);
  if (std::memcmp(magic, "REDIS", 5) != 0) throw RdbFormatError("Wrong signature trying to load DB from file");
  int version = 0;
  for (int i = 5; i < 9; ++i) {
    if (magic[i] < '0' || magic[i] > '9') throw RdbFormatError("Wrong signature trying to load DB from file");
    version = version * 10 + (magic[i] - '0');
  }
  if (version < 1 || version > rdb::kMaxReadableVersion) {
    throw RdbFormatError("Can't handle RDB format version " + std::to_string(version));
  }
  stats_.version = version;
  db_ = databases_.empty() ? nullptr : databases_[0];
}

bool RdbLoader::step(int64_t budget_us) {
  if (done_) return true;
  const bool to_the_end = budget_us < 0;
  const int64_t deadline = monotonic_us() + budget_us;
  for (unsigned n = 1;; ++n) {
    if (!read_one()) {
      finish();
      done_ = true;
      return true;
    }
    if (!to_the_end && (n & 63) == 0 && monotonic_us() >= deadline) return false;
  }
}

bool RdbLoader::read_one() {
  const uint8_t type = in_.byte();
  switch (type) {
    case rdb::kOpExpireTime:
      pending_expire_ = static_cast<int64_t>(in_.u32_le()) * 1000;
      return true;
    case rdb::kOpExpireTimeMs:
      pending_expire_ = in_.millis();
      return true;
    case rdb::kOpFreq:
      pending_freq_ = in_.byte();
      return true;
    case rdb::kOpIdle:
      pending_idle_ = static_cast<int64_t>(in_.length());
      return true;
    case rdb::kOpEof:
      return false;
    case rdb::kOpSelectDb: {
      const uint64_t index = in_.length();
      if (index >= databases_.size()) {
        throw RdbFormatError("FATAL: Data file was created with a Redis server configured to handle more than " +
                             std::to_string(databases_.size()) + " databases. Exiting\n");
      }
      db_ = databases_[index];
      return true;
    }
    case rdb::kOpResizeDb: {
      const uint64_t keys = in_.length();
      (void)in_.length();
      // A hint, and untrusted: a key takes at least three bytes of what is left.
      if (db_ != nullptr) db_->reserve(static_cast<size_t>(std::min<uint64_t>(keys, in_.remaining() / 3)));
      return true;
    }
    case rdb::kOpAux: {
      const std::string name = in_.string();
      const std::string value = in_.string();
      if (name == "redis-ver") {
        stats_.producer_version = value;
        if (log_) log_("Loading RDB produced by version " + value);
      } else if (name == "ctime") {
        stats_.ctime_s = parse_int64(value).value_or(-1);
        const int64_t now_s = options_.now_ms / 1000;
        if (log_ && stats_.ctime_s >= 0) {
          const int64_t age = now_s > stats_.ctime_s ? now_s - stats_.ctime_s : 0;
          log_("RDB age " + std::to_string(age) + " seconds");
        }
      } else if (name == "used-mem") {
        stats_.used_mem = static_cast<uint64_t>(parse_int64(value).value_or(0));
        char line[96];
        std::snprintf(line, sizeof line, "RDB memory usage when created %.2f Mb",
                      static_cast<double>(stats_.used_mem) / (1024 * 1024));
        if (log_) log_(line);
      } else if (name == "aof-base") {
        stats_.aof_base = value == "1";
        if (stats_.aof_base && log_) log_("RDB is base AOF");
      }
      // Others (redis-bits, repl-*, aof-preamble, lua scripts of old versions) are not needed.
      return true;
    }
    case rdb::kOpModuleAux:
      throw RdbFormatError("The RDB file contains module AUX data, but modules are not supported");
    case rdb::kOpFunction2: {
      const std::string code = in_.string();
      if (options_.load_function) {
        if (auto error = options_.load_function(code, options_.replace_existing)) {
          throw RdbFormatError("Failed loading library, " + *error);
        }
      }
      ++stats_.functions_loaded;
      return true;
    }
    case rdb::kOpFunctionPreGa:
      // The function record of Redis 7.0's release candidates, which 7.0 itself refuses.
      throw RdbFormatError("Pre-release function format not supported.");
    default:
      break;
  }
  if (!is_rdb_value_type(type)) throw RdbFormatError("Unknown RDB encoding type " + std::to_string(type));
  RdbInput::require(db_ != nullptr, "no database selected");
  std::string key = in_.string();
  const int64_t expire_at = pending_expire_;
  const int64_t idle = pending_idle_;
  const int freq = pending_freq_;
  pending_expire_ = pending_idle_ = -1;
  pending_freq_ = -1;
  // As in Redis, only -1 means "no TTL": any other deadline, negative ones included, is a
  // time (long past).
  const bool has_expiry = expire_at != KeyEntry::kNoExpiry;
  KeyEntry* entry = read_value(in_, type, key, has_expiry ? expire_at : KeyEntry::kNoExpiry, options_.limits);
  if (entry == nullptr) {
    ++stats_.empty_keys_skipped;
    if (log_) log_("rdbLoadObject skipping empty key: " + key);
    return true;
  }
  if (options_.skip_expired && has_expiry && expire_at < options_.now_ms) {
    KeyEntry::destroy(entry);
    ++stats_.keys_expired;
    return true;
  }
  if (!db_->load(entry) && !(options_.replace_existing && db_->remove(key) && db_->load(entry))) {
    KeyEntry::destroy(entry);
    throw RdbFormatError("RDB has duplicated key '" + key + "' in DB " + std::to_string(db_->index()));
  }
  const uint32_t now_s = static_cast<uint32_t>(options_.now_ms / 1000);
  if (options_.access.lfu && freq >= 0) {
    entry->set_lfu_counter(static_cast<uint8_t>(freq));
    entry->set_access_clock(now_s);
  } else if (!options_.access.lfu && idle >= 0) {
    entry->set_access_clock(idle >= now_s ? 0 : static_cast<uint32_t>(now_s - idle));
  }
  ++stats_.keys_loaded;
  return true;
}

void RdbLoader::finish() {
  if (stats_.version < 5) return;  // no trailer before version 5
  // Only a FileInput keeps a running CRC-64. Inputs from memory are DUMP payloads (checked
  // by RESTORE against their own trailer before loading) and fuzz inputs; for them the
  // trailer is read but not verified, and stats().checksum_checked stays false.
  auto* file = dynamic_cast<FileInput*>(&in_);
  const uint64_t computed = file != nullptr ? file->crc() : 0;
  if (file != nullptr) file->set_checksumming(false);
  const uint64_t stored = static_cast<uint64_t>(in_.millis());
  if (!options_.verify_checksum || file == nullptr) return;
  if (stored == 0) {
    if (log_) log_("RDB file was saved with checksum disabled: no check performed.");
    return;
  }
  if (stored != computed) {
    char line[128];
    std::snprintf(line, sizeof line, "Wrong RDB checksum expected: (%" PRIx64 ") got (%" PRIx64 "). Aborting now.",
                  stored, computed);
    throw RdbFormatError(line);
  }
  stats_.checksum_checked = true;
}

}  // namespace corvid
