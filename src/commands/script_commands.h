#pragma once
// What the EVAL family (commands/scripting.cc) and the FCALL family (commands/functions.cc)
// share: reading "<script or function> numkeys [key ...] [arg ...]", and the parts of
// their command-table entries that Redis 7.0 gives both.

#include <optional>
#include <string_view>

#include "commands/command.h"
#include "commands/context.h"
#include "scripting/scripting.h"

namespace corvid {

// Feeds monitors (EVAL and FCALL show before their commands, as in Redis), then checks
// numkeys (`bad_numkeys`: the reply to one that is not a number) and splits keys from
// arguments; replies the error and returns nullopt when they do not add up.
std::optional<Scripting::Request> script_request(CommandContext& ctx, bool read_only, std::string_view bad_numkeys);

// Both may write (CLIENT PAUSE WRITE holds them) unless the script or function declares
// no-writes, which Server::clients_paused_for asks.
inline constexpr uint32_t kScriptRunFlags = kCmdNoScript | kCmdStale | kCmdSkipMonitor | kCmdNoMandatoryKeys;
inline constexpr uint32_t kScriptingAcl = kAclSlow | kAclScripting;
inline constexpr std::string_view kScriptingGroup = "scripting";

inline constexpr KeySpec kScriptKeysRw[] = {
    {.flags = kKeyRW | kKeyAccess | kKeyUpdate, .begin_index = 2, .last_key = 0, .key_step = 1,
     .find = KeyFind::KeyNum, .keynum_index = 0, .first_key = 1,
     .notes = "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"}};
inline constexpr KeySpec kScriptKeysRo[] = {
    {.flags = kKeyRO | kKeyAccess, .begin_index = 2, .last_key = 0, .key_step = 1, .find = KeyFind::KeyNum,
     .keynum_index = 0, .first_key = 1,
     .notes = "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"}};

// The arguments after numkeys.
inline constexpr CommandArg kScriptKeysAndArgs[] = {
    {.name = "key", .type = ArgType::Key, .key_spec_index = 0, .flags = kArgOptional | kArgMultiple},
    {.name = "arg", .type = ArgType::String, .flags = kArgOptional | kArgMultiple},
};
inline constexpr CommandArg kFlushModes[] = {
    {.name = "async", .type = ArgType::PureToken, .token = "ASYNC"},
    {.name = "sync", .type = ArgType::PureToken, .token = "SYNC"},
};

}  // namespace corvid
