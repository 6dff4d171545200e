// Reading the commands of one AOF file (persistence/aof_reader.h) from a real file
// descriptor: commands come back in order with binary-safe arguments, "#TS:" annotations
// are skipped, valid_offset() and command_offset() say where whole commands end and begin
// (what aof-load-truncated and corvid-check-aof --fix cut the file back to), a file cut
// inside a command is Truncated while one ending in a cut-short annotation ends cleanly
// (as Redis 7.0 reads it), garbage is Corrupt, absurd counts and lengths are not believed
// before the bytes arrive, offsets stay relative to the file start when reading begins
// after an RDB preamble, and arguments larger than the reader's read chunk come back whole.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "persistence/aof_reader.h"

using namespace std::literals;

namespace corvid {
namespace {

using Result = AofCommandReader::Result;
using Argv = std::vector<std::string>;

// One command as RESP, the way the server writes it to the AOF.
std::string resp(const Argv& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const std::string& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// A temporary file holding `bytes`, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(std::string_view bytes) {
    const int fd = ::mkstemp(path_);
    EXPECT_GE(fd, 0);
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    EXPECT_EQ(done, bytes.size());
    ::close(fd);
  }
  ~TempFile() { ::unlink(path_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  // A new descriptor for the reader to own, positioned at `offset`.
  int open_at(uint64_t offset = 0) const {
    const int fd = ::open(path_, O_RDONLY);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(::lseek(fd, static_cast<off_t>(offset), SEEK_SET), static_cast<off_t>(offset));
    return fd;
  }

 private:
  char path_[40] = "/tmp/corvid-aof-reader-test-XXXXXX";
};

// A reader over its own temporary file.
struct Fixture {
  explicit Fixture(std::string_view bytes, uint64_t start = 0) : file(bytes), reader(file.open_at(start), start) {}
  TempFile file;
  AofCommandReader reader;
};

TEST(AofReader, CommandsInOrderWithBinaryArguments) {
  const Argv set = {"SET", "key\r\nwith crlf", std::string("nul\0inside\0", 11)};
  const Argv rpush = {"RPUSH", "list", "", "*2\r\n$3\r\n", "\r\n"};
  const Argv ping = {"PING"};
  const std::string bytes = resp(set) + resp(rpush) + resp(ping);
  Fixture f(bytes);
  Argv argv;
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  EXPECT_EQ(argv, set);
  EXPECT_EQ(argv[2].size(), 11u);
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  EXPECT_EQ(argv, rpush);
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  EXPECT_EQ(argv, ping);
  EXPECT_EQ(f.reader.next(argv), Result::End);
  EXPECT_TRUE(argv.empty());
  EXPECT_EQ(f.reader.valid_offset(), bytes.size());
  // End stays End.
  EXPECT_EQ(f.reader.next(argv), Result::End);
}

TEST(AofReader, EmptyFileEndsAtOnce) {
  Fixture f("");
  Argv argv;
  EXPECT_EQ(f.reader.next(argv), Result::End);
  EXPECT_EQ(f.reader.valid_offset(), 0u);
}

TEST(AofReader, OffsetsAfterEachCommand) {
  const std::string a = resp({"SELECT", "0"});
  const std::string b = resp({"SET", "k", "v"});
  const std::string c = resp({"DEL", "k"});
  Fixture f(a + b + c);
  Argv argv;
  EXPECT_EQ(f.reader.valid_offset(), 0u);
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  EXPECT_EQ(f.reader.command_offset(), 0u);
  EXPECT_EQ(f.reader.valid_offset(), a.size());
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  EXPECT_EQ(f.reader.command_offset(), a.size());
  EXPECT_EQ(f.reader.valid_offset(), a.size() + b.size());
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  EXPECT_EQ(f.reader.command_offset(), a.size() + b.size());
  EXPECT_EQ(f.reader.valid_offset(), a.size() + b.size() + c.size());
  EXPECT_EQ(f.reader.next(argv), Result::End);
}

TEST(AofReader, TimestampAnnotationsSkipped) {
  const std::string ts1 = "#TS:1700000000\r\n";
  const std::string a = resp({"SET", "a", "1"});
  const std::string ts2 = "#TS:1700000001\r\n#TS:1700000002\r\n";
  const std::string b = resp({"SET", "b", "2"});
  const std::string ts3 = "#TS:1700000003\r\n";
  Fixture f(ts1 + a + ts2 + b + ts3);
  Argv argv;
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  EXPECT_EQ(argv, (Argv{"SET", "a", "1"}));
  // The command begins after its annotation.
  EXPECT_EQ(f.reader.command_offset(), ts1.size());
  EXPECT_EQ(f.reader.valid_offset(), ts1.size() + a.size());
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  EXPECT_EQ(argv, (Argv{"SET", "b", "2"}));
  EXPECT_EQ(f.reader.command_offset(), ts1.size() + a.size() + ts2.size());
  EXPECT_EQ(f.reader.next(argv), Result::End);
  // A whole annotation at the end counts as valid.
  EXPECT_EQ(f.reader.valid_offset(), ts1.size() + a.size() + ts2.size() + b.size() + ts3.size());
}

TEST(AofReader, AnnotationCutShortAtTheEndIsACleanEnd) {
  // Redis 7.0 skips a '#' line whatever follows, so a file ending inside one loads as it is.
  const std::string a = resp({"SET", "a", "1"});
  for (const std::string& tail : {"#"s, "#TS:17"s, "#TS:1700000000\r"s}) {
    Fixture f(a + tail);
    Argv argv;
    ASSERT_EQ(f.reader.next(argv), Result::Command);
    EXPECT_EQ(f.reader.next(argv), Result::End) << tail;
    EXPECT_EQ(f.reader.valid_offset(), a.size() + tail.size()) << tail;
  }
}

TEST(AofReader, CutInsideACommandIsTruncated) {
  const std::string a = resp({"SET", "a", "1"});
  const std::string ts = "#TS:1700000000\r\n";
  const std::string b = resp({"SET", "key", "value"});
  const std::string whole = a + ts + b;
  // Every cut inside the last command (after its annotation) is Truncated, and the valid
  // part ends where the annotation before it ended.
  for (size_t cut = a.size() + ts.size() + 1; cut < whole.size(); ++cut) {
    Fixture f(std::string_view(whole).substr(0, cut));
    Argv argv;
    ASSERT_EQ(f.reader.next(argv), Result::Command);
    EXPECT_EQ(f.reader.next(argv), Result::Truncated) << "cut at " << cut;
    EXPECT_EQ(f.reader.valid_offset(), a.size() + ts.size()) << "cut at " << cut;
    EXPECT_EQ(f.reader.command_offset(), a.size() + ts.size()) << "cut at " << cut;
  }
  // Cut right after the first command: a clean end.
  Fixture f(std::string_view(whole).substr(0, a.size()));
  Argv argv;
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  EXPECT_EQ(f.reader.next(argv), Result::End);
}

TEST(AofReader, TruncatedWithoutAnnotations) {
  const std::string a = resp({"SET", "a", "1"});
  const std::string b = resp({"SET", "b", "2"});
  Fixture f(a + b + "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n");
  Argv argv;
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  EXPECT_EQ(f.reader.next(argv), Result::Truncated);
  EXPECT_EQ(f.reader.valid_offset(), a.size() + b.size());
}

TEST(AofReader, GarbageIsCorrupt) {
  const std::string a = resp({"SET", "a", "1"});
  for (const std::string& garbage : {
           "hello world\r\n"s,                     // not a multibulk
           "*x\r\n$3\r\nSET\r\n"s,                 // bad count
           "*0\r\n"s,                              // empty command
           "*-1\r\n"s,                             // null array
           "*1\r\n+PING\r\n"s,                     // not a bulk string
           "*1\r\n$-1\r\n"s,                       // null bulk
           "*1\r\n$abc\r\n"s,                      // bad length
           "*1\r\n$4\r\nPINGXY*1\r\n$4\r\nPING\r\n"s,  // argument not followed by CRLF
           "\r\n"s,                                // blank line
           "*1\r\n$"s + std::string(2000, '1'),  // header lines that never end
           "*" + std::string(1100, '1'),
       }) {
    Fixture f(a + garbage);
    Argv argv;
    ASSERT_EQ(f.reader.next(argv), Result::Command);
    EXPECT_EQ(f.reader.next(argv), Result::Corrupt) << garbage;
    EXPECT_FALSE(f.reader.error().empty()) << garbage;
    EXPECT_EQ(f.reader.valid_offset(), a.size()) << garbage;
  }
}

TEST(AofReader, HugeCountsAndLengthsAreNotBelieved) {
  // Neither the declared count nor the declared length may be allocated up front; the
  // file ends (or is refused) long before either could be met.
  const std::string a = resp({"SET", "a", "1"});
  for (const std::string& tail : {
           "*1700000000\r\n"s,
           "*1700000000\r\n$3\r\nSET\r\n$1\r\nk\r\n"s,
           "*2147483647\r\n$3\r\nSET\r\n"s,
           "*9223372036854775807\r\n"s,
           "*99999999999999999999\r\n"s,
           "*1\r\n$99999999999\r\nab"s,
           "*1\r\n$4000000000\r\nab"s,
           "*1\r\n$9223372036854775807\r\n"s,
       }) {
    const auto start = std::chrono::steady_clock::now();
    Fixture f(a + tail);
    Argv argv;
    ASSERT_EQ(f.reader.next(argv), Result::Command);
    const Result r = f.reader.next(argv);
    EXPECT_TRUE(r == Result::Truncated || r == Result::Corrupt) << tail;
    EXPECT_EQ(f.reader.valid_offset(), a.size()) << tail;
    EXPECT_LT(argv.capacity(), 1u << 16) << tail;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << tail;
  }
}

TEST(AofReader, StartOffsetAfterAPreamble) {
  // The commands of an AOF with an RDB preamble start after the RDB part; the reader is
  // handed a descriptor already past it and still counts offsets from the file start.
  const std::string preamble = "REDIS0010" + std::string(91, '\xff');
  const std::string a = resp({"SET", "a", "1"});
  const std::string ts = "#TS:1\r\n";
  const std::string b = resp({"INCR", "n"});
  const std::string whole = preamble + a + ts + b;
  {
    Fixture f(whole, preamble.size());
    Argv argv;
    EXPECT_EQ(f.reader.valid_offset(), preamble.size());
    ASSERT_EQ(f.reader.next(argv), Result::Command);
    EXPECT_EQ(argv, (Argv{"SET", "a", "1"}));
    EXPECT_EQ(f.reader.command_offset(), preamble.size());
    EXPECT_EQ(f.reader.valid_offset(), preamble.size() + a.size());
    ASSERT_EQ(f.reader.next(argv), Result::Command);
    EXPECT_EQ(argv, (Argv{"INCR", "n"}));
    EXPECT_EQ(f.reader.command_offset(), preamble.size() + a.size() + ts.size());
    EXPECT_EQ(f.reader.valid_offset(), whole.size());
    EXPECT_EQ(f.reader.next(argv), Result::End);
  }
  {
    // Cut inside the second command.
    Fixture f(std::string_view(whole).substr(0, whole.size() - 3), preamble.size());
    Argv argv;
    ASSERT_EQ(f.reader.next(argv), Result::Command);
    EXPECT_EQ(f.reader.next(argv), Result::Truncated);
    EXPECT_EQ(f.reader.valid_offset(), preamble.size() + a.size() + ts.size());
  }
}

TEST(AofReader, ArgumentsLargerThanTheReadChunk) {
  // 1 MB arguments span many reads; the commands around them stay in step, and the
  // offsets stay right after the reader's buffer has been compacted.
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131 + i / 977) & 0xff);
  const Argv first = {"SET", "big", big};
  const Argv second = {"APPEND", "big", big.substr(12345, 70000)};
  const Argv third = {"GET", "big"};
  const std::string bytes = resp(first) + resp(second) + resp(third);
  Fixture f(bytes);
  Argv argv;
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  ASSERT_EQ(argv.size(), 3u);
  EXPECT_TRUE(argv[2] == big);
  EXPECT_EQ(f.reader.valid_offset(), resp(first).size());
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  EXPECT_TRUE(argv == second);
  EXPECT_EQ(f.reader.command_offset(), resp(first).size());
  EXPECT_EQ(f.reader.valid_offset(), resp(first).size() + resp(second).size());
  ASSERT_EQ(f.reader.next(argv), Result::Command);
  EXPECT_EQ(argv, third);
  EXPECT_EQ(f.reader.valid_offset(), bytes.size());
  EXPECT_EQ(f.reader.next(argv), Result::End);

