// Unit tests for core/geohash: scores, decoded positions, geohash strings and distances,
// with the values redis-server 7.0.15 gives for the same points (GEOADD, ZSCORE, GEOPOS,
// GEOHASH, GEODIST), and the cells a search scans.

#include "core/geohash.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

using namespace corvid::geo;

std::string seventeen(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17Lf", static_cast<long double>(v));
  return buf;
}

TEST(Geohash, ScoresAsRedisComputesThem) {
  EXPECT_EQ(score_of(13.361389, 38.115556), 3479099956230698u);
  EXPECT_EQ(score_of(15.087269, 37.502669), 3479447370796909u);
  EXPECT_EQ(score_of(-180, -85.05112878), 0u);
  EXPECT_EQ(score_of(0, 0), 3377699720527872u);
  // The upper corner overflows each 26-bit index by one, as Redis's encoding does.
  EXPECT_EQ(score_of(180, 85.05112878), 13510798882111488u);
}

TEST(Geohash, DecodedPositionsAreCellCentres) {
  const Point palermo = point_of(3479099956230698u);
  EXPECT_EQ(seventeen(palermo.lon), "13.36138933897018433");
  EXPECT_EQ(seventeen(palermo.lat), "38.11555639549629859");
  const Point corner = point_of(0);
  EXPECT_EQ(seventeen(corner.lon), "-179.99999731779098511");
  EXPECT_EQ(seventeen(corner.lat), "-85.05112751263942528");
  const Point clamped = point_of(13510798882111488u);
  EXPECT_EQ(clamped.lon, kLonMax);
  EXPECT_EQ(clamped.lat, kLatMax);
}

TEST(Geohash, StandardGeohashStrings) {
  EXPECT_EQ(geohash_string(3479099956230698u), "sqc8b49rny0");
  EXPECT_EQ(geohash_string(3479447370796909u), "sqdtr74hyu0");
  EXPECT_EQ(geohash_string(0), "00bh0hbj200");
  EXPECT_EQ(geohash_string(13510798882111488u), "bp05b5048p0");
  EXPECT_EQ(geohash_string(3377699720527872u), "s0000000000");
}

TEST(Geohash, Distances) {
  const Point a = point_of(3479099956230698u), b = point_of(3479447370796909u);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", distance(a.lon, a.lat, b.lon, b.lat));
  EXPECT_STREQ(buf, "166274.1516");
  const Point sw = point_of(0), ne = point_of(13510798882111488u);
  std::snprintf(buf, sizeof buf, "%.4f", distance(sw.lon, sw.lat, ne.lon, ne.lat));
  EXPECT_STREQ(buf, "18919844.5891");
  EXPECT_EQ(distance(1, 2, 1, 2), 0);
  EXPECT_DOUBLE_EQ(distance(10, 20, 10, 21), lat_distance(20, 21));
}

TEST(Geohash, ValidRange) {
  EXPECT_TRUE(valid(-180, -85.05112878));
  EXPECT_TRUE(valid(180, 85.05112878));
  EXPECT_FALSE(valid(180.0001, 0));
  EXPECT_FALSE(valid(0, 85.06));
}

TEST(Geohash, ContainsCircleAndBox) {
  Shape circle{.centre = {13.361389, 38.115556}, .radius = 200, .metres_per_unit = 1000};
  double d = -1;
  EXPECT_TRUE(contains(circle, point_of(3479447370796909u), &d));
  EXPECT_NEAR(d, 166274.16, 0.01);  // from the given centre, not its cell's
  circle.radius = 100;
  EXPECT_FALSE(contains(circle, point_of(3479447370796909u), &d));
  Shape box{.centre = {0, 0}, .box = true, .width = 2000, .height = 200, .metres_per_unit = 1};
  EXPECT_TRUE(contains(box, Point{0.008, 0.0008}, &d));   // ~890 m east, ~89 m north
  EXPECT_FALSE(contains(box, Point{0.0, 0.001}, &d));     // ~111 m north: outside the height
  EXPECT_FALSE(contains(box, Point{0.01, 0.0}, &d));      // ~1113 m east: outside the width
}

TEST(Geohash, SearchCellsCoverTheCentreFirst) {
  const Shape small{.centre = {13.36, 38.11}, .radius = 1, .metres_per_unit = 1000};
  const auto cells = search_cells(small);
  ASSERT_FALSE(cells[0].zero());
  const uint64_t centre = score_of(13.36, 38.11);
  EXPECT_LE(cell_first_score(cells[0]), centre);
  EXPECT_GT(cell_end_score(cells[0]), centre);
  // A radius of zero scans the member's own 52-bit cell only.
  const Shape point{.centre = {13.36, 38.11}, .radius = 0, .metres_per_unit = 1};
  const auto exact = search_cells(point);
  EXPECT_EQ(exact[0].step, kMaxStep);
  EXPECT_EQ(cell_first_score(exact[0]), centre);
  EXPECT_EQ(cell_end_score(exact[0]), centre + 1);
}

}  // namespace
