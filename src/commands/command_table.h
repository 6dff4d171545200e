#pragma once
// All commands known to the server, built from the families' declarative tables.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/command.h"
#include "server/stats.h"

namespace corvid {

// A command as the server runs it: its static description plus runtime statistics.
struct Command {
  const CommandSpec* spec = nullptr;
  std::string full_name;  // "get", "config|get"
  const Command* parent = nullptr;
  std::vector<std::unique_ptr<Command>> subcommands;
  mutable CommandStats stats;

  const Command* find_subcommand(std::string_view name) const;
};

class CommandTable {
 public:
  CommandTable();
  // Case-insensitive. nullptr when unknown.
  const Command* find(std::string_view name) const;
  // In registration order (COMMAND, COMMAND LIST).
  const std::vector<std::unique_ptr<Command>>& all() const { return commands_; }
  size_t size() const { return commands_.size(); }
  void reset_stats();

 private:
  void add(const CommandSpec& spec);
  std::vector<std::unique_ptr<Command>> commands_;
  std::unordered_map<std::string, const Command*> by_name_;
};

// Each family exposes its table; the registry (command_table.cc) lists the families.
std::span<const CommandSpec> connection_commands();
std::span<const CommandSpec> string_commands();
std::span<const CommandSpec> bitmap_commands();
std::span<const CommandSpec> hyperloglog_commands();
std::span<const CommandSpec> key_commands();
std::span<const CommandSpec> expire_commands();
std::span<const CommandSpec> hash_commands();
std::span<const CommandSpec> list_commands();
std::span<const CommandSpec> set_commands();
std::span<const CommandSpec> sorted_set_commands();
std::span<const CommandSpec> sort_commands();
std::span<const CommandSpec> pubsub_commands();
std::span<const CommandSpec> transaction_commands();
std::span<const CommandSpec> server_commands();
std::span<const CommandSpec> config_commands();
std::span<const CommandSpec> debug_commands();
std::span<const CommandSpec> slowlog_commands();
std::span<const CommandSpec> client_commands();
std::span<const CommandSpec> introspection_commands();

}  // namespace corvid
