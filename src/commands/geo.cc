// GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH, GEOSEARCHSTORE, GEORADIUS,
// GEORADIUSBYMEMBER and their _RO forms: positions kept as the scores of a sorted set
// (core/geohash.h), so that a GEO key is an ordinary sorted set to every other command
// and to RDB files, as in Redis.
//
// GEOADD is ZADD with computed scores: it replies, notifies ("zadd") and propagates as
// that ZADD. A search scans the score ranges of up to nine geohash cells around its
// centre, tests each candidate against the exact circle or box, then sorts by distance
// if asked (or if COUNT is given without ANY).

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "commands/command_table.h"
#include "commands/context.h"
#include "commands/zset_support.h"
#include "core/geohash.h"
#include "core/number_format.h"
#include "db/zset_value.h"

namespace corvid {
namespace {

const ZSetValue* read_zset(CommandContext& ctx, const KeyEntry* entry, bool* wrong) {
  return ctx.typed<ZSetValue>(entry, ValueType::ZSet, wrong);
}

// A score as the 52 bits it encodes. Scores written by other commands may be anything;
// out-of-range ones convert as Redis's cast converts them on x86-64 (the unsigned
// conversion GCC emits there).
uint64_t score_bits(double score) {
  constexpr double kTwo63 = 9223372036854775808.0;
  constexpr uint64_t kIndefinite = 0x8000000000000000ULL;  // what the CPU gives for NaN / overflow
  if (std::isnan(score)) return kIndefinite;
  if (score >= kTwo63) {
    if (score >= 2 * kTwo63) return 0;  // indefinite, then the sign bit flipped back
    return static_cast<uint64_t>(score - kTwo63) ^ kIndefinite;
  }
  if (score >= -kTwo63) return static_cast<uint64_t>(static_cast<int64_t>(score));
  return kIndefinite;
}

// Coordinates are shown as Redis shows them: the decimal expansion to 17 places, trailing
// zeros cut (a RESP3 double, a bulk string in RESP2).
void reply_coordinate(CommandContext& ctx, double value) {
  const std::string text = format_long_double_human(static_cast<long double>(value));
  if (ctx.reply.resp3()) {
    ctx.reply.raw("," + text + "\r\n");
  } else {
    ctx.reply.bulk(text);
  }
}

void reply_distance(CommandContext& ctx, double distance) {
  char buf[128];
  const int length = std::snprintf(buf, sizeof buf, "%.4f", distance);
  ctx.reply.bulk(std::string_view(buf, static_cast<size_t>(length)));
}

// "lon lat" at args[i], i+1; replies Redis's error when either is not a number or the pair
// is out of range.
std::optional<geo::Point> lon_lat_arg(CommandContext& ctx, size_t i) {
  auto lon = ctx.double_arg(i);
  if (!lon) return std::nullopt;
  auto lat = ctx.double_arg(i + 1);
  if (!lat) return std::nullopt;
  if (!geo::valid(*lon, *lat)) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "ERR invalid longitude,latitude pair %f,%f", *lon, *lat);
    ctx.reply.error(buf);
    return std::nullopt;
  }
  return geo::Point{*lon, *lat};
}

// Metres per unit; replies the error for an unknown unit.
std::optional<double> unit_arg(CommandContext& ctx, size_t i) {
  const std::string_view unit = ctx.arg(i);
  if (equals_ignore_case(unit, "m")) return 1;
  if (equals_ignore_case(unit, "km")) return 1000;
  if (equals_ignore_case(unit, "ft")) return 0.3048;
  if (equals_ignore_case(unit, "mi")) return 1609.34;
  ctx.reply.error("ERR unsupported unit provided. please use M, KM, FT, MI");
  return std::nullopt;
}

// "radius unit" at args[i], i+1 into `shape`.
bool radius_arg(CommandContext& ctx, size_t i, geo::Shape& shape) {
  auto radius = ctx.double_arg(i, "ERR need numeric radius");
  if (!radius) return false;
  if (*radius < 0) {
    ctx.reply.error("ERR radius cannot be negative");
    return false;
  }
  auto unit = unit_arg(ctx, i + 1);
  if (!unit) return false;
  shape.box = false;
  shape.radius = *radius;
  shape.metres_per_unit = *unit;
  return true;
}

