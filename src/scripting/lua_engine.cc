#include "scripting/lua_engine.h"

#include <lua.hpp>
// Debian's module headers declare their entry points without C linkage.
extern "C" {
#include <lua-bitop.h>
#include <lua-cjson.h>
}

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/monotonic.h"
#include "core/sha1.h"
#include "scripting/lua_cmsgpack.h"
#include "scripting/lua_conversion.h"
#include "scripting/lua_struct.h"

namespace corvid {
namespace {

constexpr const char* kEngineKey = "corvid.engine";        // registry: the LuaEngine*
constexpr const char* kProxiesKey = "corvid.proxies";      // registry: read-only proxy -> its table
constexpr const char* kGlobalsKey = "corvid.globals";      // registry: the real global table
constexpr const char* kGlobalsMetaKey = "corvid.globals_meta";  // registry: the global proxy's metatable
constexpr const char* kLibraryApiKey = "corvid.library_api";  // registry: what library code sees at load
constexpr const char* kReadOnlyError = "Attempt to modify a readonly table";
constexpr int kRedisVersionNum = 0x07000f;  // 7.0.15 (major, minor, patch bytes), the version Corvid answers as

// Raises Redis's error table {err="ERR <message>"}: C functions' errors carry no position.
[[noreturn]] void raise_error(lua_State* lua, std::string_view message) {
  push_error_table(lua, message);
  lua_error(lua);
  __builtin_unreachable();
}

int refuse_write(lua_State* lua) { return luaL_error(lua, kReadOnlyError); }

int refuse_unknown_global(lua_State* lua) {
  const char* name = lua_tostring(lua, 2);
  return luaL_error(lua, "Script attempted to access nonexistent global variable '%s'", name ? name : "?");
}

// The table a read-only proxy stands for, or the value itself.
void push_unproxied(lua_State* lua, int index) {
  lua_getfield(lua, LUA_REGISTRYINDEX, kProxiesKey);
  lua_pushvalue(lua, index);
  lua_rawget(lua, -2);
  if (lua_isnil(lua, -1)) {
    lua_pop(lua, 2);
    lua_pushvalue(lua, index);
    return;
  }
  lua_remove(lua, -2);
}

bool is_proxy(lua_State* lua, int index) {
  lua_getfield(lua, LUA_REGISTRYINDEX, kProxiesKey);
  lua_pushvalue(lua, index);
  lua_rawget(lua, -2);
  const bool found = !lua_isnil(lua, -1);
  lua_pop(lua, 2);
  return found;
}

// next/pairs/rawget see through read-only proxies; rawset and setmetatable refuse them.
int sandbox_next(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  lua_settop(lua, 2);
  push_unproxied(lua, 1);
  lua_replace(lua, 1);
  if (lua_next(lua, 1)) return 2;
  lua_pushnil(lua);
  return 1;
}

int sandbox_pairs(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  lua_pushcfunction(lua, sandbox_next);
  lua_pushvalue(lua, 1);
  lua_pushnil(lua);
  return 3;
}

int sandbox_rawget(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  luaL_checkany(lua, 2);
  lua_settop(lua, 2);
  push_unproxied(lua, 1);
  lua_pushvalue(lua, 2);
  lua_rawget(lua, -2);
  return 1;
}

int refuse_if_proxy(lua_State* lua) {
  if (lua_type(lua, 1) == LUA_TTABLE && is_proxy(lua, 1)) {
    lua_pushstring(lua, kReadOnlyError);
    return lua_error(lua);
  }
  return 0;
}

int sandbox_rawset(lua_State* lua) {
  refuse_if_proxy(lua);
  luaL_checktype(lua, 1, LUA_TTABLE);
  luaL_checkany(lua, 2);
  luaL_checkany(lua, 3);
  lua_settop(lua, 3);
  lua_rawset(lua, 1);
  return 1;
}

int sandbox_setmetatable(lua_State* lua) {
  refuse_if_proxy(lua);
  lua_pushvalue(lua, lua_upvalueindex(1));  // the original setmetatable
  lua_insert(lua, 1);
  lua_call(lua, lua_gettop(lua) - 1, LUA_MULTRET);
  return lua_gettop(lua);
}

// Replaces the table on top of the stack by a read-only proxy of it.
void make_read_only(lua_State* lua) {
  const int table = lua_gettop(lua);
  lua_newtable(lua);  // the proxy
  const int proxy = table + 1;
  lua_newtable(lua);  // its metatable
  lua_pushvalue(lua, table);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, refuse_write);
  lua_setfield(lua, -2, "__newindex");
  // getmetatable() shows the metatable through a read-only view of its own.
  lua_newtable(lua);
  lua_newtable(lua);
  lua_pushvalue(lua, -3);
  lua_setfield(lua, -2, "__index");
  lua_pushcfunction(lua, refuse_write);
  lua_setfield(lua, -2, "__newindex");
  lua_pushboolean(lua, 0);
  lua_setfield(lua, -2, "__metatable");
  lua_setmetatable(lua, -2);
  lua_setfield(lua, -2, "__metatable");
  lua_setmetatable(lua, proxy);
  lua_getfield(lua, LUA_REGISTRYINDEX, kProxiesKey);
  lua_pushvalue(lua, proxy);
  lua_pushvalue(lua, table);
  lua_rawset(lua, -3);
  lua_pop(lua, 1);
  lua_replace(lua, table);
}

// tostring(value) without the (protected) global function.
std::string describe(lua_State* lua, int index) {
  switch (lua_type(lua, index)) {
    case LUA_TSTRING:
    case LUA_TNUMBER: {
      size_t length = 0;
      const char* text = lua_tolstring(lua, index, &length);
      return std::string(text, length);
    }
    case LUA_TNIL:
      return "nil";
    case LUA_TBOOLEAN:
      return lua_toboolean(lua, index) ? "true" : "false";
    default: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s: %p", lua_typename(lua, lua_type(lua, index)), lua_topointer(lua, index));
      return buf;
    }
  }
}

