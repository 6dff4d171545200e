#pragma once
// The function libraries FUNCTION LOAD creates, as Redis 7.0 keeps them: each library is
// its code (starting with "#!lua name=<library>") and the functions that code registered;
// all of them live in one shared Lua engine, and a function name belongs to one library
// only (names compared without case, as FCALL looks them up).
//
// Changes are all or nothing: a library that fails to compile or register, or whose
// functions clash with another library's, leaves every library as it was (FUNCTION LOAD
// REPLACE keeps the old library then; FUNCTION RESTORE keeps the whole set).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scripting/lua_engine.h"

namespace corvid {

class FunctionLibraries {
 public:
  struct Library;
  struct Function {
    std::string name;
    std::optional<std::string> description;
    uint32_t flags = 0;  // ScriptFlag bits
    int callback = 0;    // the engine's handle
    const Library* library = nullptr;
  };
  struct Library {
    std::string name;
    std::string code;
    std::vector<Function> functions;
  };
  // What FUNCTION RESTORE does with the libraries already there.
  enum class RestorePolicy : uint8_t { Append, Replace, Flush };

  FunctionLibraries(LuaHost& host, Rand48& random);
  ~FunctionLibraries();

  // FUNCTION LOAD [REPLACE]: sets `name` to the new library's, or returns the error reply.
  std::optional<std::string> load(std::string_view code, bool replace, std::string& name);
  // FUNCTION RESTORE (and loading an RDB): every library in `codes`, or none of them.
  std::optional<std::string> restore(std::span<const std::string> codes, RestorePolicy policy);
  // FUNCTION DELETE: false if there is no such library (names are case-sensitive).
  bool remove(std::string_view name);
  // FUNCTION FLUSH: every library goes, with the interpreter they shared.
  void clear();

  const Function* find(std::string_view name) const;
  // In name order.
  const std::map<std::string, Library, std::less<>>& libraries() const { return libraries_; }
  size_t function_count() const { return function_count_; }

  LuaEngine& engine() { return *engine_; }
  // INFO: the interpreter's heap, and what the libraries' bookkeeping holds besides.
  uint64_t vm_memory() const { return engine_->memory_bytes(); }
  uint64_t overhead_memory() const;

 private:
  // A library compiled and registered but not installed yet.
  struct Candidate {
    Library library;
    std::vector<LuaEngine::Registration> registered;
  };
  std::optional<std::string> compile(std::string_view code, Candidate& candidate);
  void release(const std::vector<Candidate>& candidates);
  void install(Candidate& candidate);
  void uninstall(const std::string& name);

  LuaHost& host_;
  Rand48& random_;
  std::unique_ptr<LuaEngine> engine_;
  std::map<std::string, Library, std::less<>> libraries_;
  std::unordered_map<std::string, Function*> functions_;  // lowercase name -> function
  size_t function_count_ = 0;                              // in all libraries
};

// The library name a code's shebang line gives ("#!lua name=mylib"), checked as Redis 7.0
// checks it; the error reply otherwise. `code_start` is where the Lua code begins (the
// line's newline, so that line numbers count the shebang line).
std::optional<std::string> parse_library_metadata(std::string_view code, std::string& name, size_t& code_start);

}  // namespace corvid
