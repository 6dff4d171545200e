// CONFIG GET/SET/RESETSTAT/REWRITE/HELP, over the directive table in server/config.cc.

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "commands/admin_flags.h"
#include "commands/context.h"
#include "core/number_format.h"
#include "server/config.h"
#include "server/info.h"
#include "server/process_settings.h"
#include "server/proc_title.h"
#include "server/memory_gauge.h"
#include "server/open_files_limit.h"
#include "server/log.h"
#include "server/server.h"

namespace corvid {

namespace {

void config_get_command(CommandContext& ctx) {
  std::vector<std::string_view> patterns(ctx.args.begin() + 2, ctx.args.end());
  auto pairs = config_get(ctx.server.config(), patterns);
  ctx.reply.map(pairs.size());
  for (const auto& [name, value] : pairs) {
    ctx.reply.bulk(name);
    ctx.reply.bulk(value);
  }
}

// A change that cannot take effect: logged as Redis logs it (after `logged`, if any), and
// the reason CONFIG SET gives.
std::string refuse_change(std::string_view name, const std::string& logged, std::string reason) {
  if (!logged.empty()) log_warning(logged);
  log_warning("Failed applying new configuration. Possibly related to new " + std::string(name) +
              " setting. Restoring previous settings.");
  return reason;
}

// Makes a changed directive take effect; directives read where they are used (timeout,
// maxclients, maxmemory...) need nothing here.
std::optional<std::string> apply_config(Server& server, std::string_view name) {
  Config& config = server.config();
  // The TLS context is rebuilt from the tls-* settings only while TLS serves (tls-port set),
  // as in Redis: files named while it is off are first read when tls-port is set.
  bool rebuild_tls = name.starts_with("tls-") && config.tls_port != 0 &&
                     (name != "tls-port" || !server.tls_configured());
  if (rebuild_tls) {
    if (auto error = server.configure_tls()) {
      return refuse_change(name, *error, "Unable to update TLS configuration. Check server logs.");
    }
  }
  if (name == "tls-port") {
    if (auto error = server.rebind(Server::ListenerSet::Tls)) {
      return refuse_change(name, "Warning: " + *error, "Unable to listen on this port. Check server logs.");
    }
    return std::nullopt;
  }
  if (name == "port" || name == "bind") {
    if (auto error = server.rebind(name == "port" ? Server::ListenerSet::Plain : Server::ListenerSet::Both)) {
      return refuse_change(name, "Warning: " + *error,
                           name == "port" ? "Unable to listen on this port. Check server logs."
                                          : "Failed to bind to specified addresses.");
    }
  } else if (name == "requirepass") {
    server.apply_requirepass();
  } else if (name == "acl-pubsub-default" || name == "acllog-max-len") {
    server.apply_acl_settings();
  } else if (name == "jemalloc-bg-thread") {
    apply_jemalloc_background_thread(config.jemalloc_bg_thread);
  } else if (name == "proc-title-template") {
    update_proc_title(config);
  } else if (name == "hz" || name == "dynamic-hz") {
    server.update_dynamic_hz();
  } else if (name == "maxmemory") {
    server.client_eviction().configure();  // maxmemory-clients may be a percentage of it
    uint64_t used = memory_gauge::used();
    if (config.maxmemory != 0 && config.maxmemory < used) {
      log_warning("WARNING: the new maxmemory value set via CONFIG SET (" + std::to_string(config.maxmemory) +
                  ") is smaller than the current memory usage (" + std::to_string(used) +
                  "). This will result in key eviction and/or the inability to accept new write commands "
                  "depending on the maxmemory-policy.");
    }
    if (config.maxmemory != 0) server.evictor().perform();
  } else if (name == "maxclients") {
    // More clients may need a higher descriptor limit; what the system refuses, the
    // setting refuses too (and names what would fit), as in Redis.
    std::string fatal;
    const std::optional<uint32_t> fitting = fit_open_files_limit(config.maxclients, &fatal);
    if (fitting != config.maxclients) {
      return refuse_change(name, fatal,
                           "The operating system is not able to handle the specified number of clients, try with " +
                               std::to_string(fitting.value_or(0)));
    }
  } else if (name == "maxmemory-clients") {
    server.client_eviction().configure();
  } else if (name == "maxmemory-policy" || name == "lfu-log-factor" || name == "lfu-decay-time") {
    server.refresh_access_policy();
  } else if (name == "loglevel" || name == "logfile") {
    configure_log(config.logfile, config.loglevel);
  } else if (name == "dir") {
    if (chdir(config.dir.c_str()) != 0) return std::string(std::strerror(errno));
  } else if (name == "appendonly") {
    // As in Redis: on starts a rewrite that makes the base from the dataset as it is.
    Aof& aof = server.aof();
    if (config.appendonly) {
      std::string error;
      if (!aof.turn_on(&error)) return error.empty() ? std::string("Unable to turn on AOF. Check server logs.") : error;
    } else {
      aof.turn_off();
    }
    server.sync_aof_sink();
  }
  return std::nullopt;
}

void config_set_command(CommandContext& ctx) {
  if ((ctx.argc() - 2) % 2 != 0) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) pairs.emplace_back(ctx.arg(i), ctx.arg(i + 1));
  Server& server = ctx.server;
  auto error = config_set(
      server.config(), pairs, [&server](std::string_view name) { return apply_config(server, name); },
      ctx.client.is_local());
  if (error) {
    ctx.reply.error(*error);
    return;
  }
  ctx.reply.ok();
}

void config_resetstat(CommandContext& ctx) {
  ctx.server.reset_stats();
  // The counters the rate meters sample just went back to zero: start the rates afresh
  // instead of measuring a negative step.
  ServerStats& stats = ctx.server.stats();
  stats.ops_per_sec = RateMeter{};
  stats.input_kbps = RateMeter{};
  stats.output_kbps = RateMeter{};
  memory_gauge::reset_peak();
  ctx.reply.ok();
}

void config_rewrite_command(CommandContext& ctx) {
  if (auto error = config_rewrite(ctx.server.config(), ctx.server.acl().list_lines())) {
    ctx.reply.error(*error);
    return;
  }
  log_notice("CONFIG REWRITE executed with success.");
  ctx.reply.ok();
}

void config_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
  };
  ctx.help(kLines);
}

