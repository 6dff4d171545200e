#pragma once
// EVAL and FCALL and their families: the script cache (sha -> body and shebang flags), the
// function libraries, running a script or function atomically in its Lua engine, and the
// rules Redis 7.0 applies to what a script may call (unknown and no-script commands, arity,
// writes from read-only scripts, OOM, MISCONF).
//
// A script's commands run on an internal client of their own (the "lua" client MONITOR
// shows): it starts in the caller's database, keeps its own SELECT, and replies in the
// protocol redis.setresp chose. Each command goes through the server's usual run path, so
// the key-change hook (WATCH, notifications, tracking, blocked clients), commandstats and
// the propagation stream see it; the script's writes reach the AOF and replicas as those
// commands, wrapped in MULTI/EXEC when there are several (the EVAL is one execution unit).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/command_table.h"
#include "net/connection.h"
#include "scripting/function_libraries.h"
#include "scripting/lua_engine.h"
#include "scripting/script_flags.h"

namespace corvid {

// What other clients get while a script (a function) runs past busy-reply-threshold.
inline constexpr std::string_view kBusyScriptError =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kBusyFunctionError =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

class Scripting final : public LuaHost {
 public:
  // What Scripting needs from the server.
  class Host {
   public:
    virtual const CommandTable& command_table() const = 0;
    virtual std::unique_ptr<Connection> new_script_client() = 0;
    // Runs an already checked command on the script client (the server's run path).
    virtual void run_script_command(Connection& script_client, const Command& command,
                                    std::span<const std::string_view> argv) = 0;
    // MISCONF: the error text when writes are refused.
    virtual std::optional<std::string> writes_refused() const = 0;
    // Over maxmemory when the calling command arrived (eviction could not make room).
    virtual bool out_of_memory() const = 0;
    // redis.set_repl: where the next operations propagate (PropagationTarget bits).
    virtual void set_propagation_targets(uint8_t targets) = 0;
    // busy-reply-threshold in milliseconds (0: never busy).
    virtual int64_t busy_reply_threshold_ms() const = 0;
    // While a script is busy: serve other clients' events once (they get BUSY).
    virtual void serve_clients_while_busy() = 0;
    // SHUTDOWN NOSAVE arrived while busy: the script stops and nothing it did is kept.
    virtual bool shutting_down() const = 0;
    virtual void discard_script_effects() = 0;
    // The error when the user of the client running the script may not run this command
    // (logged as Redis logs it), or nullopt.
    virtual std::optional<std::string> script_acl_refusal(const Command& command,
                                                          std::span<const std::string_view> args) = 0;
    // redis.acl_check_cmd: the same question, without a log entry.
    virtual bool script_caller_may_run(const Command& command, std::span<const std::string_view> args) const = 0;
    // A script ended: a MULTI it left open on the script client is closed (what it
    // watched stays watched, as in Redis).
    virtual void end_script_transaction(Connection& script_client) = 0;

   protected:
    ~Host() = default;
  };

  explicit Scripting(Host& host);
  ~Scripting();

  struct Request {
    Connection& caller;
    std::string_view body;  // EVAL: the script; EVALSHA: the sha; FCALL: the function's name
    bool by_sha = false;
    bool read_only = false;  // EVAL_RO / EVALSHA_RO / FCALL_RO
    std::span<const std::string_view> keys;
    std::span<const std::string_view> args;
    std::span<const std::string_view> command;  // the whole command (FUNCTION STATS shows it)
  };
  // Runs a script and replies to the caller (its result or an error).
  void eval(const Request& request, ReplyWriter& reply);
  // Runs a function (FCALL, FCALL_RO) and replies to the caller.
  void fcall(const Request& request, ReplyWriter& reply);

  FunctionLibraries& functions() { return functions_; }
  const FunctionLibraries& functions() const { return functions_; }