// "width height unit" at args[i..i+2] into `shape`.
bool box_arg(CommandContext& ctx, size_t i, geo::Shape& shape) {
  auto width = ctx.double_arg(i, "ERR need numeric width");
  if (!width) return false;
  auto height = ctx.double_arg(i + 1, "ERR need numeric height");
  if (!height) return false;
  if (*height < 0 || *width < 0) {
    ctx.reply.error("ERR height or width cannot be negative");
    return false;
  }
  auto unit = unit_arg(ctx, i + 2);
  if (!unit) return false;
  shape.box = true;
  shape.width = *width;
  shape.height = *height;
  shape.metres_per_unit = *unit;
  return true;
}

// ---- GEOADD, GEOPOS, GEODIST, GEOHASH ------------------------------------------------

void geoadd(CommandContext& ctx) {
  ZAddFlags flags;
  size_t first = 2;
  for (; first < ctx.argc(); ++first) {
    const std::string_view word = ctx.arg(first);
    if (equals_ignore_case(word, "nx")) {
      flags.nx = true;
    } else if (equals_ignore_case(word, "xx")) {
      flags.xx = true;
    } else if (equals_ignore_case(word, "ch")) {
      flags.ch = true;
    } else {
      break;
    }
  }
  if ((ctx.argc() - first) % 3 != 0 || first == ctx.argc() || (flags.nx && flags.xx)) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  std::vector<ScoredMember> members;
  std::vector<std::string> as_zadd{"zadd", std::string(ctx.arg(1))};  // lowercase, as Redis writes it
  for (size_t i = 2; i < first; ++i) as_zadd.emplace_back(ctx.arg(i));
  for (size_t i = first; i < ctx.argc(); i += 3) {
    auto point = lon_lat_arg(ctx, i);
    if (!point) return;
    const uint64_t bits = geo::score_of(point->lon, point->lat);
    members.push_back(ScoredMember{static_cast<double>(bits), ctx.arg(i + 2)});
    as_zadd.push_back(std::to_string(bits));
    as_zadd.emplace_back(ctx.arg(i + 2));
  }
  zadd_and_reply(ctx, ctx.arg(1), flags, members);
  ctx.propagate_as(std::move(as_zadd));
}

void geopos(CommandContext& ctx) {
  bool wrong;
  const ZSetValue* zset = read_zset(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const std::optional<double> score = zset != nullptr ? zset->score(ctx.arg(i)) : std::nullopt;
    if (!score) {
      ctx.reply.null_array();
      continue;
    }
    const geo::Point p = geo::point_of(score_bits(*score));
    ctx.reply.array(2);
    reply_coordinate(ctx, p.lon);
    reply_coordinate(ctx, p.lat);
  }
}

