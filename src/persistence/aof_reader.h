#pragma once
// Reads the commands of an AOF file (RESP multibulk requests, as the server wrote them),
// skipping the "#TS:<seconds>" annotations aof-timestamp-enabled adds. Knows where the
// last complete command ended, so that a file cut short by a crash can be truncated there
// (aof-load-truncated, corvid-check-aof --fix).

#include <cstdint>
#include <string>
#include <vector>

namespace corvid {

class AofCommandReader {
 public:
  // Takes ownership of `fd`, positioned where the commands start.
  AofCommandReader(int fd, uint64_t start_offset);
  ~AofCommandReader();
  AofCommandReader(const AofCommandReader&) = delete;
  AofCommandReader& operator=(const AofCommandReader&) = delete;

  enum class Result { Command, End, Truncated, Corrupt };
  // The next command into `argv`. End: the file ended after a complete command.
  // Truncated: it ended inside one. Corrupt: the bytes are not a command.
  Result next(std::vector<std::string>& argv);
  // Where the last complete command (or annotation) ended.
  uint64_t valid_offset() const { return valid_offset_; }
  // Where the command next() returned last began (after any annotations before it);
  // redis-check-aof cuts an open MULTI back to here.
  uint64_t command_offset() const { return command_offset_; }
  // What went wrong, for Corrupt.
  const std::string& error() const { return error_; }

 private:
  enum class Got { Ok, Eof, Bad };
  Got fill();
  Got line(std::string& out);
  Got exact(std::string& out, size_t n);

  int fd_;
  std::string buffer_;
  size_t pos_ = 0;
  uint64_t buffer_offset_;  // file offset of buffer_[0]
  uint64_t valid_offset_;
  uint64_t command_offset_ = 0;
  std::string error_;
};

}  // namespace corvid
