#pragma once
// The declarative description of a command. Each command family file lists its
// commands in one table of CommandSpec; the table drives dispatch, arity errors,
// COMMAND INFO/DOCS/LIST/GETKEYS, ACL categories and (later) cluster key routing.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace corvid {

struct CommandContext;
using CommandHandler = void (*)(CommandContext&);

// Command flags, named as COMMAND INFO reports them.
enum CommandFlag : uint32_t {
  kCmdWrite = 1u << 0,
  kCmdReadOnly = 1u << 1,
  kCmdDenyOom = 1u << 2,
  kCmdAdmin = 1u << 3,
  kCmdPubSub = 1u << 4,
  kCmdNoScript = 1u << 5,
  kCmdBlocking = 1u << 6,
  kCmdLoading = 1u << 7,
  kCmdStale = 1u << 8,
  kCmdSkipMonitor = 1u << 9,
  kCmdSkipSlowlog = 1u << 10,
  kCmdFast = 1u << 11,
  kCmdNoAuth = 1u << 12,
  kCmdMayReplicate = 1u << 13,
  kCmdSentinel = 1u << 14,
  kCmdNoMandatoryKeys = 1u << 15,
  kCmdProtected = 1u << 16,
  kCmdNoAsyncLoading = 1u << 17,
  kCmdNoMulti = 1u << 18,
  kCmdMovableKeys = 1u << 19,
  kCmdAllowBusy = 1u << 20,
  kCmdOnlySentinel = 1u << 21,
  kCmdAsking = 1u << 22,
};

// ACL categories, named as COMMAND INFO reports them ("@read", ...).
enum AclCategory : uint32_t {
  kAclKeyspace = 1u << 0,
  kAclRead = 1u << 1,
  kAclWrite = 1u << 2,
  kAclSet = 1u << 3,
  kAclSortedSet = 1u << 4,
  kAclList = 1u << 5,
  kAclHash = 1u << 6,
  kAclString = 1u << 7,
  kAclBitmap = 1u << 8,
  kAclHyperLogLog = 1u << 9,
  kAclGeo = 1u << 10,
  kAclStream = 1u << 11,
  kAclPubSub = 1u << 12,
  kAclAdmin = 1u << 13,
  kAclFast = 1u << 14,
  kAclSlow = 1u << 15,
  kAclBlocking = 1u << 16,
  kAclDangerous = 1u << 17,
  kAclConnection = 1u << 18,
  kAclTransaction = 1u << 19,
  kAclScripting = 1u << 20,
};

// Key-spec flags, as COMMAND INFO names them.
enum KeySpecFlag : uint32_t {
  kKeyRO = 1u << 0,
  kKeyRW = 1u << 1,
  kKeyOW = 1u << 2,
  kKeyRM = 1u << 3,
  kKeyAccess = 1u << 4,
  kKeyUpdate = 1u << 5,
  kKeyInsert = 1u << 6,
  kKeyDelete = 1u << 7,
  kKeyNotKey = 1u << 8,
  kKeyIncomplete = 1u << 9,
  kKeyVariableFlags = 1u << 10,
};

// How a key spec finds where its keys begin.
enum class KeySearch : uint8_t {
  Index,    // at argument `begin_index`
  Keyword,  // just after `keyword` (case-insensitive), searched for from `begin_index`
  Unknown,  // cannot be told from the arguments (e.g. SORT's STORE may appear anywhere)
};

// How a key spec finds its keys once it knows where they begin.
enum class KeyFind : uint8_t {
  Range,   // `last_key`, `key_step`, `limit` below
  KeyNum,  // a key count at `keynum_index`, the keys from `first_key` (both relative to the begin)
  Unknown,
};

