// The directive table (see config_directives.h): every directive Corvid knows, with
// Redis 7.0.15's defaults, ranges and aliases, the checks of string values, and the
// directives that need parsers of their own (bind, save, client-output-buffer-limit,
// dir, replicaof, notify-keyspace-events, ...).

#include "server/config_directives.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "db/key_change.h"
#include "server/config_syntax.h"

namespace corvid::config_detail {
namespace {

constexpr int64_t kIntMin = INT_MIN;
constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kUintMax = UINT_MAX;
constexpr int64_t kLlongMax = LLONG_MAX;

constexpr std::monostate kFixed{};

Directive boolean(std::string_view name, Field field, std::string_view def) {
  Directive d;
  d.name = name;
  d.kind = Kind::Bool;
  d.field = field;
  d.redis_default = def;
  return d;
}

Directive integer(std::string_view name, Field field, int64_t min, int64_t max, std::string_view def) {
  Directive d;
  d.name = name;
  d.kind = Kind::Int;
  d.field = field;
  d.min = min;
  d.max = max;
  d.redis_default = def;
  return d;
}

Directive memory(std::string_view name, Field field, int64_t min, int64_t max, std::string_view def) {
  Directive d = integer(name, field, min, max, def);
  d.kind = Kind::Memory;
  return d;
}

Directive choice(std::string_view name, Field field, std::string_view choices, std::string_view def) {
  Directive d;
  d.name = name;
  d.kind = Kind::Enum;
  d.field = field;
  d.choices = choices;
  d.redis_default = def;
  return d;
}

Directive text(std::string_view name, Field field, std::string_view def) {
  Directive d;
  d.name = name;
  d.kind = Kind::String;
  d.field = field;
  d.redis_default = def;
  return d;
}

Directive special(std::string_view name, Kind rewrite_as, int words, std::string_view def, ParseFn parse,
                  Field field = kFixed) {
  Directive d;
  d.name = name;
  d.kind = rewrite_as;
  d.words = words;
  d.redis_default = def;
  d.parse = parse;
  d.field = field;
  return d;
}

// --- value checks and special directives -----------------------------------------------

// Redis refuses both kinds of slash in file and directory names.
bool is_path(std::string_view v) { return v.find_first_of("/\\") != std::string_view::npos; }

const char* check_dbfilename(std::string_view v) {
  return is_path(v) ? "dbfilename can't be a path, just a filename" : nullptr;
}

const char* check_appendfilename(std::string_view v) {
  if (v.empty()) return "appendfilename can't be empty";
  return is_path(v) ? "appendfilename can't be a path, just a filename" : nullptr;
}

const char* check_appenddirname(std::string_view v) {
  if (v.empty()) return "appenddirname can't be empty";
  return is_path(v) ? "appenddirname can't be a path, just a dirname" : nullptr;
}

const char* check_hostname(std::string_view v) {
  for (char c : v) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') {
      return "Hostnames may only contain alphanumeric characters, hyphens or dots";
    }
  }
  return nullptr;
}

// The process title template: {{ and }} are literal braces, variables are the ones Redis
// knows, and the title must not come out blank ({title} and {server-mode} may expand to
// nothing, so "{title}" alone is refused, as Redis refuses it).
const char* check_proc_title(std::string_view v) {
  static constexpr std::string_view kInvalid = "template format is invalid or contains unknown variables";
  static constexpr std::string_view kMayBeEmpty[] = {"title", "server-mode"};
  static constexpr std::string_view kNonEmpty[] = {"listen-addr", "port", "tls-port", "unixsocket", "config-file"};
  std::string expanded;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '{' && i + 1 < v.size() && v[i + 1] == '{') {
      expanded += '{';
      ++i;
    } else if (v[i] == '}' && i + 1 < v.size() && v[i + 1] == '}') {
      expanded += '}';
      ++i;
    } else if (v[i] == '{') {
      size_t close = v.find('}', i);
      if (close == std::string_view::npos) return kInvalid.data();
      std::string_view variable = v.substr(i + 1, close - i - 1);
      bool known = false;
      for (std::string_view name : kMayBeEmpty) known = known || variable == name;
      for (std::string_view name : kNonEmpty) {
        if (variable == name) {
          known = true;
          expanded += 'x';
        }
      }
      if (!known) return kInvalid.data();
      i = close;
    } else {
      expanded += v[i];
    }
  }
  return trim(expanded).empty() ? kInvalid.data() : nullptr;
}

std::string clamp_hz(std::string canonical, bool) {
  // Redis keeps the configured hz within 1..500 whatever was asked.
  int64_t hz = to_i64(canonical);
  return std::to_string(std::clamp<int64_t>(hz, 1, 500));
}

std::string min_backlog_on_set(std::string canonical, bool loading) {
  // Resizing the backlog (CONFIG SET only) enforces Redis's 16kb minimum; a config
  // file value is kept as written.
  if (loading) return canonical;
  return std::to_string(std::max<uint64_t>(to_u64(canonical), 16 * 1024));
}

