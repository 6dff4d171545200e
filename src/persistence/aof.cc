#include "persistence/aof.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/monotonic.h"
#include "persistence/rdb_format.h"
#include "persistence/value_writer.h"
#include "server/log.h"

namespace corvid {

namespace {

constexpr int64_t kWalkSliceUs = 2000;
constexpr int64_t kLoadSliceUs = 50000;

uint64_t size_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

void fsync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

Aof::Aof(PersistenceHost& host) : host_(host) {
  fsync_thread_ = std::thread([this] { fsync_loop(); });
}

Aof::~Aof() {
  if (rewrite_) rewrite_->abort();
  {
    std::lock_guard lock(fsync_mutex_);
    fsync_stop_ = true;
    fsync_wake_.notify_one();
  }
  fsync_thread_.join();
  if (fsync_fd_ >= 0) ::close(fsync_fd_);
  if (fd_ >= 0) ::close(fd_);
}

std::string Aof::dir() const { return host_.config().appenddirname; }

std::string Aof::temp_incr_name() const { return "temp-" + host_.config().appendfilename + ".incr"; }

std::optional<AofManifest> Aof::read_manifest(std::string* error) const {
  const std::string name = path(AofManifest::manifest_name(host_.config().appendfilename));
  std::ifstream in(name, std::ios::binary);
  if (!in) {
    *error = "";
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  return AofManifest::parse(text.str(), error);
}

bool Aof::persist_manifest(const AofManifest& manifest, std::string* error) {
  const std::string name = path(AofManifest::manifest_name(host_.config().appendfilename));
  const std::string temp = path("temp-" + AofManifest::manifest_name(host_.config().appendfilename));
  const std::string text = manifest.serialize();
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0;
  if (ok) {
    size_t done = 0;
    while (ok && done < text.size()) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) done += static_cast<size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    ::close(fd);
  }
  ok = ok && ::rename(temp.c_str(), name.c_str()) == 0;
  if (!ok) {
    *error = std::strerror(errno);
    ::unlink(temp.c_str());
    log_warning("Can't persist the AOF manifest file " + AofManifest::manifest_name(host_.config().appendfilename) +
                ": " + *error);
    return false;
  }
  fsync_directory(dir());
  return true;
}

std::optional<std::string> Aof::start_loading() {
  const Config& config = host_.config();
  std::string error;
  std::optional<AofManifest> manifest = read_manifest(&error);
  if (!manifest && !error.empty()) {
    return "Invalid AOF manifest file format: " + error + "\nFatal error loading the DB from AOF. Exiting.";
  }
  if (!manifest) {
    // A Redis 6 style single AOF in `dir`: it becomes the base of a multi-part AOF.
    if (!exists(config.appendfilename)) return std::nullopt;
    ::mkdir(dir().c_str(), 0755);
    AofManifest upgraded;
    const bool rdb = file_starts_with_rdb_magic(config.appendfilename);
    upgraded.base = AofFile{AofManifest::base_name(config.appendfilename, 1, rdb), 1, AofFile::Kind::Base};
    if (::rename(config.appendfilename.c_str(), path(upgraded.base->name).c_str()) != 0 ||
        !persist_manifest(upgraded, &error)) {
      return "Can't upgrade the old-style AOF " + config.appendfilename + ": " + std::strerror(errno);
    }
    log_notice("Successfully migrated an old-style AOF into the AOF directory " + dir());
    manifest = upgraded;
  }
  manifest_ = *manifest;
  if (!manifest_.base && manifest_.incrs.empty()) return std::nullopt;
  loader_ = std::make_unique<AofLoader>(host_, dir(), manifest_);
  return std::nullopt;
}

bool Aof::open_incr(const std::string& name, std::string* error, bool truncate) {
  const int fd = ::open(path(name).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
  if (fd < 0) {
    *error = std::strerror(errno);
    return false;
  }
  if (fd_ >= 0) {
    // What the old file holds must be on disk before the manifest stops naming it.
    ::fdatasync(fd_);
    ::close(fd_);
  }
  fd_ = fd;
  selected_db_ = -1;
  return true;
}

std::optional<std::string> Aof::open_on_start() {
  const Config& config = host_.config();
  std::string error;
  if (!manifest_.incrs.empty()) {
    const std::string& name = manifest_.incrs.back().name;
    if (!open_incr(name, &error, false)) return "Can't open the append-only file " + name + ": " + error;
    log_notice("Opening AOF incr file " + name + " on server start");
  } else {
    if (::mkdir(dir().c_str(), 0755) != 0 && errno != EEXIST) {
      return "Can't open or create append-only dir " + dir() + ": " + std::strerror(errno);
    }
    if (!manifest_.base) {
      // No AOF yet: the dataset as it is now (empty unless something was loaded) is the base.
      const std::string base = AofManifest::base_name(config.appendfilename, 1, config.aof_use_rdb_preamble);
      auto snapshot = base_snapshot(base, "temp-rewriteaof-" + std::to_string(getpid()) + ".aof", nullptr, &error);
      if (!snapshot) return "Can't create the AOF base file " + base + ": " + error;
      snapshot->start();
      snapshot->step(-1);
      snapshot->writer().wait_done();
      if (snapshot->writer().state() != SnapshotFileWriter::State::Succeeded) {
        return "Can't create the AOF base file " + base + ": " + snapshot->writer().error();
      }
      log_notice("Creating AOF base file " + base + " on server start");
      manifest_.base = AofFile{base, 1, AofFile::Kind::Base};
    }
    const std::string incr = AofManifest::incr_name(config.appendfilename, manifest_.last_incr_seq() + 1);
    if (!open_incr(incr, &error, false)) return "Can't open the append-only file " + incr + ": " + error;
    manifest_.incrs.push_back(AofFile{incr, manifest_.last_incr_seq() + 1, AofFile::Kind::Incr});
    if (!persist_manifest(manifest_, &error)) return "Can't persist the AOF manifest: " + error;
    log_notice("Creating AOF incr file " + incr + " on server start");
  }
  base_size_ = manifest_.base ? size_of(path(manifest_.base->name)) : 0;
  current_size_ = sizes_of(manifest_);
  state_ = State::On;
  return std::nullopt;
}

std::unique_ptr<Snapshot> Aof::base_snapshot(const std::string& base, const std::string& temp_name,
                                             std::function<void()> on_progress, std::string* error) {
  const Config& config = host_.config();
  const bool preamble = config.aof_use_rdb_preamble;
  SnapshotFileOptions file;
  file.path = path(base);
  file.temp_path = temp_name;
  file.compress = config.rdbcompression;
  file.checksum = config.rdbchecksum;
  file.trailer = preamble;
  file.incremental_fsync = config.aof_rewrite_incremental_fsync;
  auto writer = SnapshotFileWriter::open(file, std::move(on_progress), error);
  if (!writer) return nullptr;
  SnapshotOptions options;
  options.format = preamble ? SnapshotOptions::Format::Rdb : SnapshotOptions::Format::Commands;
  options.header.ctime_s = host_.clock().now_ms / 1000;
  options.header.used_mem = host_.used_memory();
  options.header.aof_base = true;
  options.header.repl_id = host_.replication_id();
  options.function_libraries = host_.function_libraries();
  options.policy = host_.access_policy();
  options.now_s = host_.clock().seconds();
  return std::make_unique<Snapshot>(host_.databases(), options, std::move(writer));
}

uint64_t Aof::sizes_of(const AofManifest& m) const {
  uint64_t total = m.base ? size_of(path(m.base->name)) : 0;
  for (const AofFile& f : m.incrs) total += size_of(path(f.name));
  return total;
}

bool Aof::turn_on(std::string* error) {
  if (state_ != State::Off) return true;
  if (::mkdir(dir().c_str(), 0755) != 0 && errno != EEXIST) {
    *error = std::strerror(errno);
    return false;
  }
  std::string manifest_error;
  std::optional<AofManifest> existing = read_manifest(&manifest_error);
  manifest_ = existing ? *existing : AofManifest{};
  state_ = State::WaitRewrite;
  // Until the rewrite has made a base, writes go to a temporary incremental file that no
  // manifest names: a crash meanwhile leaves the previous AOF (if any) as it was.
  if (!open_incr(temp_incr_name(), error, /*truncate=*/true)) {
    state_ = State::Off;
    return false;
  }
  if (host_.snapshot_running()) {
    rewrite_scheduled_ = true;
    log_notice("AOF was enabled but there is already another background operation. An AOF background was "
               "scheduled to start when possible.");
    return true;
  }
  if (!start_rewrite(error)) {
    state_ = State::Off;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(path(temp_incr_name()).c_str());
    log_warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above "
                "logs for more info about the error.");
    return false;
  }
  return true;
}

void Aof::turn_off() {
  if (state_ == State::Off) return;
  flush_and_sync();
  abort_rewrite("Killing running AOF rewrite child");
  rewrite_scheduled_ = false;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (state_ == State::WaitRewrite) ::unlink(path(temp_incr_name()).c_str());
  state_ = State::Off;
}

Aof::RewriteResult Aof::bgrewrite() {
  if (rewrite_) return RewriteResult::AlreadyRunning;
  if (host_.snapshot_running()) {
    rewrite_scheduled_ = true;
    return RewriteResult::Scheduled;
  }
  std::string error;
  return start_rewrite(&error) ? RewriteResult::Started : RewriteResult::Failed;
}

bool Aof::start_rewrite(std::string* error) {
  const Config& config = host_.config();
  rewrite_scheduled_ = false;
  if (::mkdir(dir().c_str(), 0755) != 0 && errno != EEXIST) {
    *error = std::strerror(errno);
    return false;
  }
  // Everything so far belongs before the snapshot point: into the current file.
  write_buffer();
  // The writes from the snapshot point on go to a file the rewrite keeps: a new
  // incremental file named in the manifest at once when the AOF is on, the temporary one
  // turn_on opened while it is turning on, none while it is off.
  if (state_ == State::On) {
    const int64_t incr_seq = manifest_.last_incr_seq() + 1;
    const std::string incr = AofManifest::incr_name(config.appendfilename, incr_seq);
    if (!open_incr(incr, error, false)) {
      log_warning("Can't open the append-only file " + incr + ": " + *error);
      return false;
    }
    manifest_.incrs.push_back(AofFile{incr, incr_seq, AofFile::Kind::Incr});
    rewrite_first_incr_seq_ = incr_seq;
    log_notice("Creating AOF incr file " + incr + " on background rewrite");
  } else if (state_ == State::WaitRewrite) {
    log_notice("Creating AOF incr file " + temp_incr_name() + " on background rewrite");
  }
  if (state_ == State::On && !persist_manifest(manifest_, error)) return false;
  rewrite_base_ = AofManifest::base_name(config.appendfilename, manifest_.base_seq() + 1, config.aof_use_rdb_preamble);
  rewrite_ = base_snapshot(rewrite_base_, "temp-rewriteaof-bg-" + std::to_string(getpid()) + ".aof",
                           [this] { host_.wake_loop(); }, error);
  if (!rewrite_) {
    log_warning("Can't rewrite append only file in background: " + *error);
    last_rewrite_ok_ = false;
    ++rewrite_failures_in_a_row_;
    return false;
  }
  rewrite_->start();
  rewrite_started_ms_ = host_.clock().now_ms;
  ++rewrites_;
  log_notice("Background append only file rewriting started by pid " + std::to_string(getpid()));
  return true;
}

void Aof::finish_rewrite_now() {
  if (!rewrite_) return;
  rewrite_->step(-1);
  rewrite_->writer().wait_done();
  finish_rewrite();
}

void Aof::abort_rewrite(const char* why) { Snapshot::abandon(rewrite_, why); }

void Aof::finish_rewrite() {
  SnapshotFileWriter& writer = rewrite_->writer();
  const Clock now = Clock::current();
  last_rewrite_duration_s_ = (now.now_ms - rewrite_started_ms_) / 1000;
  last_rewrite_buffer_peak_ = rewrite_->peak_buffered_bytes();
  const bool ok = writer.state() == SnapshotFileWriter::State::Succeeded;
  const std::string error = writer.error();
  rewrite_.reset();
  if (!ok) {
    log_warning("Background AOF rewrite terminated with error: " + error);
    last_rewrite_ok_ = false;
    ++rewrite_failures_in_a_row_;
    if (state_ == State::WaitRewrite) rewrite_scheduled_ = true;
    return;
  }
  log_notice("Background AOF rewrite terminated with success");
  AofManifest next;
  next.base = AofFile{rewrite_base_, manifest_.base_seq() + 1, AofFile::Kind::Base};
  next.history = manifest_.history;
  if (manifest_.base) next.history.push_back(AofFile{manifest_.base->name, manifest_.base->seq, AofFile::Kind::History});
  for (const AofFile& f : manifest_.incrs) {
    if (state_ == State::On && f.seq >= rewrite_first_incr_seq_) {
      next.incrs.push_back(f);
    } else {
      next.history.push_back(AofFile{f.name, f.seq, AofFile::Kind::History});
    }
  }
  if (state_ == State::WaitRewrite) {
    // The temporary incremental file becomes the first of the new AOF.
    const int64_t seq = manifest_.last_incr_seq() + 1;
    const std::string incr = AofManifest::incr_name(host_.config().appendfilename, seq);
    write_buffer();
    if (::rename(path(temp_incr_name()).c_str(), path(incr).c_str()) != 0) {
      log_warning("Error trying to rename the temporary AOF incr file " + temp_incr_name() + " into " + incr + ": " +
                  std::strerror(errno));
      last_rewrite_ok_ = false;
      ++rewrite_failures_in_a_row_;
      rewrite_scheduled_ = true;
      ::unlink(path(rewrite_base_).c_str());
      return;
    }
    log_notice("Successfully renamed the temporary AOF incr file " + temp_incr_name() + " into " + incr);
    next.incrs.push_back(AofFile{incr, seq, AofFile::Kind::Incr});
  }
  std::string manifest_error;
  if (!persist_manifest(next, &manifest_error)) {
    // The old manifest still names every file that holds data: nothing is lost.
    log_warning("Background AOF rewrite finished but the manifest could not be written: " + manifest_error);
    last_rewrite_ok_ = false;
    ++rewrite_failures_in_a_row_;
    ::unlink(path(rewrite_base_).c_str());
    return;
  }
  log_notice("Successfully renamed the temporary AOF base file into " + rewrite_base_);
  manifest_ = next;
  rewrite_first_incr_seq_ = 0;
  if (!host_.config().aof_disable_auto_gc) delete_history();
  base_size_ = size_of(path(manifest_.base->name));
  current_size_ = sizes_of(manifest_);
  last_rewrite_ok_ = true;
  rewrite_failures_in_a_row_ = 0;
  if (state_ == State::WaitRewrite) state_ = State::On;
  log_notice("Background AOF rewrite finished successfully");
}

void Aof::delete_history() {
  if (manifest_.history.empty()) return;
  for (const AofFile& f : manifest_.history) {
    log_notice("Removing the history file " + f.name + " in the background");
    ::unlink(path(f.name).c_str());
  }
  manifest_.history.clear();
  std::string error;
  persist_manifest(manifest_, &error);
}

void Aof::propagate(int db, std::string_view resp, uint8_t targets) {
  if (state_ == State::Off || (targets & kToAof) == 0) return;
  if (host_.config().aof_timestamp_enabled) {
    const int64_t now_s = host_.clock().now_ms / 1000;
    if (now_s > last_timestamp_s_) {
      buffer_ += "#TS:" + std::to_string(now_s) + "\r\n";
      last_timestamp_s_ = now_s;
    }
  }
  if (db != selected_db_) {
    const std::string index = std::to_string(db);
    buffer_ += "*2\r\n$6\r\nSELECT\r\n$" + std::to_string(index.size()) + "\r\n" + index + "\r\n";
    selected_db_ = db;
  }
  buffer_.append(resp);
}

void Aof::write_buffer() {
  if (buffer_.empty() || fd_ < 0) return;
  const off_t before = ::lseek(fd_, 0, SEEK_END);
  size_t done = 0;
  int error = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : ENOSPC;
      break;
    }
    done += static_cast<size_t>(n);
  }
  const std::string& policy = host_.config().appendfsync;
  if (error != 0) {
    if (policy == "always") {
      host_.fatal("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      return;
    }
    // Take back a partial write, so that the file ends with a whole command, and retry
    // the whole buffer on the next turn.
    if (done > 0 && before >= 0 && ::ftruncate(fd_, before) != 0) buffer_.erase(0, done);
    if (last_write_ok_) log_warning(std::string("Error writing to the AOF file: ") + std::strerror(error));
    last_write_ok_ = false;
    last_write_error_ = std::strerror(error);
    return;
  }
  if (!last_write_ok_) log_warning("AOF write error looks solved, Redis can write again.");
  last_write_ok_ = true;
  current_size_ += buffer_.size();
  buffer_.clear();
  if (buffer_.capacity() > (1 << 20)) buffer_.shrink_to_fit();
  const bool skip = host_.config().no_appendfsync_on_rewrite && host_.snapshot_running();
  if (policy == "always" && !skip) {
    if (::fdatasync(fd_) != 0) {
      host_.fatal(std::string("Can't persist AOF for fsync error when the AOF fsync policy is 'always': ") +
                  std::strerror(errno) + ". Exiting...");
      return;
    }
    last_fsync_ms_ = host_.clock().now_ms;
  } else {
    unsynced_ = true;
  }
}

void Aof::request_fsync() {
  std::lock_guard lock(fsync_mutex_);
  if (fsync_fd_ >= 0 || fd_ < 0) return;
  fsync_fd_ = ::dup(fd_);
  fsync_running_ = true;
  unsynced_ = false;
  last_fsync_ms_ = host_.clock().now_ms;
  fsync_wake_.notify_one();
}

void Aof::fsync_loop() {
  for (;;) {
    int fd;
    {
      std::unique_lock lock(fsync_mutex_);
      fsync_wake_.wait(lock, [this] { return fsync_stop_ || fsync_fd_ >= 0; });
      if (fsync_fd_ < 0) return;
      fd = fsync_fd_;
    }
    ::fdatasync(fd);
    ::close(fd);
    std::lock_guard lock(fsync_mutex_);
    fsync_fd_ = -1;
    fsync_running_ = false;
    if (fsync_stop_) return;
  }
}

void Aof::before_sleep() {
  if (loader_) {
    try {
      if (!loader_->step(kLoadSliceUs)) return;
    } catch (const RdbFormatError& e) {
      loader_.reset();
      host_.fatal(e.what());
      return;
    }
    loader_.reset();
    if (auto error = open_on_start()) host_.fatal(*error);
    return;
  }
  if (state_ != State::Off) write_buffer();
  if (rewrite_) {
    if (!rewrite_->walk_done()) rewrite_->step(kWalkSliceUs);
    if (rewrite_->walk_done() && rewrite_->writer().state() != SnapshotFileWriter::State::Writing) finish_rewrite();
  }
}

bool Aof::busy() const {
  if (loader_) return true;
  return rewrite_ && !rewrite_->walk_done() && rewrite_->writer().pending_bytes() <= Snapshot::kSoftLimit;
}

void Aof::cron() {
  if (state_ == State::Off && !rewrite_) return;
  const Config& config = host_.config();
  if (rewrite_ && rewrite_->walk_done() && rewrite_->writer().state() != SnapshotFileWriter::State::Writing) {
    finish_rewrite();
  }
  if (config.appendfsync == "everysec" && unsynced_ && host_.clock().now_ms - last_fsync_ms_ >= 1000 &&
      !(config.no_appendfsync_on_rewrite && host_.snapshot_running())) {
    if (fsync_running_) {
      ++delayed_fsyncs_;
    } else {
      request_fsync();
    }
  }
  if (rewrite_scheduled_ && !rewrite_ && !host_.snapshot_running()) {
    std::string error;
    start_rewrite(&error);
    return;
  }
  if (state_ == State::On && !rewrite_ && !host_.snapshot_running() && config.auto_aof_rewrite_percentage > 0 &&
      current_size_ > config.auto_aof_rewrite_min_size) {
    const uint64_t base = base_size_ > 0 ? base_size_ : 1;
    const int64_t growth = static_cast<int64_t>(current_size_ * 100 / base) - 100;
    if (growth >= config.auto_aof_rewrite_percentage) {
      log_notice("Starting automatic rewriting of AOF on " + std::to_string(growth) + "% growth");
      std::string error;
      start_rewrite(&error);
    }
  }
}

void Aof::flush_and_sync() {
  if (state_ == State::Off || fd_ < 0) return;
  write_buffer();
  log_notice("Calling fsync() on the AOF file.");
  ::fdatasync(fd_);
}

std::optional<std::string> Aof::reload() {
  flush_and_sync();
  for (Database* db : host_.databases()) db->detach_all()->dispose();
  host_.flush_function_libraries();
  std::string error;
  std::optional<AofManifest> manifest = read_manifest(&error);
  if (!manifest) return error.empty() ? "no AOF manifest" : error;
  AofLoader loader(host_, dir(), *manifest);
  try {
    loader.step(-1);
  } catch (const RdbFormatError& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

std::optional<std::string> Aof::write_error() const {
  if (state_ == State::Off || last_write_ok_) return std::nullopt;
  return last_write_error_;
}

void Aof::info(std::string& out) const {
  const Clock now = Clock::current();
  char buf[1024];
  std::snprintf(buf, sizeof buf,
                "aof_enabled:%d\r\naof_rewrite_in_progress:%d\r\naof_rewrite_scheduled:%d\r\n"
                "aof_last_rewrite_time_sec:%" PRId64 "\r\naof_current_rewrite_time_sec:%" PRId64
                "\r\naof_last_bgrewrite_status:%s\r\naof_rewrites:%" PRIu64 "\r\naof_rewrites_consecutive_failures:%" PRIu64
                "\r\naof_last_write_status:%s\r\naof_last_cow_size:%zu\r\n",
                state_ != State::Off ? 1 : 0, rewrite_ ? 1 : 0, rewrite_scheduled_ ? 1 : 0, last_rewrite_duration_s_,
                rewrite_ ? (now.now_ms - rewrite_started_ms_) / 1000 : int64_t{-1}, last_rewrite_ok_ ? "ok" : "err",
                rewrites_, rewrite_failures_in_a_row_, last_write_ok_ ? "ok" : "err", last_rewrite_buffer_peak_);
  out += buf;
  out += "module_fork_in_progress:0\r\nmodule_fork_last_cow_size:0\r\n";
  if (state_ == State::Off) return;
  std::snprintf(buf, sizeof buf,
                "aof_current_size:%" PRIu64 "\r\naof_base_size:%" PRIu64 "\r\naof_pending_rewrite:%d\r\n"
                "aof_buffer_length:%zu\r\naof_pending_bio_fsync:%d\r\naof_delayed_fsync:%" PRIu64 "\r\n",
                current_size_ + buffer_.size(), base_size_, rewrite_scheduled_ ? 1 : 0, buffer_.size(),
                fsync_running_ ? 1 : 0, delayed_fsyncs_);
  out += buf;
}

void Aof::loading_info(std::string& out) const {
  if (!loader_) return;
  const Clock now = Clock::current();
  const uint64_t total = loader_->bytes_total();
  const uint64_t loaded = loader_->bytes_loaded();
  const int64_t elapsed = now.now_ms / 1000 - loader_->started_s();
  const int64_t eta = elapsed <= 0 ? 1
                                   : static_cast<int64_t>(static_cast<double>(elapsed) *
                                                          static_cast<double>(total - std::min(total, loaded)) /
                                                          static_cast<double>(loaded + 1));
  char buf[384];
  std::snprintf(buf, sizeof buf,
                "loading_start_time:%" PRId64 "\r\nloading_total_bytes:%" PRIu64 "\r\nloading_rdb_used_mem:%" PRIu64
                "\r\nloading_loaded_bytes:%" PRIu64 "\r\nloading_loaded_perc:%.2f\r\nloading_eta_seconds:%" PRId64
                "\r\n",
                loader_->started_s(), total, loader_->rdb_used_mem(), loaded,
                100.0 * static_cast<double>(loaded) / static_cast<double>(total + 1), eta);
  out += buf;
}

}  // namespace corvid
