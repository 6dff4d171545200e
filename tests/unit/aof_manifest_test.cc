// The multi-part AOF manifest (persistence/aof_manifest.h): a manifest as Redis 7.0.15
// writes it parsed into its base, incremental and history files in order; serialize()
// giving back Redis's exact bytes (base, then history, then incrs; names quoted only when
// they hold spaces, quotes or backslashes, as the manifests Redis wrote for such
// appendfilenames show); the file names; and every malformed manifest Redis 7.0.15 refuses
// (checked by editing a real Redis's manifest and restarting it) refused here too, with
// Redis's message where both give one. Where Corvid's parser accepts or refuses differently
// from Redis no test pins either side.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "persistence/aof_manifest.h"

namespace corvid {
namespace {

using Kind = AofFile::Kind;

AofManifest parse_ok(const std::string& text) {
  std::string error;
  std::optional<AofManifest> m = AofManifest::parse(text, &error);
  EXPECT_TRUE(m.has_value()) << "refused: " << error << "\n" << text;
  return m.value_or(AofManifest{});
}

// The error a refused manifest gives ("" if it was accepted).
std::string parse_error(const std::string& text) {
  std::string error;
  std::optional<AofManifest> m = AofManifest::parse(text, &error);
  if (m) return "";
  EXPECT_FALSE(error.empty()) << text;
  return error;
}

void expect_file(const AofFile& f, const std::string& name, int64_t seq, Kind kind) {
  EXPECT_EQ(f.name, name);
  EXPECT_EQ(f.seq, seq);
  EXPECT_EQ(f.kind, kind);
}

AofFile file(const std::string& name, int64_t seq, Kind kind) {
  AofFile f;
  f.name = name;
  f.seq = seq;
  f.kind = kind;
  return f;
}

bool same_files(const AofFile& a, const AofFile& b) { return a.name == b.name && a.seq == b.seq && a.kind == b.kind; }

bool same_manifest(const AofManifest& a, const AofManifest& b) {
  if (a.base.has_value() != b.base.has_value()) return false;
  if (a.base && !same_files(*a.base, *b.base)) return false;
  auto same_list = [](const std::vector<AofFile>& x, const std::vector<AofFile>& y) {
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!same_files(x[i], y[i])) return false;
    }
    return true;
  };
  return same_list(a.incrs, b.incrs) && same_list(a.history, b.history);
}

constexpr const char* kInvalid = "Invalid AOF manifest file format";

// What Redis writes after a few rewrites: the base, the history awaiting deletion, then
// the incremental files in replay order.
const std::string kTypical =
    "file appendonly.aof.5.base.rdb seq 5 type b\n"
    "file appendonly.aof.4.base.rdb seq 4 type h\n"
    "file appendonly.aof.6.incr.aof seq 6 type h\n"
    "file appendonly.aof.7.incr.aof seq 7 type i\n"
    "file appendonly.aof.8.incr.aof seq 8 type i\n"
    "file appendonly.aof.10.incr.aof seq 10 type i\n";

TEST(AofManifest, ParsesBaseHistoryAndIncrsInOrder) {
  const AofManifest m = parse_ok(kTypical);
  ASSERT_TRUE(m.base.has_value());
  expect_file(*m.base, "appendonly.aof.5.base.rdb", 5, Kind::Base);
  ASSERT_EQ(m.history.size(), 2u);
  expect_file(m.history[0], "appendonly.aof.4.base.rdb", 4, Kind::History);
  expect_file(m.history[1], "appendonly.aof.6.incr.aof", 6, Kind::History);
  ASSERT_EQ(m.incrs.size(), 3u);
  expect_file(m.incrs[0], "appendonly.aof.7.incr.aof", 7, Kind::Incr);
  expect_file(m.incrs[1], "appendonly.aof.8.incr.aof", 8, Kind::Incr);
  expect_file(m.incrs[2], "appendonly.aof.10.incr.aof", 10, Kind::Incr);
  EXPECT_EQ(m.base_seq(), 5);
  EXPECT_EQ(m.last_incr_seq(), 10);
}

