#pragma once
// What a command handler gets: the request, the client, its selected database, the
// reply writer and the server. Handlers reach data only through the Database API.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_table.h"
#include "core/ascii_case.h"
#include "db/database.h"
#include "net/connection.h"
#include "net/reply_writer.h"
#include "server/blocking.h"

namespace corvid {

class Server;

// Error texts shared across command families (exactly as Redis words them).
namespace errors {
inline constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kInvalidDbIndex = "ERR invalid DB index";
inline constexpr std::string_view kOutOfRange = "ERR value is out of range";
}  // namespace errors

// SRANDMEMBER, HRANDFIELD and ZRANDMEMBER with a negative count reply that many picks,
// repeats allowed. Redis 7.0 builds whatever is asked for (a count near -2^63 exhausts
// memory); past this many picks (a reply of 100MB and more) Corvid refuses with
// errors::kOutOfRange.
inline constexpr uint64_t kMaxRepeatedPicks = uint64_t{1} << 24;

// SCAN-family options: COUNT (at least 1), MATCH (a lone "*" is dropped: it would skip
// the empty key or field, which a scan without MATCH returns) and, for SCAN, TYPE.
struct ScanOptions {
  int64_t count = 10;
  std::optional<std::string_view> pattern;
  std::optional<std::string_view> type;
};

// What one HSCAN, SSCAN or ZSCAN call replies: the elements visited whose name matches
// MATCH, copied (compact encodings hand out views into scratch space).
class ScanCollector {
 public:
  explicit ScanCollector(std::optional<std::string_view> pattern) : pattern_(pattern) {}
  // A set member.
  void add(std::string_view member);
  // A hash field or sorted-set member with its value or score (two reply elements).
  void add(std::string_view member, std::string_view value);
  // Reply elements visited so far, matching or not: what COUNT is weighed against.
  uint64_t visited() const { return visited_; }
  // [next cursor, [elements...]]
  void reply(ReplyWriter& reply, uint64_t next_cursor) const;

 private:
  bool matches(std::string_view name) const;

  std::optional<std::string_view> pattern_;
  std::vector<std::string> found_;
  uint64_t visited_ = 0;
};

// HRANDFIELD/ZRANDMEMBER key count [WITHVALUES|WITHSCORES].
struct RandomPickArgs {
  int64_t count;
  bool with_values;
};

// LMPOP/ZMPOP and their blocking forms: numkeys key... WHERE [COUNT count], where WHERE
// is one of two words (LEFT|RIGHT, MIN|MAX).
struct MultiPopArgs {
  std::span<const std::string_view> keys;
  bool second_end = false;  // RIGHT or MAX
  uint64_t count = 1;
};

struct CommandContext {
  Server& server;
  Connection& client;
  Database& db;
  std::span<const std::string_view> args;
  ReplyWriter& reply;
  const Command& command;
  const Clock& clock;

  std::string_view arg(size_t i) const { return args[i]; }
  size_t argc() const { return args.size(); }

  // Argument parsing that replies Redis's error itself and returns nullopt on failure.
  std::optional<int64_t> int_arg(size_t i, std::string_view error = errors::kNotInteger);
  std::optional<double> double_arg(size_t i, std::string_view error = errors::kNotFloat);
  // A SCAN-family cursor, read as Redis reads it (strtoul): an optional sign (minus negates
  // modulo 2^64), decimal digits and nothing after; leading blanks and overflow are
  // refused ("ERR invalid cursor"), the empty string is cursor 0.
  std::optional<uint64_t> cursor_arg(size_t i);
  // The name/value option pairs from argument `first` on; replies the error on failure.
  std::optional<ScanOptions> scan_options(size_t first, bool allow_type);

  // Collections: the value at `entry` if it is of `type`. Null both for a missing key and,
  // after replying WRONGTYPE, for another type; `*wrong` tells the two apart.
  template <class T>
  T* typed(const KeyEntry* entry, ValueType type, bool* wrong) {
    *wrong = false;
    if (entry == nullptr) return nullptr;
    if (entry->type() != type) {
      reply.error(errors::kWrongType);
      *wrong = true;
      return nullptr;
    }
    return &entry->object_as<T>();
  }
  // The key's collection for a write, created empty (`T()`) when missing; null, after
  // replying WRONGTYPE, when the key holds another type.
  template <class T>
  KeyEntry* lookup_or_create(std::string_view key, ValueType type) {
    KeyEntry* entry = db.lookup_write(key);
    if (entry == nullptr) {
      entry = KeyEntry::create_object(key, type, std::make_unique<T>(), KeyEntry::kNoExpiry);
      db.insert(entry);
      return entry;
    }
    if (entry->type() != type) {
      reply.error(errors::kWrongType);
      return nullptr;
    }
    return entry;
  }

