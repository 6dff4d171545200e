#pragma once
// All commands known to the server, built from the families' declarative tables.

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/command.h"
#include "core/latency_histogram.h"
#include "server/stats.h"

namespace corvid {

// A command as the server runs it: its static description plus runtime statistics.
struct Command {
  const CommandSpec* spec = nullptr;
  std::string full_name;  // "get", "config|get"
  // Dense, from 0, over commands and subcommands alike (ACL permission bits).
  uint32_t id = 0;
  // effective_acl_categories(*spec), computed once.
  uint32_t acl_categories = 0;
  const Command* parent = nullptr;
  std::vector<std::unique_ptr<Command>> subcommands;
  mutable CommandStats stats;
  // Durations in nanoseconds while latency-tracking is on (LATENCY HISTOGRAM, INFO latencystats).
  mutable LatencyHistogram latency_histogram;

  const Command* find_subcommand(std::string_view name) const;
};

class CommandTable {
 public:
  CommandTable();
  // Case-insensitive. nullptr when unknown.
  // "get" or "config|get", case-insensitively (one level of subcommands); nullptr when
  // unknown. COMMAND INFO/DOCS and LATENCY HISTOGRAM name commands this way.
  // With `requested`, the parent's name is looked up as clients name it (after
  // rename-command: COMMAND INFO and DOCS), otherwise by its original name (ACL rules).
  const Command* find_by_full_name(std::string_view name, bool requested = false) const;
  const Command* find(std::string_view name) const;
  // The command a client's request names: as find(), but after rename-command (a renamed
  // command answers to its new name only, in requests, scripts and COMMAND INFO/DOCS). ACL
  // rules and the server's own lookups keep the original names, as in Redis.
  const Command* find_requested(std::string_view name) const {
    return requested_by_name_.empty() ? find(name) : lookup(requested_by_name_, name);
  }
  // rename-command `name` `new_name` (an empty new name leaves the command unreachable):
  // the error (Redis's text) when `name` is no command clients can reach or `new_name`
  // is one already.
  std::optional<std::string> rename(std::string_view name, std::string_view new_name);
  // In registration order (the server's own walks: INFO commandstats, LATENCY).
  const std::vector<std::unique_ptr<Command>>& all() const { return commands_; }
  // The commands clients can reach, in registration order: all but those rename-command
  // gave an empty name. What COMMAND, COMMAND COUNT/LIST/DOCS show, as in Redis (a renamed
  // command is shown under its original name).
  const std::vector<const Command*>& reachable() const { return reachable_; }
  // Every command and subcommand, by id.
  std::span<const Command* const> by_id() const { return by_id_; }
  void reset_stats();

 private:
  void add(const CommandSpec& spec);
  void number(Command& command);
  using NameMap = std::unordered_map<std::string, const Command*>;
  static const Command* lookup(const NameMap& names, std::string_view name);
  std::vector<std::unique_ptr<Command>> commands_;
  std::vector<const Command*> by_id_;
  NameMap by_name_;
  // The names clients use, once a rename-command has made them differ from by_name_.
  NameMap requested_by_name_;
  std::vector<const Command*> reachable_;
};

// A flag bit and the name Redis gives it.
struct NamedBit {
  uint32_t bit;
  std::string_view name;
};
// The ACL categories in Redis's order (ACL CAT, COMMAND INFO).
std::span<const NamedBit> acl_category_names();
// The bit of a category name (case-insensitive); 0 when there is none.
uint32_t acl_category_by_name(std::string_view name);
// Redis files every command without @fast under @slow, and puts the categories its flags
// imply on it, so ACL rules by category work whether or not a table lists them.
uint32_t effective_acl_categories(const CommandSpec& spec);

// Each family exposes its table; the registry (command_table.cc) lists the families.
std::span<const CommandSpec> connection_commands();
std::span<const CommandSpec> string_commands();
std::span<const CommandSpec> bitmap_commands();
std::span<const CommandSpec> hyperloglog_commands();
std::span<const CommandSpec> key_commands();
std::span<const CommandSpec> dump_restore_commands();
std::span<const CommandSpec> persistence_commands();
std::span<const CommandSpec> replication_commands();
std::span<const CommandSpec> expire_commands();
std::span<const CommandSpec> hash_commands();
std::span<const CommandSpec> list_commands();
std::span<const CommandSpec> set_commands();
std::span<const CommandSpec> sorted_set_commands();
std::span<const CommandSpec> sorted_set_algebra_commands();
std::span<const CommandSpec> sort_commands();
std::span<const CommandSpec> pubsub_commands();
std::span<const CommandSpec> transaction_commands();
std::span<const CommandSpec> server_commands();
std::span<const CommandSpec> config_commands();
std::span<const CommandSpec> acl_commands();
std::span<const CommandSpec> debug_commands();
std::span<const CommandSpec> slowlog_commands();
std::span<const CommandSpec> monitor_commands();
std::span<const CommandSpec> client_commands();
std::span<const CommandSpec> introspection_commands();
std::span<const CommandSpec> lolwut_commands();
std::span<const CommandSpec> latency_commands();
std::span<const CommandSpec> memory_commands();
std::span<const CommandSpec> module_commands();
std::span<const CommandSpec> scripting_commands();
std::span<const CommandSpec> function_commands();
std::span<const CommandSpec> geo_commands();
std::span<const CommandSpec> stream_commands();
std::span<const CommandSpec> stream_read_commands();
std::span<const CommandSpec> stream_group_commands();
std::span<const CommandSpec> stream_info_commands();

}  // namespace corvid
