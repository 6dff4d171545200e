// libFuzzer target for RequestParser.
//
// Two properties are checked:
//  * Raw bytes: the outcome (requests, error, leftover) must not depend on
//    how the input is split into reads. Only inputs up to kMaxLineBytes are
//    compared, since beyond that Redis's "too big" limits legitimately depend
//    on what happens to be buffered.
//  * Generated traffic: requests encoded from fuzzer-chosen arguments (RESP
//    and inline with quoting) must come back with exactly those arguments.
// Every parse() sees a freshly allocated, exactly sized copy of the pending
// bytes, so AddressSanitizer flags reads past the input and views that
// survive a buffer move.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/request_parser.h"

namespace {

using corvid::ParseStatus;
using corvid::ParserLimits;
using corvid::RequestParser;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

struct Outcome {
  bool error = false;
  bool is_inline = false;
  std::vector<std::string> args;
  std::string error_text;
  bool operator==(const Outcome&) const = default;
};

struct Run {
  std::vector<Outcome> outcomes;
  size_t leftover = 0;
  bool operator==(const Run&) const = default;
};

Run feed(std::string_view wire, const std::vector<size_t>& chunk_sizes, ParserLimits limits) {
  RequestParser parser(limits);
  Run run;
  std::string pending;
  size_t fed = 0;
  size_t next_chunk = 0;
  bool failed = false;
  while (fed < wire.size() && !failed) {
    size_t n = next_chunk < chunk_sizes.size() ? chunk_sizes[next_chunk++] : wire.size() - fed;
    if (n > wire.size() - fed) n = wire.size() - fed;
    pending.append(wire.substr(fed, n));
    fed += n;
    for (;;) {
      auto buffer = std::make_unique<char[]>(pending.size());
      if (!pending.empty()) std::memcpy(buffer.get(), pending.data(), pending.size());
      const std::string_view input(buffer.get(), pending.size());
      const ParseStatus status = parser.parse(input);
      if (status == ParseStatus::NeedMore) {
        check(parser.pending_bulk_bytes() <= limits.max_bulk_len + 2, "pending_bulk_bytes bounded");
        break;
      }
      Outcome out;
      if (status == ParseStatus::Error) {
        const std::string& e = parser.error();
        check(e.rfind("Protocol error: ", 0) == 0, "error text prefix");
        check(e.find_first_of("\r\n") == std::string::npos, "error text has no CR/LF");
        check(parser.parse(input) == ParseStatus::Error, "error is sticky");
        out.error = true;
        out.error_text = e;
        run.outcomes.push_back(std::move(out));
        failed = true;
        break;
      }
      const size_t used = parser.consumed();
      check(used > 0 && used <= input.size(), "consumed within input");
      size_t total = 0;
      for (std::string_view a : parser.args()) {
        total += a.size();
        if (!parser.is_inline()) {
          check(a.data() >= input.data() && a.data() + a.size() <= input.data() + used,
                "multibulk arg is a view into the request");
        }
        out.args.emplace_back(a);  // also makes ASan check every referenced byte
      }
      check(total <= used, "arguments fit in the request");
      out.is_inline = parser.is_inline();
      run.outcomes.push_back(std::move(out));
      pending.erase(0, used);
    }
  }
  run.leftover = failed ? 0 : pending.size();
  return run;
}

std::vector<size_t> chunk_sizes(FuzzedDataProvider& fdp) {
  std::vector<size_t> sizes(fdp.ConsumeIntegralInRange<size_t>(0, 24));
  for (size_t& s : sizes) s = fdp.ConsumeIntegralInRange<size_t>(0, 40);
  return sizes;
}

// Quotes an argument the way a client could type it, using every escape form.
std::string quote_inline(const std::string& arg, uint8_t style) {
  const bool plain = !arg.empty() && arg.find_first_of(" \t\r\n\v\f\"'\\") == std::string::npos &&
                     arg.find('\0') == std::string::npos;
  if (plain && style % 3 == 0) return arg;
  // A raw LF would end the line and a raw NUL would hide its end.
  if (style % 3 == 1 && arg.find('\n') == std::string::npos && arg.find('\0') == std::string::npos) {
    std::string out = "'";
    for (char c : arg) {
      if (c == '\'') out += "\\'";
      else out += c;
    }
    // A trailing backslash would escape the closing quote.
    if (!arg.empty() && arg.back() == '\\') return quote_inline(arg, 2);
    return out + "'";
  }
  const char* hex = (style & 32) ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : arg) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\a': out += "\\a"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

void generated_traffic(FuzzedDataProvider& fdp) {
  ParserLimits limits;
  std::string wire;
  std::vector<Outcome> expected;
  const size_t requests = fdp.ConsumeIntegralInRange<size_t>(1, 8);
  for (size_t r = 0; r < requests && fdp.remaining_bytes() > 0; ++r) {
    Outcome want;
    want.is_inline = fdp.ConsumeBool();
    const size_t argc = fdp.ConsumeIntegralInRange<size_t>(0, 6);
    for (size_t i = 0; i < argc; ++i) want.args.push_back(fdp.ConsumeRandomLengthString(24));
    // An inline request cannot start with '*' (it would be multibulk).
    if (want.is_inline && !want.args.empty() && !want.args[0].empty() && want.args[0][0] == '*') {
      want.args[0].insert(0, "x");
    }
    if (want.is_inline) {
      const uint8_t style = fdp.ConsumeIntegral<uint8_t>();
      for (size_t i = 0; i < want.args.size(); ++i) {
        if (i > 0) wire += (style & 8) ? "\t " : " ";
        wire += quote_inline(want.args[i], static_cast<uint8_t>(style + i));
      }
      wire += (style & 16) ? "\n" : "\r\n";
    } else {
      wire += "*" + std::to_string(want.args.size()) + "\r\n";
      for (const auto& a : want.args) wire += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    }
    expected.push_back(std::move(want));
  }
  const Run run = feed(wire, chunk_sizes(fdp), limits);
  check(run.leftover == 0, "generated traffic fully consumed");
  check(run.outcomes == expected, "generated requests round-trip");
}

void raw_bytes(FuzzedDataProvider& fdp) {
  ParserLimits limits;
  if (fdp.ConsumeBool()) limits.max_bulk_len = fdp.ConsumeIntegralInRange<size_t>(0, 64);
  limits.unauthenticated = fdp.ConsumeBool();
  const std::vector<size_t> sizes = chunk_sizes(fdp);
  const std::string wire = fdp.ConsumeRemainingBytesAsString();
  const Run chunked = feed(wire, sizes, limits);
  if (wire.size() <= RequestParser::kMaxLineBytes) {
    const Run whole = feed(wire, {}, limits);
    check(chunked == whole, "outcome independent of read boundaries");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  if (fdp.ConsumeIntegral<uint8_t>() < 64) {
    generated_traffic(fdp);
  } else {
    raw_bytes(fdp);
  }
  return 0;
}