// The message handler of every script run: a string error becomes {err="ERR <text>"},
// and the error table learns where the script was (source and line) when it failed.
int error_handler(lua_State* lua) {
  lua_Debug where;
  bool known = lua_getstack(lua, 1, &where) && lua_getinfo(lua, "nSl", &where);
  if (known && std::strcmp(where.what, "C") == 0) known = lua_getstack(lua, 2, &where) && lua_getinfo(lua, "nSl", &where);
  if (!lua_istable(lua, 1)) {
    const std::string text = "ERR " + describe(lua, 1);
    lua_newtable(lua);
    lua_pushlstring(lua, text.data(), text.size());
    lua_setfield(lua, -2, "err");
    lua_replace(lua, 1);
  }
  lua_settop(lua, 1);
  if (known) {
    lua_pushstring(lua, where.source);
    lua_setfield(lua, 1, "source");
    lua_pushinteger(lua, where.currentline);
    lua_setfield(lua, 1, "line");
  }
  return 1;
}

// pcall as Redis 7.0 has it: an error table caught by the script becomes its message, so
// that a script cannot pass an error it caught off as one of its own.
int sandbox_pcall(lua_State* lua) {
  if (lua_gettop(lua) == 0) lua_pushboolean(lua, 1);  // what Redis 7.0 ends up calling then
  const int status = lua_pcall(lua, lua_gettop(lua) - 1, LUA_MULTRET, 0);
  if (status == 0) {
    lua_pushboolean(lua, 1);
    lua_insert(lua, 1);
    return lua_gettop(lua);
  }
  if (lua_istable(lua, -1)) {
    lua_getfield(lua, -1, "err");
    if (lua_isstring(lua, -1)) {
      lua_replace(lua, -2);
    } else {
      lua_pop(lua, 1);
    }
  }
  lua_pushboolean(lua, 0);
  lua_insert(lua, -2);
  return 2;
}

void set_field(lua_State* lua, const char* name, lua_CFunction fn) {
  lua_pushcfunction(lua, fn);
  lua_setfield(lua, -2, name);
}

void set_number(lua_State* lua, const char* name, lua_Number value) {
  lua_pushnumber(lua, value);
  lua_setfield(lua, -2, name);
}

