#include "commands/context.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/glob.h"
#include "core/number_format.h"
#include "server/server.h"

namespace corvid {

std::optional<int64_t> CommandContext::int_arg(size_t i, std::string_view error) {
  auto value = parse_int64(args[i]);
  if (!value) reply.error(error);
  return value;
}

std::optional<double> CommandContext::double_arg(size_t i, std::string_view error) {
  auto value = parse_double(args[i]);
  if (!value) reply.error(error);
  return value;
}

bool ScanCollector::matches(std::string_view name) const { return !pattern_ || glob_match(*pattern_, name); }

void ScanCollector::add(std::string_view member) {
  ++visited_;
  if (matches(member)) found_.emplace_back(member);
}

void ScanCollector::add(std::string_view member, std::string_view value) {
  visited_ += 2;
  if (!matches(member)) return;
  found_.emplace_back(member);
  found_.emplace_back(value);
}

void ScanCollector::reply(ReplyWriter& reply, uint64_t next_cursor) const {
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, next_cursor);
  (void)error;  // 24 bytes hold any uint64_t
  reply.array(2);
  reply.bulk(std::string_view(digits, static_cast<size_t>(end - digits)));
  reply.array(found_.size());
  for (const std::string& item : found_) reply.bulk(item);
}

std::optional<RandomPickArgs> CommandContext::random_pick_args(std::string_view with_word) {
  auto count = int_arg(2);
  if (!count) return std::nullopt;
  // Redis refuses LLONG_MIN, whose magnitude has no positive counterpart.
  if (*count == std::numeric_limits<int64_t>::min()) {
    reply.error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
    return std::nullopt;
  }
  bool with_values = false;
  if (argc() == 4 && equals_ignore_case(args[3], with_word)) {
    with_values = true;
    // Twice the picks are replied: keep that count representable.
    constexpr int64_t kLimit = std::numeric_limits<int64_t>::max() / 2;
    if (*count < -kLimit || *count > kLimit) {
      reply.error(errors::kOutOfRange);
      return std::nullopt;
    }
  } else if (argc() >= 4) {
    reply.error(errors::kSyntax);
    return std::nullopt;
  }
  return RandomPickArgs{*count, with_values};
}

std::optional<MultiPopArgs> CommandContext::multi_pop_args(size_t numkeys_index, std::string_view first_end,
                                                           std::string_view second_end) {
  constexpr std::string_view kNumkeysNotPositive = "ERR numkeys should be greater than 0";
  constexpr std::string_view kCountNotPositive = "ERR count should be greater than 0";
  auto numkeys = parse_int64(args[numkeys_index]);
  if (!numkeys || *numkeys < 1) {
    reply.error(kNumkeysNotPositive);
    return std::nullopt;
  }
  // The keys, then the end to pop from.
  if (static_cast<uint64_t>(*numkeys) > argc() - numkeys_index - 2) {
    reply.error(errors::kSyntax);
    return std::nullopt;
  }
  MultiPopArgs parsed;
  parsed.keys = args.subspan(numkeys_index + 1, static_cast<size_t>(*numkeys));
  const size_t where = numkeys_index + 1 + static_cast<size_t>(*numkeys);
  if (equals_ignore_case(args[where], second_end)) {
    parsed.second_end = true;
  } else if (!equals_ignore_case(args[where], first_end)) {
    reply.error(errors::kSyntax);
    return std::nullopt;
  }
  bool counted = false;
  for (size_t i = where + 1; i < argc(); ++i) {
    if (counted || i + 1 >= argc() || !equals_ignore_case(args[i], "count")) {
      reply.error(errors::kSyntax);
      return std::nullopt;
    }
    auto count = parse_int64(args[++i]);
    if (!count || *count < 1) {
      reply.error(kCountNotPositive);
      return std::nullopt;
    }
    parsed.count = static_cast<uint64_t>(*count);
    counted = true;
  }
  return parsed;
}

