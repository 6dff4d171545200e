// corvid-check-aof [--fix] <file>: redis-check-aof for Corvid. <file> is a multi-part AOF
// manifest (appendonlydir/appendonly.aof.manifest; the directory itself is accepted too,
// when it holds exactly one manifest), or a single AOF file: a base or incremental file
// of a multi-part AOF, or a Redis 6 style appendonly.aof, with or without an RDB preamble.
//
// For a manifest it checks the manifest (persistence/aof_manifest.h), then the base file
// (an RDB, checked with the server's RDB loader as corvid-check-rdb does, possibly
// followed by commands; or commands alone), then every incremental file in order, each
// read with the server's own command reader (persistence/aof_reader.h, "#TS:" annotations
// skipped). History files are not checked: they are not loaded. Every file gets
// redis-check-aof's lines ("AOF analyzed: filename=..., size=..., ok_up_to=...,
// ok_up_to_line=..., diff=..." and "... is valid"); the first broken file ends the check.
//
// A file is broken in one of two ways:
// - truncated: it ends inside a command, or inside a MULTI ... EXEC block (an EXEC never
//   written). With --fix, the LAST file of the set (or the single file given) is truncated
//   back to its last complete command, before the MULTI of an unterminated block, exactly
//   what a server with aof-load-truncated yes would do. No other file is touched.
// - corrupt: bytes that are not a command (or a MULTI inside MULTI, an EXEC without MULTI,
//   a broken RDB part). --fix does not repair it: redis-check-aof would cut the file there
//   and silently drop every command after; this tool refuses and leaves the file alone.
//
// Unlike redis-check-aof, --fix does not ask "Continue? [y/N]": the tool is meant to run
// unattended (scripts, start-up hooks), so --fix itself is the consent. It still prints
// what it cuts ("This will shrink the AOF ...") before "Successfully truncated AOF <file>".
//
// Exit status: 0 when everything is valid (or was fixed), 1 otherwise (including usage
// errors and files that cannot be opened).

#include <dirent.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "persistence/aof_manifest.h"
#include "persistence/aof_reader.h"
#include "persistence/rdb_loader.h"
#include "tools/rdb_check.h"

