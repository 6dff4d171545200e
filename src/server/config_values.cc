// The generic work on a directive's value (see config_directives.h): reading it from its
// Config field (or Config::fixed_values), parsing a new one by its kind, storing it.

#include <cstdio>
#include <cstdlib>

#include "server/config_directives.h"
#include "server/config_syntax.h"

namespace corvid::config_detail {
namespace {

const std::string* find_fixed(const Config& c, std::string_view name) {
  for (const auto& [key, value] : c.fixed_values) {
    if (key == name) return &value;
  }
  return nullptr;
}

void set_fixed(Config& c, std::string_view name, const std::string& value) {
  for (auto& [key, stored] : c.fixed_values) {
    if (key == name) {
      stored = value;
      return;
    }
  }
  c.fixed_values.emplace_back(std::string(name), value);
}

std::string_view access_name(ProtectedAccess a) {
  switch (a) {
    case ProtectedAccess::Yes: return "yes";
    case ProtectedAccess::Local: return "local";
    case ProtectedAccess::No: break;
  }
  return "no";
}

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

void store_value(Config& c, const Directive& d, const std::string& v) {
  if (d.store) {
    d.store(c, v);
    return;
  }
  const bool octal = (d.flags & kOctal) != 0;
  std::visit(Overloaded{
                 [&](std::monostate) { set_fixed(c, d.name, v); },
                 [&](bool Config::*m) { c.*m = v == "yes"; },
                 [&](int Config::*m) { c.*m = static_cast<int>(to_i64(v)); },
                 [&](int64_t Config::*m) { c.*m = to_i64(v); },
                 [&](uint32_t Config::*m) {
                   c.*m = static_cast<uint32_t>(octal ? std::strtoull(v.c_str(), nullptr, 8) : to_u64(v));
                 },
                 [&](uint64_t Config::*m) { c.*m = to_u64(v); },
                 [&](std::string Config::*m) { c.*m = v; },
                 [&](ProtectedAccess Config::*m) {
                   c.*m = v == "yes" ? ProtectedAccess::Yes
                                     : (v == "local" ? ProtectedAccess::Local : ProtectedAccess::No);
                 },
             },
             d.field);
}

std::string range_error(const Directive& d) {
  char buf[128];
  if (d.flags & kOctal) {
    std::snprintf(buf, sizeof buf, "argument must be between %llo and %llo inclusive",
                  static_cast<unsigned long long>(d.min), static_cast<unsigned long long>(d.max));
  } else {
    std::snprintf(buf, sizeof buf, "argument must be between %lld and %lld inclusive", static_cast<long long>(d.min),
                  static_cast<long long>(d.max));
  }
  return buf;
}

Outcome parse_value(const Config& c, const Directive& d, const std::vector<std::string>& words, bool loading) {
  if (d.parse) return d.parse(c, words, loading);
  const std::string& v = words[0];
  switch (d.kind) {
    case Kind::Bool:
      if (equals_ignore_case(v, "yes")) return ok("yes");
      if (equals_ignore_case(v, "no")) return ok("no");
      return fail("argument must be 'yes' or 'no'");
    case Kind::Int: {
      std::optional<int64_t> n;
      if (d.flags & kOctal) {
        n = parse_lenient_int(v, 8);
        if (!n) return fail("argument couldn't be parsed as an octal number");
      } else {
        n = parse_strict_int(v);
        if (!n) return fail("argument couldn't be parsed into an integer");
      }
      if (*n < d.min || *n > d.max) return fail(range_error(d));
      return ok((d.flags & kOctal) ? format_octal(static_cast<uint64_t>(*n)) : std::to_string(*n));
    }
    case Kind::Memory: {
      auto n = parse_memory(v);
      if (!n) return fail("argument must be a memory value");
      if (d.flags & kUnsigned) return ok(std::to_string(*n));
      // Redis keeps these in a signed 64-bit integer: values past 2^63 turn negative and
      // fail the range check.
      auto signed_value = static_cast<int64_t>(*n);
      if (signed_value < d.min || signed_value > d.max) return fail(range_error(d));
      return ok(std::to_string(signed_value));
    }
    case Kind::Enum: {
      size_t start = 0;
      while (start <= d.choices.size()) {
        size_t comma = d.choices.find(',', start);
        if (comma == std::string_view::npos) comma = d.choices.size();
        std::string_view option = d.choices.substr(start, comma - start);
        if (equals_ignore_case(option, v)) return ok(std::string(option));
        start = comma + 1;
      }
      std::string listing;
      for (char ch : d.choices) {
        listing += ch;
        if (ch == ',') listing += ' ';
      }
      return fail("argument(s) must be one of the following: " + listing);
    }
    case Kind::String:
      if (d.check) {
        if (const char* reason = d.check(v)) return fail(reason);
      }
      return ok(v);
    case Kind::Special:
      break;
  }
  return fail("unsupported directive");
}

}  // namespace

std::string current_value(const Config& c, const Directive& d) {
  if (d.get) return d.get(c);
  const bool octal = (d.flags & kOctal) != 0;
  return std::visit(Overloaded{
                        [&](std::monostate) {
                          const std::string* v = find_fixed(c, d.name);
                          return v ? *v : std::string(d.redis_default);
                        },
                        [&](bool Config::*m) { return std::string(c.*m ? "yes" : "no"); },
                        [&](int Config::*m) { return std::to_string(c.*m); },
                        [&](int64_t Config::*m) { return std::to_string(c.*m); },
                        [&](uint32_t Config::*m) { return octal ? format_octal(c.*m) : std::to_string(c.*m); },
                        [&](uint64_t Config::*m) { return std::to_string(c.*m); },
                        [&](std::string Config::*m) { return c.*m; },
                        [&](ProtectedAccess Config::*m) { return std::string(access_name(c.*m)); },
                    },
                    d.field);
}

std::optional<std::string> assign(Config& c, const Directive& d, std::string_view shown,
                                  const std::vector<std::string>& words, bool loading) {
  Outcome parsed = parse_value(c, d, words, loading);
  if (!parsed.ok) return parsed.text;
  if (d.normalize) parsed.text = d.normalize(std::move(parsed.text), loading);
  if (!d.feature.empty() && parsed.text != d.only) {
    return std::string(shown) + " " + join(words) + ": " + std::string(d.feature);
  }
  store_value(c, d, parsed.text);
  return std::nullopt;
}

}  // namespace corvid::config_detail
