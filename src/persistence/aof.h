#pragma once
// The append-only file, Redis 7's multi-part layout: in appenddirname, a manifest naming
// one base file (an RDB preamble, or commands) and the incremental files written since,
// which hold every change the propagation stream carries, as commands.
//
// Writing: the stream's operations collect in a buffer (a SELECT before any operation in
// another database, "#TS:" annotations with aof-timestamp-enabled) and are written once
// per event-loop turn, before replies go out. appendfsync always fsyncs there too, so no
// client hears of a write before it is on disk; everysec fsyncs on a background thread
// once a second; no leaves it to the kernel.
//
// Rewriting (BGREWRITEAOF, auto-aof-rewrite-*, CONFIG SET appendonly yes): a new
// incremental file is opened and named in the manifest at once, a point-in-time snapshot
// (persistence/snapshot.h) writes the new base from that same moment, and when it is
// complete the manifest names the new base and the new incremental files; the older ones
// become history and are deleted. A crash at any point leaves a manifest whose files hold
// every acknowledged write.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "persistence/aof_loader.h"
#include "persistence/aof_manifest.h"
#include "persistence/host.h"
#include "persistence/snapshot.h"
#include "replication/propagation.h"

namespace corvid {

class Aof final : public PropagationSink {
 public:
  explicit Aof(PersistenceHost& host);
  ~Aof();
  Aof(const Aof&) = delete;
  Aof& operator=(const Aof&) = delete;

  // --- start-up (appendonly yes)
  // Starts loading the AOF if one exists; an error is the lines to log before exiting.
  std::optional<std::string> start_loading();
  bool loading() const { return loader_ != nullptr; }
  // After loading: opens the last incremental file for appending, or creates the base, the
  // first incremental file and the manifest when there is no AOF yet. Returns an error to
  // exit with.
  std::optional<std::string> open_on_start();

  // --- CONFIG SET appendonly
  // Turns the AOF on: a rewrite makes the base from the dataset as it is (scheduled if a
  // snapshot is running). False with `*error` if it cannot start.
  bool turn_on(std::string* error);
  void turn_off();
  bool on() const { return state_ != State::Off; }

  // --- rewriting
  enum class RewriteResult { Started, Scheduled, AlreadyRunning, Failed };
  RewriteResult bgrewrite();
  bool rewrite_in_progress() const { return rewrite_ != nullptr; }
  // Drives a running rewrite to its end now (SAVE needs the snapshot machinery).
  void finish_rewrite_now();
  void abort_rewrite(const char* why);

  // --- the event loop's calls
  void before_sleep();  // before replies are written
  void cron();
  bool busy() const;
  // SHUTDOWN: everything written and fsynced.
  void flush_and_sync();
  // DEBUG LOADAOF: flush, empty the dataset, load the AOF to the end. Error text on failure.
  std::optional<std::string> reload();

  // A write error with appendfsync always stops the server; otherwise writes get MISCONF
  // (the error text) until a write succeeds again.
  std::optional<std::string> write_error() const;

  void propagate(int db, std::string_view resp, uint8_t targets) override;

  void info(std::string& out) const;
  void loading_info(std::string& out) const;

 private:
  enum class State { Off, On, WaitRewrite };
  std::string dir() const;
  std::string path(const std::string& name) const { return dir() + "/" + name; }
  std::optional<AofManifest> read_manifest(std::string* error) const;
  bool persist_manifest(const AofManifest& manifest, std::string* error);
  bool open_incr(const std::string& name, std::string* error, bool truncate);
  std::string temp_incr_name() const;
  bool start_rewrite(std::string* error);
  void finish_rewrite();
  void delete_history();
  void write_buffer();
  void request_fsync();
  void fsync_loop();
  uint64_t sizes_of(const AofManifest& m) const;
  // A snapshot that writes base file `base` (RDB or commands, per aof-use-rdb-preamble)
  // through temp file `temp_name`; null with `*error` if the file cannot be created.
  std::unique_ptr<Snapshot> base_snapshot(const std::string& base, const std::string& temp_name,
                                          std::function<void()> on_progress, std::string* error);

  PersistenceHost& host_;
  State state_ = State::Off;
  AofManifest manifest_;
  int fd_ = -1;
  int selected_db_ = -1;
  int64_t last_timestamp_s_ = 0;
  std::string buffer_;
  uint64_t current_size_ = 0;
  uint64_t base_size_ = 0;
  bool last_write_ok_ = true;
  std::string last_write_error_;

  // Rewrite
  std::unique_ptr<Snapshot> rewrite_;
  std::string rewrite_base_;
  int64_t rewrite_started_ms_ = 0;
  int64_t rewrite_first_incr_seq_ = 0;
  bool rewrite_scheduled_ = false;
  bool last_rewrite_ok_ = true;
  int64_t last_rewrite_duration_s_ = -1;
  uint64_t rewrites_ = 0;
  uint64_t rewrite_failures_in_a_row_ = 0;
  size_t last_rewrite_buffer_peak_ = 0;

  std::unique_ptr<AofLoader> loader_;

  // everysec: a thread fsyncs the file handed to it.
  std::thread fsync_thread_;
  std::mutex fsync_mutex_;
  std::condition_variable fsync_wake_;
  int fsync_fd_ = -1;  // a dup of fd_ to fsync, -1 when nothing is asked
  bool fsync_stop_ = false;
  std::atomic<bool> fsync_running_{false};
  int64_t last_fsync_ms_ = 0;
  bool unsynced_ = false;
  uint64_t delayed_fsyncs_ = 0;
};

}  // namespace corvid