void geodist(CommandContext& ctx) {
  double metres_per_unit = 1;
  if (ctx.argc() == 5) {
    auto unit = unit_arg(ctx, 4);
    if (!unit) return;
    metres_per_unit = *unit;
  } else if (ctx.argc() > 5) {
    ctx.reply.error(errors::kSyntax);
    return;
  }
  bool wrong;
  const ZSetValue* zset = read_zset(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  const std::optional<double> first = zset != nullptr ? zset->score(ctx.arg(2)) : std::nullopt;
  const std::optional<double> second = zset != nullptr ? zset->score(ctx.arg(3)) : std::nullopt;
  if (!first || !second) {
    ctx.reply.null();
    return;
  }
  const geo::Point a = geo::point_of(score_bits(*first));
  const geo::Point b = geo::point_of(score_bits(*second));
  reply_distance(ctx, geo::distance(a.lon, a.lat, b.lon, b.lat) / metres_per_unit);
}

void geohash(CommandContext& ctx) {
  bool wrong;
  const ZSetValue* zset = read_zset(ctx, ctx.db.lookup_read(ctx.arg(1)), &wrong);
  if (wrong) return;
  ctx.reply.array(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const std::optional<double> score = zset != nullptr ? zset->score(ctx.arg(i)) : std::nullopt;
    if (score) {
      ctx.reply.bulk(geo::geohash_string(score_bits(*score)));
    } else {
      ctx.reply.null();
    }
  }
}

// ---- Searches -------------------------------------------------------------------------

enum SearchKind : uint8_t {
  kRadiusFromCoordinates,  // GEORADIUS key lon lat radius unit ...
  kRadiusFromMember,       // GEORADIUSBYMEMBER key member radius unit ...
  kSearch,                 // GEOSEARCH key ...
  kSearchStore,            // GEOSEARCHSTORE destination key ...
};

struct Found {
  std::string member;
  double distance = 0;  // metres until the reply converts it
  uint64_t score = 0;
  geo::Point point;
};

// The members of `zset` inside `shape` (at most `limit` when limit > 0: COUNT ... ANY),
// in the order the cells are scanned.
std::vector<Found> search(const ZSetValue& zset, const geo::Shape& shape, size_t limit) {
  std::vector<Found> found;
  const std::array<geo::Hash, 9> cells = geo::search_cells(shape);
  int last_scanned = -1;
  for (int i = 0; i < 9; ++i) {
    const geo::Hash cell = cells[static_cast<size_t>(i)];
    if (cell.zero()) continue;
    // Neighbours coincide when cells are large (near the poles, or a huge radius).
    if (last_scanned >= 0 && cell.bits == cells[static_cast<size_t>(last_scanned)].bits &&
        cell.step == cells[static_cast<size_t>(last_scanned)].step) {
      continue;
    }
    last_scanned = i;
    ScoreRange range;
    range.min = static_cast<double>(geo::cell_first_score(cell));
    range.max = static_cast<double>(geo::cell_end_score(cell));
    range.max_exclusive = true;
    const auto [first, last] = zset.ranks_in(range);
    bool full = false;
    zset.visit_ranks(first, last, false, [&](std::string_view member, double score) {
      if (full) return;
      const uint64_t bits = score_bits(score);
      const geo::Point p = geo::point_of(bits);
      double distance = 0;
      if (!geo::contains(shape, p, &distance)) return;
      found.push_back(Found{std::string(member), distance, bits, p});
      full = limit > 0 && found.size() >= limit;
    });
    if (full) break;
  }
  return found;
}

void georadius_generic(CommandContext& ctx, SearchKind kind, bool read_only) {
  const size_t source_index = kind == kSearchStore ? 2 : 1;
  bool wrong;
  const ZSetValue* zset = read_zset(ctx, ctx.db.lookup_read(ctx.arg(source_index)), &wrong);
  if (wrong) return;

  geo::Shape shape;
  size_t options_start = 0;
  std::optional<std::string_view> store_key;
  if (kind == kSearchStore) store_key = ctx.arg(1);
  if (kind == kRadiusFromCoordinates) {
    options_start = 6;
    auto centre = lon_lat_arg(ctx, 2);
    if (!centre) return;
    shape.centre = *centre;
    if (!radius_arg(ctx, 4, shape)) return;
  } else if (kind == kRadiusFromMember) {
    options_start = 5;
    // Without the key the options are still read, for the reply STORE calls for.
    if (zset != nullptr) {
      const std::optional<double> score = zset->score(ctx.arg(2));
      if (!score) {
        ctx.reply.error("ERR could not decode requested zset member");
        return;
      }
      shape.centre = geo::point_of(score_bits(*score));
      if (!radius_arg(ctx, 3, shape)) return;
    }
  } else {
    options_start = kind == kSearchStore ? 3 : 2;
  }
  const bool geosearch = kind == kSearch || kind == kSearchStore;

  bool with_dist = false, with_hash = false, with_coord = false, any = false, store_dist = false;
  bool from_member = false, from_lonlat = false, by_radius = false, by_box = false;
  enum class Sort { None, Asc, Desc } sort = Sort::None;
  int64_t count = 0;
  const size_t argc = ctx.argc();
  for (size_t i = options_start; i < argc; ++i) {
    const std::string_view word = ctx.arg(i);
    const size_t remaining = argc - i - 1;  // arguments after this one
    if (equals_ignore_case(word, "withdist")) {
      with_dist = true;
    } else if (equals_ignore_case(word, "withhash")) {
      with_hash = true;
    } else if (equals_ignore_case(word, "withcoord")) {
      with_coord = true;
    } else if (equals_ignore_case(word, "any")) {
      any = true;
    } else if (equals_ignore_case(word, "asc")) {
      sort = Sort::Asc;
    } else if (equals_ignore_case(word, "desc")) {
      sort = Sort::Desc;
    } else if (equals_ignore_case(word, "count") && remaining >= 1) {
      auto n = ctx.int_arg(i + 1);
      if (!n) return;
      if (*n <= 0) {
        ctx.reply.error("ERR COUNT must be > 0");
        return;
      }
      count = *n;
      ++i;
    } else if ((equals_ignore_case(word, "store") || equals_ignore_case(word, "storedist")) && remaining >= 1 &&
               !read_only && !geosearch) {
      store_key = ctx.arg(i + 1);
      store_dist = equals_ignore_case(word, "storedist");
      ++i;
    } else if (equals_ignore_case(word, "storedist") && kind == kSearchStore) {
      store_dist = true;
    } else if (equals_ignore_case(word, "frommember") && remaining >= 1 && geosearch && !from_lonlat) {
      if (zset != nullptr) {
        const std::optional<double> score = zset->score(ctx.arg(i + 1));
        if (!score) {
          ctx.reply.error("ERR could not decode requested zset member");
          return;
        }
        shape.centre = geo::point_of(score_bits(*score));
      }
      from_member = true;
      ++i;
    } else if (equals_ignore_case(word, "fromlonlat") && remaining >= 2 && geosearch && !from_member) {
      auto centre = lon_lat_arg(ctx, i + 1);
      if (!centre) return;
      shape.centre = *centre;
      from_lonlat = true;
      i += 2;
    } else if (equals_ignore_case(word, "byradius") && remaining >= 2 && geosearch && !by_box) {
      if (!radius_arg(ctx, i + 1, shape)) return;
      by_radius = true;
      i += 2;
    } else if (equals_ignore_case(word, "bybox") && remaining >= 3 && geosearch && !by_radius) {
      if (!box_arg(ctx, i + 1, shape)) return;
      by_box = true;
      i += 3;
    } else {
      ctx.reply.error(errors::kSyntax);
      return;
    }
  }
  if (store_key && (with_dist || with_hash || with_coord)) {
    ctx.reply.error(kind == kSearchStore
                        ? "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
                        : "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
    return;
  }
  if (geosearch && !(from_member || from_lonlat)) {
    ctx.reply.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + std::string(ctx.arg(0)));
    return;
  }
  if (geosearch && !(by_radius || by_box)) {
    ctx.reply.error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + std::string(ctx.arg(0)));
    return;
  }
  if (any && count == 0) {
    ctx.reply.error("ERR the ANY argument requires COUNT argument");
    return;
  }
  if (zset == nullptr) {
    if (store_key) {
      if (ctx.db.remove(*store_key)) ctx.db.key_changed(*store_key, kEventGeneric, "del");
      ctx.reply.integer(0);
    } else {
      ctx.reply.array(0);
    }
    return;
  }
  // The nearest N need a sort, unless any N will do.
  if (count != 0 && sort == Sort::None && !any) sort = Sort::Asc;

  std::vector<Found> found = search(*zset, shape, any ? static_cast<size_t>(count) : 0);
  const size_t returned =
      count == 0 || found.size() < static_cast<uint64_t>(count) ? found.size() : static_cast<size_t>(count);
  if (sort != Sort::None) {
    auto nearer = [](const Found& a, const Found& b) { return a.distance < b.distance; };
    auto farther = [](const Found& a, const Found& b) { return a.distance > b.distance; };
    const auto middle = found.begin() + static_cast<std::ptrdiff_t>(returned);
    if (sort == Sort::Asc) {
      std::partial_sort(found.begin(), middle, found.end(), nearer);
    } else {
      std::partial_sort(found.begin(), middle, found.end(), farther);
    }
  }
  found.resize(returned);
  for (Found& f : found) f.distance /= shape.metres_per_unit;

  if (store_key) {
    std::vector<std::pair<std::string, double>> sorted;
    sorted.reserve(found.size());
    for (Found& f : found) sorted.emplace_back(std::move(f.member), store_dist ? f.distance : static_cast<double>(f.score));
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.second != b.second ? a.second < b.second : a.first < b.first; });
    store_sorted_and_reply(ctx, *store_key, sorted, geosearch ? "geosearchstore" : "georadiusstore");
    return;
  }
  const size_t extras = (with_dist ? 1 : 0) + (with_hash ? 1 : 0) + (with_coord ? 1 : 0);
  ctx.reply.array(found.size());
  for (const Found& f : found) {
    if (extras > 0) ctx.reply.array(extras + 1);
    ctx.reply.bulk(f.member);
    if (with_dist) reply_distance(ctx, f.distance);
    if (with_hash) ctx.reply.integer(static_cast<int64_t>(f.score));
    if (with_coord) {
      ctx.reply.array(2);
      reply_coordinate(ctx, f.point.lon);
      reply_coordinate(ctx, f.point.lat);
    }
  }
}

