#pragma once
// Where a snapshot's bytes go once serialized: a thread that compresses the long strings
// (LZF), computes the CRC-64, writes, and fsyncs, so that none of that runs on the
// executor. Files are written as Redis does it safely: a temporary file in the target
// directory, fsync, rename over the target, fsync of the directory; a crash at any
// moment leaves the previous file whole.
//
// The executor serializes into a ChunkedOutput and hands over full chunks; it watches
// pending_bytes() for back-pressure (the walk pauses above a soft limit, writers of
// not-yet-captured keys wait above a hard one).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "persistence/rdb_output.h"

namespace corvid {

// Serialized bytes in which some spans are the raw content of long strings, still to be
// written LZF-compressed or length-prefixed.
struct SnapshotChunk {
  struct Span {
    size_t offset;
    size_t length;
  };
  std::string bytes;
  std::vector<Span> long_strings;
};

class ChunkedOutput final : public RdbOutput {
 public:
  void raw(std::string_view bytes) override { chunk_.bytes.append(bytes); }
  void compressible(std::string_view content) override {
    chunk_.long_strings.push_back({chunk_.bytes.size(), content.size()});
    chunk_.bytes.append(content);
  }
  size_t size() const { return chunk_.bytes.size(); }
  SnapshotChunk take() {
    SnapshotChunk out = std::move(chunk_);
    chunk_ = SnapshotChunk{};
    return out;
  }

 private:
  SnapshotChunk chunk_;
};

struct SnapshotFileOptions {
  std::string path;       // the file to replace when done (relative to the working directory)
  std::string temp_path;  // written first, renamed over `path`
  bool compress = true;   // rdbcompression
  bool checksum = true;   // rdbchecksum: without it the trailer is eight zero bytes
  bool trailer = true;    // an RDB ends with its checksum; a file of commands has none
  bool incremental_fsync = true;  // rdb-save-incremental-fsync: fsync every 4 MB
};

class SnapshotFileWriter {
 public:
  enum class State { Writing, Succeeded, Failed };

  // Creates the temporary file and starts the thread; null with `*error` set (the
  // system's message) when the file cannot be created. `notify` runs on the writer
  // thread after each chunk and when the writer finishes (it wakes the event loop).
  static std::unique_ptr<SnapshotFileWriter> open(const SnapshotFileOptions& options, std::function<void()> notify,
                                                  std::string* error);
  ~SnapshotFileWriter();  // aborts if still writing, then joins
  SnapshotFileWriter(const SnapshotFileWriter&) = delete;
  SnapshotFileWriter& operator=(const SnapshotFileWriter&) = delete;

  void submit(SnapshotChunk chunk);
  // No more chunks: write the trailer, fsync, rename, fsync the directory.
  void finish();
  // Stop and delete the temporary file; returns once the thread is idle.
  void abort();

  // Submitted bytes not written yet.
  size_t pending_bytes() const { return pending_bytes_.load(std::memory_order_relaxed); }
  // Blocks until pending_bytes() <= limit or the writer stopped.
  void wait_below(size_t limit);
  // Blocks until the writer finished (after finish() or abort()).
  void wait_done();
  State state() const { return state_.load(std::memory_order_acquire); }
  // What went wrong, once state() is Failed (e.g. "No space left on device").
  std::string error() const;
  uint64_t bytes_written() const { return bytes_written_.load(std::memory_order_relaxed); }

 private:
  SnapshotFileWriter(const SnapshotFileOptions& options, int fd, std::function<void()> notify);
  void run();
  bool write_chunk(const SnapshotChunk& chunk);
  bool write_all(const char* data, size_t length);
  bool complete();
  void fail(std::string what);

  SnapshotFileOptions options_;
  int fd_;
  std::function<void()> notify_;
  uint64_t crc_ = 0;
  uint64_t unsynced_ = 0;
  std::string scratch_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable progress_;
  std::deque<SnapshotChunk> queue_;
  bool finishing_ = false;
  bool aborting_ = false;
  std::string error_;
  std::atomic<size_t> pending_bytes_{0};
  std::atomic<uint64_t> bytes_written_{0};
  std::atomic<State> state_{State::Writing};
  std::thread thread_;
};

}  // namespace corvid
