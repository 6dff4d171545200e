#pragma once
// One set of ACL permissions: which commands (a bit per command id, plus "first argument"
// exceptions such as +select|0), which keys (patterns, each for reading, writing or both)
// and which pub/sub channels a connection may use. A user has a root selector and any
// number of extra ones ("(...)" rules); a command runs when one selector allows all of it.
// Rules and their descriptions follow Redis 7.0's ACL SETUSER syntax.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace corvid {

class CommandTable;
struct Command;

// Whether a name or pattern holds a blank (any isspace() byte): Redis refuses those in
// key and channel patterns and in usernames read from files.
bool acl_has_space(std::string_view text);

enum AclKeyAccess : uint8_t {
  kAclKeyRead = 1,
  kAclKeyWrite = 2,
};

// Why a selector refused a command; higher values are the more specific answers (when no
// selector allows a command, the user's refusal is the most specific one).
enum class AclDenial : uint8_t { None = 0, Command = 1, Key = 2, Channel = 4 };

struct AclVerdict {
  AclDenial denial = AclDenial::None;
  size_t arg_index = 0;  // the refused key's or channel's argument
  bool allowed() const { return denial == AclDenial::None; }
};

class AclSelector {
 public:
  // Allows nothing (channels: all of them when `all_channels`, per acl-pubsub-default).
  AclSelector(const CommandTable& table, bool all_channels);

  // Applies one rule: ~pattern %R~ %W~ %RW~ allkeys resetkeys &pattern allchannels
  // resetchannels +cmd -cmd +cmd|sub +cmd|firstarg +@category -@category allcommands
  // nocommands. The error is Redis's text after "Error in ACL SETUSER modifier '...': ".
  std::optional<std::string> apply(std::string_view rule);

  // Whether the command with these arguments (args[0] is its name) is allowed whole.
  AclVerdict check(const Command& command, std::span<const std::string_view> args) const;
  bool allows_command(const Command& command, std::span<const std::string_view> args) const;
  bool allows_key(std::string_view key, uint8_t access) const;
  // A pattern (PSUBSCRIBE) is allowed only if it is one of the selector's patterns.
  bool allows_channel(std::string_view channel, bool is_pattern) const;

  // Allows every command, key and channel (the default user): nothing to check.
  bool unrestricted() const { return all_commands_ && all_keys_ && all_channels_; }
  bool all_keys() const { return all_keys_; }

  // The descriptions ACL LIST and ACL GETUSER show: "-@all +@read -hget", "~k* %R~r*",
  // "&ch*" (and, for ACL LIST, "resetchannels" before a channel list that is not "&*").
  std::string describe_commands() const;
  std::string describe_keys() const;
  std::string describe_channels() const;
  std::string describe(bool for_list) const;

 private:
  struct KeyPattern {
    std::string pattern;
    uint8_t access;
  };

  bool bit(uint32_t id) const { return (allowed_[id / 64] >> (id % 64)) & 1; }
  void set_bit(uint32_t id, bool on);
  // Allows or forbids a command and, for a container, all of its subcommands.
  void change_command(const Command& command, bool allow);
  void change_category(uint32_t category, bool allow);
  void set_all_commands(bool allow);
  std::optional<std::string> apply_command_rule(std::string_view rule);
  std::optional<std::string> add_key_pattern(std::string_view flags, std::string_view pattern);
  // Counts the commands of a category this selector allows (`on`) and forbids (`off`).
  void count_category(uint32_t category, size_t& on, size_t& off) const;

  const CommandTable* table_;
  // One bit per command id, and after them the bit for commands yet to come, which only
  // +@all sets (so ACL LIST can tell "+@all -x" from "-@all +everything-but-x").
  std::vector<uint64_t> allowed_;
  uint32_t future_bit_ = 0;
  bool all_commands_ = false;
  std::unordered_map<uint32_t, std::vector<std::string>> first_args_;
  std::vector<KeyPattern> keys_;
  bool all_keys_ = false;
  std::vector<std::string> channels_;
  bool all_channels_ = false;
};

}  // namespace corvid