// Addresses are kept as one space-separated text, so a word holding a space counts as
// the words it holds (Redis keeps it whole, then cannot listen on it and exits).
Outcome parse_bind(const Config&, const std::vector<std::string>& words, bool) {
  const std::string addresses = join(words);
  if (split_spaces(addresses).size() > 16) return fail("Too many bind addresses specified.");
  return ok(addresses);
}

std::string get_bind(const Config& c) { return join(c.bind); }
void store_bind(Config& c, const std::string& v) { c.bind = split_spaces(v); }

// Redis writes the addresses unquoted. One that would not read back so (holding control
// bytes or quote marks: no server could listen on it, but the file must still load as it
// was) is quoted.
std::vector<RewriteLine> rewrite_bind(const Config& c, const Directive& d) {
  std::string line(d.name);
  for (const std::string& address : c.bind) line += " " + quote_if_needed(address);
  if (c.bind.empty()) line += " \"\"";
  return {{line, get_bind(c) != d.redis_default}};
}

// save "<seconds> <changes> ...". CONFIG SET replaces the whole list; in a config file the
// first `save` line replaces the defaults and later ones add to it, as in Redis (so a
// later `save` without values changes nothing, while `save ""` always empties the list).
Outcome parse_save(const Config& c, const std::vector<std::string>& words, bool loading) {
  if (words.size() == 1 && words[0].empty()) return ok("");
  if (words.size() % 2 != 0) return fail("Invalid save parameters");
  std::vector<std::string> points;
  if (loading && c.save_lines_seen) {
    for (const SavePoint& p : c.save_points) {
      points.push_back(std::to_string(p.seconds));
      points.push_back(std::to_string(p.changes));
    }
  }
  for (size_t i = 0; i < words.size(); ++i) {
    auto value = parse_lenient_int(words[i]);
    if (!value || *value < (i % 2 == 0 ? 1 : 0)) return fail("Invalid save parameters");
    points.push_back(std::to_string(*value));
  }
  return ok(join(points));
}

std::string get_save(const Config& c) {
  std::vector<std::string> words;
  for (const SavePoint& p : c.save_points) {
    words.push_back(std::to_string(p.seconds));
    words.push_back(std::to_string(p.changes));
  }
  return join(words);
}

void store_save(Config& c, const std::string& canonical) {
  const std::vector<std::string> words = split_spaces(canonical);
  c.save_points.clear();
  for (size_t i = 0; i + 1 < words.size(); i += 2) c.save_points.push_back({to_i64(words[i]), to_i64(words[i + 1])});
  c.save_lines_seen = true;
}

// One line per save point, as Redis writes them; `save ""` when there are none, so that
// the defaults do not come back on restart.
std::vector<RewriteLine> rewrite_save(const Config& c, const Directive& d) {
  std::vector<RewriteLine> lines;
  if (c.save_points.empty()) lines.push_back({std::string(d.name) + " \"\"", true});
  for (const SavePoint& p : c.save_points) {
    lines.push_back({std::string(d.name) + " " + std::to_string(p.seconds) + " " + std::to_string(p.changes), true});
  }
  return lines;
}

std::string get_output_limits(const Config& c) {
  auto one = [](std::string_view name, const OutputBufferLimit& l) {
    return std::string(name) + " " + std::to_string(l.hard_bytes) + " " + std::to_string(l.soft_bytes) + " " +
           std::to_string(l.soft_seconds);
  };
  return one("normal", c.output_limit_normal) + " " + one("slave", c.output_limit_replica) + " " +
         one("pubsub", c.output_limit_pubsub);
}

void store_output_limits(Config& c, const std::string& v) {
  std::vector<std::string> w = split_spaces(v);
  OutputBufferLimit* targets[] = {&c.output_limit_normal, &c.output_limit_replica, &c.output_limit_pubsub};
  for (size_t i = 0; i < 3 && i * 4 + 3 < w.size(); ++i) {
    targets[i]->hard_bytes = to_u64(w[i * 4 + 1]);
    targets[i]->soft_bytes = to_u64(w[i * 4 + 2]);
    targets[i]->soft_seconds = to_i64(w[i * 4 + 3]);
  }
}

