// Expected behaviors and error texts were checked against redis-server 7.0.15.

#include "net/request_parser.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace corvid {
namespace {

using namespace std::string_literals;
using Args = std::vector<std::string>;

// One outcome of a parse loop: a complete request or the terminal error.
struct Outcome {
  bool error = false;
  Args args;
  bool is_inline = false;
  std::string error_text;

  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  if (o.error) return os << "Error(" << o.error_text << ")";
  os << (o.is_inline ? "Inline[" : "Multibulk[");
  for (const auto& a : o.args) os << '"' << a << "\" ";
  return os << "]";
}

Outcome complete(Args args, bool is_inline = false) { return Outcome{false, std::move(args), is_inline, {}}; }
Outcome error(std::string text) { return Outcome{true, {}, false, std::move(text)}; }

Args copy_args(const RequestParser& p) {
  Args out;
  for (std::string_view a : p.args()) out.emplace_back(a);
  return out;
}

// Simulates a connection: bytes arrive in chunks, unconsumed bytes are kept,
// and every parse() sees a freshly allocated buffer of exactly the right size
// so that AddressSanitizer catches any pointer kept across calls or any read
// past the end of the input.
class Connection {
 public:
  explicit Connection(ParserLimits limits = {}) : parser_(limits) {}

  // Returns the requests completed (and the error, if any) after this chunk.
  std::vector<Outcome> feed(std::string_view chunk) {
    std::vector<Outcome> out;
    if (failed_) return out;
    pending_.append(chunk);
    for (;;) {
      auto buffer = std::make_unique<char[]>(pending_.size() + 1);
      std::memcpy(buffer.get(), pending_.data(), pending_.size());
      std::string_view input(buffer.get(), pending_.size());
      const ParseStatus status = parser_.parse(input);
      if (status == ParseStatus::NeedMore) return out;
      if (status == ParseStatus::Error) {
        failed_ = true;
        out.push_back(error(parser_.error()));
        return out;
      }
      EXPECT_GT(parser_.consumed(), 0u);
      EXPECT_LE(parser_.consumed(), input.size());
      out.push_back(complete(copy_args(parser_), parser_.is_inline()));
      pending_.erase(0, parser_.consumed());
    }
  }

  RequestParser& parser() { return parser_; }
  size_t pending_size() const { return pending_.size(); }