// redis.LOG_* and the version, in both APIs.
void set_log_levels_and_version(lua_State* lua) {
  set_number(lua, "LOG_DEBUG", 0);
  set_number(lua, "LOG_VERBOSE", 1);
  set_number(lua, "LOG_NOTICE", 2);
  set_number(lua, "LOG_WARNING", 3);
  lua_pushstring(lua, "7.0.15");
  lua_setfield(lua, -2, "REDIS_VERSION");
  set_number(lua, "REDIS_VERSION_NUM", kRedisVersionNum);
}

// Gives the table on top of the stack a metatable whose misses are Redis's error.
void refuse_unknown_keys(lua_State* lua) {
  lua_newtable(lua);
  lua_pushcfunction(lua, refuse_unknown_global);
  lua_setfield(lua, -2, "__index");
  lua_setmetatable(lua, -2);
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

void push_string_array(lua_State* lua, std::span<const std::string_view> values) {
  lua_createtable(lua, static_cast<int>(values.size()), 0);
  for (size_t i = 0; i < values.size(); ++i) {
    lua_pushlstring(lua, values[i].data(), values[i].size());
    lua_rawseti(lua, -2, static_cast<int>(i + 1));
  }
}

}  // namespace

bool valid_function_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

LuaEngine::LuaEngine(LuaHost& host, Rand48& random, Kind kind)
    : lua_(luaL_newstate()), kind_(kind), host_(host), random_(random) {
  lua_pushlightuserdata(lua_, this);
  lua_setfield(lua_, LUA_REGISTRYINDEX, kEngineKey);
  lua_newtable(lua_);
  lua_newtable(lua_);  // weak keys: a proxy dropped by the script goes with its entry
  lua_pushstring(lua_, "k");
  lua_setfield(lua_, -2, "__mode");
  lua_setmetatable(lua_, -2);
  lua_setfield(lua_, LUA_REGISTRYINDEX, kProxiesKey);
  open_libraries();
  register_redis_table();
  protect_globals();
  if (kind_ == Kind::Functions) register_library_api();
}

LuaEngine::~LuaEngine() { lua_close(lua_); }

LuaEngine& LuaEngine::self(lua_State* lua) {
  lua_getfield(lua, LUA_REGISTRYINDEX, kEngineKey);
  auto* engine = static_cast<LuaEngine*>(lua_touserdata(lua, -1));
  lua_pop(lua, 1);
  return *engine;
}

