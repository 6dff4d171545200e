#include "commands/command_table.h"

#include <algorithm>
#include <cctype>

#include "core/ascii_case.h"

namespace corvid {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::unique_ptr<Command> build(const CommandSpec& spec, const Command* parent) {
  auto command = std::make_unique<Command>();
  command->spec = &spec;
  command->parent = parent;
  command->full_name = parent ? parent->full_name + "|" + std::string(spec.name) : std::string(spec.name);
  for (const CommandSpec& sub : spec.subcommands) command->subcommands.push_back(build(sub, command.get()));
  return command;
}

constexpr NamedBit kAclCategoryNames[] = {
    {kAclKeyspace, "keyspace"},
    {kAclRead, "read"},
    {kAclWrite, "write"},
    {kAclSet, "set"},
    {kAclSortedSet, "sortedset"},
    {kAclList, "list"},
    {kAclHash, "hash"},
    {kAclString, "string"},
    {kAclBitmap, "bitmap"},
    {kAclHyperLogLog, "hyperloglog"},
    {kAclGeo, "geo"},
    {kAclStream, "stream"},
    {kAclPubSub, "pubsub"},
    {kAclAdmin, "admin"},
    {kAclFast, "fast"},
    {kAclSlow, "slow"},
    {kAclBlocking, "blocking"},
    {kAclDangerous, "dangerous"},
    {kAclConnection, "connection"},
    {kAclTransaction, "transaction"},
    {kAclScripting, "scripting"},
};

}  // namespace

std::span<const NamedBit> acl_category_names() { return kAclCategoryNames; }

uint32_t acl_category_by_name(std::string_view name) {
  for (const auto& n : kAclCategoryNames) {
    if (equals_ignore_case(n.name, name)) return n.bit;
  }
  return 0;
}

uint32_t effective_acl_categories(const CommandSpec& spec) {
  uint32_t categories = spec.acl_categories;
  if (spec.flags & kCmdWrite) categories |= kAclWrite;
  // Read-only script commands (EVAL_RO, FCALL_RO) stay out of @read: what they read is up to the script.
  if ((spec.flags & kCmdReadOnly) && !(categories & kAclScripting)) categories |= kAclRead;
  if (spec.flags & kCmdAdmin) categories |= kAclAdmin | kAclDangerous;
  if (spec.flags & kCmdPubSub) categories |= kAclPubSub;
  if (spec.flags & kCmdFast) categories |= kAclFast;
  if (spec.flags & kCmdBlocking) categories |= kAclBlocking;
  if (!(categories & kAclFast)) categories |= kAclSlow;
  return categories;
}

const Command* Command::find_subcommand(std::string_view name) const {
  std::string wanted = lower(name);
  for (const auto& sub : subcommands) {
    if (sub->spec->name == wanted) return sub.get();
  }
  return nullptr;
}

CommandTable::CommandTable() {
  // The families, in the order COMMAND lists them.
  for (auto family : {connection_commands, string_commands, bitmap_commands, hyperloglog_commands, key_commands,
                      dump_restore_commands,
                      expire_commands, hash_commands, list_commands, set_commands, sorted_set_commands,
                      sorted_set_algebra_commands, geo_commands, stream_commands,
                      stream_read_commands, stream_group_commands, stream_info_commands,
                      sort_commands, pubsub_commands,
                      transaction_commands, scripting_commands, function_commands, server_commands, persistence_commands, replication_commands,
                      config_commands, acl_commands, debug_commands, slowlog_commands, monitor_commands, latency_commands, memory_commands, module_commands, client_commands,
                      introspection_commands, lolwut_commands}) {
    for (const CommandSpec& spec : family()) add(spec);
  }
}

void CommandTable::add(const CommandSpec& spec) {
  commands_.push_back(build(spec, nullptr));
  number(*commands_.back());
  by_name_[std::string(spec.name)] = commands_.back().get();
  reachable_.push_back(commands_.back().get());
}

void CommandTable::number(Command& command) {
  command.id = static_cast<uint32_t>(by_id_.size());
  command.acl_categories = effective_acl_categories(*command.spec);
  by_id_.push_back(&command);
  for (auto& sub : command.subcommands) number(*sub);
}

const Command* CommandTable::lookup(const NameMap& names, std::string_view name) {
  char buffer[64];
  if (name.size() >= sizeof buffer) return nullptr;
  for (size_t i = 0; i < name.size(); ++i) buffer[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
  auto it = names.find(std::string(buffer, name.size()));
  return it == names.end() ? nullptr : it->second;
}

const Command* CommandTable::find(std::string_view name) const { return lookup(by_name_, name); }

std::optional<std::string> CommandTable::rename(std::string_view name, std::string_view new_name) {
  if (requested_by_name_.empty()) requested_by_name_ = by_name_;
  const Command* command = lookup(requested_by_name_, name);
  if (command == nullptr) return std::string("No such command in rename-command");
  if (!new_name.empty() && lookup(requested_by_name_, new_name) != nullptr) {
    return std::string("Target command name already exists");
  }
  requested_by_name_.erase(lower(name));
  if (!new_name.empty()) requested_by_name_[lower(new_name)] = command;
  if (new_name.empty()) std::erase(reachable_, command);
  return std::nullopt;
}

const Command* CommandTable::find_by_full_name(std::string_view name, bool requested) const {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return requested ? find_requested(name) : find(name);
  std::string_view sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  const Command* parent = requested ? find_requested(name.substr(0, bar)) : find(name.substr(0, bar));
  if (parent == nullptr || parent->subcommands.empty()) return nullptr;
  return parent->find_subcommand(sub);
}

void CommandTable::reset_stats() {
  auto reset = [](auto& self, const Command& c) -> void {
    c.stats = CommandStats{};
    c.latency_histogram.clear();
    for (const auto& sub : c.subcommands) self(self, *sub);
  };
  for (const auto& c : commands_) reset(reset, *c);
}

}  // namespace corvid
