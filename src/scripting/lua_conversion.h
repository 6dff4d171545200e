#pragma once
// Values crossing between Lua and the protocol, as Redis 7.0 converts them.
//
// A command called from a script replies RESP bytes (RESP2, or RESP3 after
// redis.setresp(3)); push_reply turns one reply into the Lua value a script sees:
// integers -> numbers, bulk strings -> strings, RESP2 nulls -> false, RESP3 null -> nil,
// status -> {ok=...}, error -> {err=...}, arrays -> tables, and under RESP3 maps ->
// {map={...}}, sets -> {set={member=true}}, doubles -> {double=n}, big numbers ->
// {big_number=s}, verbatim strings -> {verbatim_string={format=f, string=s}}, booleans.
//
// write_value goes the other way for what a script returns: strings -> bulk, numbers ->
// integers (truncated), tables -> arrays up to the first nil unless they carry one of the
// special fields above, booleans -> 1/null (or RESP3 booleans when the script chose RESP3),
// anything else -> null.

#include <string>
#include <string_view>

#include "net/reply_writer.h"

struct lua_State;

namespace corvid {

// Pushes the Lua form of the reply starting at `pos` in `resp` and moves `pos` past it.
// False (with nothing pushed) when the bytes are not one complete reply or nest deeper
// than Lua's stack allows. Error tables made from a command's reply are marked as
// already counted (kCountedErrorField), so that returning them does not count them twice.
bool push_reply(lua_State* lua, std::string_view resp, size_t& pos);

// The field Redis 7.0 sets in such error tables.
inline constexpr const char* kCountedErrorField = "ignore_err_stats_update";

// Replies the value at stack index `index`. `script_resp` is the protocol the script
// chose with redis.setresp (it decides how booleans are replied).
void write_value(lua_State* lua, int index, ReplyWriter& reply, int script_resp);

// The error table redis.call raises and redis.pcall returns for an error text: "-CODE msg"
// keeps its code, a text without '-' gets ERR; trailing CR/LF are trimmed.
void push_error_table(lua_State* lua, std::string_view error, bool already_counted = false);

// Redis's error reply text from an error table's message: newlines become spaces.
std::string single_line(std::string_view text);

}  // namespace corvid