void LuaEngine::open_libraries() {
  const std::pair<const char*, lua_CFunction> standard[] = {
      {"", luaopen_base}, {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
      {LUA_MATHLIBNAME, luaopen_math}};
  for (const auto& [name, open] : standard) {
    lua_pushcfunction(lua_, open);
    lua_pushstring(lua_, name);
    lua_call(lua_, 1, 0);
  }
  const std::pair<const char*, lua_CFunction> extra[] = {
      {"cjson", luaopen_cjson}, {"bit", luaopen_bit}, {"cmsgpack", luaopen_cmsgpack}, {"struct", luaopen_struct}};
  for (const auto& [name, open] : extra) {
    lua_pushcfunction(lua_, open);
    lua_call(lua_, 0, 1);
    lua_setglobal(lua_, name);
  }
  // What Redis leaves out: file access, printing to the server's stdout, environments.
  for (const char* name : {"dofile", "loadfile", "print", "getfenv", "setfenv", "newproxy"}) {
    lua_pushnil(lua_);
    lua_setglobal(lua_, name);
  }
  lua_getglobal(lua_, LUA_MATHLIBNAME);
  set_field(lua_, "random", math_random);
  set_field(lua_, "randomseed", math_randomseed);
  lua_pop(lua_, 1);
  lua_pushcfunction(lua_, sandbox_next);
  lua_setglobal(lua_, "next");
  lua_pushcfunction(lua_, sandbox_pairs);
  lua_setglobal(lua_, "pairs");
  lua_pushcfunction(lua_, sandbox_rawget);
  lua_setglobal(lua_, "rawget");
  lua_pushcfunction(lua_, sandbox_pcall);
  lua_setglobal(lua_, "pcall");
  lua_pushcfunction(lua_, sandbox_rawset);
  lua_setglobal(lua_, "rawset");
  lua_getglobal(lua_, "setmetatable");
  lua_pushcclosure(lua_, sandbox_setmetatable, 1);
  lua_setglobal(lua_, "setmetatable");
  lua_pushcfunction(lua_, error_handler);
  lua_setglobal(lua_, "__redis__err__handler");
}

void LuaEngine::register_redis_table() {
  lua_newtable(lua_);
  set_field(lua_, "call", redis_call);
  set_field(lua_, "pcall", redis_pcall);
  set_field(lua_, "error_reply", redis_error_reply);
  set_field(lua_, "status_reply", redis_status_reply);
  set_field(lua_, "sha1hex", redis_sha1hex);
  set_field(lua_, "log", redis_log);
  set_field(lua_, "setresp", redis_setresp);
  set_field(lua_, "set_repl", redis_set_repl);
  set_field(lua_, "acl_check_cmd", redis_acl_check_cmd);
  // Without a debugger attached these do what Redis's do outside SCRIPT DEBUG.
  set_field(lua_, "breakpoint", [](lua_State* lua) {
    lua_pushboolean(lua, 0);
    return 1;
  });
  set_field(lua_, "debug", [](lua_State*) { return 0; });
  set_field(lua_, "replicate_commands", [](lua_State* lua) {
    lua_pushboolean(lua, 1);
    return 1;
  });
  set_log_levels_and_version(lua_);
  set_number(lua_, "REPL_NONE", 0);
  set_number(lua_, "REPL_AOF", 1);
  set_number(lua_, "REPL_SLAVE", 2);
  set_number(lua_, "REPL_REPLICA", 2);
  set_number(lua_, "REPL_ALL", 3);
  lua_setglobal(lua_, "redis");
}

void LuaEngine::register_library_api() {
  // What library code sees while it loads: a `redis` of its own and nothing else.
  lua_newtable(lua_);
  lua_newtable(lua_);
  set_field(lua_, "register_function", redis_register_function);
  set_field(lua_, "log", redis_log);
  set_log_levels_and_version(lua_);
  refuse_unknown_keys(lua_);
  make_read_only(lua_);
  lua_setfield(lua_, -2, "redis");
  refuse_unknown_keys(lua_);
  lua_setfield(lua_, LUA_REGISTRYINDEX, kLibraryApiKey);
}

void LuaEngine::use_library_api(bool on) {
  lua_getfield(lua_, LUA_REGISTRYINDEX, kGlobalsMetaKey);
  lua_pushstring(lua_, "__index");
  lua_getfield(lua_, LUA_REGISTRYINDEX, on ? kLibraryApiKey : kGlobalsKey);
  lua_rawset(lua_, -3);
  lua_pop(lua_, 1);
}

void LuaEngine::protect_globals() {
  // Every library table becomes a read-only proxy...
  for (const char* name : {"redis", "string", "math", "table", "bit", "cjson", "cmsgpack", "struct", "coroutine"}) {
    lua_getglobal(lua_, name);
    make_read_only(lua_);
    lua_setglobal(lua_, name);
  }
  // ...and so does the global table, whose misses are errors.
  lua_pushvalue(lua_, LUA_GLOBALSINDEX);
  lua_pushvalue(lua_, -1);
  lua_setfield(lua_, LUA_REGISTRYINDEX, kGlobalsKey);
  refuse_unknown_keys(lua_);
  make_read_only(lua_);
  lua_getmetatable(lua_, -1);
  lua_setfield(lua_, LUA_REGISTRYINDEX, kGlobalsMetaKey);
  lua_getfield(lua_, LUA_REGISTRYINDEX, kGlobalsKey);
  lua_pushvalue(lua_, -2);
  lua_setfield(lua_, -2, "_G");
  lua_pop(lua_, 1);
  lua_replace(lua_, LUA_GLOBALSINDEX);
}

std::optional<std::string> LuaEngine::compile(std::string_view body, int& function) {
  const char* chunk = kind_ == Kind::Eval ? "@user_script" : "@user_function";
  if (luaL_loadbuffer(lua_, body.data(), body.size(), chunk) != 0) {
    std::string error = describe(lua_, -1);
    lua_pop(lua_, 1);
    return error;
  }
  function = luaL_ref(lua_, LUA_REGISTRYINDEX);
  return std::nullopt;
}

namespace {

void set_global_array(lua_State* lua, const char* name, std::span<const std::string_view> values) {
  lua_getfield(lua, LUA_REGISTRYINDEX, kGlobalsKey);
  push_string_array(lua, values);
  lua_setfield(lua, -2, name);
  lua_pop(lua, 1);
}

}  // namespace

namespace {
// How often a running script looks up from its work (Redis uses the same count).
constexpr int kInstructionsBetweenChecks = 100000;
}  // namespace

void LuaEngine::count_hook(lua_State* lua, lua_Debug*) {
  if (!self(lua).host_.script_should_stop()) return;
  // From now on at every line, so that a pcall in the script cannot swallow the stop.
  lua_sethook(lua, count_hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
  lua_pushstring(lua, "Script killed by user with SCRIPT KILL...");
  lua_error(lua);
}

LuaEngine::Outcome LuaEngine::run(int function, std::string_view label, std::span<const std::string_view> keys,
                                  std::span<const std::string_view> args, ReplyWriter& reply) {
  script_resp_ = 2;
  const int base = lua_gettop(lua_);
  lua_pushcfunction(lua_, error_handler);
  lua_rawgeti(lua_, LUA_REGISTRYINDEX, function);
  int argc = 0;
  if (kind_ == Kind::Eval) {
    set_global_array(lua_, "KEYS", keys);
    set_global_array(lua_, "ARGV", args);
  } else {
    push_string_array(lua_, keys);
    push_string_array(lua_, args);
    argc = 2;
  }
  Outcome outcome;
  lua_sethook(lua_, count_hook, LUA_MASKCOUNT, kInstructionsBetweenChecks);
  const int status = lua_pcall(lua_, argc, 1, base + 1);
  lua_sethook(lua_, nullptr, 0, 0);
  if (status == 0) {
    write_value(lua_, -1, reply, script_resp_);
  } else {
    outcome.ok = false;
    std::string message = "ERR unknown error";
    std::string source;
    std::string line;
    if (lua_istable(lua_, -1)) {
      const int error = lua_gettop(lua_);
      lua_getfield(lua_, error, "err");
      if (lua_isstring(lua_, -1)) message = describe(lua_, -1);
      lua_getfield(lua_, error, "source");
      if (lua_isstring(lua_, -1)) source = describe(lua_, -1);
      lua_getfield(lua_, error, "line");
      if (lua_isnumber(lua_, -1)) line = describe(lua_, -1);
      lua_getfield(lua_, error, kCountedErrorField);
      outcome.error_counted = lua_toboolean(lua_, -1) != 0;
      lua_pop(lua_, 4);
    } else {
      message = "ERR " + describe(lua_, -1);
    }
    if (!source.empty() && !line.empty()) {
      message += " script: " + std::string(label) + ", on " + source + ":" + line + ".";
    }
    outcome.error = single_line(message);
  }
  lua_settop(lua_, base);
  // Scripts leave garbage behind; a step every few runs keeps the heap from growing
  // between full cycles (Redis steps every 50 runs too).
  if (++runs_since_gc_step_ >= 50) {
    runs_since_gc_step_ = 0;
    lua_gc(lua_, LUA_GCSTEP, 1);
  }
  return outcome;
}

void LuaEngine::load_timeout_hook(lua_State* lua, lua_Debug*) {
  LuaEngine& engine = self(lua);
  if (monotonic_ms() - engine.load_started_ms_ < kLoadTimeoutMs) return;
  lua_sethook(lua, load_timeout_hook, LUA_MASKLINE | LUA_MASKCOUNT, 1);
  raise_error(lua, "FUNCTION LOAD timeout");
}

std::optional<std::string> LuaEngine::load_library(std::string_view code, std::vector<Registration>& registered) {
  int chunk = 0;
  if (auto error = compile(code, chunk)) return "ERR Error compiling function: " + *error;
  const int base = lua_gettop(lua_);
  lua_rawgeti(lua_, LUA_REGISTRYINDEX, chunk);
  luaL_unref(lua_, LUA_REGISTRYINDEX, chunk);
  registered.clear();
  registering_ = &registered;
  load_started_ms_ = monotonic_ms();
  use_library_api(true);
  lua_sethook(lua_, load_timeout_hook, LUA_MASKCOUNT, kInstructionsBetweenChecks);
  const int status = lua_pcall(lua_, 0, 0, 0);
  lua_sethook(lua_, nullptr, 0, 0);
  use_library_api(false);
  registering_ = nullptr;
  std::optional<std::string> error;
  if (status != 0) {
    std::string message;
    if (lua_istable(lua_, -1)) {
      lua_getfield(lua_, -1, "err");
      message = lua_isstring(lua_, -1) ? describe(lua_, -1) : "ERR unknown error";
      lua_pop(lua_, 1);
    } else {
      message = "ERR " + describe(lua_, -1);
    }
    error = "ERR Error registering functions: " + single_line(message);
  } else if (registered.empty()) {
    error = "ERR No functions registered";
  }
  lua_settop(lua_, base);
  if (error) {
    for (const Registration& entry : registered) release(entry.callback);
    registered.clear();
  }
  return error;
}

void LuaEngine::release(int handle) { luaL_unref(lua_, LUA_REGISTRYINDEX, handle); }

namespace {

// The flags table of redis.register_function{flags={...}}: false for an unknown flag.
bool read_flags(lua_State* lua, int index, uint32_t& flags) {
  lua_pushnil(lua);
  while (lua_next(lua, index)) {
    std::optional<ScriptFlag> flag;
    if (lua_type(lua, -1) == LUA_TSTRING) flag = script_flag_named(describe(lua, -1));
    lua_pop(lua, 1);
    if (!flag) {
      lua_pop(lua, 1);
      return false;
    }
    flags |= *flag;
  }
  return true;
}

}  // namespace

int LuaEngine::redis_register_function(lua_State* lua) {
  LuaEngine& engine = self(lua);
  if (engine.registering_ == nullptr) raise_error(lua, "redis.register_function can only be called on FUNCTION LOAD command");
  Registration entry;
  int callback = 0;  // stack index
  bool named = false;
  bool has_callback = false;
  const int argc = lua_gettop(lua);
  if (argc == 1) {
    if (!lua_istable(lua, 1)) {
      raise_error(lua, "calling redis.register_function with a single argument is only applicable to Lua table "
                       "(representing named arguments).");
    }
    lua_pushnil(lua);
    while (lua_next(lua, 1)) {
      // (A key that is not a string is just not one of the names; converting it in place
      // would also derail lua_next.)
      const std::string key = lua_type(lua, -2) == LUA_TSTRING ? describe(lua, -2) : std::string();
      if (key == "function_name") {
        if (!lua_isstring(lua, -1)) raise_error(lua, "function_name argument given to redis.register_function must be a string");
        entry.name = describe(lua, -1);
        named = true;
      } else if (key == "description") {
        if (!lua_isstring(lua, -1)) raise_error(lua, "description argument given to redis.register_function must be a string");
        entry.description = describe(lua, -1);
      } else if (key == "callback") {
        if (!lua_isfunction(lua, -1)) raise_error(lua, "callback argument given to redis.register_function must be a function");
        has_callback = true;
      } else if (key == "flags") {
        if (!lua_istable(lua, -1)) {
          raise_error(lua, "flags argument to redis.register_function must be a table representing function flags");
        }
        if (!read_flags(lua, lua_gettop(lua), entry.flags)) raise_error(lua, "unknown flag given");
      } else {
        raise_error(lua, "unknown argument given to redis.register_function");
      }
      lua_pop(lua, 1);
    }
    if (!named) raise_error(lua, "redis.register_function must get a function name argument");
    if (!has_callback) raise_error(lua, "redis.register_function must get a callback argument");
    lua_getfield(lua, 1, "callback");
    callback = lua_gettop(lua);
  } else if (argc == 2) {
    if (!lua_isstring(lua, 1)) raise_error(lua, "first argument to redis.register_function must be a string");
    if (!lua_isfunction(lua, 2)) raise_error(lua, "second argument to redis.register_function must be a function");
    entry.name = describe(lua, 1);
    callback = 2;
  } else {
    raise_error(lua, "wrong number of arguments to redis.register_function");
  }
  // Sic: Redis 7.0 words a bad function name as a bad library name.
  if (!valid_function_name(entry.name)) {
    raise_error(lua, "Library names can only contain letters, numbers, or underscores(_) and must be at least one "
                     "character long");
  }
  // Without case, as FCALL looks names up. (Redis 7.0 compares case-sensitively here, then
  // lets "F" shadow "f" at random, and crashes when such a library is deleted.)
  for (const Registration& other : *engine.registering_) {
    if (same_name(other.name, entry.name)) raise_error(lua, "Function already exists in the library");
  }
  lua_pushvalue(lua, callback);
  entry.callback = luaL_ref(lua, LUA_REGISTRYINDEX);
  engine.registering_->push_back(std::move(entry));
  return 0;
}

uint64_t LuaEngine::memory_bytes() const {
  return static_cast<uint64_t>(lua_gc(lua_, LUA_GCCOUNT, 0)) * 1024 + static_cast<uint64_t>(lua_gc(lua_, LUA_GCCOUNTB, 0));
}

bool LuaEngine::collect_arguments(lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc == 0) {
    push_error_table(lua, "Please specify at least one argument for this redis lib call");
    return false;
  }
  call_argv_.clear();
  call_numbers_.clear();
  // Views of numbers' text must not move: room for all of them up front.
  call_numbers_.reserve(static_cast<size_t>(argc));
  for (int i = 1; i <= argc; ++i) {
    const int type = lua_type(lua, i);
    if (type == LUA_TNUMBER) {
      char buf[64];
      const int length = std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(lua_tonumber(lua, i)));
      call_argv_.emplace_back(call_numbers_.emplace_back(buf, static_cast<size_t>(length)));
    } else if (type == LUA_TSTRING) {
      // The string stays on the stack (an argument) for the whole call.
      size_t length = 0;
      const char* text = lua_tolstring(lua, i, &length);
      call_argv_.emplace_back(text, length);
    } else {
      push_error_table(lua, "Lua redis lib command arguments must be strings or integers");
      return false;
    }
  }
  return true;
}