void georadius(CommandContext& ctx) { georadius_generic(ctx, kRadiusFromCoordinates, false); }
void georadius_ro(CommandContext& ctx) { georadius_generic(ctx, kRadiusFromCoordinates, true); }
void georadiusbymember(CommandContext& ctx) { georadius_generic(ctx, kRadiusFromMember, false); }
void georadiusbymember_ro(CommandContext& ctx) { georadius_generic(ctx, kRadiusFromMember, true); }
void geosearch(CommandContext& ctx) { georadius_generic(ctx, kSearch, true); }
void geosearchstore(CommandContext& ctx) { georadius_generic(ctx, kSearchStore, false); }

// ---- The table ------------------------------------------------------------------------

constexpr uint32_t kGeoRead = kAclRead | kAclGeo | kAclSlow;
constexpr uint32_t kGeoWrite = kAclWrite | kAclGeo | kAclSlow;
constexpr std::string_view kGroup = "geo";

constexpr KeySpec kReadKey[] = {{.flags = kKeyRO | kKeyAccess, .begin_index = 1, .last_key = 0, .key_step = 1}};
constexpr KeySpec kAddKey[] = {{.flags = kKeyRW | kKeyUpdate, .begin_index = 1, .last_key = 0, .key_step = 1}};
// GEORADIUS / GEORADIUSBYMEMBER: the source, then a STORE or STOREDIST destination after
// the fixed arguments.
constexpr KeySpec kRadiusKeys[] = {
    {.flags = kKeyRO | kKeyAccess, .begin_index = 1, .last_key = 0, .key_step = 1},
    {.flags = kKeyOW | kKeyUpdate, .begin_index = 6, .last_key = 0, .key_step = 1, .search = KeySearch::Keyword,
     .keyword = "STORE"},
    {.flags = kKeyOW | kKeyUpdate, .begin_index = 6, .last_key = 0, .key_step = 1, .search = KeySearch::Keyword,
     .keyword = "STOREDIST"},
};
constexpr KeySpec kRadiusByMemberKeys[] = {
    {.flags = kKeyRO | kKeyAccess, .begin_index = 1, .last_key = 0, .key_step = 1},
    {.flags = kKeyOW | kKeyUpdate, .begin_index = 5, .last_key = 0, .key_step = 1, .search = KeySearch::Keyword,
     .keyword = "STORE"},
    {.flags = kKeyOW | kKeyUpdate, .begin_index = 5, .last_key = 0, .key_step = 1, .search = KeySearch::Keyword,
     .keyword = "STOREDIST"},
};
constexpr KeySpec kSearchStoreKeys[] = {
    {.flags = kKeyOW | kKeyUpdate, .begin_index = 1, .last_key = 0, .key_step = 1},
    {.flags = kKeyRO | kKeyAccess, .begin_index = 2, .last_key = 0, .key_step = 1},
};

