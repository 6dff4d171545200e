#include "persistence/snapshot_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "persistence/crc64.h"

namespace corvid {

namespace {

constexpr uint64_t kIncrementalFsyncBytes = 4 * 1024 * 1024;  // Redis's REDIS_AUTOSYNC_BYTES

std::string directory_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::unique_ptr<SnapshotFileWriter> SnapshotFileWriter::open(const SnapshotFileOptions& options,
                                                             std::function<void()> notify, std::string* error) {
  const int fd = ::open(options.temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = std::strerror(errno);
    return nullptr;
  }
  return std::unique_ptr<SnapshotFileWriter>(new SnapshotFileWriter(options, fd, std::move(notify)));
}

SnapshotFileWriter::SnapshotFileWriter(const SnapshotFileOptions& options, int fd, std::function<void()> notify)
    : options_(options), fd_(fd), notify_(std::move(notify)) {
  thread_ = std::thread([this] { run(); });
}

SnapshotFileWriter::~SnapshotFileWriter() {
  abort();
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

void SnapshotFileWriter::submit(SnapshotChunk chunk) {
  if (chunk.bytes.empty()) return;
  std::lock_guard lock(mutex_);
  pending_bytes_.fetch_add(chunk.bytes.size(), std::memory_order_relaxed);
  queue_.push_back(std::move(chunk));
  wake_.notify_one();
}

void SnapshotFileWriter::finish() {
  std::lock_guard lock(mutex_);
  finishing_ = true;
  wake_.notify_one();
}

void SnapshotFileWriter::abort() {
  {
    std::lock_guard lock(mutex_);
    if (state_.load() != State::Writing) return;
    aborting_ = true;
    wake_.notify_one();
  }
  wait_done();
}

void SnapshotFileWriter::wait_below(size_t limit) {
  std::unique_lock lock(mutex_);
  progress_.wait(lock, [&] { return pending_bytes() <= limit || state_.load() != State::Writing; });
}

void SnapshotFileWriter::wait_done() {
  std::unique_lock lock(mutex_);
  progress_.wait(lock, [&] { return state_.load() != State::Writing; });
}

std::string SnapshotFileWriter::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void SnapshotFileWriter::fail(std::string what) {
  ::close(fd_);
  fd_ = -1;
  ::unlink(options_.temp_path.c_str());
  std::lock_guard lock(mutex_);
  error_ = std::move(what);
  queue_.clear();
  pending_bytes_.store(0);
  state_.store(State::Failed, std::memory_order_release);
  progress_.notify_all();
}

void SnapshotFileWriter::run() {
  for (;;) {
    SnapshotChunk chunk;
    bool finishing;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !queue_.empty() || finishing_ || aborting_; });
      if (aborting_) {
        lock.unlock();
        fail("aborted");
        break;
      }
      finishing = queue_.empty() && finishing_;
      if (!finishing) {
        chunk = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (finishing) {
      if (complete()) {
        std::lock_guard lock(mutex_);
        state_.store(State::Succeeded, std::memory_order_release);
        progress_.notify_all();
      }
      break;
    }
    const size_t size = chunk.bytes.size();
    const bool ok = write_chunk(chunk);
    {
      std::lock_guard lock(mutex_);
      pending_bytes_.fetch_sub(std::min(size, pending_bytes()), std::memory_order_relaxed);
      progress_.notify_all();
    }
    if (!ok) break;
    if (notify_) notify_();
  }
  if (notify_) notify_();
}

bool SnapshotFileWriter::write_chunk(const SnapshotChunk& chunk) {
  // Build the final bytes (long strings compressed or length-prefixed), then one write.
  scratch_.clear();
  size_t at = 0;
  for (const SnapshotChunk::Span& span : chunk.long_strings) {
    scratch_.append(chunk.bytes, at, span.offset - at);
    write_long_string(scratch_, std::string_view(chunk.bytes).substr(span.offset, span.length), options_.compress);
    at = span.offset + span.length;
  }
  scratch_.append(chunk.bytes, at, std::string::npos);
  if (options_.checksum) crc_ = crc64(crc_, scratch_);
  return write_all(scratch_.data(), scratch_.size());
}

bool SnapshotFileWriter::write_all(const char* data, size_t length) {
  while (length > 0) {
    const ssize_t n = ::write(fd_, data, length);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(std::strerror(errno));
      return false;
    }
    data += n;
    length -= static_cast<size_t>(n);
    bytes_written_.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
    unsynced_ += static_cast<uint64_t>(n);
    if (options_.incremental_fsync && unsynced_ >= kIncrementalFsyncBytes) {
      // Spreads the fsync cost instead of one long flush at the end.
      if (::fdatasync(fd_) != 0) {
        fail(std::strerror(errno));
        return false;
      }
      unsynced_ = 0;
    }
  }
  return true;
}

bool SnapshotFileWriter::complete() {
  if (options_.trailer) {
    char trailer[8] = {};
    if (options_.checksum) std::memcpy(trailer, &crc_, 8);  // little-endian hosts
    if (!write_all(trailer, 8)) return false;
  }
  if (::fsync(fd_) != 0) {
    fail(std::strerror(errno));
    return false;
  }
  if (::close(fd_) != 0) {
    fd_ = -1;
    fail(std::strerror(errno));
    return false;
  }
  fd_ = -1;
  if (::rename(options_.temp_path.c_str(), options_.path.c_str()) != 0) {
    const int e = errno;
    ::unlink(options_.temp_path.c_str());
    std::lock_guard lock(mutex_);
    error_ = std::strerror(e);
    state_.store(State::Failed, std::memory_order_release);
    progress_.notify_all();
    return false;
  }
  // The rename itself must survive a crash.
  const int dir = ::open(directory_of(options_.path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

}  // namespace corvid