TEST(AofManifest, SerializeGivesRedisBytesBack) {
  EXPECT_EQ(parse_ok(kTypical).serialize(), kTypical);

  // Built by hand, in whatever order: written base first, then history, then incrs.
  AofManifest m;
  m.incrs.push_back(file("appendonly.aof.3.incr.aof", 3, Kind::Incr));
  m.history.push_back(file("appendonly.aof.1.base.aof", 1, Kind::History));
  m.base = file("appendonly.aof.2.base.aof", 2, Kind::Base);
  const std::string text = m.serialize();
  EXPECT_EQ(text,
            "file appendonly.aof.2.base.aof seq 2 type b\n"
            "file appendonly.aof.1.base.aof seq 1 type h\n"
            "file appendonly.aof.3.incr.aof seq 3 type i\n");
  EXPECT_TRUE(same_manifest(parse_ok(text), m));
}

TEST(AofManifest, LinesInAnyOrderAreSortedByKind) {
  // Redis accepts the base after the incrs and history in between.
  const AofManifest m = parse_ok(
      "file appendonly.aof.3.incr.aof seq 3 type i\n"
      "file appendonly.aof.1.incr.aof seq 1 type h\n"
      "file appendonly.aof.4.incr.aof seq 4 type i\n"
      "file appendonly.aof.2.base.rdb seq 2 type b\n");
  ASSERT_TRUE(m.base.has_value());
  EXPECT_EQ(m.base->name, "appendonly.aof.2.base.rdb");
  ASSERT_EQ(m.incrs.size(), 2u);
  EXPECT_EQ(m.incrs[0].seq, 3);
  EXPECT_EQ(m.incrs[1].seq, 4);
  ASSERT_EQ(m.history.size(), 1u);
  EXPECT_EQ(m.serialize(),
            "file appendonly.aof.2.base.rdb seq 2 type b\n"
            "file appendonly.aof.1.incr.aof seq 1 type h\n"
            "file appendonly.aof.3.incr.aof seq 3 type i\n"
            "file appendonly.aof.4.incr.aof seq 4 type i\n");
}

TEST(AofManifest, SeqAccessorsWithoutFiles) {
  const AofManifest only_base = parse_ok("file appendonly.aof.7.base.rdb seq 7 type b\n");
  EXPECT_EQ(only_base.base_seq(), 7);
  EXPECT_EQ(only_base.last_incr_seq(), 0);
  EXPECT_TRUE(only_base.incrs.empty());

  // A manifest of history files only (Redis loads it as an empty dataset).
  const AofManifest only_history = parse_ok("file appendonly.aof.1.incr.aof seq 1 type h\n");
  EXPECT_FALSE(only_history.base.has_value());
  EXPECT_EQ(only_history.base_seq(), 0);
  EXPECT_EQ(only_history.last_incr_seq(), 0);
  EXPECT_EQ(only_history.history.size(), 1u);

  const AofManifest no_base = parse_ok("file appendonly.aof.4.incr.aof seq 4 type i\n");
  EXPECT_EQ(no_base.base_seq(), 0);
  EXPECT_EQ(no_base.last_incr_seq(), 4);
}

TEST(AofManifest, FileNames) {
  EXPECT_EQ(AofManifest::base_name("appendonly.aof", 1, true), "appendonly.aof.1.base.rdb");
  EXPECT_EQ(AofManifest::base_name("appendonly.aof", 12, false), "appendonly.aof.12.base.aof");
  EXPECT_EQ(AofManifest::incr_name("appendonly.aof", 3), "appendonly.aof.3.incr.aof");
  EXPECT_EQ(AofManifest::incr_name("my file.aof", 9223372036854775807), "my file.aof.9223372036854775807.incr.aof");
  EXPECT_EQ(AofManifest::manifest_name("appendonly.aof"), "appendonly.aof.manifest");
}