namespace {

using corvid::AofCommandReader;
using corvid::AofFile;
using corvid::AofManifest;
using corvid::file_starts_with_rdb_magic;

using ull = unsigned long long;

enum class Outcome { Ok, Empty, Fixed, Invalid };

// A manifest is small; anything much bigger is not one.
constexpr size_t kMaxManifestBytes = 64u << 20;

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The first `limit` bytes of `path` (fewer when the file is shorter); nullopt when it
// cannot be read.
std::optional<std::string> read_head(const std::string& path, size_t limit) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char chunk[1 << 16];
  while (out.size() < limit) {
    const ssize_t n = ::read(fd, chunk, std::min(sizeof chunk, limit - out.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      errno = e;
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// Whether the file reads as a manifest: its first line that is not a comment is a "file"
// line. (An AOF starts with '*' or a "#TS:" annotation; an RDB with "REDIS".)
bool is_manifest(const std::string& head) {
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = head.find('\n', pos);
    if (end == std::string::npos) end = head.size();
    const std::string line = head.substr(pos, end - pos);
    if (!line.empty() && line[0] != '#' && line != "\r") return starts_with(line, "file ") || starts_with(line, "file\t");
    pos = end + 1;
  }
  return false;
}

std::string dirname_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Checks one file: the RDB part first when `preamble`, then the commands. `name` is how the
// lines call it; `last` says whether --fix may truncate it.
Outcome check_single(const std::string& name, const std::string& path, bool last, bool fix, bool preamble) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::printf("Cannot open file %s: %s, aborting...\n", path.c_str(), std::strerror(errno));
    return Outcome::Invalid;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    std::printf("Cannot check %s: not a regular file, aborting...\n", path.c_str());
    ::close(fd);
    return Outcome::Invalid;
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return Outcome::Empty;
  }

  uint64_t start = 0;
  if (preamble) {
    const corvid::tools::RdbCheckResult rdb = corvid::tools::check_rdb_stream(path, name, true);
    if (!rdb.ok) {
      std::printf("RDB preamble of AOF file is not sane, aborting.\n");
      ::close(fd);
      return Outcome::Invalid;
    }
    std::printf("RDB preamble is OK, proceeding with AOF tail...\n");
    start = rdb.end_offset;
    if (::lseek(fd, static_cast<off_t>(start), SEEK_SET) < 0) {
      std::printf("Failed to seek in AOF %s: %s, aborting...\n", name.c_str(), std::strerror(errno));
      ::close(fd);
      return Outcome::Invalid;
    }
  }

  AofCommandReader reader(fd, start);  // owns fd from here
  enum class Problem { None, Truncated, Corrupt } problem = Problem::None;
  std::string reason;
  uint64_t ok_offset = 0;
  // Lines as redis-check-aof counts them: one per "*<argc>" header, two per argument.
  uint64_t lines = 1;
  bool in_multi = false;
  uint64_t multi_offset = 0, multi_lines = 0;
  std::vector<std::string> argv;
  for (;;) {
    const AofCommandReader::Result result = reader.next(argv);
    if (result == AofCommandReader::Result::Command) {
      const uint64_t before = reader.command_offset();
      const bool is_multi = strcasecmp(argv[0].c_str(), "multi") == 0;
      const bool is_exec = strcasecmp(argv[0].c_str(), "exec") == 0;
      if ((is_multi && in_multi) || (is_exec && !in_multi)) {
        problem = Problem::Corrupt;
        reason = std::string("Unexpected ") + (is_multi ? "MULTI" : "EXEC") + " in AOF " + name + " at offset " +
                 std::to_string(before);
        ok_offset = in_multi ? multi_offset : before;
        break;
      }
      if (is_multi) {
        in_multi = true;
        multi_offset = before;  // an unterminated block is cut back to its MULTI
        multi_lines = lines;
      } else if (is_exec) {
        in_multi = false;
      }
      lines += 1 + 2 * static_cast<uint64_t>(argv.size());
      continue;
    }
    ok_offset = in_multi ? multi_offset : reader.valid_offset();
    if (result == AofCommandReader::Result::End) {
      if (in_multi) {
        problem = Problem::Truncated;
        reason = "Reached EOF before reading EXEC for MULTI (at offset " + std::to_string(multi_offset) + ")";
      }
    } else if (result == AofCommandReader::Result::Truncated) {
      problem = Problem::Truncated;
      reason = "Unexpected EOF in AOF " + name + ": the command (or annotation) at offset " +
               std::to_string(reader.valid_offset()) + " is cut short";
    } else {
      problem = Problem::Corrupt;
      reason = "Bad format in AOF " + name + " in the command at offset " + std::to_string(reader.valid_offset()) +
               ": " + reader.error();
    }
    break;
  }
  const uint64_t ok_line = in_multi ? multi_lines : lines;
  if (ok_offset > size) size = ok_offset;  // the file grew while it was read
  const uint64_t diff = size - ok_offset;

  if (!reason.empty()) std::printf("%s\n", reason.c_str());
  std::printf("AOF analyzed: filename=%s, size=%llu, ok_up_to=%llu, ok_up_to_line=%llu, diff=%llu\n", name.c_str(),
              static_cast<ull>(size), static_cast<ull>(ok_offset), static_cast<ull>(ok_line), static_cast<ull>(diff));
  if (problem == Problem::None) return Outcome::Ok;
  if (problem == Problem::Corrupt) {
    std::printf("AOF %s is not valid. It is corrupt at offset %llu, not cut short: --fix cannot repair it.\n",
                name.c_str(), static_cast<ull>(ok_offset));
    return Outcome::Invalid;
  }
  if (!fix) {
    if (last) {
      std::printf("AOF %s is not valid. Use the --fix option to try fixing it.\n", name.c_str());
    } else {
      std::printf("AOF %s is not valid. It is not the last file, so --fix cannot truncate it.\n", name.c_str());
    }
    return Outcome::Invalid;
  }
  if (!last) {
    std::printf("Failed to truncate AOF %s because it is not the last file\n", name.c_str());
    return Outcome::Invalid;
  }
  std::printf("This will shrink the AOF %s from %llu bytes, with %llu bytes, to %llu bytes\n", name.c_str(),
              static_cast<ull>(size), static_cast<ull>(diff), static_cast<ull>(ok_offset));
  if (::truncate(path.c_str(), static_cast<off_t>(ok_offset)) != 0) {
    std::printf("Failed to truncate AOF %s: %s\n", name.c_str(), std::strerror(errno));
    return Outcome::Invalid;
  }
  return Outcome::Fixed;
}

// Prints the verdict line for a file of a multi-part AOF (`kind` "BASE" or "INCR").
bool report(Outcome outcome, const char* kind, const std::string& name) {
  switch (outcome) {
    case Outcome::Ok:
      std::printf("%s AOF %s is valid\n", kind, name.c_str());
      return true;
    case Outcome::Empty:
      std::printf("%s AOF %s is empty\n", kind, name.c_str());
      return true;
    case Outcome::Fixed:
      std::printf("Successfully truncated AOF %s\n", name.c_str());
      return true;
    case Outcome::Invalid:
      return false;
  }
  return false;
}

int check_multi_part(const std::string& manifest_path, bool fix) {
  std::printf("Start checking Multi Part AOF\n");
  auto text = read_head(manifest_path, kMaxManifestBytes + 1);
  if (!text) {
    std::printf("Cannot open file %s: %s, aborting...\n", manifest_path.c_str(), std::strerror(errno));
    return 1;
  }
  std::string error;
  std::optional<AofManifest> manifest;
  if (text->size() > kMaxManifestBytes) {
    error = "the file is too big to be a manifest";
  } else {
    manifest = AofManifest::parse(*text, &error);
  }
  if (!manifest) {
    std::printf("%s\n", error.c_str());
    std::printf("AOF manifest %s is not valid.\n", manifest_path.c_str());
    return 1;
  }
  const std::string dir = dirname_of(manifest_path);
  const size_t total = (manifest->base ? 1 : 0) + manifest->incrs.size();
  size_t checked = 0;
  if (manifest->base) {
    const std::string& name = manifest->base->name;
    const std::string path = dir + "/" + name;
    const bool last = ++checked == total;
    const bool rdb = file_starts_with_rdb_magic(path);
    std::printf("Start to check BASE AOF (%s format).\n", rdb ? "RDB" : "RESP");
    if (!report(check_single(name, path, last, fix, rdb), "BASE", name)) return 1;
  }
  if (!manifest->incrs.empty()) {
    std::printf("Start to check INCR files.\n");
    for (const AofFile& file : manifest->incrs) {
      const bool last = ++checked == total;
      if (!report(check_single(file.name, dir + "/" + file.name, last, fix, false), "INCR", file.name)) return 1;
    }
  }
  std::printf("All AOF files and manifest are valid\n");
  return 0;
}

int check_old_style(const std::string& path, bool fix, bool preamble) {
  std::printf("Start checking Old-Style AOF\n");
  switch (check_single(path, path, true, fix, preamble)) {
    case Outcome::Ok:
      std::printf("AOF %s is valid\n", path.c_str());
      return 0;
    case Outcome::Empty:
      std::printf("AOF %s is empty\n", path.c_str());
      return 0;
    case Outcome::Fixed:
      std::printf("Successfully truncated AOF %s\n", path.c_str());
      return 0;
    case Outcome::Invalid:
      return 1;
  }
  return 1;
}

// A directory given instead of a manifest: the one manifest in it, or nullopt (and why).
std::optional<std::string> manifest_in(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    std::printf("Cannot open directory %s: %s, aborting...\n", dir.c_str(), std::strerror(errno));
    return std::nullopt;
  }
  std::vector<std::string> found;
  while (const dirent* entry = ::readdir(d)) {
    const std::string name = entry->d_name;
    const std::string suffix = ".manifest";
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      found.push_back(name);
    }
  }
  ::closedir(d);
  if (found.size() != 1) {
    std::printf("%s holds %s AOF manifest: name the one to check, aborting...\n", dir.c_str(),
                found.empty() ? "no" : "more than one");
    return std::nullopt;
  }
  return (dir.empty() || dir.back() != '/' ? dir + "/" : dir) + found[0];
}