// Where a command's keys are: starting at argument `begin_index`, up to `last_key`
// (an index relative to begin; negative counts from the end: -1 is the last argument),
// every `key_step` arguments. Commands with no keys have an empty span.
// With `limit` > 0 and last_key -1, the keys are the first 1/limit of the remaining
// arguments (XREAD STREAMS k1 k2 id1 id2 has limit 2).
// With KeySearch::Keyword, `begin_index` is where the search starts; a negative one counts
// from the end and searches backwards, for commands whose earlier option values could
// spell the keyword (MIGRATE ... AUTH KEYS KEYS k1 k2 searches from -2).
// The fields after `limit` are for the less common shapes; write them with designated
// initializers, e.g. {.flags = ..., .begin_index = 1, .last_key = -1, .key_step = 1,
// .limit = 2, .search = KeySearch::Keyword, .keyword = "STREAMS"}.
struct KeySpec {
  uint32_t flags;
  int begin_index;
  int last_key;
  int key_step;
  int limit = 0;
  KeySearch search = KeySearch::Index;
  std::string_view keyword = {};
  KeyFind find = KeyFind::Range;
  int keynum_index = 0;
  int first_key = 0;
  std::string_view notes = {};  // COMMAND INFO shows it before the flags
};

// One key a command touches, as COMMAND GETKEYS(ANDFLAGS) reports it: the argument index
// and the key-spec flags that apply to it.
struct KeyRef {
  int index;
  uint32_t flags;
};

// For commands whose keys the key specs cannot describe exactly: keys behind a keyword
// that may appear anywhere (SORT ... STORE), or key flags that depend on the options
// (SET ... GET reads the old value). Appends the keys of `args` (args[0] is the command
// name). Used when a key spec is Unknown, has kKeyVariableFlags, or does not fit the
// arguments.
using KeyFinder = void (*)(std::span<const std::string_view> args, std::vector<KeyRef>& keys);

// COMMAND DOCS argument descriptions, nested for OneOf and Block.
enum class ArgType : uint8_t { String, Integer, Double, Key, Pattern, UnixTime, PureToken, OneOf, Block };

enum ArgFlag : uint32_t {
  kArgOptional = 1u << 0,
  kArgMultiple = 1u << 1,
  kArgMultipleToken = 1u << 2,
};

struct CommandArg {
  std::string_view name;
  ArgType type;
  int key_spec_index = -1;  // for ArgType::Key: which of the command's key specs it is
  std::string_view token = {};
  uint32_t flags = 0;  // ArgFlag
  std::span<const CommandArg> arguments = {};  // OneOf / Block members
  std::string_view since = {};
  std::string_view summary = {};
  std::string_view deprecated_since = {};
};

// A "history" line of COMMAND DOCS: the version and what changed.
struct CommandHistory {
  std::string_view version;
  std::string_view change;
};

enum DocFlag : uint32_t {
  kDocDeprecated = 1u << 0,
  kDocSysCmd = 1u << 1,
};

// COMMAND INFO adds the ACL categories Redis implies from the flags (write -> @write,
// readonly -> @read, admin -> @admin @dangerous, pubsub, fast, blocking; not fast -> @slow)
// and the movablekeys flag it derives from the key specs, so tables may leave them out.
struct CommandSpec {
  std::string_view name;  // lower case; for subcommands just the subcommand
  int arity;              // Redis's convention: negative means "at least -arity"
  uint32_t flags;
  uint32_t acl_categories;
  CommandHandler handler;  // nullptr for containers that only have subcommands
  std::span<const KeySpec> key_specs = {};
  std::span<const CommandSpec> subcommands = {};
  // COMMAND DOCS
  std::string_view summary = {};
  std::string_view since = {};
  std::string_view group = {};
  std::string_view complexity = {};
  std::span<const CommandArg> arguments = {};
  std::span<const CommandHistory> history = {};
  // COMMAND INFO "tips" (e.g. "nondeterministic_output", "request_policy:all_shards").
  std::span<const std::string_view> tips = {};
  uint32_t doc_flags = 0;  // DocFlag
  std::string_view deprecated_since = {};
  std::string_view replaced_by = {};
  KeyFinder get_keys = nullptr;
};

}  // namespace corvid
