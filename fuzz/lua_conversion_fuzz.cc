// Replies crossing into Lua: redis.call hands a command's RESP2 or RESP3 reply to
// push_reply, and a script's return value goes back through write_value. The input is
// taken as such a reply (the first byte picks the protocol the script chose, for how
// booleans go back). Whatever push_reply accepts must come back out through write_value
// as bytes that push_reply reads again, completely and to the same depth of stack; bytes
// it refuses must leave the Lua stack as it was. A crash, a sanitizer report or a broken
// property is a finding.

#include <lua.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/reply_buffer.h"
#include "net/reply_writer.h"
#include "scripting/lua_conversion.h"
#include "value_checks.h"

namespace {

using corvid::fuzzing::check;

lua_State* interpreter() {
  static lua_State* lua = luaL_newstate();
  return lua;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int script_resp = (data[0] & 1) ? 3 : 2;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  lua_State* lua = interpreter();
  const int base = lua_gettop(lua);
  size_t pos = 0;
  if (!corvid::push_reply(lua, input, pos)) {
    check(lua_gettop(lua) == base);
    return 0;
  }
  check(lua_gettop(lua) == base + 1);
  check(pos <= input.size());
  for (int caller_resp : {2, 3}) {
    corvid::ReplyBuffer buffer;
    corvid::ReplyWriter writer(buffer, nullptr);
    writer.set_protocol(caller_resp);
    corvid::write_value(lua, -1, writer, script_resp);
    const std::string out(buffer.contiguous());
    size_t again = 0;
    check(corvid::push_reply(lua, out, again));
    check(again == out.size());
    lua_pop(lua, 1);
  }
  lua_settop(lua, base);
  lua_gc(lua, LUA_GCSTEP, 0);
  return 0;
}