constexpr std::string_view kAllNodesSucceeded[] = {"request_policy:all_nodes", "response_policy:all_succeeded"};
constexpr CommandArg kConfigGetPattern[] = {{"parameter", ArgType::String}};
constexpr CommandArg kConfigGetArgs[] = {
    {.name = "parameter", .type = ArgType::Block, .flags = kArgMultiple, .arguments = kConfigGetPattern}};
constexpr CommandHistory kConfigGetHistory[] = {{"7.0.0", "Several patterns in one call."}};
constexpr CommandArg kConfigSetPair[] = {{"parameter", ArgType::String}, {"value", ArgType::String}};
constexpr CommandArg kConfigSetArgs[] = {
    {.name = "parameter_value", .type = ArgType::Block, .flags = kArgMultiple, .arguments = kConfigSetPair}};
constexpr CommandHistory kConfigSetHistory[] = {{"7.0.0", "Several parameters in one call, set all or none."}};

// Summaries and history lines are our own words; the other fields follow Redis 7.0's
// COMMAND INFO and COMMAND DOCS.
const CommandSpec kConfigSubcommands[] = {
    {.name = "get", .arity = -3, .flags = kAdminFlags, .acl_categories = kAdminAcl, .handler = config_get_command,
     .summary = "Lists the configuration parameters whose names match the patterns, with their values.",
     .since = "2.0.0", .group = kServerGroup, .complexity = "O(N) when N is the number of configuration parameters provided",
     .arguments = kConfigGetArgs, .history = kConfigGetHistory},
    {.name = "set", .arity = -4, .flags = kAdminFlags, .acl_categories = kAdminAcl, .handler = config_set_command,
     .summary = "Changes configuration parameters at run time, all of them or none.", .since = "2.0.0",
     .group = kServerGroup, .complexity = "O(N) when N is the number of configuration parameters provided",
     .arguments = kConfigSetArgs, .history = kConfigSetHistory, .tips = kAllNodesSucceeded},
    {.name = "resetstat", .arity = 2, .flags = kAdminFlags, .acl_categories = kAdminAcl, .handler = config_resetstat,
     .summary = "Zeroes the statistics that INFO reports.", .since = "2.0.0", .group = kServerGroup, .complexity = "O(1)"},
    {.name = "rewrite", .arity = 2, .flags = kAdminFlags, .acl_categories = kAdminAcl,
     .handler = config_rewrite_command, .summary = "Writes the running configuration back to the config file.",
     .since = "2.8.0", .group = kServerGroup, .complexity = "O(1)"},
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = kAclSlow, .handler = config_help,
     .summary = "Describes the CONFIG subcommands.", .since = "5.0.0", .group = kServerGroup, .complexity = "O(1)"},
};

const CommandSpec kCommands[] = {
    {.name = "config", .arity = -2, .flags = 0, .acl_categories = kAclSlow, .handler = nullptr,
     .subcommands = kConfigSubcommands,
     .summary = "Reads, changes and saves the server's configuration.", .since = "2.0.0", .group = kServerGroup,
     .complexity = "Depends on subcommand."},
};

}  // namespace

std::span<const CommandSpec> config_commands() { return kCommands; }

}  // namespace corvid