 private:
  RequestParser parser_;
  std::string pending_;
  bool failed_ = false;
};

std::vector<Outcome> parse_chunks(const std::vector<std::string_view>& chunks, ParserLimits limits = {}) {
  Connection conn(limits);
  std::vector<Outcome> all;
  for (std::string_view c : chunks) {
    auto got = conn.feed(c);
    all.insert(all.end(), got.begin(), got.end());
  }
  return all;
}

std::vector<Outcome> parse_all(std::string_view data, ParserLimits limits = {}) {
  return parse_chunks({data}, limits);
}

// Parses exactly one request from a complete buffer.
Outcome parse_one(std::string_view data, ParserLimits limits = {}) {
  RequestParser p(limits);
  const ParseStatus st = p.parse(data);
  if (st == ParseStatus::Error) return error(p.error());
  EXPECT_EQ(st, ParseStatus::Complete) << "input: " << data;
  return complete(copy_args(p), p.is_inline());
}

ParseStatus status_of(std::string_view data, ParserLimits limits = {}) {
  RequestParser p(limits);
  return p.parse(data);
}

std::string resp(const Args& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// ---------------------------------------------------------------- multibulk

TEST(RequestParserMultibulk, SimpleRequest) {
  RequestParser p;
  const std::string in = resp({"SET", "key", "value"}) + "tail";
  ASSERT_EQ(p.parse(in), ParseStatus::Complete);
  EXPECT_EQ(copy_args(p), (Args{"SET", "key", "value"}));
  EXPECT_EQ(p.consumed(), in.size() - 4);
  EXPECT_FALSE(p.is_inline());
  // Multibulk arguments are views into the caller's buffer, not copies.
  for (std::string_view a : p.args()) {
    EXPECT_GE(a.data(), in.data());
    EXPECT_LE(a.data() + a.size(), in.data() + in.size());
  }
}

TEST(RequestParserMultibulk, BinarySafePayload) {
  const std::string payload = "a\0b\r\nc*$\n"s;
  EXPECT_EQ(parse_one(resp({"ECHO", payload})), complete({"ECHO", payload}));
  EXPECT_EQ(parse_one("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"), complete({"ECHO", ""}));
}

TEST(RequestParserMultibulk, EmptyRequestsHaveNoArgs) {
  for (const char* in : {"*0\r\n", "*-1\r\n", "*-5\r\n", "*-9223372036854775808\r\n"}) {
    RequestParser p;
    ASSERT_EQ(p.parse(in), ParseStatus::Complete) << in;
    EXPECT_TRUE(p.args().empty());
    EXPECT_EQ(p.consumed(), std::strlen(in));
    EXPECT_FALSE(p.is_inline());
  }
}

TEST(RequestParserMultibulk, ByteAfterCarriageReturnIsNotChecked) {
  // Redis only waits for some byte after each header's '\r' and skips it.
  EXPECT_EQ(parse_all("*1\rX$4\rXPING\r\n"), std::vector<Outcome>{complete({"PING"})});
  EXPECT_EQ(status_of("*1\r"), ParseStatus::NeedMore);
  EXPECT_EQ(status_of("*1\r\n$4\r"), ParseStatus::NeedMore);
}

TEST(RequestParserMultibulk, PayloadTerminatorIsSkippedUnchecked) {
  EXPECT_EQ(parse_all("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"),
            (std::vector<Outcome>{complete({"PING"}), complete({"PING"})}));
  EXPECT_EQ(status_of("*1\r\n$4\r\nPING\r"), ParseStatus::NeedMore);
}

TEST(RequestParserMultibulk, MultibulkCountLimits) {
  // Redis 7.0 accepts counts up to INT_MAX (argv grows as arguments arrive).
  EXPECT_EQ(status_of("*1048576\r\n"), ParseStatus::NeedMore);
  EXPECT_EQ(status_of("*1048577\r\n"), ParseStatus::NeedMore);
  EXPECT_EQ(status_of("*2147483647\r\n"), ParseStatus::NeedMore);
  EXPECT_EQ(parse_one("*2147483648\r\n"), error("Protocol error: invalid multibulk length"));
}

TEST(RequestParserMultibulk, InvalidMultibulkLength) {
  for (const char* in : {"*abc\r\n", "*\r\n", "*00\r\n", "*01\r\n", "*+1\r\n", "*-0\r\n", "* 1\r\n", "*1 \r\n",
                         "*1x\r\n", "*-9223372036854775809\r\n", "*9223372036854775808\r\n",
                         "*99999999999999999999\r\n"}) {
    EXPECT_EQ(parse_one(in), error("Protocol error: invalid multibulk length")) << in;
  }
}

TEST(RequestParserMultibulk, InvalidBulkLength) {
  for (const char* in : {"*1\r\n$abc\r\n", "*1\r\n$-1\r\n", "*1\r\n$-0\r\n", "*1\r\n$\r\n", "*1\r\n$01\r\n",
                         "*1\r\n$+1\r\n", "*1\r\n$99999999999999999999\r\n", "*1\r\n$536870913\r\n"}) {
    EXPECT_EQ(parse_one(in), error("Protocol error: invalid bulk length")) << in;
  }
  // Exactly proto-max-bulk-len is allowed.
  EXPECT_EQ(status_of("*1\r\n$536870912\r\n"), ParseStatus::NeedMore);
}

TEST(RequestParserMultibulk, MaxBulkLenIsConfigurable) {
  ParserLimits limits;
  limits.max_bulk_len = 5;
  EXPECT_EQ(parse_one(resp({"hello"}), limits), complete({"hello"}));
  EXPECT_EQ(parse_one(resp({"hello!"}), limits), error("Protocol error: invalid bulk length"));

  RequestParser p(limits);
  limits.max_bulk_len = 6;
  p.set_limits(limits);
  ASSERT_EQ(p.parse(resp({"hello!"})), ParseStatus::Complete);
}

TEST(RequestParserMultibulk, ExpectedDollar) {
  EXPECT_EQ(parse_one("*1\r\nX4\r\n"), error("Protocol error: expected '$', got 'X'"));
  EXPECT_EQ(parse_one("*1\r\n*1\r\n"), error("Protocol error: expected '$', got '*'"));
  EXPECT_EQ(parse_one("*1\r\n\x01\r\n"), error("Protocol error: expected '$', got '\x01'"));
  EXPECT_EQ(parse_one("*1\r\n\xff\r\n"), error("Protocol error: expected '$', got '\xff'"));
  // Redis turns CR and LF into spaces in error replies.
  EXPECT_EQ(parse_one("*1\r\n\r\n"), error("Protocol error: expected '$', got ' '"));
  EXPECT_EQ(parse_one("*1\r\n\n\r\n"), error("Protocol error: expected '$', got ' '"));
  // The header is only judged once its line (and the byte after '\r') is in.
  EXPECT_EQ(status_of("*1\r\nX4"), ParseStatus::NeedMore);
  EXPECT_EQ(status_of("*1\r\nX4\r"), ParseStatus::NeedMore);
}

TEST(RequestParserMultibulk, TooBigMbulkCountString) {
  const std::string at_limit = "*" + std::string(RequestParser::kMaxLineBytes - 1, '1');
  EXPECT_EQ(status_of(at_limit), ParseStatus::NeedMore);
  EXPECT_EQ(parse_one(at_limit + "1"), error("Protocol error: too big mbulk count string"));
  EXPECT_EQ(parse_chunks({at_limit, "1"}), std::vector<Outcome>{error("Protocol error: too big mbulk count string")});
}

TEST(RequestParserMultibulk, TooBigBulkCountString) {
  // The limit counts from the start of the bulk header, including any bytes
  // pipelined behind it.
  const std::string prefix = "*2\r\n$4\r\nECHO\r\n";
  const std::string at_limit = prefix + "$" + std::string(RequestParser::kMaxLineBytes - 1, '1');
  EXPECT_EQ(status_of(at_limit), ParseStatus::NeedMore);
  EXPECT_EQ(parse_one(at_limit + "1"), error("Protocol error: too big bulk count string"));
  // Checked before the '$', as in Redis.
  EXPECT_EQ(parse_one("*1\r\n" + std::string(RequestParser::kMaxLineBytes + 1, 'X')),
            error("Protocol error: too big bulk count string"));
}

TEST(RequestParserMultibulk, NulBeforeCarriageReturnStallsUntilLimit) {
  // Redis finds line ends with strchr(), which stops at NUL: the '\r' behind a
  // NUL is never seen, so only the size limit ends the request.
  EXPECT_EQ(status_of("*1\0\r\n$4\r\nPING\r\n"s), ParseStatus::NeedMore);
  EXPECT_EQ(status_of("*1\r\n$4\0\r\nPING\r\n"s), ParseStatus::NeedMore);
  EXPECT_EQ(status_of("*1\r\n\0$4\r\nPING\r\n"s), ParseStatus::NeedMore);
  const std::string stalled = "*1\r\n$4\0\r\nPING\r\n"s;
  EXPECT_EQ(parse_chunks({stalled, std::string(RequestParser::kMaxLineBytes, 'a')}),
            std::vector<Outcome>{error("Protocol error: too big bulk count string")});
}

TEST(RequestParserMultibulk, UnauthenticatedLimits) {
  ParserLimits limits;
  limits.unauthenticated = true;
  EXPECT_EQ(status_of("*10\r\n", limits), ParseStatus::NeedMore);
  EXPECT_EQ(parse_one("*11\r\n", limits), error("Protocol error: unauthenticated multibulk length"));
  EXPECT_EQ(parse_one("*-5\r\n", limits), complete({}));
  EXPECT_EQ(status_of("*1\r\n$16384\r\n", limits), ParseStatus::NeedMore);
  EXPECT_EQ(parse_one("*1\r\n$16385\r\n", limits), error("Protocol error: unauthenticated bulk length"));
  // The generic check comes first.
  EXPECT_EQ(parse_one("*1\r\n$99999999999\r\n", limits), error("Protocol error: invalid bulk length"));
  EXPECT_EQ(parse_one("*2147483648\r\n", limits), error("Protocol error: invalid multibulk length"));
}

TEST(RequestParserMultibulk, LargeBulkInManyChunks) {
  constexpr size_t kLen = 8 * 1024 * 1024;
  constexpr size_t kRead = 16 * 1024;
  std::string payload(kLen, 'v');
  for (size_t i = 0; i < kLen; i += 4099) payload[i] = static_cast<char>(i % 251);  // includes CR, LF, NUL
  const std::string wire = resp({"SET", "k", payload}) + resp({"PING"});

  RequestParser p;
  std::string buffer;  // appending reallocates it from time to time
  size_t fed = 0;
  ParseStatus st = ParseStatus::NeedMore;
  size_t last_pending = SIZE_MAX;
  while (st == ParseStatus::NeedMore) {
    ASSERT_LT(fed, wire.size());
    const size_t n = std::min(kRead, wire.size() - fed);
    buffer.append(wire, fed, n);
    fed += n;
    st = p.parse(buffer);
    if (st == ParseStatus::NeedMore && p.pending_bulk_bytes() > 0) {
      EXPECT_LT(p.pending_bulk_bytes(), last_pending);
      last_pending = p.pending_bulk_bytes();
    }
  }
  ASSERT_EQ(st, ParseStatus::Complete);
  ASSERT_EQ(p.args().size(), 3u);
  EXPECT_EQ(p.args()[2].size(), kLen);
  EXPECT_TRUE(p.args()[2] == payload);
  EXPECT_EQ(p.consumed(), wire.size() - resp({"PING"}).size());
  EXPECT_EQ(p.pending_bulk_bytes(), 0u);
}

TEST(RequestParserMultibulk, PendingBulkBytes) {
  RequestParser p;
  EXPECT_EQ(p.parse("*2\r\n$3\r\nGET\r\n$10\r\n"), ParseStatus::NeedMore);
  EXPECT_EQ(p.pending_bulk_bytes(), 12u);  // payload plus CRLF
  EXPECT_EQ(p.parse("*2\r\n$3\r\nGET\r\n$10\r\n0123"), ParseStatus::NeedMore);
  EXPECT_EQ(p.pending_bulk_bytes(), 8u);
  EXPECT_EQ(p.parse("*2\r\n$3\r\nGET\r\n$10\r\n0123456789\r"), ParseStatus::NeedMore);
  EXPECT_EQ(p.pending_bulk_bytes(), 1u);
  EXPECT_EQ(p.parse("*2\r\n$3\r\nGET\r\n$10\r\n0123456789\r\n"), ParseStatus::Complete);
  EXPECT_EQ(p.pending_bulk_bytes(), 0u);
  // Unknown while a header is incomplete.
  EXPECT_EQ(p.parse("*2\r\n$3"), ParseStatus::NeedMore);
  EXPECT_EQ(p.pending_bulk_bytes(), 0u);
}

TEST(RequestParserMultibulk, ManyArguments) {
  Args args;
  for (int i = 0; i < 5000; ++i) args.push_back(std::to_string(i));
  EXPECT_EQ(parse_one(resp(args)), complete(args));
}

// ------------------------------------------------------------------- inline

TEST(RequestParserInline, SimpleAndLineEndings) {
  EXPECT_EQ(parse_one("PING\r\n"), complete({"PING"}, true));
  EXPECT_EQ(parse_one("PING\n"), complete({"PING"}, true));
  EXPECT_EQ(parse_one("SET  k\t v\r\n"), complete({"SET", "k", "v"}, true));
  EXPECT_EQ(parse_one("PING\r\r\n"), complete({"PING"}, true));
  EXPECT_EQ(parse_one("\rPING\r\n"), complete({"PING"}, true));
  EXPECT_EQ(parse_one("a\tb\rc\n"), complete({"a", "b", "c"}, true));
  EXPECT_EQ(status_of("PING"), ParseStatus::NeedMore);
  EXPECT_EQ(status_of("PING\r"), ParseStatus::NeedMore);

  RequestParser p;
  ASSERT_EQ(p.parse("GET key\r\nrest"), ParseStatus::Complete);
  EXPECT_EQ(p.consumed(), 9u);
  EXPECT_TRUE(p.is_inline());
}

TEST(RequestParserInline, BlankLinesHaveNoArgs) {
  for (const char* in : {"\n", "\r\n", "   \r\n", "\t\n", "\v\f \r\n"}) {
    RequestParser p;
    ASSERT_EQ(p.parse(in), ParseStatus::Complete);
    EXPECT_TRUE(p.args().empty());
    EXPECT_EQ(p.consumed(), std::strlen(in));
    EXPECT_TRUE(p.is_inline());
  }
}

TEST(RequestParserInline, WhitespaceRules) {
  // Only space, tab, CR and LF end an unquoted word, but every C isspace()
  // byte is skipped between words.
  EXPECT_EQ(parse_one("a\vb\n"), complete({"a\vb"}, true));
  EXPECT_EQ(parse_one("\va\n"), complete({"a"}, true));
  EXPECT_EQ(parse_one("a\f\n"), complete({"a\f"}, true));
  EXPECT_EQ(parse_one("\xff\x80 \xa0\n"), complete({"\xff\x80", "\xa0"}, true));
}

TEST(RequestParserInline, DoubleQuotes) {
  EXPECT_EQ(parse_one(R"("\n\r\t\b\a\\\"\q")" "\n"), complete({"\n\r\t\b\a\\\"q"}, true));
  EXPECT_EQ(parse_one(R"("\x41\x4a\x6b\xff\x0")" "\n"), complete({"AJk\xff" "x0"}, true));
  EXPECT_EQ(parse_one(R"("\xZZ\x4")" "\n"), complete({"xZZx4"}, true));
  EXPECT_EQ(parse_one(R"("\x00")" "\n"), complete({"\0"s}, true));
  EXPECT_EQ(parse_one(R"("a\x00b")" "\n"), complete({"a\0b"s}, true));
  EXPECT_EQ(parse_one(R"("" x)" "\n"), complete({"", "x"}, true));
  EXPECT_EQ(parse_one(R"("a b" c)" "\n"), complete({"a b", "c"}, true));
  EXPECT_EQ(parse_one("\"a\" \n"), complete({"a"}, true));
  EXPECT_EQ(parse_one("\"a\"\vb\n"), complete({"a", "b"}, true));
  EXPECT_EQ(parse_one("\"a\rb\"\r\n"), complete({"a\rb"}, true));
}

