#pragma once
// The server log, in Redis's line format ("pid:role dd Mon yyyy hh:mm:ss.mmm * text"),
// so that tools and people reading Redis logs read ours the same way.

#include <string>
#include <string_view>

namespace corvid {

enum class LogLevel { Debug, Verbose, Notice, Warning };

// Where log lines go: a file path, or "" for standard output. Level as in `loglevel`.
void configure_log(const std::string& path, std::string_view level);
void log_line(LogLevel level, std::string_view message);
// Whether lines of `level` are written now (to skip building ones that would not be).
bool log_enabled(LogLevel level);
inline void log_notice(std::string_view message) { log_line(LogLevel::Notice, message); }
inline void log_warning(std::string_view message) { log_line(LogLevel::Warning, message); }
inline void log_verbose(std::string_view message) { log_line(LogLevel::Verbose, message); }
// A multi-line text (an error, INFO's output) as one warning line per line, CRs dropped.
void log_warning_lines(std::string_view text);

}  // namespace corvid
