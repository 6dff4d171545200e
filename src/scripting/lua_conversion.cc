#include "scripting/lua_conversion.h"

#include <lua.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>

namespace corvid {
namespace {

// The text of a line-form reply (+ - : , # ( _) from `pos` to CRLF; moves `pos` past it.
std::optional<std::string_view> read_line(std::string_view resp, size_t& pos) {
  const size_t end = resp.find("\r\n", pos);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = resp.substr(pos, end - pos);
  pos = end + 2;
  return line;
}

std::optional<int64_t> read_length(std::string_view resp, size_t& pos) {
  auto line = read_line(resp, pos);
  if (!line) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(line->data(), line->data() + line->size(), value);
  if (ec != std::errc() || end != line->data() + line->size()) return std::nullopt;
  return value;
}

// A bulk-form payload ($ = !) of `length` bytes and its CRLF.
std::optional<std::string_view> read_payload(std::string_view resp, size_t& pos, int64_t length) {
  if (length < 0 || resp.size() - pos < static_cast<uint64_t>(length) + 2) return std::nullopt;
  std::string_view payload = resp.substr(pos, static_cast<size_t>(length));
  pos += static_cast<size_t>(length) + 2;
  return payload;
}

void push_field(lua_State* lua, const char* name) {
  // Expects the value on top and the table below it.
  lua_setfield(lua, -2, name);
}

// {name = <value on top>}
void wrap_in_table(lua_State* lua, const char* name) {
  lua_newtable(lua);
  lua_insert(lua, -2);
  push_field(lua, name);
}

bool push_aggregate(lua_State* lua, std::string_view resp, size_t& pos, int64_t count, char type) {
  lua_newtable(lua);
  for (int64_t i = 0; i < count; ++i) {
    if (type == '%' || type == '~') {
      if (!push_reply(lua, resp, pos)) return lua_pop(lua, 1), false;
      if (type == '%') {
        if (!push_reply(lua, resp, pos)) return lua_pop(lua, 2), false;
      } else {
        lua_pushboolean(lua, 1);
      }
      // A Lua table has no nil key: such an entry cannot be kept.
      if (lua_isnil(lua, -2)) {
        lua_pop(lua, 2);
      } else {
        lua_rawset(lua, -3);
      }
    } else {
      if (!push_reply(lua, resp, pos)) return lua_pop(lua, 1), false;
      lua_rawseti(lua, -2, static_cast<int>(i + 1));
    }
  }
  if (type == '%') wrap_in_table(lua, "map");
  if (type == '~') wrap_in_table(lua, "set");
  return true;
}

std::string_view trim_line_ends(std::string_view text) {
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
  return text;
}

int64_t truncate_to_integer(lua_Number n) {
  // C's conversion of a double to long long, without its undefined cases.
  if (std::isnan(n)) return INT64_MIN;
  if (n >= 9223372036854775807.0) return INT64_MIN;  // what x86-64's conversion gives
  if (n < -9223372036854775808.0) return INT64_MIN;
  return static_cast<int64_t>(n);
}

// The string field `name` of the table at `index`, if it is a string.
std::optional<std::string_view> string_field(lua_State* lua, int index, const char* name) {
  lua_pushstring(lua, name);
  lua_rawget(lua, index);
  std::optional<std::string_view> value;
  if (lua_type(lua, -1) == LUA_TSTRING) {
    size_t length = 0;
    const char* text = lua_tolstring(lua, -1, &length);
    value = std::string_view(text, length);  // stays valid: the table still holds it
  }
  lua_pop(lua, 1);
  return value;
}

// Pushes field `name` of the table at `index` and returns its type.
int push_field_value(lua_State* lua, int index, const char* name) {
  lua_pushstring(lua, name);
  lua_rawget(lua, index);
  return lua_type(lua, -1);
}

constexpr int kMaxReplyDepth = 1000;

// Lua 5.1 has no lua_absindex.
int absolute_index(lua_State* lua, int index) {
  return index > 0 || index <= LUA_REGISTRYINDEX ? index : lua_gettop(lua) + index + 1;
}

void write_value_at_depth(lua_State* lua, int index, ReplyWriter& reply, int script_resp, int depth);

// {map={k=v}} as a map reply, {set={m=true}} as a set reply (values ignored).
void write_keyed(lua_State* lua, int table, ReplyWriter& reply, int script_resp, int depth, bool is_map) {
  size_t entries = 0;
  lua_pushnil(lua);
  while (lua_next(lua, table) != 0) {
    lua_pop(lua, 1);
    ++entries;
  }
  if (is_map) {
    reply.map(entries);
  } else {
    reply.set(entries);
  }
  lua_pushnil(lua);
  while (lua_next(lua, table) != 0) {
    write_value_at_depth(lua, table + 1, reply, script_resp, depth + 1);
    if (is_map) write_value_at_depth(lua, table + 2, reply, script_resp, depth + 1);
    lua_pop(lua, 1);
  }
}

void write_table(lua_State* lua, int index, ReplyWriter& reply, int script_resp, int depth) {
  if (depth > kMaxReplyDepth || !lua_checkstack(lua, 4)) {
    reply.error("ERR reached lua stack limit");
    return;
  }
  if (auto err = string_field(lua, index, "err")) {
    lua_getfield(lua, index, kCountedErrorField);
    const bool counted = lua_toboolean(lua, -1) != 0;
    lua_pop(lua, 1);
    if (counted) {
      reply.error_already_counted(single_line(*err));
    } else {
      reply.error(single_line(*err));
    }
    return;
  }
  if (auto ok = string_field(lua, index, "ok")) {
    reply.simple(single_line(*ok));
    return;
  }
  if (push_field_value(lua, index, "double") == LUA_TNUMBER) {
    reply.double_value(lua_tonumber(lua, -1));
    lua_pop(lua, 1);
    return;
  }
  lua_pop(lua, 1);
  if (auto big = string_field(lua, index, "big_number")) {
    reply.big_number(single_line(*big));
    return;
  }
  for (const bool is_map : {true, false}) {
    if (push_field_value(lua, index, is_map ? "map" : "set") == LUA_TTABLE) {
      write_keyed(lua, lua_gettop(lua), reply, script_resp, depth, is_map);
      lua_pop(lua, 1);
      return;
    }
    lua_pop(lua, 1);
  }
  if (push_field_value(lua, index, "verbatim_string") == LUA_TTABLE) {
    const int verbatim = lua_gettop(lua);
    auto format = string_field(lua, verbatim, "format");
    auto text = string_field(lua, verbatim, "string");
    if (format && text) {
      reply.verbatim(*text, format->substr(0, 3));
      lua_pop(lua, 1);
      return;
    }
  }
  lua_pop(lua, 1);
  // An array: elements 1, 2, ... up to the first nil.
  size_t count = 0;
  while (true) {
    lua_rawgeti(lua, index, static_cast<int>(count + 1));
    const bool present = !lua_isnil(lua, -1);
    lua_pop(lua, 1);
    if (!present) break;
    ++count;
  }
  reply.array(count);
  for (size_t i = 1; i <= count; ++i) {
    lua_rawgeti(lua, index, static_cast<int>(i));
    write_value_at_depth(lua, lua_gettop(lua), reply, script_resp, depth + 1);
    lua_pop(lua, 1);
  }
}

void write_value_at_depth(lua_State* lua, int index, ReplyWriter& reply, int script_resp, int depth) {
  switch (lua_type(lua, index)) {
    case LUA_TSTRING: {
      size_t length = 0;
      const char* text = lua_tolstring(lua, index, &length);
      reply.bulk(std::string_view(text, length));
      return;
    }
    case LUA_TBOOLEAN:
      if (script_resp == 2) {
        if (lua_toboolean(lua, index)) {
          reply.integer(1);
        } else {
          reply.null();
        }
      } else {
        reply.boolean(lua_toboolean(lua, index) != 0);
      }
      return;
    case LUA_TNUMBER:
      reply.integer(truncate_to_integer(lua_tonumber(lua, index)));
      return;
    case LUA_TTABLE:
      write_table(lua, index, reply, script_resp, depth);
      return;
    default:
      reply.null();
  }
}

}  // namespace

bool push_reply(lua_State* lua, std::string_view resp, size_t& pos) {
  if (pos >= resp.size() || !lua_checkstack(lua, 5)) return false;
  const char type = resp[pos++];
  switch (type) {
    case '+': {
      auto line = read_line(resp, pos);
      if (!line) return false;
      lua_pushlstring(lua, line->data(), line->size());
      wrap_in_table(lua, "ok");
      return true;
    }
    case '-': {
      auto line = read_line(resp, pos);
      if (!line) return false;
      push_error_table(lua, "-" + std::string(*line), true);
      return true;
    }
    case ':': {
      auto value = read_length(resp, pos);
      if (!value) return false;
      lua_pushnumber(lua, static_cast<lua_Number>(*value));
      return true;
    }
    case '$': {
      auto length = read_length(resp, pos);
      if (!length) return false;
      if (*length < 0) {
        lua_pushboolean(lua, 0);
        return true;
      }
      auto payload = read_payload(resp, pos, *length);
      if (!payload) return false;
      lua_pushlstring(lua, payload->data(), payload->size());
      return true;
    }
    case '*':
    case '%':
    case '~': {
      auto count = read_length(resp, pos);
      if (!count) return false;
      if (*count < 0) {
        lua_pushboolean(lua, 0);
        return true;
      }
      return push_aggregate(lua, resp, pos, *count, type);
    }
    case '_':
      if (!read_line(resp, pos)) return false;
      lua_pushnil(lua);
      return true;
    case '#': {
      auto line = read_line(resp, pos);
      if (!line) return false;
      lua_pushboolean(lua, *line == "t");
      return true;
    }
    case ',': {
      auto line = read_line(resp, pos);
      if (!line) return false;
      lua_pushnumber(lua, std::strtod(std::string(*line).c_str(), nullptr));
      wrap_in_table(lua, "double");
      return true;
    }
    case '(': {
      auto line = read_line(resp, pos);
      if (!line) return false;
      lua_pushlstring(lua, line->data(), line->size());
      wrap_in_table(lua, "big_number");
      return true;
    }
    case '=': {
      auto length = read_length(resp, pos);
      if (!length) return false;
      auto payload = read_payload(resp, pos, *length);
      if (!payload || payload->size() < 4) return false;
      lua_newtable(lua);
      lua_pushlstring(lua, payload->data(), 3);
      push_field(lua, "format");
      lua_pushlstring(lua, payload->data() + 4, payload->size() - 4);
      push_field(lua, "string");
      wrap_in_table(lua, "verbatim_string");
      return true;
    }
    case '|': {
      // Attributes say something about the reply that follows; scripts see only the reply.
      auto count = read_length(resp, pos);
      if (!count || *count < 0 || !push_aggregate(lua, resp, pos, *count, '%')) return false;
      lua_pop(lua, 1);
      return push_reply(lua, resp, pos);
    }
    default:
      return false;
  }
}

void write_value(lua_State* lua, int index, ReplyWriter& reply, int script_resp) {
  write_value_at_depth(lua, absolute_index(lua, index), reply, script_resp, 0);
}

void push_error_table(lua_State* lua, std::string_view error, bool already_counted) {
  std::string code = "ERR";
  std::string_view message = error;
  if (!error.empty() && error[0] == '-') {
    const size_t space = error.find(' ');
    if (space == std::string_view::npos) {
      message = error.substr(1);
    } else {
      code = std::string(error.substr(1, space - 1));
      message = error.substr(space + 1);
    }
  }
  const std::string text = code + " " + std::string(trim_line_ends(message));
  lua_newtable(lua);
  lua_pushlstring(lua, text.data(), text.size());
  push_field(lua, "err");
  if (already_counted) {
    lua_pushboolean(lua, 1);
    push_field(lua, kCountedErrorField);
  }
}

std::string single_line(std::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return line;
}

}  // namespace corvid