TEST(RequestParserInline, SingleQuotes) {
  EXPECT_EQ(parse_one(R"('a\'b\"c\n')" "\n"), complete({R"(a'b\"c\n)"}, true));
  EXPECT_EQ(parse_one("'' x\n"), complete({"", "x"}, true));
  EXPECT_EQ(parse_one("'\\'\n"), error("Protocol error: unbalanced quotes in request"));
}

TEST(RequestParserInline, QuoteInsideWordJoins) {
  EXPECT_EQ(parse_one(R"(a"b c")" "\n"), complete({"ab c"}, true));
  EXPECT_EQ(parse_one("a'b c'\n"), complete({"ab c"}, true));
  EXPECT_EQ(parse_one(R"(x a"\x41" y)" "\n"), complete({"x", "aA", "y"}, true));
}

TEST(RequestParserInline, UnbalancedQuotes) {
  for (const char* in : {"\"abc\n", "'abc\n", "\"abc\\\n", "\"a\"b\n", "'a'b\n", "ab\"\n", "SET \"k\"x v\r\n",
                         "\"\n", "'\n"}) {
    EXPECT_EQ(parse_one(in), error("Protocol error: unbalanced quotes in request")) << in;
  }
}

TEST(RequestParserInline, PlainWordsAreViewsEscapedOnesAreOwned) {
  const std::string in = "SET \"plain quoted\" \"esc\\n\" 'x' a\"b\"\r\n";
  RequestParser p;
  ASSERT_EQ(p.parse(in), ParseStatus::Complete);
  ASSERT_EQ(copy_args(p), (Args{"SET", "plain quoted", "esc\n", "x", "ab"}));
  auto in_input = [&](std::string_view a) { return a.data() >= in.data() && a.data() < in.data() + in.size(); };
  EXPECT_TRUE(in_input(p.args()[0]));
  EXPECT_TRUE(in_input(p.args()[1]));
  EXPECT_FALSE(in_input(p.args()[2]));
  EXPECT_TRUE(in_input(p.args()[3]));
  EXPECT_FALSE(in_input(p.args()[4]));
}