constexpr CommandArg kKey = {.name = "key", .type = ArgType::Key, .key_spec_index = 0};
constexpr CommandArg kUnits[] = {
    {.name = "m", .type = ArgType::PureToken, .token = "M"},
    {.name = "km", .type = ArgType::PureToken, .token = "KM"},
    {.name = "ft", .type = ArgType::PureToken, .token = "FT"},
    {.name = "mi", .type = ArgType::PureToken, .token = "MI"},
};
constexpr CommandArg kUnit = {.name = "unit", .type = ArgType::OneOf, .arguments = kUnits};
constexpr CommandArg kOptionalUnit = {.name = "unit", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kUnits};
constexpr CommandArg kMembers = {.name = "member", .type = ArgType::String, .flags = kArgMultiple};

constexpr CommandArg kConditions[] = {
    {.name = "nx", .type = ArgType::PureToken, .token = "NX"},
    {.name = "xx", .type = ArgType::PureToken, .token = "XX"},
};
constexpr CommandArg kPositionAndMember[] = {
    {.name = "longitude", .type = ArgType::Double},
    {.name = "latitude", .type = ArgType::Double},
    {.name = "member", .type = ArgType::String},
};
constexpr CommandArg kGeoaddArgs[] = {
    kKey,
    {.name = "condition", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kConditions, .since = "6.2.0"},
    {.name = "change", .type = ArgType::PureToken, .token = "CH", .flags = kArgOptional, .since = "6.2.0"},
    {.name = "longitude_latitude_member", .type = ArgType::Block, .flags = kArgMultiple,
     .arguments = kPositionAndMember},
};
constexpr CommandArg kKeyAndMembers[] = {kKey, kMembers};
constexpr CommandArg kGeodistArgs[] = {
    kKey,
    {.name = "member1", .type = ArgType::String},
    {.name = "member2", .type = ArgType::String},
    kOptionalUnit,
};