  // SCRIPT LOAD (and EVAL): compiles `body` into the cache, unless it is there already,
  // and sets `sha`; the error text on failure.
  std::optional<std::string> load(std::string_view body, std::string& sha);
  bool exists(std::string_view sha) const;
  // The shebang flags of a script (EVAL's body, or a cached script's sha); a script not
  // cached, or without a valid shebang, counts as a pre-7 script (kScriptCompatMode).
  uint32_t flags_of(std::string_view body_or_sha, bool by_sha) const;
  // SCRIPT FLUSH: forgets every script and starts a fresh interpreter.
  void flush();
  bool running() const { return running_ != nullptr; }
  // The client whose script is running, if any.
  Connection* caller() const { return running_ != nullptr ? running_->caller : nullptr; }
  // The KEYS of the running script, as its EVAL declared them.
  std::span<const std::string_view> declared_keys() const { return running_->keys; }
  // Running past busy-reply-threshold: other clients get BUSY, SCRIPT KILL may stop it.
  bool busy() const { return running_ != nullptr && running_->busy; }
  // The BUSY error other clients get (it names the KILL that applies).
  std::string_view busy_error() const { return running_function() ? kBusyFunctionError : kBusyScriptError; }
  // SCRIPT KILL (FUNCTION KILL, `function` true): the error to reply, or nullopt when the
  // script will stop.
  std::optional<std::string> kill(bool function);
  // The function running (FUNCTION STATS): its name, command and time so far.
  bool running_function() const { return running_ != nullptr && running_->function; }
  std::string_view running_name() const { return running_->label; }
  std::span<const std::string_view> running_command() const { return running_->command; }
  int64_t running_ms() const;

  // DEBUG SET-DISABLE-DENY-SCRIPTS: lets scripts call commands flagged noscript.
  void set_deny_disabled(bool disabled) { deny_disabled_ = disabled; }

  // INFO memory / INFO scripts figures.
  size_t cached_scripts() const { return scripts_.size(); }
  uint64_t lua_memory() const { return engine_->memory_bytes(); }
  uint64_t scripts_memory() const { return scripts_memory_; }

  // LuaHost.
  CallReply call(std::span<const std::string_view> argv, int resp) override;
  void log(int level, std::string_view message) override;
  void set_replication(int flags) override;
  std::optional<bool> acl_check(std::span<const std::string_view> argv) override;
  bool script_should_stop() override;

 private:
  struct Script {
    std::string body;
    uint32_t flags = 0;
    int function = 0;  // the engine's handle
  };
  struct Run {
    Connection* caller = nullptr;
    std::span<const std::string_view> keys;
    std::span<const std::string_view> command;
    std::string label;  // the sha of a script, the name of a function
    bool function = false;
    uint32_t flags = 0;
    bool read_only = false;
    bool wrote = false;
    int64_t started_ms = 0;  // monotonic
    bool busy = false;
    bool kill_requested = false;
  };
  // Redis's check of a call from a script: the refusal text, or nullopt to run it.
  std::optional<std::string> refuse_call(const Command& command, std::span<const std::string_view> argv);
  // Whether a script with `flags` may start (a shebang script that may write is checked
  // up front); the refusal text otherwise.
  std::optional<std::string> refuse_start(uint32_t flags, bool read_only) const;
  // Runs `handle` in `engine` as `run` describes, replying to the caller.
  void execute(Run& run, LuaEngine& engine, int handle, const Request& request, ReplyWriter& reply);

  Host& host_;
  Rand48 random_;
  std::unique_ptr<LuaEngine> engine_;
  FunctionLibraries functions_;
  std::unordered_map<std::string, Script> scripts_;
  uint64_t scripts_memory_ = 0;
  bool deny_disabled_ = false;
  std::unique_ptr<Connection> client_;
  Run* running_ = nullptr;
  std::string refusal_;  // the bytes of the last refused call
};

// SHA-1 of a script, as 40 lowercase hex digits.
std::string script_sha(std::string_view body);

}  // namespace corvid