int LuaEngine::call_command(lua_State* lua, bool raise) {
  if (!collect_arguments(lua)) return raise ? lua_error(lua) : 1;
  const LuaHost::CallReply reply = host_.call(call_argv_, script_resp_);
  if (reply.refused) {
    push_error_table(lua, reply.resp);
    return raise ? lua_error(lua) : 1;
  }
  if (raise && !reply.resp.empty() && reply.resp[0] == '-') {
    push_error_table(lua, reply.resp.substr(0, reply.resp.find("\r\n")), true);
    return lua_error(lua);
  }
  size_t pos = 0;
  if (!push_reply(lua, reply.resp, pos)) raise_error(lua, "reply too deeply nested to convert");
  return 1;
}

int LuaEngine::redis_call(lua_State* lua) { return self(lua).call_command(lua, true); }
int LuaEngine::redis_pcall(lua_State* lua) { return self(lua).call_command(lua, false); }

int LuaEngine::redis_error_reply(lua_State* lua) {
  if (lua_gettop(lua) != 1 || lua_type(lua, 1) != LUA_TSTRING) {
    push_error_table(lua, "wrong number or type of arguments");
    return 1;
  }
  const std::string text = describe(lua, 1);
  if (!text.empty() && text[0] == '-') {
    push_error_table(lua, text);
  } else {
    std::string dashed(1, '-');  // built piece by piece: GCC 12 warns falsely on "-" + text
    dashed.append(text);
    push_error_table(lua, dashed);
  }
  return 1;
}