  // HSCAN, SSCAN, ZSCAN key cursor [MATCH pattern] [COUNT count] over the collection of
  // `type` at argument 1. `step(cursor, collector)` is one step of the value's own cursor
  // walk (returning the next cursor, 0 when done); a compact encoding is covered in one.
  // Redis's budget: steps until COUNT reply elements were visited, at most ten per
  // element asked for. A missing key replies an empty page before the options are read.
  template <class T, class Step>
  void scan_collection(ValueType type, Step&& step) {
    auto cursor = cursor_arg(2);
    if (!cursor) return;
    bool wrong;
    T* value = typed<T>(db.lookup_read(arg(1)), type, &wrong);
    if (wrong) return;
    if (value == nullptr) {
      ScanCollector(std::nullopt).reply(reply, 0);
      return;
    }
    auto options = scan_options(3, false);
    if (!options) return;
    ScanCollector collector(options->pattern);
    const auto wanted = static_cast<uint64_t>(options->count);
    uint64_t bucket_budget = wanted > UINT64_MAX / 10 ? UINT64_MAX : wanted * 10;
    uint64_t next = *cursor;
    do {
      next = step(*value, next, collector);
    } while (next != 0 && bucket_budget-- > 0 && collector.visited() < wanted);
    collector.reply(reply, next);
  }

  // RandomPickArgs from argument 2 on, `with_word` naming the option; Redis's errors in
  // Redis's order, all before the key is looked at.
  std::optional<RandomPickArgs> random_pick_args(std::string_view with_word);
  // MultiPopArgs from argument `numkeys_index` on, with Redis's errors in Redis's order.
  std::optional<MultiPopArgs> multi_pop_args(size_t numkeys_index, std::string_view first_end,
                                             std::string_view second_end);

  // A blocking command's timeout (seconds, fractions allowed) as a wall-clock deadline in
  // milliseconds; 0 waits forever. Replies Redis's error and returns nullopt when invalid.
  std::optional<int64_t> timeout_arg(size_t i);
  // Parks the client until one of `keys` holds a value of `type` or the deadline passes;
  // the command then runs again from the start (server/blocking.h). Reply nothing after.
  // Where the client may not wait (inside EXEC), replies `no_wait` at once instead.
  // `rerun`: the arguments to run again with, when they are not the command's own (XREAD
  // with "$" resolved to the IDs it meant when it blocked). `wake_when_key_gone`: the
  // command also runs again when a key is deleted or changes type (XREADGROUP, which then
  // fails), not only when it holds a value of `type`.
  void block(std::span<const std::string_view> keys, ValueType type, int64_t deadline_ms,
             NoWaitReply no_wait = NoWaitReply::NullArray, std::span<const std::string_view> rerun = {},
             bool wake_when_key_gone = false);

  // The propagation stream (AOF, replicas; replication/propagation.h). By default a command that
  // changed something replays as itself. propagate_as: the deterministic form that replays
  // it instead (called once per command to replay, in order); propagate_nothing: none;
  // propagate_always: itself even if nothing changed (FLUSHALL, PUBLISH to replicas).
  void propagate_as(std::vector<std::string> argv);
  void propagate_nothing();
  void propagate_always(uint8_t targets);

  // "ERR wrong number of arguments for 'xxx' command", for arity that depends on options.
  void wrong_arity();
  // "ERR unknown subcommand 'x'. Try XXX HELP."
  void unknown_subcommand();
  // "ERR unknown subcommand or wrong number of arguments for 'x'. Try XXX HELP.": Redis's
  // reply when a subcommand's own argument check fails.
  void subcommand_syntax_error();
  // Replies a HELP text as Redis does: "<CMD> <subcommand> [<arg> ...]. Subcommands are:" + lines + HELP.
  void help(std::span<const std::string_view> lines);
};

// `text` up to its first NUL byte: what Redis sees where it treats an argument as a C
// string (printf's %s in error texts, strchr/strstr scans, strtoul).
inline std::string_view up_to_nul(std::string_view text) { return text.substr(0, text.find('\0')); }

}  // namespace corvid