void usage(const char* self) {
  std::fprintf(stderr, "Usage: %s [--fix] <file.manifest|file.aof|appendonlydir>\n", self);
  std::fprintf(stderr, "  --fix  truncate the last file back to its last complete command, without asking\n");
}

}  // namespace

int main(int argc, char** argv) {
  const char* self = argc > 0 ? argv[0] : "corvid-check-aof";
  bool fix = false;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--fix") {
      fix = true;
    } else if (arg == "--version" || arg == "-v") {
      std::printf("corvid-check-aof v=%s (checks Redis 7 multi-part and older AOF files)\n", CORVID_VERSION);
      return 0;
    } else if (arg == "-h" || arg == "--help" || (!arg.empty() && arg[0] == '-' && arg != "-") || !path.empty()) {
      usage(self);
      return 1;
    } else {
      path = arg;
    }
  }
  if (path.empty()) {
    usage(self);
    return 1;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    std::printf("Cannot open file %s: %s, aborting...\n", path.c_str(), std::strerror(errno));
    return 1;
  }
  if (S_ISDIR(st.st_mode)) {
    auto manifest = manifest_in(path);
    if (!manifest) return 1;
    return check_multi_part(*manifest, fix);
  }
  auto head = read_head(path, 1 << 16);
  if (!head) {
    std::printf("Cannot open file %s: %s, aborting...\n", path.c_str(), std::strerror(errno));
    return 1;
  }
  if (is_manifest(*head)) return check_multi_part(path, fix);
  return check_old_style(path, fix, starts_with(*head, "REDIS"));
}
