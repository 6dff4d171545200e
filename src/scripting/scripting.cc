#include "scripting/scripting.h"

#include <algorithm>
#include <cctype>

#include "core/ascii_case.h"
#include "core/sha1.h"
#include "replication/propagation.h"
#include "core/monotonic.h"
#include "server/log.h"

namespace corvid {
namespace {

// "#!lua flags=no-writes,allow-oom": the flags, and where the script's code starts (the
// first line's newline stays, so that line numbers in errors are the file's).
std::optional<std::string> parse_shebang(std::string_view body, uint32_t& flags, size_t& code_start) {
  code_start = 0;
  if (!body.starts_with("#!")) {
    flags = kScriptCompatMode;
    return std::nullopt;
  }
  flags = 0;
  const size_t line_end = body.find('\n');
  if (line_end == std::string_view::npos) return "ERR Invalid script shebang";
  code_start = line_end;
  std::vector<std::string_view> parts;
  std::string_view line = body.substr(0, line_end);
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    const size_t end = std::min(line.find(' ', pos), line.size());
    if (end > pos) parts.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  if (parts.empty() || parts[0] != "#!lua") {
    return "ERR Unexpected engine in script shebang: " + std::string(parts.empty() ? line : parts[0]);
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    if (!parts[i].starts_with("flags=")) return "ERR Unknown lua shebang option: " + std::string(parts[i]);
    std::string_view list = parts[i].substr(6);
    size_t start = 0;
    while (start <= list.size() && !list.empty()) {
      const size_t comma = std::min(list.find(',', start), list.size());
      const std::string_view name = list.substr(start, comma - start);
      const std::optional<ScriptFlag> flag = script_flag_named(name);
      if (!flag) return "ERR Unexpected flag in script shebang: " + std::string(name);
      flags |= *flag;
      start = comma + 1;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string script_sha(std::string_view body) { return digest_hex(sha1(body)); }

Scripting::Scripting(Host& host)
    : host_(host),
      engine_(std::make_unique<LuaEngine>(*this, random_)),
      functions_(*this, random_),
      client_(host.new_script_client()) {}

Scripting::~Scripting() = default;

std::optional<std::string> Scripting::load(std::string_view body, std::string& sha) {
  sha = script_sha(body);
  if (scripts_.contains(sha)) return std::nullopt;
  Script script;
  size_t code_start = 0;
  if (auto error = parse_shebang(body, script.flags, code_start)) return error;
  if (auto error = engine_->compile(body.substr(code_start), script.function)) {
    return "ERR Error compiling script (new function): " + *error;
  }
  script.body = std::string(body);
  scripts_memory_ += script.body.size() + sha.size();
  scripts_.emplace(sha, std::move(script));
  return std::nullopt;
}

bool Scripting::exists(std::string_view sha) const { return scripts_.contains(lowercase(sha)); }

uint32_t Scripting::flags_of(std::string_view body_or_sha, bool by_sha) const {
  if (by_sha) {
    auto found = scripts_.find(lowercase(body_or_sha));
    return found == scripts_.end() ? kScriptCompatMode : found->second.flags;
  }
  uint32_t flags = 0;
  size_t code_start = 0;
  return parse_shebang(body_or_sha, flags, code_start) ? kScriptCompatMode : flags;
}

void Scripting::flush() {
  scripts_.clear();
  scripts_memory_ = 0;
  engine_ = std::make_unique<LuaEngine>(*this, random_);
}

std::optional<std::string> Scripting::refuse_start(uint32_t flags, bool read_only) const {
  if (flags & kScriptCompatMode) return std::nullopt;
  if (!(flags & kScriptNoWrites)) {
    if (auto refusal = host_.writes_refused()) return refusal;
    if (read_only) return "ERR Can not execute a script with write flag using *_ro command.";
  }
  if (!(flags & (kScriptAllowOom | kScriptNoWrites)) && host_.out_of_memory()) {
    return "OOM command not allowed when used memory > 'maxmemory'.";
  }
  return std::nullopt;
}

void Scripting::eval(const Request& request, ReplyWriter& reply) {
  std::string sha;
  if (request.by_sha) {
    sha = lowercase(request.body);
  } else if (auto error = load(request.body, sha)) {
    reply.error(*error);
    return;
  }
  auto found = scripts_.find(sha);
  if (found == scripts_.end()) {
    reply.error("NOSCRIPT No matching script. Please use EVAL.");
    return;
  }
  const Script& script = found->second;
  if (auto refusal = refuse_start(script.flags, request.read_only)) {
    reply.error(*refusal);
    return;
  }
  Run run;
  run.label = sha;
  run.flags = script.flags;
  execute(run, *engine_, script.function, request, reply);
}

void Scripting::fcall(const Request& request, ReplyWriter& reply) {
  const FunctionLibraries::Function* function = functions_.find(request.body);
  if (function == nullptr) {
    reply.error("ERR Function not found");
    return;
  }
  if (auto refusal = refuse_start(function->flags, request.read_only)) {
    reply.error(*refusal);
    return;
  }
  Run run;
  run.label = function->name;
  run.function = true;
  run.flags = function->flags;
  execute(run, functions_.engine(), function->callback, request, reply);
}

void Scripting::execute(Run& run, LuaEngine& engine, int handle, const Request& request, ReplyWriter& reply) {
  run.caller = &request.caller;
  run.keys = request.keys;
  run.command = request.command;
  run.read_only = request.read_only || (run.flags & kScriptNoWrites);
  run.started_ms = monotonic_ms();
  running_ = &run;
  client_->db_index = request.caller.db_index;
  const LuaEngine::Outcome outcome = engine.run(handle, run.label, request.keys, request.args, reply);
  running_ = nullptr;
  host_.end_script_transaction(*client_);
  if (run.busy) request.caller.suspend_reading(false);
  if (run.kill_requested && !host_.shutting_down()) log_warning("Lua script killed by user with SCRIPT KILL.");
  host_.set_propagation_targets(kToAll);
  // SHUTDOWN NOSAVE stopped it: the server goes down without answering, as Redis does.
  if (host_.shutting_down()) return;
  if (!outcome.ok) {
    if (outcome.error_counted) {
      reply.error_already_counted(outcome.error);
    } else {
      reply.error(outcome.error);
    }
  }
}

std::optional<std::string> Scripting::refuse_call(const Command& command, std::span<const std::string_view> argv) {
  const size_t argc = argv.size();
  const int arity = command.spec->arity;
  if ((arity > 0 && static_cast<int>(argc) != arity) || static_cast<int>(argc) < -arity || command.spec->handler == nullptr) {
    return "ERR Wrong number of args calling Redis command from script";
  }
  const uint32_t flags = command.spec->flags;
  if (flags & kCmdNoScript) {
    if (!deny_disabled_) return "ERR This Redis command is not allowed from script";
    // DEBUG SET-DISABLE-DENY-SCRIPTS lets the rest through. Subscribing refuses a client
    // that may not block, as Redis's does. MULTI/EXEC/WATCH act on the script client as in
    // Redis (commands after MULTI run at once, the MULTI ends with the script). A
    // replication stream on the script client stays refused: Redis 7.0 crashes on it.
    const std::string& name = command.full_name;
    if (name == "subscribe" || name == "psubscribe" || name == "ssubscribe") {
      std::string upper = "ERR " + name + " isn't allowed for a DENY BLOCKING client";
      for (size_t i = 4; i < 4 + name.size(); ++i) upper[i] = static_cast<char>(upper[i] - 'a' + 'A');
      return upper;
    }
    if (name == "sync" || name == "psync" || name == "replconf") {
      return "ERR This Redis command is not allowed from script";
    }
  }
  if (auto refusal = host_.script_acl_refusal(command, argv)) return refusal;
  // May-replicate commands (PUBLISH, PFCOUNT) count as writes for read-only scripts.
  if ((flags & (kCmdWrite | kCmdMayReplicate)) && running_->read_only) {
    return "ERR Write commands are not allowed from read-only scripts.";
  }
  if (flags & kCmdWrite) {
    if (auto refusal = host_.writes_refused()) return refusal;
  }
  // Once a script has written, refusing its next write would leave it half done: Redis
  // checks memory only until the first write.
  if ((flags & kCmdDenyOom) && !(running_->flags & kScriptAllowOom) && !running_->wrote && host_.out_of_memory()) {
    return "OOM command not allowed when used memory > 'maxmemory'.";
  }
  return std::nullopt;
}

LuaHost::CallReply Scripting::call(std::span<const std::string_view> argv, int resp) {
  const Command* command = host_.command_table().find_requested(argv[0]);
  if (command != nullptr && !command->subcommands.empty() && argv.size() >= 2) {
    command = command->find_subcommand(argv[1]);
  }
  std::optional<std::string> refusal;
  if (command == nullptr) {
    refusal = "ERR Unknown Redis command called from script";
  } else {
    refusal = refuse_call(*command, argv);
  }
  if (refusal) {
    refusal_ = "-" + *refusal;
    return {refusal_, true};
  }
  Connection& client = *client_;
  client.discard_output();
  client.reply().set_protocol(resp);
  if (command->spec->flags & kCmdWrite) running_->wrote = true;
  host_.run_script_command(client, *command, argv);
  // CLIENT REPLY OFF/SKIP answer nothing and change nothing for a script (its replies are
  // never suppressed): the script sees nil, as in Redis.
  client.reply_mode = Connection::ReplyMode::On;
  if (client.output().empty()) return {"$-1\r\n", false};
  return {client.output(), false};
}

bool Scripting::script_should_stop() {
  Run& run = *running_;
  if (!run.busy) {
    const int64_t threshold = host_.busy_reply_threshold_ms();
    if (threshold <= 0 || monotonic_ms() - run.started_ms < threshold) return false;
    run.busy = true;
    log_warning("Slow script detected: still in execution after " + std::to_string(monotonic_ms() - run.started_ms) +
                " milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: " +
                run.label + ".");
    run.caller->suspend_reading(true);
  }
  host_.serve_clients_while_busy();
  if (host_.shutting_down()) {
    host_.discard_script_effects();
    return true;
  }
  return run.kill_requested;
}

std::optional<std::string> Scripting::kill(bool function) {
  if (!busy()) return "NOTBUSY No scripts in execution right now.";
  if (running_->wrote) {
    return "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait "
           "the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
  }
  // Each KILL stops its own kind only.
  if (function != running_->function) return std::string(busy_error());
  running_->kill_requested = true;
  return std::nullopt;
}

int64_t Scripting::running_ms() const { return monotonic_ms() - running_->started_ms; }

void Scripting::log(int level, std::string_view message) {
  static constexpr LogLevel kLevels[] = {LogLevel::Debug, LogLevel::Verbose, LogLevel::Notice, LogLevel::Warning};
  log_line(kLevels[level], message);
}

// redis.REPL_AOF and REPL_REPLICA are the propagation targets' bits.
static_assert(kToAof == 1 && kToReplicas == 2);

void Scripting::set_replication(int flags) { host_.set_propagation_targets(static_cast<uint8_t>(flags)); }

std::optional<bool> Scripting::acl_check(std::span<const std::string_view> argv) {
  const Command* command = host_.command_table().find(argv[0]);
  if (command == nullptr) return std::nullopt;
  if (!command->subcommands.empty() && argv.size() >= 2) {
    command = command->find_subcommand(argv[1]);
    if (command == nullptr) return std::nullopt;
  }
  return host_.script_caller_may_run(*command, argv);
}

}  // namespace corvid
