#include "persistence/aof_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "core/monotonic.h"
#include "persistence/rdb_persistence.h"
#include "server/log.h"

namespace corvid {

namespace {

// Redis's words for a file that is damaged somewhere other than at its very end.
RdbFormatError bad_format(const std::string& file) {
  return RdbFormatError("Bad file format reading the append only file " + file +
                        ": make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>");
}

uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

std::string seconds_text(int64_t us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(us) / 1e6);
  return buf;
}

}  // namespace

AofLoader::AofLoader(PersistenceHost& host, std::string directory, AofManifest manifest)
    : host_(host), directory_(std::move(directory)) {
  if (manifest.base) files_.push_back({manifest.base->name, true});
  for (const AofFile& f : manifest.incrs) files_.push_back({f.name, false});
  for (const File& f : files_) bytes_total_ += file_size(directory_ + "/" + f.name);
  started_us_ = monotonic_us();
  started_s_ = host_.clock().now_ms / 1000;
}

AofLoader::~AofLoader() = default;

uint64_t AofLoader::bytes_loaded() const {
  uint64_t in_file = 0;
  if (rdb_loader_) in_file = rdb_loader_->bytes_read();
  return bytes_done_ + in_file;
}

bool AofLoader::open_next() {
  const File& file = files_[index_];
  const std::string path = directory_ + "/" + file.name;
  file_size_ = file_size(path);
  file_started_us_ = monotonic_us();
  opened_ = true;
  if (file.base && file_starts_with_rdb_magic(path)) {
    log_notice("Reading RDB base file on AOF loading...");
    rdb_input_ = FileInput::open(path);
    if (!rdb_input_) throw RdbFormatError("Fatal error: can't open the append log file " + file.name + " for reading: " + std::strerror(errno));
    RdbLoadOptions options = rdb_load_options(host_);
    options.skip_expired = false;  // an AOF base keeps expired keys; they expire as usual
    rdb_loader_ = std::make_unique<RdbLoader>(*rdb_input_, host_.databases(), options,
                                              [](const std::string& line) { log_notice(line); });
    rdb_loader_->begin();
    return true;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw RdbFormatError("Fatal error: can't open the append log file " + file.name + " for reading: " +
                         std::strerror(errno));
  }
  commands_ = std::make_unique<AofCommandReader>(fd, 0);
  return true;
}

void AofLoader::finish_file() {
  const File& file = files_[index_];
  log_notice("DB loaded from " + std::string(file.base ? "base" : "incr") + " file " + file.name + ": " +
             seconds_text(monotonic_us() - file_started_us_) + " seconds");
  bytes_done_ += file_size_;
  rdb_loader_.reset();
  rdb_input_.reset();
  commands_.reset();
  opened_ = false;
  ++index_;
}

void AofLoader::truncated() {
  const File& file = files_[index_];
  const bool last = index_ + 1 == files_.size();
  if (!last) throw bad_format(file.name);
  const uint64_t offset = in_multi_ ? multi_offset_ : commands_->valid_offset();
  if (in_multi_) log_warning("Revert incomplete MULTI/EXEC transaction in AOF file " + file.name);
  if (!host_.config().aof_load_truncated) {
    throw RdbFormatError("Unexpected end of file reading the append only file " + file.name +
                         ". You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix "
                         "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration "
                         "option to yes and restart the server.");
  }
  log_warning("!!! Warning: short read while loading the AOF file " + file.name + "!!!");
  log_warning("!!! Truncating the AOF " + file.name + " at offset " + std::to_string(offset) + " !!!");
  const std::string path = directory_ + "/" + file.name;
  if (::truncate(path.c_str(), static_cast<off_t>(offset)) != 0) {
    throw RdbFormatError("Error truncating the AOF file " + file.name + ": " + std::strerror(errno));
  }
  log_warning("AOF " + file.name + " loaded anyway because aof-load-truncated is enabled");
  in_multi_ = false;
  multi_.clear();
}

bool AofLoader::replay_commands(int64_t deadline_us, bool to_the_end) {
  std::vector<std::string> argv;
  for (unsigned n = 1;; ++n) {
    // A MULTI left open is cut back to where the command before it ended (before any
    // annotation in between), as the server in Redis cuts it.
    const uint64_t before = commands_->valid_offset();
    const AofCommandReader::Result result = commands_->next(argv);
    if (result == AofCommandReader::Result::End) {
      if (in_multi_) truncated();
      return true;
    }
    if (result == AofCommandReader::Result::Truncated) {
      truncated();
      return true;
    }
    if (result == AofCommandReader::Result::Corrupt) {
      throw bad_format(files_[index_].name);
    }
    auto run = [&](const std::vector<std::string>& command) {
      std::vector<std::string_view> views(command.begin(), command.end());
      if (auto error = host_.replay(views)) {
        if (*error == "unknown command") {
          throw RdbFormatError("Unknown command '" + command[0] + "' reading the append only file " +
                               files_[index_].name);
        }
        if (host_.config().propagation_error_behavior != "ignore") {
          throw RdbFormatError("This AOF command failed: " + command[0] + ": " + *error +
                               " (propagation-error-behavior is " + host_.config().propagation_error_behavior + ")");
        }
      }
    };
    if (argv.size() == 1 && (argv[0] == "MULTI" || argv[0] == "multi")) {
      // Nothing writes a MULTI inside a MULTI; corvid-check-aof calls it corrupt too.
      if (in_multi_) {
        throw bad_format(files_[index_].name);
      }
      in_multi_ = true;
      multi_offset_ = before;
      multi_.clear();
    } else if (in_multi_ && argv.size() == 1 && (argv[0] == "EXEC" || argv[0] == "exec")) {
      in_multi_ = false;
      for (const auto& queued : multi_) run(queued);
      multi_.clear();
    } else if (in_multi_) {
      multi_.push_back(argv);
    } else {
      run(argv);
    }
    if (!to_the_end && (n & 255) == 0 && monotonic_us() >= deadline_us) return false;
  }
}

bool AofLoader::step(int64_t budget_us) {
  const bool to_the_end = budget_us < 0;
  const int64_t deadline = monotonic_us() + budget_us;
  while (index_ < files_.size()) {
    if (!opened_) open_next();
    if (rdb_loader_) {
      if (!rdb_loader_->step(to_the_end ? -1 : std::max<int64_t>(0, deadline - monotonic_us()))) return false;
      base_keys_ = rdb_loader_->stats().keys_loaded;
      rdb_used_mem_ = rdb_loader_->stats().used_mem;
      log_notice("Done loading RDB, keys loaded: " + std::to_string(rdb_loader_->stats().keys_loaded) +
                 ", keys expired: " + std::to_string(rdb_loader_->stats().keys_expired) + ".");
      // An old-style AOF may go on with commands after its RDB preamble.
      const uint64_t offset = rdb_input_->offset();
      rdb_loader_.reset();
      if (offset < file_size_) {
        const int fd = ::open((directory_ + "/" + files_[index_].name).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0) {
          throw RdbFormatError("Error reading the AOF base file " + files_[index_].name);
        }
        commands_ = std::make_unique<AofCommandReader>(fd, offset);
      } else {
        finish_file();
        continue;
      }
    }
    if (!replay_commands(deadline, to_the_end)) return false;
    finish_file();
  }
  log_notice("DB loaded from append only file: " + seconds_text(monotonic_us() - started_us_) + " seconds");
  return true;
}

}  // namespace corvid
