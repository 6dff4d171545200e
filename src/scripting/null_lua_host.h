#pragma once
// A LuaHost for an engine used outside a server (unit tests and fuzzing of library
// loading): no command runs, nothing is logged, no script is ever asked to stop.

#include "scripting/lua_engine.h"

namespace corvid {

class NullLuaHost final : public LuaHost {
 public:
  CallReply call(std::span<const std::string_view>, int) override { return {"-ERR no server", true}; }
  void log(int, std::string_view) override {}
  void set_replication(int) override {}
  std::optional<bool> acl_check(std::span<const std::string_view>) override { return std::nullopt; }
  bool script_should_stop() override { return false; }
};

}  // namespace corvid