TEST(RequestParserInline, TooBigInlineRequest) {
  const std::string at_limit(RequestParser::kMaxLineBytes, 'a');
  EXPECT_EQ(status_of(at_limit), ParseStatus::NeedMore);
  EXPECT_EQ(parse_one(at_limit + "a"), error("Protocol error: too big inline request"));
  EXPECT_EQ(parse_chunks({at_limit, "a"}), std::vector<Outcome>{error("Protocol error: too big inline request")});
  // Like Redis, a longer line is fine when its newline is already buffered.
  const std::string long_line = "ECHO " + std::string(70000, 'a');
  EXPECT_EQ(parse_one(long_line + "\r\n"), complete({"ECHO", std::string(70000, 'a')}, true));
  EXPECT_EQ(parse_chunks({long_line.substr(0, RequestParser::kMaxLineBytes + 1), long_line.substr(65537) + "\n"}),
            std::vector<Outcome>{error("Protocol error: too big inline request")});
}

TEST(RequestParserInline, NulStallsUntilLimit) {
  const std::string stalled = "PING\0\r\n"s;
  EXPECT_EQ(status_of(stalled), ParseStatus::NeedMore);
  EXPECT_EQ(parse_chunks({stalled, std::string(RequestParser::kMaxLineBytes - stalled.size(), 'a')}),
            std::vector<Outcome>{});
  EXPECT_EQ(parse_chunks({stalled, std::string(RequestParser::kMaxLineBytes - stalled.size() + 1, 'a')}),
            std::vector<Outcome>{error("Protocol error: too big inline request")});
}

