#pragma once
// RDB persistence as the server runs it: SAVE and BGSAVE (one in-process snapshot at a
// time), save points, the MISCONF rule after a failed save, loading the dump at start-up
// (in slices, answering LOADING meanwhile), the final save at shutdown, and the figures
// INFO persistence reports. The mechanisms are elsewhere in persistence/ (Snapshot,
// SnapshotFileWriter, RdbLoader); this decides when they run.
//
// It talks to the server through Host and to the keyspace only through the Database API.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "db/clock.h"
#include "db/database.h"
#include "db/key_access.h"
#include "persistence/host.h"
#include "persistence/rdb_loader.h"
#include "persistence/snapshot.h"
#include "server/config.h"

namespace corvid {

// How an RDB stream is loaded into the host's dataset (limits, clock, checksum, access
// hints, function libraries): startup, DEBUG RELOAD and an AOF's RDB base.
RdbLoadOptions rdb_load_options(PersistenceHost& host);

class RdbPersistence {
 public:
  using Host = PersistenceHost;

  explicit RdbPersistence(Host& host);
  ~RdbPersistence();
  RdbPersistence(const RdbPersistence&) = delete;
  RdbPersistence& operator=(const RdbPersistence&) = delete;

  // --- saving
  enum class BgsaveResult { Started, AlreadyRunning, OtherSnapshotRunning };
  // BGSAVE SCHEDULE while an AOF rewrite runs: BGSAVE as soon as it ends.
  void schedule_bgsave() { bgsave_scheduled_ = true; }
  // BGSAVE: starts a snapshot of the dataset as it is now. A file that cannot be created
  // fails the save (logged, status err) but, as in Redis, the reply was already "started".
  BgsaveResult bgsave();
  bool bgsave_in_progress() const { return snapshot_ != nullptr; }
  // SAVE: the same snapshot, walked and written to the end before returning.
  bool save();
  // Stops a running BGSAVE and deletes its temporary file (FLUSHALL, SHUTDOWN).
  void abort_bgsave(const char* why);
  int64_t lastsave() const { return lastsave_s_; }
  // stop-writes-on-bgsave-error: writes (and PING) are refused with MISCONF.
  bool writes_refused() const;

  // --- the event loop's calls
  // Before each sleep: walks the snapshot for a slice, or loads a slice of the dump.
  void before_sleep();
  // Whether there is walking or loading to do right away (the loop must not sleep).
  bool busy() const;
  // From the cron: save points, a finished writer's outcome.
  void cron();

  // --- loading
  // At start-up: if the dump file exists, starts loading it. Returns an error (the
  // reason, logged by the caller before exiting) when the file is unreadable.
  std::optional<std::string> start_loading();
  bool loading() const { return loader_ != nullptr; }
  // Loads the dump file to the end now (DEBUG RELOAD); `merge` lets loaded keys replace
  // keys in memory. Returns the reason on failure (logged here).
  std::optional<std::string> load_now(bool merge);
  // Keys loaded at start-up or by DEBUG RELOAD, for INFO.
  uint64_t last_load_keys_loaded() const { return last_load_loaded_; }
  uint64_t last_load_keys_expired() const { return last_load_expired_; }

  // INFO persistence: the RDB fields, and the loading_* fields that end the section
  // while loading.
  void info(std::string& out, bool loading) const;
  void loading_info(std::string& out) const;

 private:
  struct Loading;

  std::unique_ptr<Snapshot> make_snapshot(std::string* error);
  void finish_bgsave();
  void note_save_success(int64_t started_ms);
  RdbLoadOptions load_options() const;
  void finish_loading(const RdbLoadStats& stats, int64_t started_us);
  void load_slice();
  std::string loading_failure(const RdbFormatError& e) const;
  std::string path() const;

  Host& host_;
  std::unique_ptr<Snapshot> snapshot_;
  int64_t bgsave_started_ms_ = 0;
  uint64_t dirty_at_start_ = 0;
  int64_t lastsave_s_ = 0;
  int64_t last_bgsave_try_s_ = 0;
  bool last_bgsave_ok_ = true;
  int64_t last_bgsave_duration_s_ = -1;
  uint64_t saves_ = 0;
  size_t last_buffer_peak_ = 0;
  bool bgsave_scheduled_ = false;
  std::unique_ptr<Loading> loader_;
  uint64_t last_load_loaded_ = 0;
  uint64_t last_load_expired_ = 0;
};

}  // namespace corvid
