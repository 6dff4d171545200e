#pragma once
// The flags a script declares, in its shebang (#!lua flags=no-writes,allow-oom) or a
// function in redis.register_function{flags={...}}, with the names both use.

#include <cstdint>
#include <optional>
#include <string_view>

namespace corvid {

enum ScriptFlag : uint32_t {
  kScriptNoWrites = 1u << 0,
  kScriptAllowOom = 1u << 1,
  kScriptAllowStale = 1u << 2,
  kScriptNoCluster = 1u << 3,
  kScriptAllowCrossSlot = 1u << 4,
  kScriptCompatMode = 1u << 5,  // no shebang: EVAL as before Redis 7
};

struct ScriptFlagName {
  std::string_view name;
  ScriptFlag flag;
};
// In the order FUNCTION LIST shows them.
inline constexpr ScriptFlagName kScriptFlagNames[] = {
    {"no-writes", kScriptNoWrites},   {"allow-oom", kScriptAllowOom},
    {"allow-stale", kScriptAllowStale}, {"no-cluster", kScriptNoCluster},
    {"allow-cross-slot-keys", kScriptAllowCrossSlot},
};

inline std::optional<ScriptFlag> script_flag_named(std::string_view name) {
  for (const ScriptFlagName& entry : kScriptFlagNames) {
    if (entry.name == name) return entry.flag;
  }
  return std::nullopt;
}

}  // namespace corvid