constexpr CommandArg kWithCoord = {.name = "withcoord", .type = ArgType::PureToken, .token = "WITHCOORD",
                                   .flags = kArgOptional};
constexpr CommandArg kWithDist = {.name = "withdist", .type = ArgType::PureToken, .token = "WITHDIST",
                                  .flags = kArgOptional};
constexpr CommandArg kWithHash = {.name = "withhash", .type = ArgType::PureToken, .token = "WITHHASH",
                                  .flags = kArgOptional};
constexpr CommandArg kCountAnySince62[] = {
    {.name = "count", .type = ArgType::Integer, .token = "COUNT"},
    {.name = "any", .type = ArgType::PureToken, .token = "ANY", .flags = kArgOptional, .since = "6.2.0"},
};
constexpr CommandArg kCountAny[] = {
    {.name = "count", .type = ArgType::Integer, .token = "COUNT"},
    {.name = "any", .type = ArgType::PureToken, .token = "ANY", .flags = kArgOptional},
};
constexpr CommandArg kOrders[] = {
    {.name = "asc", .type = ArgType::PureToken, .token = "ASC"},
    {.name = "desc", .type = ArgType::PureToken, .token = "DESC"},
};
constexpr CommandArg kOrder = {.name = "order", .type = ArgType::OneOf, .flags = kArgOptional, .arguments = kOrders};
constexpr CommandArg kStore = {.name = "key", .type = ArgType::Key, .key_spec_index = 1, .token = "STORE",
                               .flags = kArgOptional};
constexpr CommandArg kStoreDist = {.name = "key", .type = ArgType::Key, .key_spec_index = 2, .token = "STOREDIST",
                                   .flags = kArgOptional};
constexpr CommandArg kLongitude = {.name = "longitude", .type = ArgType::Double};
constexpr CommandArg kLatitude = {.name = "latitude", .type = ArgType::Double};
constexpr CommandArg kRadius = {.name = "radius", .type = ArgType::Double};
constexpr CommandArg kMember = {.name = "member", .type = ArgType::String};

