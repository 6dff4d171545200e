#include "persistence/aof_manifest.h"

#include <cctype>
#include <sstream>

#include "core/number_format.h"

namespace corvid {

namespace {

// Splits a line into words; double quotes group words and take \" and \\ (names with spaces
// are written quoted).
std::optional<std::vector<std::string>> words_of(const std::string& line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i >= line.size()) break;
    std::string word;
    if (line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '\\' && i + 1 < line.size()) {
          word.push_back(line[i + 1]);
          i += 2;
        } else if (line[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          word.push_back(line[i++]);
        }
      }
      if (!closed) return std::nullopt;
    } else {
      while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) word.push_back(line[i++]);
    }
    out.push_back(std::move(word));
  }
  return out;
}

std::string quoted_if_needed(const std::string& name) {
  bool plain = !name.empty();
  for (char c : name) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\\') plain = false;
  }
  if (plain) return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

std::optional<AofManifest> AofManifest::parse(const std::string& text, std::string* error) {
  AofManifest manifest;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto words = words_of(line);
    if (!words || words->size() % 2 != 0) {
      *error = "Invalid AOF manifest file format";
      return std::nullopt;
    }
    AofFile file;
    bool has_name = false, has_seq = false, has_type = false;
    for (size_t i = 0; i + 1 < words->size(); i += 2) {
      const std::string& key = (*words)[i];
      const std::string& value = (*words)[i + 1];
      if (key == "file") {
        file.name = value;
        has_name = true;
      } else if (key == "seq") {
        auto seq = parse_int64(value);
        if (!seq || *seq <= 0) {
          *error = "Invalid AOF manifest file format";
          return std::nullopt;
        }
        file.seq = *seq;
        has_seq = true;
      } else if (key == "type") {
        if (value.size() != 1 || (value[0] != 'b' && value[0] != 'i' && value[0] != 'h')) {
          *error = "Unknown AOF file type";
          return std::nullopt;
        }
        file.kind = static_cast<AofFile::Kind>(value[0]);
        has_type = true;
      }
      // Unknown keys are ignored, as Redis ignores them (room for later versions).
    }
    if (!has_name || !has_seq || !has_type || file.name.find('/') != std::string::npos) {
      *error = "Invalid AOF manifest file format";
      return std::nullopt;
    }
    switch (file.kind) {
      case AofFile::Kind::Base:
        if (manifest.base) {
          *error = "Found duplicate base file information";
          return std::nullopt;
        }
        manifest.base = file;
        break;
      case AofFile::Kind::Incr:
        if (!manifest.incrs.empty() && file.seq <= manifest.incrs.back().seq) {
          *error = "Found a non-monotonic sequence number";
          return std::nullopt;
        }
        manifest.incrs.push_back(file);
        break;
      case AofFile::Kind::History:
        manifest.history.push_back(file);
        break;
    }
  }
  if (!manifest.base && manifest.incrs.empty() && manifest.history.empty()) {
    *error = "Found an empty AOF manifest";
    return std::nullopt;
  }
  return manifest;
}

std::string AofManifest::serialize() const {
  std::string out;
  auto line = [&out](const AofFile& f) {
    out += "file " + quoted_if_needed(f.name) + " seq " + std::to_string(f.seq) + " type " +
           std::string(1, static_cast<char>(f.kind)) + "\n";
  };
  if (base) line(*base);
  for (const AofFile& f : history) line(f);
  for (const AofFile& f : incrs) line(f);
  return out;
}

std::string AofManifest::base_name(const std::string& prefix, int64_t seq, bool rdb_preamble) {
  return prefix + "." + std::to_string(seq) + ".base" + (rdb_preamble ? ".rdb" : ".aof");
}

std::string AofManifest::incr_name(const std::string& prefix, int64_t seq) {
  return prefix + "." + std::to_string(seq) + ".incr.aof";
}

}  // namespace corvid
