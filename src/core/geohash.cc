#include "core/geohash.h"

#include <cmath>

namespace corvid::geo {
namespace {

constexpr double kDegToRad = M_PI / 180.0;

double deg_rad(double degrees) { return degrees * kDegToRad; }
double rad_deg(double radians) { return radians / kDegToRad; }

// Morton order: the bits of `v` to the even positions of a 64-bit word.
uint64_t spread(uint32_t v) {
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & 0x5555555555555555ULL;
  return x;
}

uint32_t squash(uint64_t x) {
  x &= 0x5555555555555555ULL;
  x = (x | (x >> 1)) & 0x3333333333333333ULL;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(x);
}

struct Range {
  double min, max;
};
constexpr Range kLonRange{kLonMin, kLonMax};
constexpr Range kMercatorLatRange{kLatMin, kLatMax};
constexpr Range kStandardLatRange{-90, 90};

// The cell of (lon, lat) at `step` bits per coordinate.
Hash encode(double lon, double lat, int step, Range lat_range = kMercatorLatRange) {
  const double lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min) * static_cast<double>(1ULL << step);
  const double lon_offset = (lon - kLonRange.min) / (kLonRange.max - kLonRange.min) * static_cast<double>(1ULL << step);
  const auto lat_index = static_cast<uint32_t>(lat_offset);
  const auto lon_index = static_cast<uint32_t>(lon_offset);
  return Hash{spread(lat_index) | (spread(lon_index) << 1), static_cast<uint8_t>(step)};
}

struct Area {
  Range lon, lat;
};

Area decode(Hash h) {
  const uint32_t lat_index = squash(h.bits);
  const uint32_t lon_index = squash(h.bits >> 1);
  const double cells = static_cast<double>(1ULL << h.step);
  const double lat_scale = kMercatorLatRange.max - kMercatorLatRange.min;
  const double lon_scale = kLonRange.max - kLonRange.min;
  Area area;
  area.lat.min = kMercatorLatRange.min + (lat_index * 1.0 / cells) * lat_scale;
  area.lat.max = kMercatorLatRange.min + ((lat_index + 1.0) * 1.0 / cells) * lat_scale;
  area.lon.min = kLonRange.min + (lon_index * 1.0 / cells) * lon_scale;
  area.lon.max = kLonRange.min + ((lon_index + 1.0) * 1.0 / cells) * lon_scale;
  return area;
}

// The cell `d_lon` cells east and `d_lat` cells north, wrapping around.
Hash moved(Hash h, int d_lon, int d_lat) {
  const uint32_t mask = h.step == 32 ? 0xFFFFFFFFu : ((1u << h.step) - 1);
  const uint32_t lat_index = (squash(h.bits) + static_cast<uint32_t>(d_lat)) & mask;
  const uint32_t lon_index = (squash(h.bits >> 1) + static_cast<uint32_t>(d_lon)) & mask;
  return Hash{spread(lat_index) | (spread(lon_index) << 1), h.step};
}

// How many bits per coordinate make a cell about as large as the search (a little
// larger, fewer bits towards the poles where cells narrow).
int estimate_steps(double range_meters, double lat) {
  if (range_meters == 0) return kMaxStep;
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > kMaxStep) step = kMaxStep;
  return step;
}

struct Neighbors {
  Hash north, south, east, west, north_east, north_west, south_east, south_west;
};

Neighbors neighbors_of(Hash h) {
  return Neighbors{.north = moved(h, 0, 1),
                   .south = moved(h, 0, -1),
                   .east = moved(h, 1, 0),
                   .west = moved(h, -1, 0),
                   .north_east = moved(h, 1, 1),
                   .north_west = moved(h, -1, 1),
                   .south_east = moved(h, 1, -1),
                   .south_west = moved(h, -1, -1)};
}

}  // namespace

bool valid(double lon, double lat) { return lon >= kLonMin && lon <= kLonMax && lat >= kLatMin && lat <= kLatMax; }

uint64_t score_of(double lon, double lat) { return encode(lon, lat, kMaxStep).bits; }

Point point_of(uint64_t score) {
  const Area area = decode(Hash{score, kMaxStep});
  Point p;
  p.lon = (area.lon.min + area.lon.max) / 2;
  if (p.lon > kLonMax) p.lon = kLonMax;
  if (p.lon < kLonMin) p.lon = kLonMin;
  p.lat = (area.lat.min + area.lat.max) / 2;
  if (p.lat > kLatMax) p.lat = kLatMax;
  if (p.lat < kLatMin) p.lat = kLatMin;
  return p;
}

