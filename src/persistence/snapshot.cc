#include "persistence/snapshot.h"

#include "server/log.h"
#include "core/monotonic.h"
#include "persistence/aof_rewrite_format.h"

namespace corvid {

Snapshot::Snapshot(std::vector<Database*> databases, const SnapshotOptions& options,
                   std::unique_ptr<SnapshotFileWriter> writer)
    : databases_(std::move(databases)), options_(options), writer_(std::move(writer)) {}

Snapshot::~Snapshot() {
  if (!walk_done_) abort();
}

void Snapshot::start() {
  started_ = true;
  attached_ = true;
  for (Database* db : databases_) {
    sizes_.push_back(db->size());
    volatile_sizes_.push_back(db->volatile_count());
    keys_total_ += db->size();
    db->begin_snapshot(this);
  }
  if (options_.format == SnapshotOptions::Format::Rdb) write_rdb_header(out_, options_.header);
  for (const std::string& code : options_.function_libraries) {
    if (options_.format == SnapshotOptions::Format::Rdb) {
      write_function_record(out_, code);
    } else {
      write_function_load_command(out_, code);
    }
  }
}

void Snapshot::detach() {
  if (!attached_) return;
  attached_ = false;
  for (Database* db : databases_) db->end_snapshot();
}

void Snapshot::abort() {
  if (!started_) return;
  // The marks of the entries the walk did not reach must read "captured" before the next
  // snapshot flips them again.
  if (attached_) {
    for (Database* db : databases_) {
      db->end_snapshot();
      db->mark_everything_captured();
    }
    attached_ = false;
  }
  walk_done_ = true;
  writer_->abort();
}

void Snapshot::abandon(std::unique_ptr<Snapshot>& snapshot, const char* why) {
  if (snapshot == nullptr) return;
  if (why != nullptr) log_warning(why);
  snapshot->abort();
  snapshot.reset();
}

void Snapshot::select(int db) {
  if (stream_db_ == db) return;
  if (options_.format == SnapshotOptions::Format::Rdb) {
    write_select_db(out_, db);
  } else {
    write_select_command(out_, db);
  }
  stream_db_ = db;
}

void Snapshot::write_record(int db, const KeyEntry& entry) {
  select(db);
  if (options_.format == SnapshotOptions::Format::Rdb) {
    write_key_record(out_, entry, options_.hint, options_.policy, options_.now_s);
  } else {
    write_key_as_commands(out_, entry);
  }
  ++keys_serialized_;
  if (out_.size() >= kChunkBytes) flush_chunk();
}

void Snapshot::flush_chunk() {
  writer_->submit(out_.take());
  peak_buffered_ = std::max(peak_buffered_, writer_->pending_bytes());
}

void Snapshot::capture(int db, const KeyEntry& entry) {
  write_record(db, entry);
  if (writer_->pending_bytes() > kHardLimit) writer_->wait_below(kSoftLimit);
}

bool Snapshot::step(int64_t budget_us) {
  if (walk_done_) return true;
  const bool to_the_end = budget_us < 0;
  const int64_t deadline = monotonic_us() + budget_us;
  unsigned steps = 0;
  while (walk_db_ < databases_.size()) {
    if (writer_->pending_bytes() > kSoftLimit) {
      if (!to_the_end) return false;
      writer_->wait_below(kSoftLimit / 2);
    }
    Database& db = *databases_[walk_db_];
    const int index = db.index();
    if (!walk_db_started_) {
      walk_db_started_ = true;
      cursor_ = 0;
      if (sizes_[walk_db_] == 0) {
        ++walk_db_;
        walk_db_started_ = false;
        continue;
      }
      stream_db_ = -1;  // always restate the database where its walk begins
      select(index);
      if (options_.format == SnapshotOptions::Format::Rdb) {
        write_resize_db(out_, sizes_[walk_db_], volatile_sizes_[walk_db_]);
      }
    }
    cursor_ = db.scan(cursor_, [&](KeyEntry& entry) {
      if (db.claim_for_snapshot(entry)) write_record(index, entry);
    });
    if (cursor_ == 0) {
      ++walk_db_;
      walk_db_started_ = false;
    }
    // The clock is read every 16 buckets: cheap, and a bucket holds few keys.
    if (!to_the_end && (++steps & 15) == 0 && monotonic_us() >= deadline) return false;
  }
  detach();
  if (options_.format == SnapshotOptions::Format::Rdb) write_eof(out_);
  flush_chunk();
  writer_->finish();
  walk_done_ = true;
  return true;
}

}  // namespace corvid
