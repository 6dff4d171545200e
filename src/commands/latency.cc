// LATENCY: the latency monitor's samples (server/latency_monitor.h) and the per-command
// latency histograms (core/latency_histogram.h).

#include <ctime>

#include "commands/admin_flags.h"
#include "commands/context.h"
#include "server/server.h"

namespace corvid {

namespace {

void latency_latest(CommandContext& ctx) {
  const auto& events = ctx.server.latency_monitor().events();
  ctx.reply.array(events.size());
  for (const auto& [name, series] : events) {
    ctx.reply.array(4);
    ctx.reply.bulk(name);
    ctx.reply.integer(series->latest().unix_seconds);
    ctx.reply.integer(static_cast<int64_t>(series->latest().milliseconds));
    ctx.reply.integer(static_cast<int64_t>(series->all_time_max()));
  }
}

void latency_history(CommandContext& ctx) {
  const LatencySeries* series = ctx.server.latency_monitor().find(ctx.arg(2));
  if (series == nullptr) {
    ctx.reply.array(0);
    return;
  }
  std::vector<LatencySample> samples = series->samples();
  ctx.reply.array(samples.size());
  for (const LatencySample& s : samples) {
    ctx.reply.array(2);
    ctx.reply.integer(s.unix_seconds);
    ctx.reply.integer(static_cast<int64_t>(s.milliseconds));
  }
}

void latency_graph(CommandContext& ctx) {
  const LatencySeries* series = ctx.server.latency_monitor().find(ctx.arg(2));
  if (series == nullptr) {
    ctx.reply.error("ERR No samples available for event '" + std::string(ctx.arg(2)) + "'");
    return;
  }
  ctx.reply.verbatim(LatencyMonitor::graph(ctx.arg(2), *series, std::time(nullptr)));
}

void latency_doctor(CommandContext& ctx) {
  ctx.reply.verbatim(ctx.server.latency_monitor().doctor(ctx.server.config().latency_monitor_threshold));
}

void latency_reset(CommandContext& ctx) {
  LatencyMonitor& monitor = ctx.server.latency_monitor();
  if (ctx.argc() == 2) {
    ctx.reply.integer(static_cast<int64_t>(monitor.reset_all()));
    return;
  }
  size_t reset = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) reset += monitor.reset(ctx.arg(i));
  ctx.reply.integer(static_cast<int64_t>(reset));
}

// {"calls": n, "histogram_usec": {usec: cumulative count, ...}}: the power-of-two walk
// from 1024 ns, each point keyed by its step's highest value in whole microseconds, and
// only the points where the count grew.
void reply_histogram(ReplyWriter& reply, const LatencyHistogram& histogram) {
  reply.map(2);
  reply.bulk("calls");
  reply.integer(static_cast<int64_t>(histogram.total()));
  reply.bulk("histogram_usec");
  std::vector<LatencyHistogram::CumulativePoint> grown;
  uint64_t previous = 0;
  for (const auto& point : histogram.log_walk(1024, 2)) {
    if (point.cumulative > previous) grown.push_back(point);
    previous = point.cumulative;
  }
  reply.map(grown.size());
  for (const auto& point : grown) {
    reply.integer(point.highest_value / 1000);
    reply.integer(static_cast<int64_t>(point.cumulative));
  }
}

// The commands (a container's subcommands after it) that have recorded durations.
void collect_with_data(const Command& command, std::vector<const Command*>& out) {
  if (!command.latency_histogram.empty()) out.push_back(&command);
  for (const auto& sub : command.subcommands) {
    if (!sub->latency_histogram.empty()) out.push_back(sub.get());
  }
}

void latency_histogram(CommandContext& ctx) {
  std::vector<const Command*> shown;
  if (ctx.argc() == 2) {
    for (const auto& command : ctx.server.commands().all()) collect_with_data(*command, shown);
  } else {
    // Unknown names are skipped; a name given twice is answered twice.
    for (size_t i = 2; i < ctx.argc(); ++i) {
      if (const Command* command = ctx.server.commands().find_by_full_name(ctx.arg(i))) {
        collect_with_data(*command, shown);
      }
    }
  }
  ctx.reply.map(shown.size());
  for (const Command* command : shown) {
    ctx.reply.bulk(command->full_name);
    reply_histogram(ctx.reply, command->latency_histogram);
  }
}

void latency_help(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "GRAPH <event>",
      "    Return an ASCII latency graph for the <event> class.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
      "    If no commands are specified then all histograms are replied.",
  };
  ctx.help(kLines);
}