// --------------------------------------------------------------- pipelining

const std::string kPipeline = resp({"SET", "key", "va\r\nl\0ue"s}) +  // binary payload
                              "PING\r\n" +                             // inline
                              "*0\r\n" +                               // empty multibulk
                              "\r\n" +                                 // blank inline
                              "SET 'a b' \"c\\x41\\n\"\n" +             // quoted inline
                              "*-1\r\n" + resp({"GET", "key"}) + resp({"MSET", "a", "", "b", "1"});

const std::vector<Outcome> kPipelineExpected = {
    complete({"SET", "key", "va\r\nl\0ue"s}),
    complete({"PING"}, true),
    complete({}),
    complete({}, true),
    complete({"SET", "a b", "cA\n"}, true),
    complete({}),
    complete({"GET", "key"}),
    complete({"MSET", "a", "", "b", "1"}),
};

TEST(RequestParserPipeline, AllAtOnce) { EXPECT_EQ(parse_all(kPipeline), kPipelineExpected); }

TEST(RequestParserPipeline, SplitAtEveryPosition) {
  for (size_t i = 0; i <= kPipeline.size(); ++i) {
    std::string_view all(kPipeline);
    EXPECT_EQ(parse_chunks({all.substr(0, i), all.substr(i)}), kPipelineExpected) << "split at " << i;
  }
}

