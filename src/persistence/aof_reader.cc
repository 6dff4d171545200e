#include "persistence/aof_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/number_format.h"

namespace corvid {

namespace {

// Lengths bigger than this are not believed: 512 MB is Redis's proto-max-bulk-len default
// and AOF arguments come from requests it accepted.
constexpr int64_t kMaxArgument = int64_t{1} << 32;
constexpr int64_t kMaxArguments = int64_t{1} << 31;

}  // namespace

AofCommandReader::AofCommandReader(int fd, uint64_t start_offset)
    : fd_(fd), buffer_offset_(start_offset), valid_offset_(start_offset) {}

AofCommandReader::~AofCommandReader() { ::close(fd_); }

AofCommandReader::Got AofCommandReader::fill() {
  if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
    buffer_offset_ += pos_;
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Got::Bad;
    if (n == 0) return Got::Eof;
    buffer_.append(chunk, static_cast<size_t>(n));
    return Got::Ok;
  }
}

AofCommandReader::Got AofCommandReader::line(std::string& out) {
  for (;;) {
    const size_t end = buffer_.find("\r\n", pos_);
    if (end != std::string::npos) {
      out.assign(buffer_, pos_, end - pos_);
      pos_ = end + 2;
      return Got::Ok;
    }
    if (buffer_.size() - pos_ > 1024) return Got::Bad;  // no header line is that long
    const Got got = fill();
    if (got != Got::Ok) return got;
  }
}

AofCommandReader::Got AofCommandReader::exact(std::string& out, size_t n) {
  while (buffer_.size() - pos_ < n + 2) {
    const Got got = fill();
    if (got != Got::Ok) return got;
  }
  if (buffer_[pos_ + n] != '\r' || buffer_[pos_ + n + 1] != '\n') return Got::Bad;
  out.assign(buffer_, pos_, n);
  pos_ += n + 2;
  return Got::Ok;
}

AofCommandReader::Result AofCommandReader::next(std::vector<std::string>& argv) {
  argv.clear();
  std::string header;
  for (;;) {
    if (pos_ == buffer_.size()) {
      const Got got = fill();
      if (got == Got::Eof) return Result::End;
      if (got == Got::Bad) return error_ = "read error", Result::Corrupt;
    }
    if (buffer_[pos_] != '#') break;
    // An annotation (#TS:...): skipped whole. One cut short at the very end of the file
    // is no command cut short: the file ends cleanly there, as Redis reads it.
    const Got got = line(header);
    if (got == Got::Eof) {
      valid_offset_ = buffer_offset_ + buffer_.size();
      pos_ = buffer_.size();
      return Result::End;
    }
    if (got == Got::Bad) return error_ = "bad annotation", Result::Corrupt;
    valid_offset_ = buffer_offset_ + pos_;
  }
  command_offset_ = buffer_offset_ + pos_;
  Got got = line(header);
  if (got == Got::Eof) return Result::Truncated;
  if (got == Got::Bad || header.empty() || header[0] != '*') return error_ = "expected '*'", Result::Corrupt;
  auto count = parse_int64(std::string_view(header).substr(1));
  if (!count || *count < 1 || *count > kMaxArguments) return error_ = "bad argument count", Result::Corrupt;
  // The count is not believed before the arguments arrive.
  argv.reserve(static_cast<size_t>(std::min<int64_t>(*count, 1024)));
  for (int64_t i = 0; i < *count; ++i) {
    got = line(header);
    if (got == Got::Eof) return Result::Truncated;
    if (got == Got::Bad || header.empty() || header[0] != '$') return error_ = "expected '$'", Result::Corrupt;
    auto length = parse_int64(std::string_view(header).substr(1));
    if (!length || *length < 0 || *length > kMaxArgument) return error_ = "bad argument length", Result::Corrupt;
    argv.emplace_back();
    got = exact(argv.back(), static_cast<size_t>(*length));
    if (got == Got::Eof) return Result::Truncated;
    if (got == Got::Bad) return error_ = "argument not followed by CRLF", Result::Corrupt;
  }
  valid_offset_ = buffer_offset_ + pos_;
  return Result::Command;
}

}  // namespace corvid
