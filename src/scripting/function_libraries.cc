#include "scripting/function_libraries.h"

#include <algorithm>
#include <cctype>

#include "core/ascii_case.h"

namespace corvid {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

constexpr std::string_view kBadNameError =
    "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character "
    "long";

}  // namespace

std::optional<std::string> parse_library_metadata(std::string_view code, std::string& name, size_t& code_start) {
  if (!code.starts_with("#!")) return "ERR Missing library metadata";
  const size_t line_end = code.find('\n');
  if (line_end == std::string_view::npos) return "ERR Invalid library metadata";
  code_start = line_end;
  std::vector<std::string_view> parts;
  const std::string_view line = code.substr(0, line_end);
  for (size_t pos = 0; pos < line.size();) {
    while (pos < line.size() && is_space(line[pos])) ++pos;
    size_t end = pos;
    while (end < line.size() && !is_space(line[end])) ++end;
    if (end > pos) parts.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  const std::string_view engine = parts[0].substr(2);  // parts[0] starts with "#!"
  bool named = false;
  for (size_t i = 1; i < parts.size(); ++i) {
    if (!parts[i].starts_with("name=")) return "ERR Invalid metadata value given: " + std::string(parts[i]);
    if (named) return "ERR Invalid metadata value, name argument was given multiple times";
    name = std::string(parts[i].substr(5));
    named = true;
  }
  if (!named) return "ERR Library name was not given";
  if (lowercase(engine) != "lua") return "ERR Engine '" + std::string(engine) + "' not found";
  if (!valid_function_name(name)) return std::string(kBadNameError);
  return std::nullopt;
}

FunctionLibraries::FunctionLibraries(LuaHost& host, Rand48& random)
    : host_(host), random_(random), engine_(std::make_unique<LuaEngine>(host, random, LuaEngine::Kind::Functions)) {}

FunctionLibraries::~FunctionLibraries() = default;

std::optional<std::string> FunctionLibraries::compile(std::string_view code, Candidate& candidate) {
  size_t code_start = 0;
  if (auto error = parse_library_metadata(code, candidate.library.name, code_start)) return error;
  if (auto error = engine_->load_library(code.substr(code_start), candidate.registered)) return error;
  candidate.library.code = std::string(code);
  for (const LuaEngine::Registration& entry : candidate.registered) {
    candidate.library.functions.push_back(
        Function{.name = entry.name, .description = entry.description, .flags = entry.flags, .callback = entry.callback});
  }
  return std::nullopt;
}

void FunctionLibraries::release(const std::vector<Candidate>& candidates) {
  for (const Candidate& candidate : candidates) {
    for (const LuaEngine::Registration& entry : candidate.registered) engine_->release(entry.callback);
  }
}

void FunctionLibraries::install(Candidate& candidate) {
  std::string name = candidate.library.name;
  auto [it, inserted] = libraries_.emplace(std::move(name), std::move(candidate.library));
  for (Function& function : it->second.functions) {
    function.library = &it->second;
    functions_[lowercase(function.name)] = &function;
  }
  function_count_ += it->second.functions.size();
}

void FunctionLibraries::uninstall(const std::string& name) {
  auto found = libraries_.find(name);
  if (found == libraries_.end()) return;
  for (const Function& function : found->second.functions) {
    functions_.erase(lowercase(function.name));
    engine_->release(function.callback);
  }
  function_count_ -= found->second.functions.size();
  libraries_.erase(found);
}

std::optional<std::string> FunctionLibraries::load(std::string_view code, bool replace, std::string& name) {
  size_t code_start = 0;
  if (auto error = parse_library_metadata(code, name, code_start)) return error;
  if (!replace && libraries_.contains(name)) return "ERR Library '" + name + "' already exists";
  std::vector<Candidate> candidates(1);
  if (auto error = compile(code, candidates[0])) return error;
  for (const Function& function : candidates[0].library.functions) {
    auto clash = functions_.find(lowercase(function.name));
    if (clash != functions_.end() && clash->second->library->name != name) {
      release(candidates);
      return "ERR Function " + function.name + " already exists";
    }
  }
  uninstall(name);
  install(candidates[0]);
  return std::nullopt;
}

std::optional<std::string> FunctionLibraries::restore(std::span<const std::string> codes, RestorePolicy policy) {
  std::vector<Candidate> candidates(codes.size());
  std::unordered_map<std::string, const Library*> incoming_functions;  // lowercase name -> library
  std::optional<std::string> error;
  for (size_t i = 0; i < codes.size() && !error; ++i) {
    Candidate& candidate = candidates[i];
    error = compile(codes[i], candidate);
    if (error) break;
    for (size_t j = 0; j < i && !error; ++j) {
      if (candidates[j].library.name == candidate.library.name) {
        error = "ERR Library '" + candidate.library.name + "' already exists";
      }
    }
    for (const Function& function : candidate.library.functions) {
      auto [it, added] = incoming_functions.emplace(lowercase(function.name), &candidate.library);
      if (!added && it->second != &candidate.library && !error) {
        error = "ERR Function " + function.name + " already exists";
      }
    }
  }
  if (!error && policy != RestorePolicy::Flush) {
    for (const Candidate& candidate : candidates) {
      if (policy == RestorePolicy::Append && libraries_.contains(candidate.library.name)) {
        error = "ERR Library " + candidate.library.name + " already exists";
        break;
      }
    }
    for (size_t i = 0; i < candidates.size() && !error; ++i) {
      for (const Function& function : candidates[i].library.functions) {
        auto clash = functions_.find(lowercase(function.name));
        // Under REPLACE a function of a library being replaced goes with it.
        const bool replaced = policy == RestorePolicy::Replace && clash != functions_.end() &&
                              std::any_of(candidates.begin(), candidates.end(), [&](const Candidate& c) {
                                return c.library.name == clash->second->library->name;
                              });
        if (clash != functions_.end() && !replaced) {
          error = "ERR Function " + function.name + " already exists";
          break;
        }
      }
    }
  }
  if (error) {
    release(candidates);
    return error;
  }
  if (policy == RestorePolicy::Flush) {
    while (!libraries_.empty()) uninstall(libraries_.begin()->first);
  }
  for (Candidate& candidate : candidates) {
    uninstall(candidate.library.name);
    install(candidate);
  }
  return std::nullopt;
}

bool FunctionLibraries::remove(std::string_view name) {
  auto found = libraries_.find(name);
  if (found == libraries_.end()) return false;
  uninstall(found->first);
  return true;
}

void FunctionLibraries::clear() {
  libraries_.clear();
  functions_.clear();
  function_count_ = 0;
  engine_ = std::make_unique<LuaEngine>(host_, random_, LuaEngine::Kind::Functions);
}

const FunctionLibraries::Function* FunctionLibraries::find(std::string_view name) const {
  auto found = functions_.find(lowercase(name));
  return found == functions_.end() ? nullptr : found->second;
}

uint64_t FunctionLibraries::overhead_memory() const {
  // The structures above, counted by what they hold: no allocator's bookkeeping.
  uint64_t total = sizeof(*this);
  for (const auto& [name, library] : libraries_) {
    total += sizeof(library) + 2 * name.size() + library.code.size();
    for (const Function& function : library.functions) {
      total += sizeof(function) + 2 * function.name.size() + function.description.value_or("").size() +
               sizeof(void*) * 2;  // the name index entry
    }
  }
  return total;
}

}  // namespace corvid
