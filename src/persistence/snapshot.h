#pragma once
// A point-in-time snapshot of the whole keyspace taken inside the process, without fork:
// the RDB stream of the dataset exactly as it was when the snapshot began, produced
// while the server keeps serving reads and writes.
//
// How: start() flips every database's snapshot mark (db/snapshot_capture.h). step()
// walks the databases with their SCAN cursors, serializing each entry the snapshot does
// not have yet; meanwhile the Database hands over, through capture(), every such entry
// just before a command changes or removes it. Each key is serialized exactly once: by
// the walk or by the hook, whichever comes first. Keys created after the start are born
// marked and never serialized. The cursor walk visits every key present for the whole
// walk; a key removed before the walk reaches it was captured on its way out.
//
// Records of a database other than the one being walked (captured out of turn) are
// preceded by their own SELECTDB, which the format allows anywhere.
//
// Serialization happens here, on the executor; the bytes go in chunks to a
// SnapshotFileWriter, whose thread compresses, checksums and writes them. The walk
// pauses while the writer has more than kSoftLimit bytes pending; a capture that pushes
// it past kHardLimit waits for the writer to catch up (a slow disk slows writers to
// untouched keys rather than growing the buffer without bound).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "db/database.h"
#include "db/key_access.h"
#include "persistence/rdb_writer.h"
#include "persistence/snapshot_writer.h"

namespace corvid {

struct SnapshotOptions {
  // Rdb: an RDB stream (dump.rdb, an AOF's RDB preamble, a replica's sync). Commands: each
  // key as the commands that recreate it (an AOF base with aof-use-rdb-preamble no).
  enum class Format : uint8_t { Rdb, Commands } format = Format::Rdb;
  RdbHeader header;
  AccessHint hint = AccessHint::None;
  // The function libraries' code, written before the keys (RDB function records, or
  // FUNCTION LOAD commands).
  std::vector<std::string> function_libraries;
  AccessPolicy policy;
  uint32_t now_s = 0;
};

class Snapshot final : public SnapshotCapture {
 public:
  static constexpr size_t kChunkBytes = 1 << 20;
  static constexpr size_t kSoftLimit = 8 << 20;
  static constexpr size_t kHardLimit = 64 << 20;

  Snapshot(std::vector<Database*> databases, const SnapshotOptions& options,
           std::unique_ptr<SnapshotFileWriter> writer);
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // Takes the point in time: from here on the databases report changes to this snapshot.
  void start();
  // Walks for about `budget_us` microseconds (a negative budget: to the end, waiting for
  // the writer as needed, as SAVE does). Returns true once every key is serialized and
  // handed to the writer, which is then told to finish.
  bool step(int64_t budget_us);
  bool walk_done() const { return walk_done_; }
  // Stops: the databases stop reporting, the temporary file is deleted.
  void abort();
  // Aborts and releases `snapshot` if there is one, logging `why` (if given) as a warning.
  static void abandon(std::unique_ptr<Snapshot>& snapshot, const char* why);

  void capture(int db, const KeyEntry& entry) override;

  SnapshotFileWriter& writer() { return *writer_; }
  uint64_t keys_total() const { return keys_total_; }
  uint64_t keys_serialized() const { return keys_serialized_; }
  // Bytes serialized and not yet written: the snapshot's extra memory.
  size_t buffered_bytes() const { return out_.size() + writer_->pending_bytes(); }
  size_t peak_buffered_bytes() const { return peak_buffered_; }

 private:
  void write_record(int db, const KeyEntry& entry);
  void select(int db);
  void flush_chunk();
  void detach();

  std::vector<Database*> databases_;
  SnapshotOptions options_;
  std::unique_ptr<SnapshotFileWriter> writer_;
  ChunkedOutput out_;
  std::vector<uint64_t> sizes_;           // keys per database at the start
  std::vector<uint64_t> volatile_sizes_;  // and how many of them had a TTL
  size_t walk_db_ = 0;
  uint64_t cursor_ = 0;
  bool walk_db_started_ = false;
  int stream_db_ = -1;  // the database the stream's last SELECTDB named
  bool started_ = false;
  bool walk_done_ = false;
  bool attached_ = false;
  uint64_t keys_total_ = 0;
  uint64_t keys_serialized_ = 0;
  size_t peak_buffered_ = 0;
};

}  // namespace corvid