constexpr CommandArg kGeoradiusArgs[] = {
    kKey, kLongitude, kLatitude, kRadius, kUnit, kWithCoord, kWithDist, kWithHash,
    {.name = "count", .type = ArgType::Block, .flags = kArgOptional, .arguments = kCountAnySince62},
    kOrder, kStore, kStoreDist,
};
constexpr CommandArg kGeoradiusRoArgs[] = {
    kKey, kLongitude, kLatitude, kRadius, kUnit, kWithCoord, kWithDist, kWithHash,
    {.name = "count", .type = ArgType::Block, .flags = kArgOptional, .arguments = kCountAnySince62},
    kOrder,
};
constexpr CommandArg kByMemberArgs[] = {
    kKey, kMember, kRadius, kUnit, kWithCoord, kWithDist, kWithHash,
    {.name = "count", .type = ArgType::Block, .flags = kArgOptional, .arguments = kCountAny},
    kOrder, kStore, kStoreDist,
};
constexpr CommandArg kByMemberRoArgs[] = {
    kKey, kMember, kRadius, kUnit, kWithCoord, kWithDist, kWithHash,
    {.name = "count", .type = ArgType::Block, .flags = kArgOptional, .arguments = kCountAny},
    kOrder,
};

constexpr CommandArg kLonLat[] = {kLongitude, kLatitude};
constexpr CommandArg kFroms[] = {
    {.name = "member", .type = ArgType::String, .token = "FROMMEMBER"},
    {.name = "longitude_latitude", .type = ArgType::Block, .token = "FROMLONLAT", .arguments = kLonLat},
};
constexpr CommandArg kCircle[] = {{.name = "radius", .type = ArgType::Double, .token = "BYRADIUS"}, kUnit};
constexpr CommandArg kBox[] = {
    {.name = "width", .type = ArgType::Double, .token = "BYBOX"},
    {.name = "height", .type = ArgType::Double},
    kUnit,
};
constexpr CommandArg kShapes[] = {
    {.name = "circle", .type = ArgType::Block, .arguments = kCircle},
    {.name = "box", .type = ArgType::Block, .arguments = kBox},
};
constexpr CommandArg kFrom = {.name = "from", .type = ArgType::OneOf, .arguments = kFroms};
constexpr CommandArg kBy = {.name = "by", .type = ArgType::OneOf, .arguments = kShapes};
constexpr CommandArg kCount = {.name = "count", .type = ArgType::Block, .flags = kArgOptional, .arguments = kCountAny};
constexpr CommandArg kGeosearchArgs[] = {kKey, kFrom, kBy, kOrder, kCount, kWithCoord, kWithDist, kWithHash};
constexpr CommandArg kGeosearchstoreArgs[] = {
    {.name = "destination", .type = ArgType::Key, .key_spec_index = 0},
    {.name = "source", .type = ArgType::Key, .key_spec_index = 1},
    kFrom, kBy, kOrder, kCount,
    {.name = "storedist", .type = ArgType::PureToken, .token = "STOREDIST", .flags = kArgOptional},
};

constexpr CommandHistory kGeoaddHistory[] = {{"6.2.0", "Added the `CH`, `NX` and `XX` options."}};
constexpr CommandHistory kGeoradiusHistory[] = {{"6.2.0", "Added the `ANY` option for `COUNT`."},
                                                {"7.0.0", "Added support for uppercase unit names."}};
constexpr CommandHistory kGeoradiusRoHistory[] = {{"6.2.0", "Added the `ANY` option for `COUNT`."}};
constexpr CommandHistory kUppercaseUnits[] = {{"7.0.0", "Added support for uppercase unit names."}};

constexpr std::string_view kRadiusComplexity =
    "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center "
    "and radius and M is the number of items inside the index.";
constexpr std::string_view kSearchComplexity =
    "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as "
    "the filter and M is the number of items inside the shape";