std::optional<int64_t> CommandContext::timeout_arg(size_t i) {
  auto seconds = parse_long_double(args[i]);
  if (!seconds) {
    reply.error("ERR timeout is not a float or out of range");
    return std::nullopt;
  }
  // Redis rounds up to whole milliseconds, so a tiny positive timeout still expires and a
  // tiny negative one rounds to 0 (wait forever). Values past the 64-bit range convert to
  // its minimum on Redis's platforms, which is why they are reported as negative.
  long double ms = std::ceil(*seconds * 1000.0L);
  constexpr long double kLimit = 9223372036854775808.0L;  // 2^63
  if (!(ms < kLimit) || ms < 0) {
    reply.error("ERR timeout is negative");
    return std::nullopt;
  }
  auto wait_ms = static_cast<int64_t>(ms);
  if (wait_ms == 0) return 0;
  // A deadline past the end of time waits as good as forever.
  return wait_ms > std::numeric_limits<int64_t>::max() - clock.now_ms ? std::numeric_limits<int64_t>::max()
                                                                       : clock.now_ms + wait_ms;
}

void CommandContext::block(std::span<const std::string_view> keys, ValueType type, int64_t deadline_ms,
                           NoWaitReply no_wait, std::span<const std::string_view> rerun,
                           bool wake_when_key_gone) {
  if (!server.may_block()) {
    if (no_wait == NoWaitReply::Null) {
      reply.null();
    } else {
      reply.null_array();
    }
    return;
  }
  server.block_client(client, command, rerun.empty() ? args : rerun, keys, type, deadline_ms, wake_when_key_gone);
}

std::optional<uint64_t> CommandContext::cursor_arg(size_t i) {
  // strtoul sees a C string: anything after a NUL byte is not there.
  std::string_view text = up_to_nul(args[i]);
  if (text.empty()) return 0;
  bool negative = false;
  if (text[0] == '+' || text[0] == '-') {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  // from_chars refuses leading blanks and an empty digit string by itself.
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    reply.error("ERR invalid cursor");
    return std::nullopt;
  }
  return negative ? 0 - value : value;
}

std::optional<ScanOptions> CommandContext::scan_options(size_t first, bool allow_type) {
  ScanOptions options;
  for (size_t i = first; i < args.size(); i += 2) {
    bool has_value = i + 1 < args.size();
    if (equals_ignore_case(args[i], "count") && has_value) {
      auto value = int_arg(i + 1);
      if (!value) return std::nullopt;
      if (*value < 1) {
        reply.error(errors::kSyntax);
        return std::nullopt;
      }
      options.count = *value;
    } else if (equals_ignore_case(args[i], "match") && has_value) {
      options.pattern = args[i + 1];
    } else if (allow_type && equals_ignore_case(args[i], "type") && has_value) {
      options.type = args[i + 1];
    } else {
      reply.error(errors::kSyntax);
      return std::nullopt;
    }
  }
  if (options.pattern == "*") options.pattern.reset();
  return options;
}

void CommandContext::wrong_arity() {
  reply.error("ERR wrong number of arguments for '" + command.full_name + "' command");
}

namespace {

// "CLIENT" for client|list, "DEBUG" for debug: what Redis's errors tell to ask HELP of.
std::string help_command_name(const Command& command) {
  std::string upper;
  for (char c : command.parent ? command.parent->full_name : command.full_name) {
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return upper;
}

}  // namespace

void CommandContext::unknown_subcommand() {
  reply.error("ERR unknown subcommand '" + std::string(args[1].substr(0, 128)) + "'. Try " +
              help_command_name(command) + " HELP.");
}

void CommandContext::subcommand_syntax_error() {
  reply.error("ERR unknown subcommand or wrong number of arguments for '" + std::string(args[1].substr(0, 128)) +
              "'. Try " + help_command_name(command) + " HELP.");
}

void CommandContext::help(std::span<const std::string_view> lines) {
  std::string name(command.parent ? command.parent->full_name : command.full_name);
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  reply.array(lines.size() + 3);
  reply.simple(name + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  for (std::string_view line : lines) reply.simple(line);
  reply.simple("HELP");
  reply.simple("    Prints this help.");
}

void CommandContext::propagate_as(std::vector<std::string> argv) { server.propagation().replace(std::move(argv)); }

void CommandContext::propagate_nothing() { server.propagation().suppress(); }

void CommandContext::propagate_always(uint8_t targets) { server.propagation().force(targets); }

}  // namespace corvid