// Redis 7.0.15 with appendfilename "a b.aof" and "q\"x.aof" wrote exactly these manifests.
TEST(AofManifest, QuotedNamesAsRedisWritesThem) {
  const std::string with_space =
      "file \"a b.aof.1.base.rdb\" seq 1 type b\n"
      "file \"a b.aof.1.incr.aof\" seq 1 type i\n";
  const AofManifest m = parse_ok(with_space);
  ASSERT_TRUE(m.base.has_value());
  EXPECT_EQ(m.base->name, "a b.aof.1.base.rdb");
  ASSERT_EQ(m.incrs.size(), 1u);
  EXPECT_EQ(m.incrs[0].name, "a b.aof.1.incr.aof");
  EXPECT_EQ(m.serialize(), with_space);

  const std::string with_quote =
      "file \"q\\\"x.aof.1.base.rdb\" seq 1 type b\n"
      "file \"q\\\"x.aof.1.incr.aof\" seq 1 type i\n";
  const AofManifest q = parse_ok(with_quote);
  ASSERT_TRUE(q.base.has_value());
  EXPECT_EQ(q.base->name, "q\"x.aof.1.base.rdb");
  EXPECT_EQ(q.incrs.at(0).name, "q\"x.aof.1.incr.aof");
  EXPECT_EQ(q.serialize(), with_quote);
}

TEST(AofManifest, QuotingOnlyWhenNeeded) {
  AofManifest m;
  m.base = file("plain-name_1.aof", 1, Kind::Base);
  m.history.push_back(file("tab\there", 2, Kind::History));
  m.incrs.push_back(file("back\\slash \"both\"", 3, Kind::Incr));
  const std::string text = m.serialize();
  EXPECT_EQ(text.substr(0, text.find('\n') + 1), "file plain-name_1.aof seq 1 type b\n");
  EXPECT_NE(text.find("file \"back\\\\slash \\\"both\\\"\" seq 3 type i\n"), std::string::npos) << text;
  // Whatever serialize() writes, parse() reads back the same names.
  EXPECT_TRUE(same_manifest(parse_ok(text), m)) << text;
}

TEST(AofManifest, QuotedNameNextToOtherWords) {
  // Quotes group exactly one word; the words around it are unaffected.
  const AofManifest m = parse_ok("file \"x y\" seq 2 type i\nseq 3 type i file \"z\"\n");
  ASSERT_EQ(m.incrs.size(), 2u);
  expect_file(m.incrs[0], "x y", 2, Kind::Incr);
  expect_file(m.incrs[1], "z", 3, Kind::Incr);
}

TEST(AofManifest, WhitespaceAndCommentsRedisAccepts) {
  // CRLF line ends, spaces around a line, runs of spaces between words, comment lines
  // (a '#' in the first column) anywhere: Redis 7.0.15 loads all of these.
  const AofManifest m = parse_ok(
      "# written by hand\r\n"
      "  file appendonly.aof.1.base.aof   seq 1 type b  \r\n"
      "# between\n"
      "file\tappendonly.aof.1.incr.aof seq 1\ttype i\r\n");
  ASSERT_TRUE(m.base.has_value());
  expect_file(*m.base, "appendonly.aof.1.base.aof", 1, Kind::Base);
  ASSERT_EQ(m.incrs.size(), 1u);
  expect_file(m.incrs[0], "appendonly.aof.1.incr.aof", 1, Kind::Incr);
}

TEST(AofManifest, UnknownKeysIgnoredAndLastValueWins) {
  // Redis keeps room for later versions' keys, and takes the last of a repeated key.
  const AofManifest m = parse_ok(
      "file appendonly.aof.1.base.aof seq 1 type b startoffset 100 endoffset 200\n"
      "file other.aof file appendonly.aof.2.incr.aof seq 1 seq 2 type i\n");
  ASSERT_TRUE(m.base.has_value());
  expect_file(*m.base, "appendonly.aof.1.base.aof", 1, Kind::Base);
  ASSERT_EQ(m.incrs.size(), 1u);
  expect_file(m.incrs[0], "appendonly.aof.2.incr.aof", 2, Kind::Incr);
}

TEST(AofManifest, DuplicateNamesAreNotChecked) {
  // Neither Redis 7.0.15 (which loads such a manifest) nor this parser looks for a name
  // listed twice.
  const AofManifest m = parse_ok(
      "file appendonly.aof.1.base.aof seq 1 type b\n"
      "file appendonly.aof.1.base.aof seq 1 type i\n");
  ASSERT_TRUE(m.base.has_value());
  ASSERT_EQ(m.incrs.size(), 1u);
  EXPECT_EQ(m.incrs[0].name, m.base->name);
}

