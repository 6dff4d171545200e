#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corvid {

struct ParserLimits {
  size_t max_bulk_len = 512 * 1024 * 1024;  // proto-max-bulk-len
  // While a password is required and the client has not authenticated yet,
  // Redis refuses big requests before buffering them, so an anonymous peer
  // cannot make the server hold large allocations.
  bool unauthenticated = false;
};

enum class ParseStatus { NeedMore, Complete, Error };

// Incremental parser for client requests (RESP multibulk and inline), with
// Redis 7.0's acceptance rules and error texts. It knows nothing about
// commands or sockets.
//
// Typical loop: parse(buffered bytes); on Complete run args() (skip when it is
// empty), drop consumed() bytes and parse the rest; on NeedMore read more and
// call parse() again with the same start; on Error send "-ERR " + error() and
// close the connection.
class RequestParser {
 public:
  // Redis's PROTO_INLINE_MAX_SIZE: how many unconsumed bytes may be buffered
  // while a header or inline line still lacks its terminator.
  static constexpr size_t kMaxLineBytes = 64 * 1024;
  static constexpr long long kMaxMultibulkCount = 2147483647;  // INT_MAX in Redis 7.0
  static constexpr long long kUnauthMaxMultibulkCount = 10;
  static constexpr long long kUnauthMaxBulkLen = 16384;

  explicit RequestParser(ParserLimits limits = {});
  void set_limits(ParserLimits limits);

  // `input` holds all unconsumed bytes received so far, starting at the first
  // byte of the request being parsed. Call again with a longer `input` (same
  // start) after more bytes arrive; the buffer may have moved in between. The
  // first call after Complete starts the next request at input[0].
  // Error is sticky until reset().
  //
  // As in Redis, the "too big" limits apply to whatever is buffered when the
  // terminator is still missing, so a line longer than kMaxLineBytes is
  // accepted if its terminator arrives in the same chunk.
  ParseStatus parse(std::string_view input);

  // After Complete: the arguments and the number of input bytes the request
  // used. Multibulk arguments and plain inline words are views into `input`;
  // inline words that needed unescaping live in parser-owned storage. Valid
  // until the next parse()/reset(). Empty for "*0", "*-1" and blank inline
  // lines, which Redis silently skips.
  std::span<const std::string_view> args() const { return args_; }
  size_t consumed() const { return consumed_; }
  bool is_inline() const { return inline_; }

  // After Error: the text Redis replies, without the "-ERR " prefix and the
  // trailing CRLF, e.g. "Protocol error: invalid multibulk length".
  const std::string& error() const { return error_; }

  // Bytes (payload plus its CRLF) still missing for the bulk being read, as
  // of the last parse(); 0 when not inside a bulk payload.
  size_t pending_bulk_bytes() const;

  void reset();

 private:
  enum class Phase : unsigned char {
    Start,        // nothing of the request seen yet
    Inline,       // waiting for the inline line's '\n'
    Count,        // waiting for "*<n>\r\n"
    BulkHeader,   // waiting for "$<len>\r\n"
    BulkPayload,  // waiting for <len> bytes plus two
    Done,         // Complete was returned
    Failed,       // Error was returned
  };

  // Offsets rather than views: the caller may reallocate between calls.
  struct Slice {
    size_t offset;
    size_t length;
  };

  ParseStatus parse_inline(std::string_view in);
  ParseStatus parse_multibulk(std::string_view in);
  ParseStatus fail(std::string_view message);
  ParseStatus complete(size_t consumed);
  size_t find_terminator(std::string_view in, char terminator);
  bool split_inline(std::string_view line);
  void begin_request();

  ParserLimits limits_;
  Phase phase_ = Phase::Start;
  size_t pos_ = 0;           // start of the line or payload being parsed
  size_t scanned_to_ = 0;    // [pos_, scanned_to_) holds no terminator
  bool nul_before_terminator_ = false;
  long long bulks_left_ = 0;
  size_t bulk_len_ = 0;
  size_t last_input_size_ = 0;
  size_t consumed_ = 0;
  bool inline_ = false;
  std::vector<Slice> slices_;
  std::vector<std::string_view> args_;
  std::string unescaped_;
  std::string error_;
};

}  // namespace corvid
