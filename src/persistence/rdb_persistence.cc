#include "persistence/rdb_persistence.h"

#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "core/monotonic.h"
#include "persistence/rdb_format.h"
#include "persistence/value_writer.h"
#include "server/log.h"

namespace corvid {

namespace {

// A failed BGSAVE is retried by the save points no sooner than this (Redis's
// CONFIG_BGSAVE_RETRY_DELAY).
constexpr int64_t kBgsaveRetryDelaySeconds = 5;
// Executor time per event-loop turn spent walking a snapshot or loading a dump.
constexpr int64_t kWalkSliceUs = 2000;
constexpr int64_t kLoadSliceUs = 50000;

std::string working_directory() {
  char buf[4096];
  return getcwd(buf, sizeof buf) != nullptr ? std::string(buf) : std::string("unknown");
}

std::string printf_string(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string printf_string(const char* format, ...) {
  char buf[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  return buf;
}

}  // namespace

struct RdbPersistence::Loading {
  std::unique_ptr<FileInput> input;
  std::unique_ptr<RdbLoader> loader;
  int64_t started_us = 0;
  int64_t started_s = 0;
};

RdbPersistence::RdbPersistence(Host& host) : host_(host) {
  // Redis counts the start-up as the last save.
  const Clock now = Clock::current();
  lastsave_s_ = now.now_ms / 1000;
}

RdbPersistence::~RdbPersistence() {
  if (snapshot_ != nullptr) snapshot_->abort();
}

std::string RdbPersistence::path() const { return host_.config().dbfilename; }

std::unique_ptr<Snapshot> RdbPersistence::make_snapshot(std::string* error) {
  const Config& config = host_.config();
  SnapshotFileOptions file;
  file.path = path();
  file.temp_path = "temp-" + std::to_string(getpid()) + ".rdb";
  file.compress = config.rdbcompression;
  file.checksum = config.rdbchecksum;
  file.incremental_fsync = config.rdb_save_incremental_fsync;
  auto writer = SnapshotFileWriter::open(file, [this] { host_.wake_loop(); }, error);
  if (writer == nullptr) {
    log_warning(printf_string("Failed opening the temp RDB file %s (in server root dir %s) for saving: %s",
                              file.temp_path.c_str(), working_directory().c_str(), error->c_str()));
    return nullptr;
  }
  SnapshotOptions options;
  const std::vector<Database*> databases = host_.databases();
  // Redis 7.4's hash types (and their version) only when a hash really has a deadline,
  // so that every other dataset stays loadable by Redis 7.0.
  bool field_deadlines = false;
  for (Database* db : databases) {
    db->for_each_field_expiry_hash([&](const KeyEntry& e) { field_deadlines = field_deadlines || needs_field_expiry_types(e); });
  }
  options.header.version = field_deadlines ? rdb::kVersionWithFieldExpiry : rdb::kVersion;
  options.header.ctime_s = host_.clock().now_ms / 1000;
  options.header.used_mem = host_.used_memory();
  options.header.repl_id = host_.replication_id();
  options.function_libraries = host_.function_libraries();
  options.hint = access_hint_for(config.maxmemory_policy);
  options.policy = host_.access_policy();
  options.now_s = host_.clock().seconds();
  auto snapshot = std::make_unique<Snapshot>(databases, options, std::move(writer));
  snapshot->start();
  return snapshot;
}

RdbPersistence::BgsaveResult RdbPersistence::bgsave() {
  if (snapshot_ != nullptr) return BgsaveResult::AlreadyRunning;
  if (host_.snapshot_running()) return BgsaveResult::OtherSnapshotRunning;
  bgsave_scheduled_ = false;
  ++saves_;
  last_bgsave_try_s_ = host_.clock().now_ms / 1000;
  dirty_at_start_ = host_.keyspace_stats().dirty;
  bgsave_started_ms_ = host_.clock().now_ms;
  std::string error;
  snapshot_ = make_snapshot(&error);
  if (snapshot_ == nullptr) {
    // Redis's child fails the same way after the parent replied "started".
    last_bgsave_ok_ = false;
    log_warning("Background saving error");
    return BgsaveResult::Started;
  }
  log_notice("Background saving started by pid " + std::to_string(getpid()));
  return BgsaveResult::Started;
}

bool RdbPersistence::save() {
  if (host_.snapshot_running()) host_.finish_other_snapshot();
  ++saves_;
  const int64_t started_ms = host_.clock().now_ms;
  std::string error;
  std::unique_ptr<Snapshot> snapshot = make_snapshot(&error);
  if (snapshot == nullptr) return false;
  snapshot->step(-1);
  snapshot->writer().wait_done();
  if (snapshot->writer().state() != SnapshotFileWriter::State::Succeeded) {
    log_warning("Write error saving DB on disk: " + snapshot->writer().error());
    return false;
  }
  log_notice("DB saved on disk");
  host_.keyspace_stats().dirty = 0;
  note_save_success(started_ms);
  return true;
}

void RdbPersistence::note_save_success(int64_t) {
  const Clock now = Clock::current();
  lastsave_s_ = now.now_ms / 1000;
  last_bgsave_ok_ = true;
}

void RdbPersistence::abort_bgsave(const char* why) { Snapshot::abandon(snapshot_, why); }

void RdbPersistence::finish_bgsave() {
  SnapshotFileWriter& writer = snapshot_->writer();
  const Clock now = Clock::current();
  last_bgsave_duration_s_ = (now.now_ms - bgsave_started_ms_) / 1000;
  last_buffer_peak_ = snapshot_->peak_buffered_bytes();
  if (writer.state() == SnapshotFileWriter::State::Succeeded) {
    log_notice("DB saved on disk");
    log_notice("Background saving terminated with success");
    KeyspaceStats& stats = host_.keyspace_stats();
    stats.dirty = stats.dirty > dirty_at_start_ ? stats.dirty - dirty_at_start_ : 0;
    note_save_success(bgsave_started_ms_);
  } else {
    log_warning("Write error saving DB on disk: " + writer.error());
    log_warning("Background saving error");
    last_bgsave_ok_ = false;
  }
  const bool ok = writer.state() == SnapshotFileWriter::State::Succeeded;
  snapshot_.reset();
  host_.bgsave_finished(ok);
}

bool RdbPersistence::writes_refused() const {
  const Config& config = host_.config();
  return config.stop_writes_on_bgsave_error && !config.save_points.empty() && !last_bgsave_ok_;
}

bool RdbPersistence::busy() const {
  if (loader_ != nullptr) return true;
  return snapshot_ != nullptr && !snapshot_->walk_done() &&
         snapshot_->writer().pending_bytes() <= Snapshot::kSoftLimit;
}

void RdbPersistence::before_sleep() {
  if (loader_ != nullptr) load_slice();
  if (snapshot_ != nullptr) {
    if (!snapshot_->walk_done()) snapshot_->step(kWalkSliceUs);
    if (snapshot_->walk_done() && snapshot_->writer().state() != SnapshotFileWriter::State::Writing) finish_bgsave();
  }
}

void RdbPersistence::cron() {
  if (snapshot_ != nullptr) {
    if (snapshot_->walk_done() && snapshot_->writer().state() != SnapshotFileWriter::State::Writing) finish_bgsave();
    return;
  }
  if (loader_ != nullptr || host_.snapshot_running()) return;
  const int64_t now_s = host_.clock().now_ms / 1000;
  if (bgsave_scheduled_ && (now_s - last_bgsave_try_s_ > kBgsaveRetryDelaySeconds || last_bgsave_ok_)) {
    bgsave();
    return;
  }
  const uint64_t dirty = host_.keyspace_stats().dirty;
  for (const SavePoint& point : host_.config().save_points) {
    if (dirty >= static_cast<uint64_t>(point.changes) && now_s - lastsave_s_ > point.seconds &&
        (now_s - last_bgsave_try_s_ > kBgsaveRetryDelaySeconds || last_bgsave_ok_)) {
      log_notice(printf_string("%" PRId64 " changes in %" PRId64 " seconds. Saving...", point.changes, point.seconds));
      bgsave();
      break;
    }
  }
}

RdbLoadOptions rdb_load_options(PersistenceHost& host) {
  RdbLoadOptions options;
  options.limits = value_limits(host.config());
  options.now_ms = host.clock().now_ms;
  options.verify_checksum = host.config().rdbchecksum;
  options.access = host.access_policy();
  options.load_function = [&host](const std::string& code, bool replace) {
    return host.load_function_library(code, replace);
  };
  return options;
}

RdbLoadOptions RdbPersistence::load_options() const { return rdb_load_options(host_); }

std::optional<std::string> RdbPersistence::load_now(bool merge) {
  std::unique_ptr<FileInput> input = FileInput::open(path());
  if (input == nullptr) {
    std::string reason = "Fatal error loading the DB: " + std::string(std::strerror(errno));
    log_warning(reason);
    return reason;
  }
  const int64_t started_us = monotonic_us();
  RdbLoadOptions options = load_options();
  options.replace_existing = merge;
  RdbLoader loader(*input, host_.databases(), options, [](const std::string& line) { log_notice(line); });
  try {
    loader.begin();
    loader.step(-1);
  } catch (const RdbFormatError& e) {
    std::string reason = e.what();
    log_warning(reason);
    return reason;
  }
  finish_loading(loader.stats(), started_us);
  return std::nullopt;
}

void RdbPersistence::finish_loading(const RdbLoadStats& stats, int64_t started_us) {
  last_load_loaded_ = stats.keys_loaded;
  last_load_expired_ = stats.keys_expired;
  if (stats.empty_keys_skipped > 0) {
    log_notice(printf_string("Done loading RDB, keys loaded: %" PRIu64 ", keys expired: %" PRIu64
                             ", empty keys skipped: %" PRIu64 ".",
                             stats.keys_loaded, stats.keys_expired, stats.empty_keys_skipped));
  } else {
    log_notice(printf_string("Done loading RDB, keys loaded: %" PRIu64 ", keys expired: %" PRIu64 ".",
                             stats.keys_loaded, stats.keys_expired));
  }
  log_notice(printf_string("DB loaded from disk: %.3f seconds",
                           static_cast<double>(monotonic_us() - started_us) / 1e6));
}

std::optional<std::string> RdbPersistence::start_loading() {
  auto input = FileInput::open(path());
  if (input == nullptr) {
    if (errno == ENOENT) return std::nullopt;  // nothing saved yet
    return "Fatal error loading the DB: " + std::string(std::strerror(errno)) + ". Exiting.";
  }
  auto loading = std::make_unique<Loading>();
  loading->input = std::move(input);
  loading->loader = std::make_unique<RdbLoader>(*loading->input, host_.databases(), load_options(),
                                                [](const std::string& line) { log_notice(line); });
  loading->started_us = monotonic_us();
  loading->started_s = host_.clock().now_ms / 1000;
  try {
    loading->loader->begin();
  } catch (const RdbFormatError& e) {
    // What Redis logs, then its exit line (the reason travels in errno, EINVAL here).
    return std::string(e.what()) + "\nFatal error loading the DB: Invalid argument. Exiting.";
  }
  loader_ = std::move(loading);
  return std::nullopt;
}

std::string RdbPersistence::loading_failure(const RdbFormatError& e) const {
  const std::string what = e.what();
  if (what == kShortRead) return "Short read or OOM loading DB. Unrecoverable error, aborting now.";
  if (what.starts_with("Wrong RDB checksum") || what.starts_with("FATAL") || what.starts_with("RDB has duplicated")) {
    return what;
  }
  const uint64_t offset = loader_ != nullptr ? loader_->loader->bytes_read() : 0;
  return printf_string("Internal error in RDB reading offset %" PRIu64 ", function at rdb_loader -> %s", offset,
                       what.c_str());
}

void RdbPersistence::load_slice() {
  try {
    if (!loader_->loader->step(kLoadSliceUs)) return;
  } catch (const RdbFormatError& e) {
    host_.fatal(loading_failure(e) + "\nTerminating server after rdb file reading failure.");
    loader_.reset();
    return;
  }
  finish_loading(loader_->loader->stats(), loader_->started_us);
  loader_.reset();
}

void RdbPersistence::info(std::string& out, bool loading) const {
  const Clock now = Clock::current();
  const bool saving = snapshot_ != nullptr;
  char buf[256];
  out += "# Persistence\r\n";
  std::snprintf(buf, sizeof buf, "loading:%d\r\nasync_loading:0\r\n", loading ? 1 : 0);
  out += buf;
  // Corvid's snapshot has no copy-on-write: its extra memory is the serialized bytes
  // waiting for the writer, reported where Redis reports the fork's copy-on-write.
  const size_t buffered = saving ? snapshot_->buffered_bytes() : 0;
  const size_t peak = saving ? std::max(snapshot_->peak_buffered_bytes(), buffered) : 0;
  const double progress = saving && snapshot_->keys_total() > 0
                              ? 100.0 * static_cast<double>(std::min(snapshot_->keys_serialized(), snapshot_->keys_total())) /
                                    static_cast<double>(snapshot_->keys_total())
                              : 0.0;
  std::snprintf(buf, sizeof buf,
                "current_cow_peak:%zu\r\ncurrent_cow_size:%zu\r\ncurrent_cow_size_age:0\r\ncurrent_fork_perc:%.2f\r\n"
                "current_save_keys_processed:%" PRIu64 "\r\ncurrent_save_keys_total:%" PRIu64 "\r\n",
                peak, buffered, progress, saving ? snapshot_->keys_serialized() : 0,
                saving ? snapshot_->keys_total() : 0);
  out += buf;
  std::snprintf(buf, sizeof buf,
                "rdb_changes_since_last_save:%" PRIu64 "\r\nrdb_bgsave_in_progress:%d\r\nrdb_last_save_time:%" PRId64
                "\r\nrdb_last_bgsave_status:%s\r\nrdb_last_bgsave_time_sec:%" PRId64
                "\r\nrdb_current_bgsave_time_sec:%" PRId64 "\r\n",
                host_.keyspace_stats().dirty, saving ? 1 : 0, lastsave_s_, last_bgsave_ok_ ? "ok" : "err",
                last_bgsave_duration_s_, saving ? (now.now_ms - bgsave_started_ms_) / 1000 : int64_t{-1});
  out += buf;
  std::snprintf(buf, sizeof buf,
                "rdb_saves:%" PRIu64 "\r\nrdb_last_cow_size:%zu\r\nrdb_last_load_keys_expired:%" PRIu64
                "\r\nrdb_last_load_keys_loaded:%" PRIu64 "\r\n",
                saves_, last_buffer_peak_, last_load_expired_, last_load_loaded_);
  out += buf;
}

void RdbPersistence::loading_info(std::string& out) const {
  if (loader_ == nullptr) return;
  const Clock now = Clock::current();
  const uint64_t total = loader_->input->size();
  const uint64_t loaded = loader_->loader->bytes_read();
  const int64_t elapsed = now.now_ms / 1000 - loader_->started_s;
  // Redis's estimate: a fake second until a second has passed.
  const int64_t eta = elapsed <= 0 ? 1 : static_cast<int64_t>(static_cast<double>(elapsed) * static_cast<double>(total - loaded) /
                                                              static_cast<double>(loaded + 1));
  char buf[384];
  std::snprintf(buf, sizeof buf,
                "loading_start_time:%" PRId64 "\r\nloading_total_bytes:%" PRIu64 "\r\nloading_rdb_used_mem:%" PRIu64
                "\r\nloading_loaded_bytes:%" PRIu64 "\r\nloading_loaded_perc:%.2f\r\nloading_eta_seconds:%" PRId64
                "\r\n",
                loader_->started_s, total, loader_->loader->stats().used_mem, loaded,
                100.0 * static_cast<double>(loaded) / static_cast<double>(total + 1), eta);
  out += buf;
}

}  // namespace corvid