TEST(RequestParserPipeline, SplitAtEveryPairOfPositions) {
  std::string_view all(kPipeline);
  for (size_t i = 0; i <= all.size(); ++i) {
    for (size_t j = i; j <= all.size(); j += 3) {
      ASSERT_EQ(parse_chunks({all.substr(0, i), all.substr(i, j - i), all.substr(j)}), kPipelineExpected)
          << "split at " << i << " and " << j;
    }
  }
}

TEST(RequestParserPipeline, ByteByByte) {
  Connection conn;
  std::vector<Outcome> all;
  for (char c : kPipeline) {
    auto got = conn.feed(std::string_view(&c, 1));
    all.insert(all.end(), got.begin(), got.end());
  }
  EXPECT_EQ(all, kPipelineExpected);
  EXPECT_EQ(conn.pending_size(), 0u);
}

TEST(RequestParserPipeline, ErrorAfterGoodRequests) {
  const std::string in = resp({"PING"}) + "PING\r\n*1\r\n$x\r\n" + resp({"PING"});
  const std::vector<Outcome> expected = {complete({"PING"}), complete({"PING"}, true),
                                         error("Protocol error: invalid bulk length")};
  for (size_t i = 0; i <= in.size(); ++i) {
    std::string_view all(in);
    EXPECT_EQ(parse_chunks({all.substr(0, i), all.substr(i)}), expected) << "split at " << i;
  }
}