constexpr uint32_t kLatencyFlags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
constexpr std::string_view kAllNodesSpecial[] = {"nondeterministic_output", "request_policy:all_nodes",
                                                 "response_policy:special"};
constexpr std::string_view kAllNodesSucceeded[] = {"request_policy:all_nodes", "response_policy:all_succeeded"};
constexpr CommandArg kEventArg[] = {{.name = "event", .type = ArgType::String}};
constexpr CommandArg kEventsArg[] = {{.name = "event", .type = ArgType::String, .flags = kArgOptional | kArgMultiple}};
constexpr CommandArg kCommandsArg[] = {
    {.name = "command", .type = ArgType::String, .flags = kArgOptional | kArgMultiple}};

// Summaries are our own words; the other fields follow Redis 7.0.
const CommandSpec kLatencySubcommands[] = {
    {.name = "doctor", .arity = 2, .flags = kLatencyFlags, .acl_categories = kAdminAcl, .handler = latency_doctor,
     .summary = "Explains the latency samples in plain language.", .since = "2.8.13", .group = kServerGroup,
     .complexity = "O(1)", .tips = kAllNodesSpecial},
    {.name = "histogram", .arity = -2, .flags = kLatencyFlags, .acl_categories = kAdminAcl,
     .handler = latency_histogram,
     .summary = "Replies the cumulative latency distribution of some commands, or of all that ran.",
     .since = "7.0.0", .group = kServerGroup,
     .complexity = "O(N) where N is the number of commands with latency information being retrieved.",
     .arguments = kCommandsArg, .tips = kAllNodesSpecial},
    {.name = "history", .arity = 3, .flags = kLatencyFlags, .acl_categories = kAdminAcl, .handler = latency_history,
     .summary = "Lists an event's samples with their times.", .since = "2.8.13", .group = kServerGroup,
     .complexity = "O(1)", .arguments = kEventArg, .tips = kAllNodesSpecial},
    {.name = "reset", .arity = -2, .flags = kLatencyFlags, .acl_categories = kAdminAcl, .handler = latency_reset,
     .summary = "Forgets the samples of some events, or of all.", .since = "2.8.13", .group = kServerGroup,
     .complexity = "O(1)", .arguments = kEventsArg, .tips = kAllNodesSucceeded},
    {.name = "latest", .arity = 2, .flags = kLatencyFlags, .acl_categories = kAdminAcl, .handler = latency_latest,
     .summary = "Lists every event with its newest sample and its worst.", .since = "2.8.13", .group = kServerGroup,
     .complexity = "O(1)", .tips = kAllNodesSpecial},
    {.name = "help", .arity = 2, .flags = kCmdLoading | kCmdStale, .acl_categories = kAclSlow, .handler = latency_help,
     .summary = "Describes the LATENCY subcommands.", .since = "2.8.13", .group = kServerGroup,
     .complexity = "O(1)"},
    {.name = "graph", .arity = 3, .flags = kLatencyFlags, .acl_categories = kAdminAcl, .handler = latency_graph,
     .summary = "Draws an event's samples as an ASCII graph.", .since = "2.8.13", .group = kServerGroup,
     .complexity = "O(1)", .arguments = kEventArg, .tips = kAllNodesSpecial},
};

const CommandSpec kCommands[] = {
    {.name = "latency", .arity = -2, .flags = 0, .acl_categories = kAclSlow, .handler = nullptr,
     .subcommands = kLatencySubcommands, .summary = "Reads and resets the latency monitor and histograms.",
     .since = "2.8.13", .group = kServerGroup, .complexity = "Depends on subcommand."},
};

}  // namespace

std::span<const CommandSpec> latency_commands() { return kCommands; }

}  // namespace corvid
