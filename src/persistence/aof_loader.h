#pragma once
// Loads a multi-part AOF at start-up (and for DEBUG LOADAOF): the base file (an RDB
// preamble, possibly followed by commands, or commands alone), then every incremental file
// in the manifest's order, replaying commands through the host. In slices, like the RDB
// loader, so that the server answers LOADING meanwhile.
//
// A last file cut short inside a command (or inside MULTI ... EXEC) is truncated back to
// its last complete command when aof-load-truncated allows it, as Redis does; anywhere
// else a broken file stops the start-up with Redis's message.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "persistence/aof_manifest.h"
#include "persistence/aof_reader.h"
#include "persistence/host.h"
#include "persistence/rdb_loader.h"

namespace corvid {

class AofLoader {
 public:
  // `directory` holds the files the manifest names.
  AofLoader(PersistenceHost& host, std::string directory, AofManifest manifest);
  ~AofLoader();

  // Loads for about `budget_us` (negative: to the end). True when everything is loaded;
  // throws RdbFormatError with the lines to log (and then exit) when something is broken.
  bool step(int64_t budget_us);
  uint64_t bytes_total() const { return bytes_total_; }
  uint64_t bytes_loaded() const;
  uint64_t keys_loaded_from_base() const { return base_keys_; }
  int64_t started_s() const { return started_s_; }
  uint64_t rdb_used_mem() const { return rdb_used_mem_; }

 private:
  struct File {
    std::string name;
    bool base;
  };
  bool open_next();
  void finish_file();
  bool replay_commands(int64_t deadline_us, bool to_the_end);
  // The last file ended inside a command or a MULTI block: cut it back, or refuse.
  void truncated();

  PersistenceHost& host_;
  std::string directory_;
  std::vector<File> files_;
  size_t index_ = 0;
  bool opened_ = false;
  std::unique_ptr<FileInput> rdb_input_;
  std::unique_ptr<RdbLoader> rdb_loader_;
  std::unique_ptr<AofCommandReader> commands_;
  std::vector<std::vector<std::string>> multi_;  // queued between MULTI and EXEC
  bool in_multi_ = false;
  uint64_t multi_offset_ = 0;
  uint64_t file_size_ = 0;
  uint64_t bytes_done_ = 0;  // of the files before the current one
  uint64_t bytes_total_ = 0;
  uint64_t base_keys_ = 0;
  uint64_t rdb_used_mem_ = 0;
  int64_t file_started_us_ = 0;
  int64_t started_us_ = 0;
  int64_t started_s_ = 0;
};

}  // namespace corvid
