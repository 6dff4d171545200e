#pragma once
// Geohashes as Redis's GEO commands use them, so that coordinates, scores and distances
// agree with Redis to the bit:
//
// - A position is stored as a sorted-set score: longitude and latitude each scaled to a
//   26-bit cell index over [-180, 180] and [-85.05112878, 85.05112878] (the Web Mercator
//   latitude limits), interleaved into 52 bits (latitude bits at the even positions).
//   Decoding gives the centre of the cell, clamped to the limits.
// - GEOHASH's strings are the standard base-32 geohash of the decoded position, computed
//   over latitudes [-90, 90]: 11 characters, the last always '0' (52 bits).
// - Distances are great-circle distances on a sphere of radius 6372797.560856 m.
// - A search (a circle or a box around a point) looks at up to nine cells of a size
//   chosen from the search's extent: the cell of the centre and its eight neighbours, in
//   a fixed order, leaving out neighbours the search cannot reach. Each cell is a range
//   of scores; a candidate in it is then tested against the exact shape.

#include <array>
#include <cstdint>
#include <string>

namespace corvid::geo {

inline constexpr double kLonMin = -180;
inline constexpr double kLonMax = 180;
inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr int kMaxStep = 26;  // bits per coordinate: 52-bit scores
inline constexpr double kEarthRadiusMeters = 6372797.560856;
inline constexpr double kMercatorMax = 20037726.37;

struct Hash {
  uint64_t bits = 0;
  uint8_t step = 0;  // bits per coordinate
  bool zero() const { return bits == 0 && step == 0; }
};

struct Point {
  double lon = 0;
  double lat = 0;
};

// Inside the limits a position may be stored at.
bool valid(double lon, double lat);

// The 52-bit score of a position (valid() must hold).
uint64_t score_of(double lon, double lat);
// The position a score stands for (the centre of its cell).
Point point_of(uint64_t score);
// GEOHASH's 11-character string for a score.
std::string geohash_string(uint64_t score);

double distance(double lon1, double lat1, double lon2, double lat2);
// Along a meridian.
double lat_distance(double lat1, double lat2);

// What GEOSEARCH looks for: a circle (radius) or a box (width x height) around `centre`,
// in the unit the command was given; `metres_per_unit` converts (the arithmetic follows
// Redis's own order, so that borderline members fall on the same side).
struct Shape {
  Point centre;
  bool box = false;
  double radius = 0;
  double width = 0;
  double height = 0;
  double metres_per_unit = 1;
};

// Whether `p` is inside `shape`; its distance from the centre when it is.
bool contains(const Shape& shape, Point p, double* distance_m);

// The cells to scan, in the order Redis scans them (centre, N, S, E, W, NE, NW, SE, SW);
// a zero Hash is a cell left out. Each cell covers the scores [first, end).
std::array<Hash, 9> search_cells(const Shape& shape);
inline uint64_t cell_first_score(Hash h) { return h.bits << (52 - 2 * h.step); }
inline uint64_t cell_end_score(Hash h) { return (h.bits + 1) << (52 - 2 * h.step); }

}  // namespace corvid::geo
