// LOLWUT [VERSION v] [...]: computer art and the version line, as clients check for it.
//
// Redis 7.0 answers anything but VERSION 5 or 6 with the version line alone, which Corvid
// matches byte for byte. VERSION 5 and 6 draw art in Redis; Corvid draws its own pictures
// with the same parameters and limits (the pictures are not Redis's, the last line is):
//   5 [columns [squares-per-row [squares-per-column]]]: a grid of squares drawn in Braille
//     dots that come loose, tilting and shifting more from row to row down the page (in
//     the manner of Georg Nees's "Schotter", 1968);
//   6 [columns [rows]]: a night skyline in 8-bit terminal colours.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "commands/command_table.h"
#include "commands/context.h"

namespace corvid {
namespace {

constexpr std::string_view kVersionLine = "Redis ver. 7.0.15\n";

// A canvas of dots, printed as Braille characters (2 x 4 dots each).
class BrailleCanvas {
 public:
  BrailleCanvas(int width, int height) : width_(width), height_(height), dots_(size_t(width) * height) {}
  void set(int x, int y) {
    if (x >= 0 && y >= 0 && x < width_ && y < height_) dots_[size_t(y) * width_ + x] = 1;
  }
  void line(double x0, double y0, double x1, double y1) {
    const int steps = std::max(1, static_cast<int>(std::ceil(std::max(std::fabs(x1 - x0), std::fabs(y1 - y0)))));
    for (int i = 0; i <= steps; ++i) {
      const double t = static_cast<double>(i) / steps;
      set(static_cast<int>(std::lround(x0 + (x1 - x0) * t)), static_cast<int>(std::lround(y0 + (y1 - y0) * t)));
    }
  }
  std::string text() const {
    // Braille dot bits for (column, row) within a cell.
    static constexpr int kBit[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};
    std::string out;
    for (int cy = 0; cy < height_; cy += 4) {
      for (int cx = 0; cx < width_; cx += 2) {
        int bits = 0;
        for (int dx = 0; dx < 2; ++dx) {
          for (int dy = 0; dy < 4; ++dy) {
            const int x = cx + dx, y = cy + dy;
            if (x < width_ && y < height_ && dots_[size_t(y) * width_ + x]) bits |= kBit[dx][dy];
          }
        }
        const int code = 0x2800 + bits;  // three UTF-8 bytes
        out.push_back(static_cast<char>(0xE0 | (code >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
      }
      out.push_back('\n');
    }
    return out;
  }

 private:
  int width_, height_;
  std::vector<uint8_t> dots_;
};

std::string loose_squares(int columns, int per_row, int per_column) {
  const int width = columns * 2;
  const double side = static_cast<double>(width) / per_row;
  const int height = static_cast<int>(side * per_column);
  BrailleCanvas canvas(width, std::max(height, 1));
  std::mt19937 rng(1968);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  for (int row = 0; row < per_column; ++row) {
    const double disorder = static_cast<double>(row) / per_column;  // none at the top
    for (int col = 0; col < per_row; ++col) {
      const double angle = unit(rng) * disorder * M_PI / 3;
      const double cx = side * (col + 0.5) + unit(rng) * disorder * side / 3;
      const double cy = side * (row + 0.5) + unit(rng) * disorder * side / 3;
      double corner[4][2];
      for (int k = 0; k < 4; ++k) {
        const double a = angle + M_PI / 4 + k * M_PI / 2;
        corner[k][0] = cx + std::cos(a) * side * 0.5 * M_SQRT2 * 0.85;
        corner[k][1] = cy + std::sin(a) * side * 0.5 * M_SQRT2 * 0.85;
      }
      for (int k = 0; k < 4; ++k) canvas.line(corner[k][0], corner[k][1], corner[(k + 1) % 4][0], corner[(k + 1) % 4][1]);
    }
  }
  return canvas.text() + "\nAfter Georg Nees, \"Schotter\" (1968), in Braille dots. " + std::string(kVersionLine);
}

std::string skyline(int columns, int rows) {
  std::mt19937 rng(8);
  // Building heights across the width, then rows from the top: sky, stars, windows.
  std::vector<int> heights(static_cast<size_t>(columns));
  for (int x = 0; x < columns;) {
    const int w = 2 + static_cast<int>(rng() % 5);
    const int h = 1 + static_cast<int>(rng() % std::max(1, rows * 3 / 4));
    for (int i = 0; i < w && x < columns; ++i, ++x) heights[size_t(x)] = h;
  }
  std::string out;
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < columns; ++x) {
      const bool building = rows - y <= heights[size_t(x)];
      int colour;
      if (building) {
        colour = (rng() % 5 == 0) ? 103 : 100;  // a lit window, or the dark wall
      } else {
        colour = (rng() % 23 == 0) ? 107 : 44;  // a star, or the night sky
      }
      out += "\033[0;" + std::to_string(colour) + "m \033[0m";
    }
    out.push_back('\n');
  }
  return out + "\nA night skyline in 8-bit colours. " + std::string(kVersionLine);
}

void lolwut(CommandContext& ctx) {
  int64_t version = 7;
  size_t next = 1;
  if (ctx.argc() >= 3 && equals_ignore_case(ctx.arg(1), "version")) {
    auto v = ctx.int_arg(2);
    if (!v) return;
    version = *v;
    next = 3;
  }
  // The drawing's own numbers: integers, clamped into Redis's ranges.
  std::vector<int64_t> params;
  if (version == 5 || version == 6) {
    for (size_t i = next; i < ctx.argc(); ++i) {
      auto n = ctx.int_arg(i);
      if (!n) return;
      params.push_back(*n);
    }
  }
  auto param = [&](size_t i, int64_t fallback, int64_t low, int64_t high) {
    return static_cast<int>(std::clamp(i < params.size() ? params[i] : fallback, low, high));
  };
  std::string text;
  if (version == 5) {
    text = loose_squares(param(0, 66, 1, 1000), param(1, 8, 1, 200), param(2, 12, 1, 200));
  } else if (version == 6) {
    text = skyline(param(0, 80, 1, 1000), param(1, 20, 1, 1000));
  } else {
    text = kVersionLine;
  }
  ctx.reply.verbatim(text);
}

constexpr CommandArg kLolwutArgs[] = {
    {.name = "version", .type = ArgType::Integer, .token = "VERSION", .flags = kArgOptional}};

// Summaries are our own words; the other fields follow Redis 7.0.
const CommandSpec kCommands[] = {
    {.name = "lolwut", .arity = -1, .flags = kCmdReadOnly | kCmdFast, .acl_categories = kAclRead | kAclFast,
     .handler = lolwut, .summary = "Draws a picture and tells the Redis version.", .since = "5.0.0",
     .group = "server", .arguments = kLolwutArgs},
};

}  // namespace

std::span<const CommandSpec> lolwut_commands() { return kCommands; }

}  // namespace corvid