// client-output-buffer-limit <class> <hard> <soft> <soft seconds> [...]: classes not
// named keep their limits; nothing is changed unless every group is valid.
Outcome parse_output_limits(const Config& current, const std::vector<std::string>& words, bool) {
  if (words.size() % 4 != 0) return fail("Wrong number of arguments in buffer limit configuration.");
  Config scratch;
  store_output_limits(scratch, get_output_limits(current));
  for (size_t i = 0; i < words.size(); i += 4) {
    OutputBufferLimit* target = nullptr;
    if (equals_ignore_case(words[i], "normal")) {
      target = &scratch.output_limit_normal;
    } else if (equals_ignore_case(words[i], "slave") || equals_ignore_case(words[i], "replica")) {
      target = &scratch.output_limit_replica;
    } else if (equals_ignore_case(words[i], "pubsub")) {
      target = &scratch.output_limit_pubsub;
    } else {
      return fail("Invalid client class specified in buffer limit configuration.");
    }
    auto hard = parse_memory(words[i + 1]);
    auto soft = parse_memory(words[i + 2]);
    auto seconds = parse_lenient_int(words[i + 3]);
    if (!hard || !soft || !seconds || *seconds < 0) {
      return fail("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    }
    *target = OutputBufferLimit{*hard, *soft, *seconds};
  }
  return ok(get_output_limits(scratch));
}

std::vector<RewriteLine> rewrite_output_limits(const Config& c, const Directive& d) {
  Config defaults;
  struct Class {
    std::string_view name;  // Redis writes "replica" here though CONFIG GET says "slave"
    const OutputBufferLimit& now;
    const OutputBufferLimit& def;
  };
  const Class classes[] = {{"normal", c.output_limit_normal, defaults.output_limit_normal},
                           {"replica", c.output_limit_replica, defaults.output_limit_replica},
                           {"pubsub", c.output_limit_pubsub, defaults.output_limit_pubsub}};
  std::vector<RewriteLine> lines;
  for (const Class& k : classes) {
    bool differs = k.now.hard_bytes != k.def.hard_bytes || k.now.soft_bytes != k.def.soft_bytes ||
                   k.now.soft_seconds != k.def.soft_seconds;
    lines.push_back({std::string(d.name) + " " + std::string(k.name) + " " + format_memory(k.now.hard_bytes) + " " +
                         format_memory(k.now.soft_bytes) + " " + std::to_string(k.now.soft_seconds),
                     differs});
  }
  return lines;
}

// At start-up Redis changes directory right away (so later relative paths follow it);
// CONFIG SET only checks the directory here and the apply hook changes to it.
Outcome parse_dir(const Config& c, const std::vector<std::string>& words, bool loading) {
  const std::string& path = words[0];
  if (loading) {
    if (chdir(path.c_str()) != 0) return fail(std::strerror(errno));
    return ok(current_dir());
  }
  std::string full = path;
  if (!path.empty() && path[0] != '/') full = (c.dir.empty() ? current_dir() : c.dir) + "/" + path;
  char resolved[PATH_MAX];
  struct stat st {};
  if (path.empty() || realpath(full.c_str(), resolved) == nullptr) return fail(std::strerror(path.empty() ? ENOENT : errno));
  if (stat(resolved, &st) != 0) return fail(std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) return fail(std::strerror(ENOTDIR));
  if (access(resolved, X_OK) != 0) return fail(std::strerror(errno));
  return ok(resolved);
}

std::string get_dir(const Config& c) { return c.dir.empty() ? current_dir() : c.dir; }

// replicaof <host> <port> | no one: validated, but replication is not built.
Outcome parse_replicaof(const Config&, const std::vector<std::string>& words, bool) {
  if (equals_ignore_case(words[0], "no") && equals_ignore_case(words[1], "one")) return ok("");
  auto port = parse_lenient_int(words[1]);
  if (!port || *port < 0 || *port > 65535) return fail("Invalid master port");
  return ok(words[0] + " " + std::to_string(*port));
}

std::vector<RewriteLine> rewrite_replicaof(const Config& c, const Directive& d) {
  std::string value = config_fixed_value(c, d.name);
  if (value.empty()) return {};  // not a replica: Redis drops replicaof lines
  return {{std::string(d.name) + " " + value, true}};
}

// notify-keyspace-events letters and the bits they stand for, in the order Redis prints
// the classes one by one. "A" is every class but m and n.
struct NotifyLetter {
  char letter;
  uint32_t bits;
};
constexpr NotifyLetter kNotifyClasses[] = {
    {'g', kEventGeneric}, {'$', kEventString},  {'l', kEventList},    {'s', kEventSet},
    {'h', kEventHash},    {'z', kEventZSet},    {'x', kEventExpired}, {'e', kEventEvicted},
    {'t', kEventStream},  {'d', kEventModule},  {'n', kEventNew},
};
constexpr uint32_t kNotifyAll = kEventGeneric | kEventString | kEventList | kEventSet | kEventHash | kEventZSet |
                                kEventExpired | kEventEvicted | kEventStream | kEventModule;

std::optional<uint32_t> notify_flags(std::string_view letters) {
  uint32_t flags = 0;
  for (char c : letters) {
    switch (c) {
      case 'A': flags |= kNotifyAll; break;
      case 'K': flags |= kNotifyKeyspace; break;
      case 'E': flags |= kNotifyKeyevent; break;
      case 'm': flags |= kEventKeyMiss; break;
      default: {
        uint32_t bits = 0;
        for (const NotifyLetter& l : kNotifyClasses) bits |= l.letter == c ? l.bits : 0;
        if (bits == 0) return std::nullopt;
        flags |= bits;
      }
    }
  }
  return flags;
}

// The letters of every bit, one each: what the field stores (the form CONFIG GET shows
// loses "n" next to "A", as Redis 7.0's does, so it cannot be stored).
std::string notify_letters(uint32_t flags) {
  std::string out;
  for (const NotifyLetter& l : kNotifyClasses) {
    if (flags & l.bits) out += l.letter;
  }
  if (flags & kNotifyKeyspace) out += 'K';
  if (flags & kNotifyKeyevent) out += 'E';
  if (flags & kEventKeyMiss) out += 'm';
  return out;
}

Outcome parse_notify(const Config&, const std::vector<std::string>& words, bool) {
  auto flags = notify_flags(words[0]);
  if (!flags) return fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  return ok(notify_letters(*flags));
}

std::string get_notify(const Config& c) {
  const uint32_t flags = c.notify_keyspace_events;
  if ((flags & kNotifyAll) != kNotifyAll) return notify_letters(flags);
  std::string out = "A";
  if (flags & kNotifyKeyspace) out += 'K';
  if (flags & kNotifyKeyevent) out += 'E';
  if (flags & kEventKeyMiss) out += 'm';
  return out;
}

void store_notify(Config& c, const std::string& letters) { c.notify_keyspace_events = notify_flags(letters).value_or(0); }

// maxmemory-clients: bytes, or a percentage of maxmemory written "N%".
Outcome parse_client_memory(const Config&, const std::vector<std::string>& words, bool) {
  const std::string& v = words[0];
  auto as_percent = [](uint64_t percent) {
    if (percent > 100) return fail("percentage argument must be less or equal to 100");
    return ok(percent == 0 ? "0" : std::to_string(percent) + "%");
  };
  if (!v.empty() && v.back() == '%') {
    auto percent = parse_strict_int(std::string_view(v).substr(0, v.size() - 1));
    if (!percent || *percent < 0) return fail("argument must be a memory or percent value");
    return as_percent(static_cast<uint64_t>(*percent));
  }
  auto bytes = parse_memory(v);
  if (!bytes) return fail("argument must be a memory or percent value");
  // Redis keeps a percentage as a negative number, so a byte count of 2^63 or more (or
  // one that wrapped) reads as one: 18446744073709551615 is 1%.
  if (static_cast<int64_t>(*bytes) < 0) return as_percent(0 - *bytes);
  return ok(std::to_string(*bytes));
}

std::string get_client_memory(const Config& c) {
  if (c.maxmemory_clients < 0) return std::to_string(-c.maxmemory_clients) + "%";
  return std::to_string(c.maxmemory_clients);
}

// The value parse_client_memory normalized: "N%" or bytes.
void store_client_memory(Config& c, const std::string& v) {
  const bool percent = !v.empty() && v.back() == '%';
  const int64_t number = parse_strict_int(percent ? std::string_view(v).substr(0, v.size() - 1) : v).value_or(0);
  c.maxmemory_clients = percent ? -number : number;
}

Outcome parse_oom_values(const Config&, const std::vector<std::string>& words, bool) {
  if (words.size() != 3) return fail("wrong number of arguments");
  std::vector<std::string> values;
  for (const std::string& w : words) {
    auto v = parse_lenient_int(w);
    if (!v || *v < -2000 || *v > 2000) {
      return fail("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
    }
    values.push_back(std::to_string(*v));
  }
  return ok(join(values));
}

// shutdown-on-sigint/sigterm: a set of flags; "default" is the empty set.
Outcome parse_shutdown_flags(const Config&, const std::vector<std::string>& words, bool) {
  static constexpr std::string_view kFlags[] = {"save", "nosave", "now", "force"};
  bool set[4] = {false, false, false, false};
  if (words.empty()) return fail("argument(s) must be one of the following: default, save, nosave, now, force");
  for (const std::string& w : words) {
    bool known = equals_ignore_case(w, "default");
    for (size_t i = 0; i < 4; ++i) {
      if (equals_ignore_case(w, kFlags[i])) {
        set[i] = true;
        known = true;
      }
    }
    if (!known) return fail("argument(s) must be one of the following: default, save, nosave, now, force");
  }
  if (set[0] && set[1]) return fail("shutdown options SAVE and NOSAVE can't be used simultaneously");
  std::vector<std::string> out;
  for (size_t i = 0; i < 4; ++i) {
    if (set[i]) out.emplace_back(kFlags[i]);
  }
  return ok(out.empty() ? "default" : join(out));
}

// Percentiles print as "%f" without trailing zeros: 99.9, 0.0001, 100.
std::string format_percentile(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%f", v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

Outcome parse_percentiles(const Config&, const std::vector<std::string>& words, bool) {
  if (words.empty() || (words.size() == 1 && words[0].empty())) return ok("");
  std::vector<std::string> values;
  for (const std::string& w : words) {
    if (w.empty() || std::isspace(static_cast<unsigned char>(w[0]))) {
      return fail("Invalid latency-tracking-info-percentiles parameters");
    }
    errno = 0;
    char* end = nullptr;
    double v = std::strtod(w.c_str(), &end);
    bool out_of_range = errno == ERANGE && (std::isinf(v) || v == 0.0);
    if (*end != '\0' || out_of_range || std::isnan(v)) {
      return fail("Invalid latency-tracking-info-percentiles parameters");
    }
    if (v < 0.0 || v > 100.0) return fail("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
    values.push_back(format_percentile(v));
  }
  return ok(join(values));
}

std::string get_percentiles(const Config& c) {
  std::vector<std::string> words;
  for (double v : c.latency_tracking_info_percentiles) words.push_back(format_percentile(v));
  return join(words);
}

// `canonical` is parse_percentiles' output: numbers that strtod reads back exactly as given.
void store_percentiles(Config& c, const std::string& canonical) {
  c.latency_tracking_info_percentiles.clear();
  for (const std::string& word : split_spaces(canonical)) {
    c.latency_tracking_info_percentiles.push_back(std::strtod(word.c_str(), nullptr));
  }
}

// The table. Order is CONFIG GET's listing order and CONFIG REWRITE's append order.
// Defaults are Redis 7.0.15's (what CONFIG GET shows on a fresh redis-server).
std::vector<Directive> build_table() {
  using C = Config;
  constexpr std::string_view kNoYesLocal = "no,yes,local";
  return {
      // --- Network
      special("bind", Kind::Special, -1, "* -::*", parse_bind).accessed(get_bind, store_bind).rewritten(rewrite_bind),
      integer("port", &C::port, 0, 65535, "6379"),
      text("unixsocket", &C::unixsocket, "").with(kImmutable),
      integer("unixsocketperm", &C::unixsocketperm, 0, 0777, "0").with(kImmutable | kOctal),
      boolean("protected-mode", &C::protected_mode, "yes"),
      integer("tcp-backlog", &C::tcp_backlog, 0, kIntMax, "511").with(kImmutable),
      integer("tcp-keepalive", &C::tcp_keepalive, 0, kIntMax, "300"),
      integer("timeout", &C::timeout, 0, kIntMax, "0"),
      integer("maxclients", &C::maxclients, 1, kUintMax, "10000"),
      integer("socket-mark-id", kFixed, 0, kUintMax, "0").with(kImmutable).off_only("0", "socket marks are not supported yet"),
      text("bind-source-addr", kFixed, ""),
      // --- Protocol limits
      memory("proto-max-bulk-len", &C::proto_max_bulk_len, 1024 * 1024, kLlongMax, "536870912"),
      memory("client-query-buffer-limit", &C::client_query_buffer_limit, 1024 * 1024, kLlongMax, "1073741824"),
      special("client-output-buffer-limit", Kind::Special, -1,
              "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", parse_output_limits)
          .accessed(get_output_limits, store_output_limits)
          .rewritten(rewrite_output_limits),
      // --- Keyspace, expiry, memory
      integer("databases", &C::databases, 1, kIntMax, "16").with(kImmutable),
      integer("hz", &C::hz, 0, kIntMax, "10").normalized(clamp_hz),
      boolean("dynamic-hz", &C::dynamic_hz, "yes"),
      integer("active-expire-effort", &C::active_expire_effort, 1, 10, "1"),
      memory("maxmemory", &C::maxmemory, 0, 0, "0").with(kUnsigned),
      choice("maxmemory-policy", &C::maxmemory_policy,
             "volatile-lru,volatile-lfu,volatile-random,volatile-ttl,allkeys-lru,allkeys-lfu,allkeys-random,noeviction",
             "noeviction"),
      integer("maxmemory-samples", &C::maxmemory_samples, 1, kIntMax, "5"),
      integer("maxmemory-eviction-tenacity", &C::maxmemory_eviction_tenacity, 0, 100, "10"),
      special("maxmemory-clients", Kind::Special, 1, "0", parse_client_memory)
          .accessed(get_client_memory, store_client_memory),
      integer("lfu-log-factor", &C::lfu_log_factor, 0, kIntMax, "10"),
      integer("lfu-decay-time", &C::lfu_decay_time, 0, kIntMax, "1"),
      boolean("activerehashing", kFixed, "yes").off_only("yes", "turning active rehashing off is not supported yet"),
      boolean("lazyfree-lazy-eviction", &C::lazyfree_lazy_eviction, "no"),
      boolean("lazyfree-lazy-expire", &C::lazyfree_lazy_expire, "no"),
      boolean("lazyfree-lazy-server-del", &C::lazyfree_lazy_server_del, "no"),
      boolean("lazyfree-lazy-user-del", &C::lazyfree_lazy_user_del, "no"),
      boolean("lazyfree-lazy-user-flush", &C::lazyfree_lazy_user_flush, "no"),
      boolean("activedefrag", kFixed, "no").off_only("no", "active defragmentation is not supported yet"),
      integer("active-defrag-cycle-max", kFixed, 1, 99, "25"),
      integer("active-defrag-cycle-min", kFixed, 1, 99, "1"),
      memory("active-defrag-ignore-bytes", kFixed, 1, kLlongMax, "104857600"),
      integer("active-defrag-max-scan-fields", kFixed, 1, kLlongMax, "1000"),
      integer("active-defrag-threshold-lower", kFixed, 0, 1000, "10"),
      integer("active-defrag-threshold-upper", kFixed, 0, 1000, "100"),
      boolean("jemalloc-bg-thread", &C::jemalloc_bg_thread, "yes"),
      special("notify-keyspace-events", Kind::String, 1, "", parse_notify).accessed(get_notify, store_notify),
      integer("tracking-table-max-keys", &C::tracking_table_max_keys, 0, kLlongMax, "1000000"),
      // --- Encodings (stored for the collection types)
      integer("hash-max-listpack-entries", &C::hash_max_listpack_entries, 0, kLlongMax, "512").aka("hash-max-ziplist-entries"),
      memory("hash-max-listpack-value", &C::hash_max_listpack_value, 0, kLlongMax, "64").aka("hash-max-ziplist-value"),
      integer("list-max-listpack-size", &C::list_max_listpack_size, kIntMin, kIntMax, "-2").aka("list-max-ziplist-size"),
      integer("list-compress-depth", &C::list_compress_depth, 0, kIntMax, "0"),
      integer("set-max-intset-entries", &C::set_max_intset_entries, 0, kLlongMax, "512"),
      // Redis 7.2's listpack encoding of small sets (not in 7.0, which has no such directives).
      integer("set-max-listpack-entries", &C::set_max_listpack_entries, 0, kLlongMax, "128"),
      memory("set-max-listpack-value", &C::set_max_listpack_value, 0, kLlongMax, "64"),
      integer("zset-max-listpack-entries", &C::zset_max_listpack_entries, 0, kLlongMax, "128").aka("zset-max-ziplist-entries"),
      memory("zset-max-listpack-value", &C::zset_max_listpack_value, 0, kLlongMax, "64").aka("zset-max-ziplist-value"),
      memory("hll-sparse-max-bytes", &C::hll_sparse_max_bytes, 0, kLlongMax, "3000"),
      memory("stream-node-max-bytes", &C::stream_node_max_bytes, 0, kLlongMax, "4096"),
      integer("stream-node-max-entries", &C::stream_node_max_entries, 0, kLlongMax, "100"),
      // --- Security
      text("requirepass", &C::requirepass, ""),
      choice("acl-pubsub-default", &C::acl_pubsub_default, "allchannels,resetchannels", "resetchannels"),
      text("aclfile", &C::aclfile, "").with(kImmutable),
      integer("acllog-max-len", &C::acllog_max_len, 0, kLlongMax, "128"),
      choice("enable-protected-configs", &C::enable_protected_configs, kNoYesLocal, "no").with(kImmutable),
      choice("enable-debug-command", &C::enable_debug_command, kNoYesLocal, "no").with(kImmutable),
      choice("enable-module-command", &C::enable_module_command, kNoYesLocal, "no").with(kImmutable),
      choice("sanitize-dump-payload", kFixed, "no,yes,clients", "no"),
      // --- Process, logging, diagnostics
      boolean("daemonize", &C::daemonize, "no").with(kImmutable),
      text("pidfile", &C::pidfile, "").with(kImmutable),
      choice("loglevel", &C::loglevel, "debug,verbose,notice,warning", "notice"),
      text("logfile", &C::logfile, "").with(kImmutable),
      boolean("syslog-enabled", kFixed, "no").with(kImmutable).off_only("no", "syslog logging is not supported yet"),
      text("syslog-ident", kFixed, "redis").with(kImmutable),
      choice("syslog-facility", kFixed, "user,local0,local1,local2,local3,local4,local5,local6,local7", "local0")
          .with(kImmutable),
      choice("supervised", kFixed, "upstart,systemd,auto,no", "no")
          .with(kImmutable)
          .off_only("no", "supervision by upstart or systemd is not supported yet"),
      boolean("always-show-logo", &C::always_show_logo, "no").with(kImmutable),
      boolean("set-proc-title", &C::set_proc_title, "yes").with(kImmutable),
      text("proc-title-template", &C::proc_title_template, "{title} {listen-addr} {server-mode}")
          .checked(check_proc_title),
      boolean("crash-log-enabled", &C::crash_log_enabled, "yes"),
      boolean("crash-memcheck-enabled", &C::crash_memcheck_enabled, "yes"),
      boolean("disable-thp", &C::disable_thp, "yes").with(kImmutable),
      choice("oom-score-adj", kFixed, "no,yes,relative,absolute", "no")
          .off_only("no", "OOM score adjustment is not supported yet"),
      special("oom-score-adj-values", Kind::Special, -1, "0 200 800", parse_oom_values),
      text("server_cpulist", kFixed, "").with(kImmutable).off_only("", "CPU affinity is not supported yet"),
      text("bio_cpulist", kFixed, "").with(kImmutable).off_only("", "CPU affinity is not supported yet"),
      text("aof_rewrite_cpulist", kFixed, "").with(kImmutable).off_only("", "CPU affinity is not supported yet"),
      text("bgsave_cpulist", kFixed, "").with(kImmutable).off_only("", "CPU affinity is not supported yet"),
      text("ignore-warnings", kFixed, ""),
      integer("slowlog-log-slower-than", &C::slowlog_log_slower_than, -1, kLlongMax, "10000"),
      integer("slowlog-max-len", &C::slowlog_max_len, 0, kLlongMax, "128"),
      integer("latency-monitor-threshold", &C::latency_monitor_threshold, 0, kLlongMax, "0"),
      boolean("latency-tracking", &C::latency_tracking, "yes"),
      special("latency-tracking-info-percentiles", Kind::Special, -1, "50 99 99.9", parse_percentiles)
          .accessed(get_percentiles, store_percentiles)
          .with(kAlwaysRewrite),
      integer("busy-reply-threshold", &C::busy_reply_threshold_ms, 0, kLlongMax, "5000").aka("lua-time-limit"),
      special("shutdown-on-sigint", Kind::Special, -1, "default", parse_shutdown_flags, &C::shutdown_on_sigint),
      special("shutdown-on-sigterm", Kind::Special, -1, "default", parse_shutdown_flags, &C::shutdown_on_sigterm),
      integer("shutdown-timeout", kFixed, 0, kIntMax, "10"),
      choice("propagation-error-behavior", &C::propagation_error_behavior, "ignore,panic,panic-on-replicas", "ignore"),
      integer("io-threads", kFixed, 1, 128, "1").with(kImmutable).off_only("1", "I/O threads are not supported yet"),
      boolean("io-threads-do-reads", kFixed, "no").with(kImmutable),
      // --- Persistence
      special("dir", Kind::String, 1, "", parse_dir, &C::dir).with(kProtected | kAlwaysRewrite).accessed(get_dir, nullptr),
      special("save", Kind::Special, -1, "3600 1 300 100 60 10000", parse_save)
          .accessed(get_save, store_save)
          .rewritten(rewrite_save)
          .with(kAlwaysRewrite),
      text("dbfilename", &C::dbfilename, "dump.rdb").with(kProtected).checked(check_dbfilename),
      boolean("rdbcompression", &C::rdbcompression, "yes"),
      boolean("rdbchecksum", &C::rdbchecksum, "yes").with(kImmutable),
      boolean("rdb-del-sync-files", &C::rdb_del_sync_files, "no"),
      boolean("rdb-save-incremental-fsync", &C::rdb_save_incremental_fsync, "yes"),
      boolean("stop-writes-on-bgsave-error", &C::stop_writes_on_bgsave_error, "yes"),
      boolean("appendonly", &C::appendonly, "no"),
      text("appendfilename", &C::appendfilename, "appendonly.aof").with(kImmutable).checked(check_appendfilename),
      text("appenddirname", &C::appenddirname, "appendonlydir").with(kImmutable).checked(check_appenddirname),
      choice("appendfsync", &C::appendfsync, "everysec,always,no", "everysec"),
      boolean("no-appendfsync-on-rewrite", &C::no_appendfsync_on_rewrite, "no"),
      integer("auto-aof-rewrite-percentage", &C::auto_aof_rewrite_percentage, 0, kIntMax, "100"),
      memory("auto-aof-rewrite-min-size", &C::auto_aof_rewrite_min_size, 0, kLlongMax, "67108864"),
      boolean("aof-load-truncated", &C::aof_load_truncated, "yes"),
      boolean("aof-use-rdb-preamble", &C::aof_use_rdb_preamble, "yes"),
      boolean("aof-rewrite-incremental-fsync", &C::aof_rewrite_incremental_fsync, "yes"),
      boolean("aof-timestamp-enabled", &C::aof_timestamp_enabled, "no"),
      boolean("aof-disable-auto-gc", &C::aof_disable_auto_gc, "no"),
      // --- Replication (not built: replicaof stays unset, the tuning is stored)
      special("replicaof", Kind::Special, 2, "", parse_replicaof)
          .rewritten(rewrite_replicaof)
          .aka("slaveof")
          .with(kImmutable)
          .off_only("", "replication is not supported yet"),
      text("masterauth", kFixed, ""),
      text("masteruser", kFixed, ""),
      boolean("replica-serve-stale-data", kFixed, "yes").aka("slave-serve-stale-data"),
      boolean("replica-read-only", kFixed, "yes").aka("slave-read-only"),
      boolean("replica-ignore-maxmemory", kFixed, "yes").aka("slave-ignore-maxmemory"),
      boolean("replica-lazy-flush", kFixed, "no").aka("slave-lazy-flush"),
      boolean("replica-ignore-disk-write-errors", kFixed, "no"),
      boolean("replica-announced", kFixed, "yes"),
      integer("replica-priority", kFixed, 0, kIntMax, "100").aka("slave-priority"),
      text("replica-announce-ip", kFixed, "").aka("slave-announce-ip"),
      integer("replica-announce-port", kFixed, 0, 65535, "0").aka("slave-announce-port"),
      integer("min-replicas-to-write", kFixed, 0, kIntMax, "0")
          .aka("min-slaves-to-write")
          .off_only("0", "replication is not supported yet"),
      integer("min-replicas-max-lag", kFixed, 0, kIntMax, "10").aka("min-slaves-max-lag"),
      boolean("repl-diskless-sync", kFixed, "yes"),
      integer("repl-diskless-sync-delay", kFixed, 0, kIntMax, "5"),
      integer("repl-diskless-sync-max-replicas", kFixed, 0, kIntMax, "0"),
      choice("repl-diskless-load", kFixed, "disabled,on-empty-db,swapdb", "disabled"),
      integer("repl-ping-replica-period", kFixed, 1, kIntMax, "10").aka("repl-ping-slave-period"),
      integer("repl-timeout", kFixed, 1, kIntMax, "60"),
      boolean("repl-disable-tcp-nodelay", kFixed, "no"),
      memory("repl-backlog-size", kFixed, 1, kLlongMax, "1048576").normalized(min_backlog_on_set),
      integer("repl-backlog-ttl", kFixed, 0, kLlongMax, "3600"),
      // --- Cluster (not built: cluster-enabled stays no, the tuning is stored)
      boolean("cluster-enabled", kFixed, "no").with(kImmutable).off_only("no", "cluster mode is not supported yet"),
      text("cluster-config-file", kFixed, "nodes.conf").with(kImmutable),
      integer("cluster-port", kFixed, 0, 65535, "0").with(kImmutable),
      integer("cluster-node-timeout", kFixed, 0, kLlongMax, "15000"),
      integer("cluster-replica-validity-factor", kFixed, 0, kIntMax, "10").aka("cluster-slave-validity-factor"),
      integer("cluster-migration-barrier", kFixed, 0, kIntMax, "1"),
      boolean("cluster-allow-replica-migration", kFixed, "yes"),
      boolean("cluster-require-full-coverage", kFixed, "yes"),
      boolean("cluster-replica-no-failover", kFixed, "no").aka("cluster-slave-no-failover"),
      boolean("cluster-allow-reads-when-down", kFixed, "no"),
      boolean("cluster-allow-pubsubshard-when-down", kFixed, "yes"),
      memory("cluster-link-sendbuf-limit", kFixed, 0, 0, "0").with(kUnsigned),
      text("cluster-announce-ip", kFixed, ""),
      text("cluster-announce-hostname", kFixed, "").checked(check_hostname),
      choice("cluster-preferred-endpoint-type", kFixed, "ip,hostname,unknown-endpoint", "ip"),
      integer("cluster-announce-port", kFixed, 0, 65535, "0"),
      integer("cluster-announce-bus-port", kFixed, 0, 65535, "0"),
      integer("cluster-announce-tls-port", kFixed, 0, 65535, "0"),
      // --- TLS (server/tls_setup.h; CONFIG SET of any of these rebuilds the context)
      integer("tls-port", &C::tls_port, 0, 65535, "0"),
      text("tls-cert-file", &C::tls_cert_file, ""),
      text("tls-key-file", &C::tls_key_file, ""),
      text("tls-key-file-pass", &C::tls_key_file_pass, ""),
      text("tls-client-cert-file", &C::tls_client_cert_file, ""),
      text("tls-client-key-file", &C::tls_client_key_file, ""),
      text("tls-client-key-file-pass", &C::tls_client_key_file_pass, ""),
      text("tls-dh-params-file", &C::tls_dh_params_file, ""),
      text("tls-ca-cert-file", &C::tls_ca_cert_file, ""),
      text("tls-ca-cert-dir", &C::tls_ca_cert_dir, ""),
      choice("tls-auth-clients", &C::tls_auth_clients, "no,yes,optional", "yes"),
      // Corvid makes no replication or cluster connections of its own yet.
      boolean("tls-replication", kFixed, "no").off_only("no", "TLS for replication links is not supported yet"),
      boolean("tls-cluster", kFixed, "no").off_only("no", "TLS for the cluster bus is not supported yet"),
      text("tls-protocols", &C::tls_protocols, ""),
      text("tls-ciphers", &C::tls_ciphers, ""),
      text("tls-ciphersuites", &C::tls_ciphersuites, ""),
      boolean("tls-prefer-server-ciphers", &C::tls_prefer_server_ciphers, "no"),
      boolean("tls-session-caching", &C::tls_session_caching, "yes"),
      integer("tls-session-cache-size", &C::tls_session_cache_size, 0, kIntMax, "20480"),
      integer("tls-session-cache-timeout", &C::tls_session_cache_timeout, 0, kIntMax, "300"),
      // --- Hidden (testing aids in Redis; CONFIG GET shows them only when named)
      integer("key-load-delay", kFixed, kIntMin, kIntMax, "0").with(kHidden),
      integer("rdb-key-save-delay", kFixed, kIntMin, kIntMax, "0").with(kHidden),
      integer("loading-process-events-interval-bytes", kFixed, 1024, kIntMax, "2097152").with(kHidden),
      boolean("use-exit-on-panic", kFixed, "no").with(kHidden),
      boolean("lua-enable-deprecated-api", kFixed, "no").with(kHidden | kImmutable),
      integer("watchdog-period", kFixed, 0, kIntMax, "0")
          .with(kHidden)
          .off_only("0", "the software watchdog is not supported yet"),
  };
}

}  // namespace

std::string current_dir() {
  char buf[PATH_MAX];
  if (getcwd(buf, sizeof buf) == nullptr) return {};
  return buf;
}

const std::vector<Directive>& table() {
  static const std::vector<Directive> directives = build_table();
  return directives;
}

const Directive* find_directive(std::string_view name) {
  for (const Directive& d : table()) {
    if (equals_ignore_case(d.name, name) || (!d.alias.empty() && equals_ignore_case(d.alias, name))) return &d;
  }
  return nullptr;
}

}  // namespace corvid::config_detail
