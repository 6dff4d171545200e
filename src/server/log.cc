#include "server/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace corvid {

namespace {

// Logging is configured once at start-up on the main thread, before other threads exist.
struct LogTarget {
  std::string path;
  LogLevel threshold = LogLevel::Notice;
};

LogTarget& target() {
  static LogTarget instance;
  return instance;
}

}  // namespace

void configure_log(const std::string& path, std::string_view level) {
  target().path = path;
  if (level == "debug") target().threshold = LogLevel::Debug;
  else if (level == "verbose") target().threshold = LogLevel::Verbose;
  else if (level == "warning") target().threshold = LogLevel::Warning;
  else target().threshold = LogLevel::Notice;
}

void log_warning_lines(std::string_view text) {
  while (!text.empty()) {
    const size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    log_warning(line);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
}

bool log_enabled(LogLevel level) { return level >= target().threshold; }

void log_line(LogLevel level, std::string_view message) {
  if (level < target().threshold) return;
  static constexpr char kMarks[] = {'.', '-', '*', '#'};
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm local;
  localtime_r(&tv.tv_sec, &local);
  char stamp[64];
  size_t n = strftime(stamp, sizeof stamp, "%d %b %Y %H:%M:%S", &local);
  std::snprintf(stamp + n, sizeof stamp - n, ".%03d", static_cast<int>(tv.tv_usec / 1000));
  FILE* out = target().path.empty() ? stdout : std::fopen(target().path.c_str(), "a");
  if (out == nullptr) return;
  std::fprintf(out, "%d:M %s %c %.*s\n", static_cast<int>(getpid()), stamp, kMarks[static_cast<int>(level)],
               static_cast<int>(message.size()), message.data());
  if (out == stdout) {
    std::fflush(out);
  } else {
    std::fclose(out);
  }
}

}  // namespace corvid