int LuaEngine::redis_status_reply(lua_State* lua) {
  if (lua_gettop(lua) != 1 || lua_type(lua, 1) != LUA_TSTRING) {
    push_error_table(lua, "wrong number or type of arguments");
    return 1;
  }
  lua_newtable(lua);
  lua_pushvalue(lua, 1);
  lua_setfield(lua, -2, "ok");
  return 1;
}

int LuaEngine::redis_sha1hex(lua_State* lua) {
  if (lua_gettop(lua) != 1) raise_error(lua, "wrong number of arguments");
  size_t length = 0;
  const char* text = lua_tolstring(lua, 1, &length);
  const std::string hex = digest_hex(sha1(std::string_view(text ? text : "", text ? length : 0)));
  lua_pushlstring(lua, hex.data(), hex.size());
  return 1;
}

int LuaEngine::redis_log(lua_State* lua) {
  const int argc = lua_gettop(lua);
  if (argc < 2) raise_error(lua, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(lua, 1)) raise_error(lua, "First argument must be a number (log level).");
  const lua_Number level = lua_tonumber(lua, 1);
  if (level < 0 || level > 3) raise_error(lua, "Invalid debug level.");
  std::string message;
  for (int i = 2; i <= argc; ++i) {
    size_t length = 0;
    const char* text = lua_tolstring(lua, i, &length);
    if (text == nullptr) continue;
    if (i != 2) message += ' ';
    message.append(text, length);
  }
  self(lua).host_.log(static_cast<int>(level), message);
  return 0;
}

