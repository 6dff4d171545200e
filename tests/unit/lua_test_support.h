#pragma once
// What the Lua module tests (lua_cmsgpack_test, lua_struct_test) share: a fixture with a
// bare interpreter and the module under test, and a Lua prelude that renders results as
// one line, so that each case is the same text that was run on redis-server 7.0.15.

#include <gtest/gtest.h>
#include <lua.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace corvid::lua_testing {

// Helpers every case can use, as locals of the chunk: hex(s), unhex("cc ff"), and
// render/show, which turn results into one line (strings quoted with unprintable bytes
// as \xNN, numbers as %.17g, tables as {key=value,...} sorted bytewise) and an error into
// "error: <message>". Kept free of comments and line breaks so a case stays on line 1.
constexpr const char* kPrelude =
    R"lua(local function esc(s) return (string.gsub(s, '.', function(c) local b = )lua"
    R"lua(string.byte(c) if b < 32 or b > 126 or c == '"' or c == '\\' then return )lua"
    R"lua(string.format('\\x%02x', b) end end)) end )lua"
    R"lua(local function hex(s) return (string.gsub(s, '.', function(c) return )lua"
    R"lua(string.format('%02x', string.byte(c)) end)) end )lua"
    R"lua(local function unhex(h) return (string.gsub(string.gsub(h, '%s', ''), '%x%x', )lua"
    R"lua(function(x) return string.char(tonumber(x, 16)) end)) end )lua"
    R"lua(local function before(a, b) for i = 1, math.min(#a, #b) do local x, y = )lua"
    R"lua(string.byte(a, i), string.byte(b, i) if x ~= y then return x < y end end return #a < )lua"
    R"lua(#b end )lua"
    R"lua(local function render(v, depth) local t = type(v) if t == 'string' then return '"' )lua"
    R"lua(.. esc(v) .. '"' elseif t == 'number' then return string.format('%.17g', v) elseif t )lua"
    R"lua(~= 'table' then return tostring(v) elseif depth > 40 then return '{...}' end local )lua"
    R"lua(items = {} for k, x in pairs(v) do items[#items + 1] = render(k, depth + 1) .. '=' )lua"
    R"lua(.. render(x, depth + 1) end table.sort(items, before) return '{' .. )lua"
    R"lua(table.concat(items, ',') .. '}' end )lua"
    R"lua(local function show(ok, ...) if not ok then return 'error: ' .. esc(tostring((...))) )lua"
    R"lua(end local parts = {} for i = 1, select('#', ...) do parts[i] = render((select(i, )lua"
    R"lua(...)), 0) end return table.concat(parts, ' ') end )lua";

struct Case {
  const char* code;
  const char* expected;
};

class LuaModuleTest : public ::testing::Test {
 protected:
  // A bare interpreter with the standard libraries Redis loads and `open`'s table as the
  // global `name`.
  LuaModuleTest(lua_CFunction open, const char* name) : lua_(luaL_newstate()) {
    const std::pair<const char*, lua_CFunction> libraries[] = {
        {"", luaopen_base}, {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
        {LUA_MATHLIBNAME, luaopen_math}};
    for (const auto& [library, open_library] : libraries) {
      lua_pushcfunction(lua_, open_library);
      lua_pushstring(lua_, library);
      lua_call(lua_, 1, 0);
    }
    lua_pushcfunction(lua_, open);
    lua_call(lua_, 0, 1);
    lua_setglobal(lua_, name);
  }
  ~LuaModuleTest() override { lua_close(lua_); }

  // Runs `<prelude> return show(pcall(function() <code> end))` as line 1 of a chunk named
  // user_script, exactly the script the expectations came from, and returns its line.
  std::string run(std::string_view code) {
    std::string chunk = std::string(kPrelude) + " return show(pcall(function() ";
    chunk.append(code).append(" end))");
    std::string result;
    if (luaL_loadbuffer(lua_, chunk.data(), chunk.size(), "@user_script") != 0 || lua_pcall(lua_, 0, 1, 0) != 0) {
      result = std::string("uncaught: ") + lua_tostring(lua_, -1);
    } else {
      result = lua_tostring(lua_, -1);
    }
    lua_settop(lua_, 0);
    return result;
  }

  void check(std::initializer_list<Case> cases) {
    for (const Case& c : cases) EXPECT_EQ(run(c.code), c.expected) << c.code;
  }

  lua_State* lua_;
};

}  // namespace corvid::lua_testing
