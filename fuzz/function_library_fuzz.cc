// FUNCTION LOAD and FUNCTION RESTORE take library code from clients and from payloads:
// the shebang line is parsed by us, the rest runs in the functions' Lua engine under the
// load-time API (redis.register_function's argument checks are ours too). The input is
// one or two libraries' code (split at the first NUL byte); the first byte's bits pick
// REPLACE and the restore policy. Whatever is accepted must leave the libraries
// consistent: every function findable by its name, in the library that registered it,
// and the counts adding up. A crash, a sanitizer report or a broken property is a finding.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scripting/function_libraries.h"
#include "scripting/null_lua_host.h"
#include "value_checks.h"

namespace {

using corvid::fuzzing::check;


corvid::FunctionLibraries& libraries() {
  static corvid::NullLuaHost host;
  static corvid::Rand48 random;
  static corvid::FunctionLibraries libs(host, random);
  return libs;
}

void check_consistent(const corvid::FunctionLibraries& libs) {
  size_t functions = 0;
  for (const auto& [name, library] : libs.libraries()) {
    check(name == library.name);
    functions += library.functions.size();
    for (const auto& function : library.functions) {
      const auto* found = libs.find(function.name);
      check(found != nullptr && found->library == &library);
    }
  }
  check(functions == libs.function_count());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static int runs = 0;
  corvid::FunctionLibraries& libs = libraries();
  if (++runs % 256 == 0) libs.clear();  // keep the interpreter from growing without bound
  const uint8_t mode = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t split = input.find('\0');
  std::vector<std::string> codes{std::string(input.substr(0, split))};
  if (split != std::string_view::npos) codes.emplace_back(input.substr(split + 1));

  std::string name;
  if (!libs.load(codes[0], (mode & 1) != 0, name)) check(libs.libraries().contains(name));
  check_consistent(libs);

  using Policy = corvid::FunctionLibraries::RestorePolicy;
  const Policy policy = (mode & 6) == 0 ? Policy::Append : (mode & 6) == 2 ? Policy::Replace : Policy::Flush;
  const size_t before = libs.libraries().size();
  if (auto error = libs.restore(codes, policy)) {
    check(libs.libraries().size() == before);  // all or nothing
  } else {
    for (const std::string& code : codes) {
      std::string restored;
      size_t start = 0;
      check(!corvid::parse_library_metadata(code, restored, start));
      check(libs.libraries().contains(restored));
    }
  }
  check_consistent(libs);
  return 0;
}