// ------------------------------------------------------------------ lifecycle

TEST(RequestParserLifecycle, ErrorIsStickyUntilReset) {
  RequestParser p;
  ASSERT_EQ(p.parse("*x\r\n"), ParseStatus::Error);
  EXPECT_EQ(p.error(), "Protocol error: invalid multibulk length");
  EXPECT_EQ(p.parse("PING\r\n"), ParseStatus::Error);
  p.reset();
  ASSERT_EQ(p.parse("PING\r\n"), ParseStatus::Complete);
  EXPECT_EQ(copy_args(p), Args{"PING"});
}

TEST(RequestParserLifecycle, ResetDropsPartialRequest) {
  RequestParser p;
  ASSERT_EQ(p.parse("*2\r\n$3\r\nGET\r\n"), ParseStatus::NeedMore);
  p.reset();
  ASSERT_EQ(p.parse("PING\n"), ParseStatus::Complete);
  EXPECT_EQ(copy_args(p), Args{"PING"});
  EXPECT_TRUE(p.is_inline());
}

TEST(RequestParserLifecycle, EmptyInputNeedsMore) {
  RequestParser p;
  EXPECT_EQ(p.parse(""), ParseStatus::NeedMore);
  EXPECT_EQ(p.parse("*"), ParseStatus::NeedMore);
  EXPECT_EQ(p.parse("*1"), ParseStatus::NeedMore);
  EXPECT_EQ(p.parse("*1\r\n$1\r\nx\r\n"), ParseStatus::Complete);
  EXPECT_EQ(p.parse(""), ParseStatus::NeedMore);
}

TEST(RequestParserLifecycle, ReusedAcrossRequestsWithoutStaleArgs) {
  RequestParser p;
  const std::string first = resp({"a", "b", "c"});
  const std::string third = resp({"d"});
  ASSERT_EQ(p.parse(first), ParseStatus::Complete);
  ASSERT_EQ(p.parse("x\n"), ParseStatus::Complete);
  EXPECT_EQ(copy_args(p), Args{"x"});
  ASSERT_EQ(p.parse(third), ParseStatus::Complete);
  EXPECT_EQ(copy_args(p), Args{"d"});
}

}  // namespace
}  // namespace corvid
