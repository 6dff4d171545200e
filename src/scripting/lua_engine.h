#pragma once
// The Lua interpreters scripts and functions run in, set up as Redis 7.0 sets up its own: Lua 5.1 with
// the base, table, string, math, cjson, bit, cmsgpack and struct libraries, the `redis`
// table (call, pcall, error_reply, status_reply, sha1hex, log, setresp, set_repl,
// replicate_commands, breakpoint, debug, acl_check_cmd and the REPL_*/LOG_* constants),
// and Redis's sandbox: no os/io/debug/require/loadfile/dofile/print, the global table and
// every library table read-only, reading an undeclared global an error, math.random on
// Redis's own 48-bit generator (its state lives in the engine's owner, so it survives a
// SCRIPT FLUSH as Redis's does).
//
// The engine knows nothing of the server: what a script asks of Redis goes through
// LuaHost. Compiled scripts and registered functions are kept in the Lua registry (luaL_ref
// handles).
//
// There are two kinds, as in Redis: EVAL's (scripts read KEYS and ARGV) and the one every
// function library shares. A library's code runs once, at FUNCTION LOAD, with nothing but
// the load-time API in sight (redis.register_function, redis.log, the LOG_* constants and
// the version); the callbacks it registers later run with the full API, getting their keys
// and arguments as two table arguments. Locals of the library outlive the load, so
// libraries may keep state between calls.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/reply_writer.h"
#include "scripting/script_flags.h"

struct lua_State;
struct lua_Debug;

namespace corvid {

// Redis's rand48 variant: a 48-bit linear congruential generator (Redis seeds it once at
// start, not per script).
struct Rand48 {
  uint64_t state = 0x1234ABCD330EULL;
  void seed(int32_t value) { state = (static_cast<uint64_t>(static_cast<uint32_t>(value)) << 16) | 0x330E; }
  int32_t next() {
    state = (state * 0x5DEECE66DULL + 0xB) & ((uint64_t{1} << 48) - 1);
    return static_cast<int32_t>(state >> 17);
  }
};

class LuaHost {
 public:
  // redis.call / redis.pcall: runs `argv` and returns its reply as RESP bytes in protocol
  // `resp` (valid until the next call), or refuses it (`refused`: an error text, "-CODE msg").
  struct CallReply {
    std::string_view resp;
    bool refused = false;
  };
  virtual CallReply call(std::span<const std::string_view> argv, int resp) = 0;
  // redis.log at a Redis log level (0 debug .. 3 warning).
  virtual void log(int level, std::string_view message) = 0;
  // redis.set_repl: where the script's next writes propagate (REPL_* flags).
  virtual void set_replication(int flags) = 0;
  // redis.acl_check_cmd: nullopt for an unknown command, else whether it is allowed.
  virtual std::optional<bool> acl_check(std::span<const std::string_view> argv) = 0;
  // Called every few thousand Lua instructions of a running script: true to stop it
  // (SCRIPT KILL, or the server going down under it).
  virtual bool script_should_stop() = 0;

 protected:
  ~LuaHost() = default;
};

// Letters, digits and underscores, at least one: what library and function names may be.
bool valid_function_name(std::string_view name);

class LuaEngine {
 public:
  enum class Kind : uint8_t { Eval, Functions };
  LuaEngine(LuaHost& host, Rand48& random, Kind kind = Kind::Eval);
  ~LuaEngine();
  LuaEngine(const LuaEngine&) = delete;
  LuaEngine& operator=(const LuaEngine&) = delete;

  // Compiles `body`; sets `function` to the handle run() takes, or returns the Lua error.
  std::optional<std::string> compile(std::string_view body, int& function);

  // A function a library registered while it loaded.
  struct Registration {
    std::string name;
    std::optional<std::string> description;
    uint32_t flags = 0;  // ScriptFlag bits
    int callback = 0;    // the handle run() takes
  };
  // Functions kind: compiles and runs a library's code (the shebang line blanked out) and
  // collects the functions it registered. On failure nothing is kept and the error reply
  // is returned ("ERR Error compiling function: ..." or "ERR Error registering functions:
  // ..."); a library that runs past kLoadTimeoutMs is stopped.
  static constexpr int64_t kLoadTimeoutMs = 500;
  std::optional<std::string> load_library(std::string_view code, std::vector<Registration>& registered);
  // Forgets a compiled script or a registered callback.
  void release(int handle);

  // What running a script gave: its reply (written by `reply` on success, or an error
  // text for a failure raised inside it).
  struct Outcome {
    bool ok = true;
    std::string error;  // with its code: "ERR user_script:1: ... script: <sha>, on @user_script:1."
    bool error_counted = false;  // the error is a command's, already in errorstats
  };
  // Runs a compiled script with KEYS and ARGV set (a function: with its keys and arguments
  // as its two arguments), writing its return value to `reply`. `label` names the script
  // in error texts (the sha for EVAL, the function's name for FCALL).
  Outcome run(int function, std::string_view label, std::span<const std::string_view> keys,
              std::span<const std::string_view> args, ReplyWriter& reply);

  // used_memory_lua: what the interpreter holds.
  uint64_t memory_bytes() const;

  // The protocol redis.call replies in (redis.setresp); 2 at the start of every script.
  int script_resp() const { return script_resp_; }

 private:
  static int redis_call(lua_State* lua);
  static int redis_pcall(lua_State* lua);
  static int redis_error_reply(lua_State* lua);
  static int redis_status_reply(lua_State* lua);
  static int redis_sha1hex(lua_State* lua);
  static int redis_log(lua_State* lua);
  static int redis_setresp(lua_State* lua);
  static int redis_set_repl(lua_State* lua);
  static int redis_acl_check_cmd(lua_State* lua);
  static int redis_register_function(lua_State* lua);
  static void load_timeout_hook(lua_State* lua, lua_Debug* debug);
  static int math_random(lua_State* lua);
  static int math_randomseed(lua_State* lua);
  static void count_hook(lua_State* lua, lua_Debug* debug);
  static LuaEngine& self(lua_State* lua);
  int call_command(lua_State* lua, bool raise);
  // The arguments of redis.call & co. into call_argv_; false with an error table pushed.
  bool collect_arguments(lua_State* lua);

  void open_libraries();
  void register_redis_table();
  void protect_globals();
  void register_library_api();
  // Points the globals' lookups at the load-time API (true) or back at the real globals.
  void use_library_api(bool on);

  lua_State* lua_;
  Kind kind_;
  LuaHost& host_;
  Rand48& random_;
  int script_resp_ = 2;
  int runs_since_gc_step_ = 0;
  std::vector<std::string_view> call_argv_;
  std::vector<std::string> call_numbers_;  // the text of numeric arguments call_argv_ views
  std::vector<Registration>* registering_ = nullptr;  // while a library loads
  int64_t load_started_ms_ = 0;
};

}  // namespace corvid
