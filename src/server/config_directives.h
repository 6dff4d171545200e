#pragma once
// The directive table behind server/config.h: every directive Corvid knows (its kind,
// range, default, flags and, for the special ones, its own parser, reader, storer and
// rewriter), found by name or alias, and the generic work on a directive's value:
// reading it as CONFIG GET shows it, parsing and storing a new one. The table is in
// config_directives.cc, the value work in config_values.cc. Internal to
// server/config*.cc; the public interface is server/config.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "server/config.h"

namespace corvid::config_detail {

enum class Kind : uint8_t { Bool, Int, Memory, Enum, String, Special };

enum Flag : uint32_t {
  kImmutable = 1u << 0,      // only at start-up; CONFIG SET refuses it
  kProtected = 1u << 1,      // CONFIG SET needs enable-protected-configs
  kHidden = 1u << 2,         // CONFIG GET lists it only when named exactly
  kAlwaysRewrite = 1u << 3,  // CONFIG REWRITE writes it even at its default, as Redis does
  kOctal = 1u << 4,          // an integer read and shown in octal (unixsocketperm)
  kUnsigned = 1u << 5,       // a memory value with the whole unsigned 64-bit range
};

// Where a value lives. monostate: Config::fixed_values, for features not built yet.
using Field = std::variant<std::monostate, bool Config::*, int Config::*, int64_t Config::*, uint32_t Config::*,
                           uint64_t Config::*, std::string Config::*, ProtectedAccess Config::*>;

// A parse gives the value in canonical form (exactly what CONFIG GET shows) or a reason.
struct Outcome {
  bool ok;
  std::string text;
};
inline Outcome ok(std::string value) { return {true, std::move(value)}; }
inline Outcome fail(std::string reason) { return {false, std::move(reason)}; }

struct RewriteLine {
  std::string text;
  bool force;  // append it even when the file does not have the directive yet
};

struct Directive;
// `loading` tells the start-up path (config file, command line) from CONFIG SET.
using ParseFn = Outcome (*)(const Config&, const std::vector<std::string>& words, bool loading);
using GetFn = std::string (*)(const Config&);
using StoreFn = void (*)(Config&, const std::string& canonical);
using RewriteFn = std::vector<RewriteLine> (*)(const Config&, const Directive&);
using CheckFn = const char* (*)(std::string_view value);  // nullptr when the string is acceptable
using NormalizeFn = std::string (*)(std::string canonical, bool loading);

struct Directive {
  std::string_view name;
  std::string_view alias;
  Kind kind = Kind::String;
  uint32_t flags = 0;
  int64_t min = 0;
  int64_t max = 0;
  std::string_view choices;        // Enum: comma-separated, in the order Redis lists them
  std::string_view redis_default;  // as CONFIG GET shows Redis 7.0.15's default
  Field field;
  int words = 1;  // value words on a config line; -1: a list (also split at spaces by CONFIG SET)
  // With `feature` set, only `only` is accepted (the value that keeps the feature off)
  // and `feature` is the reason given for anything else.
  std::string_view only;
  std::string_view feature;
  CheckFn check = nullptr;
  NormalizeFn normalize = nullptr;
  ParseFn parse = nullptr;
  GetFn get = nullptr;
  StoreFn store = nullptr;
  RewriteFn rewrite = nullptr;

  Directive aka(std::string_view a) const { Directive d = *this; d.alias = a; return d; }
  Directive with(uint32_t f) const { Directive d = *this; d.flags |= f; return d; }
  Directive off_only(std::string_view value, std::string_view reason) const {
    Directive d = *this;
    d.only = value;
    d.feature = reason;
    return d;
  }
  Directive checked(CheckFn fn) const { Directive d = *this; d.check = fn; return d; }
  Directive normalized(NormalizeFn fn) const { Directive d = *this; d.normalize = fn; return d; }
  Directive accessed(GetFn g, StoreFn s) const { Directive d = *this; d.get = g; d.store = s; return d; }
  Directive rewritten(RewriteFn fn) const { Directive d = *this; d.rewrite = fn; return d; }
};

// ---- The table (config_directives.cc) -------------------------------------------------

// Every directive, in CONFIG GET's listing order and CONFIG REWRITE's append order.
const std::vector<Directive>& table();
// By name or alias, case-insensitively; nullptr when unknown.
const Directive* find_directive(std::string_view name);
// The process's working directory (what `dir` reports); empty if it cannot be read.
std::string current_dir();

// ---- Values (config_values.cc) --------------------------------------------------------

// The value as CONFIG GET shows it.
std::string current_value(const Config& c, const Directive& d);
// Parses and stores one directive's value; the reason on refusal. `shown` is the name
// used in refusals; `loading` tells the start-up path (config file, command line) from
// CONFIG SET.
std::optional<std::string> assign(Config& c, const Directive& d, std::string_view shown,
                                  const std::vector<std::string>& words, bool loading);

}  // namespace corvid::config_detail