int LuaEngine::redis_setresp(lua_State* lua) {
  if (lua_gettop(lua) != 1) raise_error(lua, "redis.setresp() requires one argument.");
  const int resp = static_cast<int>(lua_tonumber(lua, 1));
  if (resp != 2 && resp != 3) raise_error(lua, "RESP version must be 2 or 3.");
  self(lua).script_resp_ = resp;
  return 0;
}

int LuaEngine::redis_set_repl(lua_State* lua) {
  if (lua_gettop(lua) != 1) raise_error(lua, "redis.set_repl() requires two arguments.");  // sic: Redis 7.0's words
  const int flags = static_cast<int>(lua_tonumber(lua, 1));
  if ((flags & ~3) != 0) {
    raise_error(lua, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  }
  self(lua).host_.set_replication(flags);
  return 0;
}

int LuaEngine::redis_acl_check_cmd(lua_State* lua) {
  LuaEngine& engine = self(lua);
  if (!engine.collect_arguments(lua)) return lua_error(lua);
  const std::optional<bool> allowed = engine.host_.acl_check(engine.call_argv_);
  if (!allowed) raise_error(lua, "Invalid command passed to redis.acl_check_cmd()");
  lua_pushboolean(lua, *allowed);
  return 1;
}

int LuaEngine::math_random(lua_State* lua) {
  // Lua 5.1's math.random, drawing from Redis's generator instead of the C library's.
  constexpr int32_t kMax = 2147483647;
  const lua_Number r = static_cast<lua_Number>(self(lua).random_.next() % kMax) / static_cast<lua_Number>(kMax);
  switch (lua_gettop(lua)) {
    case 0:
      lua_pushnumber(lua, r);
      break;
    case 1: {
      const int upper = luaL_checkint(lua, 1);
      luaL_argcheck(lua, 1 <= upper, 1, "interval is empty");
      lua_pushnumber(lua, std::floor(r * upper) + 1);
      break;
    }
    case 2: {
      const int lower = luaL_checkint(lua, 1);
      const int upper = luaL_checkint(lua, 2);
      luaL_argcheck(lua, lower <= upper, 2, "interval is empty");
      lua_pushnumber(lua, std::floor(r * (upper - lower + 1)) + lower);
      break;
    }
    default:
      return luaL_error(lua, "wrong number of arguments");
  }
  return 1;
}

int LuaEngine::math_randomseed(lua_State* lua) {
  self(lua).random_.seed(luaL_checkint(lua, 1));
  return 0;
}

}  // namespace corvid
