#include "net/request_parser.h"

#include <algorithm>
#include <climits>
#include <cstring>

namespace corvid {

namespace {

// Redis's string2ll rules: optional '-', no '+', no spaces, no leading zeros
// (so "-0" and "00" are rejected), and the value must fit in a long long.
bool parse_strict_ll(const char* s, size_t n, long long& out) {
  if (n == 0) return false;
  if (n == 1 && s[0] == '0') {
    out = 0;
    return true;
  }
  const bool negative = s[0] == '-';
  size_t i = negative ? 1 : 0;
  if (i == n || s[i] < '1' || s[i] > '9') return false;
  const unsigned long long limit =
      negative ? static_cast<unsigned long long>(LLONG_MAX) + 1 : static_cast<unsigned long long>(LLONG_MAX);
  unsigned long long v = 0;
  for (; i < n; ++i) {
    const unsigned d = static_cast<unsigned char>(s[i]) - static_cast<unsigned>('0');
    if (d > 9) return false;
    if (v > (limit - d) / 10) return false;
    v = v * 10 + d;
  }
  // Negating in unsigned arithmetic keeps LLONG_MIN well defined.
  out = negative ? static_cast<long long>(0ULL - v) : static_cast<long long>(v);
  return true;
}

// isspace() in the C locale, which is what sdssplitargs uses to skip blanks
// and to validate the byte after a closing quote.
bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Vectors that once held a huge request are released rather than pinned for
// the lifetime of the connection.
constexpr size_t kMaxRetainedArgs = 64 * 1024;
constexpr size_t kMaxRetainedUnescaped = 1024 * 1024;

}  // namespace

RequestParser::RequestParser(ParserLimits limits) : limits_(limits) {}

void RequestParser::set_limits(ParserLimits limits) { limits_ = limits; }

void RequestParser::reset() {
  begin_request();
  args_.clear();
  error_.clear();
}

void RequestParser::begin_request() {
  phase_ = Phase::Start;
  pos_ = 0;
  scanned_to_ = 0;
  nul_before_terminator_ = false;
  bulks_left_ = 0;
  bulk_len_ = 0;
  last_input_size_ = 0;
  consumed_ = 0;
  inline_ = false;
  slices_.clear();
  if (slices_.capacity() > kMaxRetainedArgs) std::vector<Slice>().swap(slices_);
  if (args_.capacity() > kMaxRetainedArgs) std::vector<std::string_view>().swap(args_);
  if (unescaped_.capacity() > kMaxRetainedUnescaped) std::string().swap(unescaped_);
}

size_t RequestParser::pending_bulk_bytes() const {
  if (phase_ != Phase::BulkPayload) return 0;
  const size_t need = bulk_len_ + 2;
  const size_t have = last_input_size_ - pos_;
  return need > have ? need - have : 0;
}

ParseStatus RequestParser::fail(std::string_view message) {
  phase_ = Phase::Failed;
  consumed_ = 0;
  args_.clear();
  error_.assign(message);
  return ParseStatus::Error;
}

ParseStatus RequestParser::complete(size_t consumed) {
  phase_ = Phase::Done;
  consumed_ = consumed;
  return ParseStatus::Complete;
}

ParseStatus RequestParser::parse(std::string_view in) {
  switch (phase_) {
    case Phase::Failed:
      return ParseStatus::Error;
    case Phase::Done:
      begin_request();
      break;
    default:
      // A shorter input than last time breaks the calling contract; starting
      // over is always memory-safe and is right if the buffer was replaced.
      if (in.size() < last_input_size_) begin_request();
      break;
  }
  last_input_size_ = in.size();

  if (phase_ == Phase::Start) {
    if (in.empty()) return ParseStatus::NeedMore;
    args_.clear();
    // Like Redis, one byte decides the protocol for the whole request.
    phase_ = in[0] == '*' ? Phase::Count : Phase::Inline;
  }
  return phase_ == Phase::Inline ? parse_inline(in) : parse_multibulk(in);
}

// Redis locates line ends with strchr(), which also stops at a NUL byte. A NUL
// before the terminator therefore hides it for good, and the request can only
// end through the size limit; this is reproduced so that behavior matches.
size_t RequestParser::find_terminator(std::string_view in, char terminator) {
  if (nul_before_terminator_) return std::string_view::npos;
  const char* base = in.data();
  const size_t from = scanned_to_;
  const auto* hit = static_cast<const char*>(std::memchr(base + from, terminator, in.size() - from));
  const size_t end = hit != nullptr ? static_cast<size_t>(hit - base) : in.size();
  if (end > from && std::memchr(base + from, '\0', end - from) != nullptr) {
    nul_before_terminator_ = true;
    return std::string_view::npos;
  }
  // Rescanning only new bytes keeps a header dribbled in byte by byte linear.
  scanned_to_ = end;
  return hit != nullptr ? end : std::string_view::npos;
}

ParseStatus RequestParser::parse_inline(std::string_view in) {
  const size_t newline = find_terminator(in, '\n');
  if (newline == std::string_view::npos) {
    if (in.size() > kMaxLineBytes) return fail("Protocol error: too big inline request");
    return ParseStatus::NeedMore;
  }
  size_t line_end = newline;
  if (line_end > 0 && in[line_end - 1] == '\r') --line_end;
  inline_ = true;
  if (!split_inline(in.substr(0, line_end))) return fail("Protocol error: unbalanced quotes in request");
  return complete(newline + 1);
}

ParseStatus RequestParser::parse_multibulk(std::string_view in) {
  const char* base = in.data();
  for (;;) {
    switch (phase_) {
      case Phase::Count: {
        const size_t cr = find_terminator(in, '\r');
        if (cr == std::string_view::npos) {
          if (in.size() > kMaxLineBytes) return fail("Protocol error: too big mbulk count string");
          return ParseStatus::NeedMore;
        }
        // Redis waits for one byte after '\r' and skips it unchecked.
        if (cr + 1 >= in.size()) return ParseStatus::NeedMore;
        long long count = 0;
        if (!parse_strict_ll(base + 1, cr - 1, count) || count > kMaxMultibulkCount) {
          return fail("Protocol error: invalid multibulk length");
        }
        if (limits_.unauthenticated && count > kUnauthMaxMultibulkCount) {
          return fail("Protocol error: unauthenticated multibulk length");
        }
        pos_ = cr + 2;
        if (count <= 0) return complete(pos_);
        bulks_left_ = count;
        // The count is untrusted: growth beyond this is paid for by bytes
        // actually received.
        slices_.reserve(static_cast<size_t>(std::min<long long>(count, 1024)));
        scanned_to_ = pos_;
        phase_ = Phase::BulkHeader;
        break;
      }
      case Phase::BulkHeader: {
        const size_t cr = find_terminator(in, '\r');
        if (cr == std::string_view::npos) {
          if (in.size() - pos_ > kMaxLineBytes) return fail("Protocol error: too big bulk count string");
          return ParseStatus::NeedMore;
        }
        if (cr + 1 >= in.size()) return ParseStatus::NeedMore;
        if (in[pos_] != '$') {
          // Redis blanks CR/LF in error replies to keep the protocol intact.
          char got = in[pos_];
          if (got == '\r' || got == '\n') got = ' ';
          return fail(std::string("Protocol error: expected '$', got '") + got + "'");
        }
        long long len = 0;
        if (!parse_strict_ll(base + pos_ + 1, cr - pos_ - 1, len) || len < 0 ||
            static_cast<unsigned long long>(len) > limits_.max_bulk_len) {
          return fail("Protocol error: invalid bulk length");
        }
        if (limits_.unauthenticated && len > kUnauthMaxBulkLen) {
          return fail("Protocol error: unauthenticated bulk length");
        }
        bulk_len_ = static_cast<size_t>(len);
        pos_ = cr + 2;
        phase_ = Phase::BulkPayload;
        break;
      }
      case Phase::BulkPayload: {
        // O(1) per call: payload bytes are never looked at, so a huge bulk
        // arriving in small reads costs nothing beyond the reads themselves.
        if (in.size() - pos_ < bulk_len_ + 2) return ParseStatus::NeedMore;
        slices_.push_back({pos_, bulk_len_});
        // Redis skips the two bytes after the payload without checking them.
        pos_ += bulk_len_ + 2;
        scanned_to_ = pos_;
        if (--bulks_left_ > 0) {
          phase_ = Phase::BulkHeader;
          break;
        }
        args_.reserve(slices_.size());
        for (const Slice& s : slices_) args_.emplace_back(base + s.offset, s.length);
        return complete(pos_);
      }
      default:
        return fail("Protocol error: internal parser state");
    }
  }
}

// Splits an inline line the way sdssplitargs does. Words are views into the
// line when their bytes appear verbatim and contiguously; a word that needs
// unescaping (or joins an unquoted prefix to a quoted part, as a"b c" does) is
// copied into unescaped_. The line never contains NUL (find_terminator), so
// reaching its end plays the role of sdssplitargs' terminating NUL.
bool RequestParser::split_inline(std::string_view line) {
  const char* p = line.data();
  const size_t n = line.size();
  unescaped_.clear();
  size_t i = 0;
  for (;;) {
    while (i < n && is_c_space(p[i])) ++i;
    if (i == n) return true;

    size_t view_from = 0;
    size_t view_len = 0;
    bool copied = false;
    size_t copy_from = 0;
    auto to_storage = [&] {
      // Output never exceeds the line length, so one reservation keeps every
      // earlier view into unescaped_ valid. It is empty until the first copy.
      if (unescaped_.empty() && unescaped_.capacity() < n) unescaped_.reserve(n);
      copy_from = unescaped_.size();
      unescaped_.append(p + view_from, view_len);
      copied = true;
    };
    auto keep = [&](size_t k) {
      if (!copied) {
        if (view_len == 0) view_from = k;
        if (view_from + view_len == k) {
          ++view_len;
          return;
        }
        to_storage();
      }
      unescaped_.push_back(p[k]);
    };
    auto put = [&](char c) {
      if (!copied) to_storage();
      unescaped_.push_back(c);
    };
    auto closes_word = [&](size_t after_quote) { return after_quote == n || is_c_space(p[after_quote]); };

    bool in_double = false;
    bool in_single = false;
    for (;;) {
      if (in_double) {
        if (i == n) return false;
        if (p[i] == '\\' && i + 3 < n && p[i + 1] == 'x' && hex_value(p[i + 2]) >= 0 &&
            hex_value(p[i + 3]) >= 0) {
          put(static_cast<char>(hex_value(p[i + 2]) * 16 + hex_value(p[i + 3])));
          i += 4;
        } else if (p[i] == '\\' && i + 1 < n) {
          char c = p[i + 1];
          switch (c) {
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'b': c = '\b'; break;
            case 'a': c = '\a'; break;
            default: break;
          }
          put(c);
          i += 2;
        } else if (p[i] == '"') {
          if (!closes_word(i + 1)) return false;
          ++i;
          break;
        } else {
          keep(i++);
        }
      } else if (in_single) {
        if (i == n) return false;
        if (p[i] == '\\' && i + 1 < n && p[i + 1] == '\'') {
          put('\'');
          i += 2;
        } else if (p[i] == '\'') {
          if (!closes_word(i + 1)) return false;
          ++i;
          break;
        } else {
          keep(i++);
        }
      } else {
        if (i == n) break;
        const char c = p[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
          ++i;
          break;
        }
        if (c == '"') {
          in_double = true;
        } else if (c == '\'') {
          in_single = true;
        } else {
          keep(i);
        }
        ++i;
      }
    }
    if (copied) {
      args_.emplace_back(unescaped_.data() + copy_from, unescaped_.size() - copy_from);
    } else {
      args_.emplace_back(p + view_from, view_len);
    }
  }
}

}  // namespace corvid