std::string geohash_string(uint64_t score) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  const Point p = point_of(score);
  const Hash h = encode(p.lon, p.lat, kMaxStep, kStandardLatRange);
  std::string out(11, '0');
  // 52 bits make ten whole characters; the eleventh has none left and stays '0'.
  for (int i = 0; i < 10; ++i) out[static_cast<size_t>(i)] = kAlphabet[(h.bits >> (52 - (i + 1) * 5)) & 0x1f];
  return out;
}

double lat_distance(double lat1, double lat2) { return kEarthRadiusMeters * std::fabs(deg_rad(lat2) - deg_rad(lat1)); }

double distance(double lon1, double lat1, double lon2, double lat2) {
  const double v = std::sin((deg_rad(lon2) - deg_rad(lon1)) / 2);
  // Along a meridian the haversine reduces to the latitude difference.
  if (v == 0.0) return lat_distance(lat1, lat2);
  const double lat1r = deg_rad(lat1);
  const double lat2r = deg_rad(lat2);
  const double u = std::sin((lat2r - lat1r) / 2);
  const double a = u * u + std::cos(lat1r) * std::cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusMeters * std::asin(std::sqrt(a));
}

bool contains(const Shape& shape, Point p, double* distance_m) {
  const Point c = shape.centre;
  if (!shape.box) {
    const double d = distance(c.lon, c.lat, p.lon, p.lat);
    if (d > shape.radius * shape.metres_per_unit) return false;
    *distance_m = d;
    return true;
  }
  const double width_m = shape.width * shape.metres_per_unit;
  const double height_m = shape.height * shape.metres_per_unit;
  // The latitude test is the cheaper one.
  if (lat_distance(p.lat, c.lat) > height_m / 2) return false;
  if (distance(p.lon, p.lat, c.lon, p.lat) > width_m / 2) return false;
  *distance_m = distance(c.lon, c.lat, p.lon, p.lat);
  return true;
}

std::array<Hash, 9> search_cells(const Shape& shape) {
  const double lon = shape.centre.lon;
  const double lat = shape.centre.lat;
  // The search's bounding box.
  const double height = shape.metres_per_unit * (shape.box ? shape.height / 2 : shape.radius);
  const double width = shape.metres_per_unit * (shape.box ? shape.width / 2 : shape.radius);
  const double lat_delta = rad_deg(height / kEarthRadiusMeters);
  const double lon_delta_top = rad_deg(width / kEarthRadiusMeters / std::cos(deg_rad(lat + lat_delta)));
  const double lon_delta_bottom = rad_deg(width / kEarthRadiusMeters / std::cos(deg_rad(lat - lat_delta)));
  // The wider edge of the box is the one nearer the equator.
  const bool southern = lat < 0;
  const double min_lon = southern ? lon - lon_delta_bottom : lon - lon_delta_top;
  const double max_lon = southern ? lon + lon_delta_bottom : lon + lon_delta_top;
  const double min_lat = lat - lat_delta;
  const double max_lat = lat + lat_delta;

  const double radius_m = shape.box ? std::sqrt((shape.width / 2) * (shape.width / 2) +
                                                (shape.height / 2) * (shape.height / 2)) * shape.metres_per_unit
                                    : shape.radius * shape.metres_per_unit;
  int steps = estimate_steps(radius_m, lat);
  Hash centre = encode(lon, lat, steps);
  Neighbors n = neighbors_of(centre);
  Area area = decode(centre);
  // Near a cell's edge the estimate can be one size too small for a neighbour to cover
  // the rest of the box: then one step coarser.
  const bool too_small = decode(n.north).lat.max < max_lat || decode(n.south).lat.min > min_lat ||
                         decode(n.east).lon.max < max_lon || decode(n.west).lon.min > min_lon;
  if (steps > 1 && too_small) {
    --steps;
    centre = encode(lon, lat, steps);
    n = neighbors_of(centre);
    area = decode(centre);
  }
  // Neighbours beyond the box are left out.
  if (steps >= 2) {
    if (area.lat.min < min_lat) n.south = n.south_west = n.south_east = Hash{};
    if (area.lat.max > max_lat) n.north = n.north_east = n.north_west = Hash{};
    if (area.lon.min < min_lon) n.west = n.south_west = n.north_west = Hash{};
    if (area.lon.max > max_lon) n.east = n.south_east = n.north_east = Hash{};
  }
  return {centre, n.north, n.south, n.east, n.west, n.north_east, n.north_west, n.south_east, n.south_west};
}

}  // namespace corvid::geo
