#pragma once
// What the persistence subsystem (RDB and AOF) needs from the server that owns it: the
// databases, function libraries and settings, the clock, a way to wake the event loop from the writer threads,
// to stop the server when its data cannot be loaded, and to replay an AOF's commands.
// Persistence reaches the keyspace only through the Database API and this interface.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/clock.h"
#include "db/database.h"
#include "db/key_access.h"
#include "server/config.h"

namespace corvid {

class PersistenceHost {
 public:
  virtual std::vector<Database*> databases() = 0;
  virtual const Config& config() const = 0;
  virtual const Clock& clock() const = 0;
  virtual const AccessPolicy& access_policy() const = 0;
  virtual KeyspaceStats& keyspace_stats() = 0;
  virtual uint64_t used_memory() const = 0;
  virtual std::string replication_id() const = 0;
  // Safe from any thread: writer threads call it when they made progress or finished.
  virtual void wake_loop() = 0;
  // The data cannot be loaded (or written, under appendfsync always): log `message` and
  // exit with status 1, saving nothing.
  virtual void fatal(const std::string& message) = 0;
  // A BGSAVE ended (replicas waiting for its file hear of it).
  virtual void bgsave_finished(bool ok) = 0;
  // Only one point-in-time snapshot runs at a time (BGSAVE or an AOF rewrite).
  virtual bool snapshot_running() const = 0;
  // SAVE while an AOF rewrite runs: drive that snapshot to its end first.
  virtual void finish_other_snapshot() = 0;
  // Runs one command read from an AOF; returns the error reply, if it was one, or "unknown
  // command" for a name the server does not know.
  virtual std::optional<std::string> replay(std::span<const std::string_view> argv) = 0;
  // The function libraries (each one's code, as FUNCTION LOAD got it), saved with the
  // dataset.
  virtual std::vector<std::string> function_libraries() const = 0;
  // A library read from an RDB stream; `replace`: one of the same name goes (DEBUG RELOAD
  // MERGE). The reason when it cannot be loaded.
  virtual std::optional<std::string> load_function_library(const std::string& code, bool replace) = 0;
  // Every library goes (the dataset is about to be loaded afresh).
  virtual void flush_function_libraries() = 0;

 protected:
  ~PersistenceHost() = default;
};

}  // namespace corvid