TEST(AofManifest, EmptyManifestRefused) {
  EXPECT_EQ(parse_error(""), "Found an empty AOF manifest");
}

TEST(AofManifest, MissingFieldsRefused) {
  EXPECT_EQ(parse_error("name appendonly.aof.1.base.aof seq 1 type b\n"), kInvalid);  // no "file"
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof sequence 1 type b\n"), kInvalid);  // no "seq"
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof seq 1 kind b\n"), kInvalid);  // no "type"
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof seq 1\n"), kInvalid);
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof\n"), kInvalid);
  // An odd number of words: a key without its value.
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof seq 1 type b extra\n"), kInvalid);
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof seq 1 type\n"), kInvalid);
  // A line of blanks only (Redis trims it to nothing and refuses it).
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof seq 1 type b\n   \t \n"), kInvalid);
  // A '#' that is not in the first column does not start a comment.
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof seq 1 type b\n  # note\n"), kInvalid);
  // A bad line after good ones refuses the whole manifest.
  EXPECT_EQ(parse_error(kTypical + "file appendonly.aof.11.incr.aof seq 11\n"), kInvalid);
}

TEST(AofManifest, BadSeqRefused) {
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof seq abc type b\n"), kInvalid);
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof seq 0 type b\n"), kInvalid);
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof seq \"\" type b\n"), kInvalid);
}

TEST(AofManifest, UnknownTypeRefused) {
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof seq 1 type x\n"), "Unknown AOF file type");
  // Types are case-sensitive in Redis too.
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof seq 1 type B\n"), "Unknown AOF file type");
  EXPECT_EQ(parse_error("file appendonly.aof.1.incr.aof seq 1 type I\n"), "Unknown AOF file type");
}

TEST(AofManifest, TwoBasesRefused) {
  EXPECT_EQ(parse_error("file appendonly.aof.1.base.aof seq 1 type b\n"
                        "file appendonly.aof.2.base.aof seq 2 type b\n"),
            "Found duplicate base file information");
}

TEST(AofManifest, IncrSeqMustGrow) {
  const std::string base = "file appendonly.aof.1.base.aof seq 1 type b\n";
  EXPECT_EQ(parse_error(base +
                        "file appendonly.aof.2.incr.aof seq 2 type i\n"
                        "file appendonly.aof.1.incr.aof seq 1 type i\n"),
            "Found a non-monotonic sequence number");
  EXPECT_EQ(parse_error(base +
                        "file appendonly.aof.1.incr.aof seq 1 type i\n"
                        "file appendonly.aof.2.incr.aof seq 1 type i\n"),
            "Found a non-monotonic sequence number");
  // History files are not part of the sequence.
  const AofManifest m = parse_ok(base +
                                 "file appendonly.aof.5.incr.aof seq 5 type i\n"
                                 "file appendonly.aof.3.incr.aof seq 3 type h\n"
                                 "file appendonly.aof.6.incr.aof seq 6 type i\n");
  EXPECT_EQ(m.incrs.size(), 2u);
  EXPECT_EQ(m.last_incr_seq(), 6);
}

TEST(AofManifest, PathsRefused) {
  // Redis says "File can't be a path, just a filename"; only the refusal is pinned here.
  EXPECT_NE(parse_error("file dir/appendonly.aof.1.base.aof seq 1 type b\n"), "");
  EXPECT_NE(parse_error("file /tmp/appendonly.aof.1.base.aof seq 1 type b\n"), "");
  EXPECT_NE(parse_error("file \"../x y\" seq 1 type b\n"), "");
}

TEST(AofManifest, UnclosedQuoteRefused) {
  EXPECT_EQ(parse_error("file \"appendonly.aof.1.base.aof seq 1 type b\n"), kInvalid);
  EXPECT_EQ(parse_error("file \"ab\\\" seq 1 type b\n"), kInvalid);
}

}  // namespace
}  // namespace corvid
