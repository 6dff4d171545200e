#pragma once
// Flags shared by the administrative families (server, config, debug): what Redis 7.0's
// COMMAND INFO shows for its "admin" commands.

#include <cstdint>
#include <string_view>

#include "commands/command.h"

namespace corvid {

inline constexpr uint32_t kAdminFlags = kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale;
inline constexpr uint32_t kAdminAcl = kAclAdmin | kAclSlow | kAclDangerous;
inline constexpr std::string_view kServerGroup = "server";

}  // namespace corvid