// Summaries are our own words; the other fields follow Redis 7.0.
const CommandSpec kCommands[] = {
    {.name = "geoadd", .arity = -5, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kGeoWrite, .handler = geoadd,
     .key_specs = kAddKey, .summary = "Adds or moves members of a geospatial index (a sorted set).",
     .since = "3.2.0", .group = kGroup,
     .complexity = "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
     .arguments = kGeoaddArgs, .history = kGeoaddHistory},
    {.name = "geopos", .arity = -2, .flags = kCmdReadOnly, .acl_categories = kGeoRead, .handler = geopos,
     .key_specs = kReadKey, .summary = "Returns the longitude and latitude of members.", .since = "3.2.0",
     .group = kGroup, .complexity = "O(N) where N is the number of members requested.", .arguments = kKeyAndMembers},
    {.name = "geodist", .arity = -4, .flags = kCmdReadOnly, .acl_categories = kGeoRead, .handler = geodist,
     .key_specs = kReadKey, .summary = "Returns the distance between two members.", .since = "3.2.0",
     .group = kGroup, .complexity = "O(log(N))", .arguments = kGeodistArgs},
    {.name = "geohash", .arity = -2, .flags = kCmdReadOnly, .acl_categories = kGeoRead, .handler = geohash,
     .key_specs = kReadKey, .summary = "Returns members' positions as standard geohash strings.", .since = "3.2.0",
     .group = kGroup,
     .complexity = "O(log(N)) for each member requested, where N is the number of elements in the sorted set.",
     .arguments = kKeyAndMembers},
    {.name = "georadius", .arity = -6, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kGeoWrite,
     .handler = georadius, .key_specs = kRadiusKeys,
     .summary = "Finds members within a radius of a point, optionally storing them.", .since = "3.2.0",
     .group = kGroup, .complexity = kRadiusComplexity, .arguments = kGeoradiusArgs, .history = kGeoradiusHistory,
     .doc_flags = kDocDeprecated, .deprecated_since = "6.2.0",
     .replaced_by = "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument"},
    {.name = "georadius_ro", .arity = -6, .flags = kCmdReadOnly, .acl_categories = kGeoRead, .handler = georadius_ro,
     .key_specs = kReadKey, .summary = "Finds members within a radius of a point (read-only).", .since = "3.2.10",
     .group = kGroup, .complexity = kRadiusComplexity, .arguments = kGeoradiusRoArgs,
     .history = kGeoradiusRoHistory, .doc_flags = kDocDeprecated, .deprecated_since = "6.2.0",
     .replaced_by = "`GEOSEARCH` with the `BYRADIUS` argument"},
    {.name = "georadiusbymember", .arity = -5, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kGeoWrite,
     .handler = georadiusbymember, .key_specs = kRadiusByMemberKeys,
     .summary = "Finds members within a radius of a member, optionally storing them.", .since = "3.2.0",
     .group = kGroup, .complexity = kRadiusComplexity, .arguments = kByMemberArgs, .history = kUppercaseUnits,
     .doc_flags = kDocDeprecated, .deprecated_since = "6.2.0",
     .replaced_by = "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments"},
    {.name = "georadiusbymember_ro", .arity = -5, .flags = kCmdReadOnly, .acl_categories = kGeoRead,
     .handler = georadiusbymember_ro, .key_specs = kReadKey,
     .summary = "Finds members within a radius of a member (read-only).", .since = "3.2.10", .group = kGroup,
     .complexity = kRadiusComplexity, .arguments = kByMemberRoArgs, .doc_flags = kDocDeprecated,
     .deprecated_since = "6.2.0", .replaced_by = "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments"},
    {.name = "geosearch", .arity = -7, .flags = kCmdReadOnly, .acl_categories = kGeoRead, .handler = geosearch,
     .key_specs = kReadKey, .summary = "Finds members inside a circle or a box.", .since = "6.2.0", .group = kGroup,
     .complexity = kSearchComplexity, .arguments = kGeosearchArgs, .history = kUppercaseUnits},
    {.name = "geosearchstore", .arity = -8, .flags = kCmdWrite | kCmdDenyOom, .acl_categories = kGeoWrite,
     .handler = geosearchstore, .key_specs = kSearchStoreKeys,
     .summary = "Finds members inside a circle or a box and stores them in a sorted set.", .since = "6.2.0",
     .group = kGroup, .complexity = kSearchComplexity, .arguments = kGeosearchstoreArgs,
     .history = kUppercaseUnits},
};

}  // namespace

std::span<const CommandSpec> geo_commands() { return kCommands; }

}  // namespace corvid
