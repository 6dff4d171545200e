#pragma once
// The manifest of a multi-part AOF (Redis 7): which base file and which incremental files,
// in order, make up the dataset, and which old files are history waiting to be deleted.
// One line per file, as Redis writes it:
//
//   file appendonly.aof.2.base.rdb seq 2 type b
//   file appendonly.aof.2.incr.aof seq 2 type i
//   file appendonly.aof.1.incr.aof seq 1 type h
//
// Files are named <appendfilename>.<seq>.base.rdb (an RDB preamble), .base.aof (commands)
// or .incr.aof, and live in appenddirname.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace corvid {

struct AofFile {
  enum class Kind : char { Base = 'b', Incr = 'i', History = 'h' };
  std::string name;
  int64_t seq = 0;
  Kind kind = Kind::Incr;
};

struct AofManifest {
  std::optional<AofFile> base;
  std::vector<AofFile> incrs;    // in replay order
  std::vector<AofFile> history;  // to delete

  // Parses a manifest; returns nullopt with `*error` set (Redis's wording where it has one).
  static std::optional<AofManifest> parse(const std::string& text, std::string* error);
  std::string serialize() const;

  int64_t last_incr_seq() const { return incrs.empty() ? 0 : incrs.back().seq; }
  int64_t base_seq() const { return base ? base->seq : 0; }

  static std::string base_name(const std::string& prefix, int64_t seq, bool rdb_preamble);
  static std::string incr_name(const std::string& prefix, int64_t seq);
  static std::string manifest_name(const std::string& prefix) { return prefix + ".manifest"; }
};

}  // namespace corvid