  // The same file cut in the middle of the big argument.
  Fixture cut(std::string_view(bytes).substr(0, resp(first).size() / 2));
  EXPECT_EQ(cut.reader.next(argv), Result::Truncated);
  EXPECT_EQ(cut.reader.valid_offset(), 0u);
}

TEST(AofReader, ManySmallCommandsAcrossChunkBoundaries) {
  // Enough commands that headers and arguments straddle the reader's read boundaries at
  // every position.
  std::string bytes;
  std::vector<uint64_t> ends;
  for (int i = 0; i < 20000; ++i) {
    bytes += resp({"SET", "key:" + std::to_string(i), std::string(static_cast<size_t>(i % 37), 'v')});
    ends.push_back(bytes.size());
  }
  Fixture f(bytes);
  Argv argv;
  for (int i = 0; i < 20000; ++i) {
    ASSERT_EQ(f.reader.next(argv), Result::Command) << i;
    ASSERT_EQ(argv[1], "key:" + std::to_string(i));
    ASSERT_EQ(argv[2].size(), static_cast<size_t>(i % 37));
    ASSERT_EQ(f.reader.valid_offset(), ends[static_cast<size_t>(i)]);
  }
  EXPECT_EQ(f.reader.next(argv), Result::End);
}

}  // namespace
}  // namespace corvid
