#include "core/hyperloglog.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

namespace corvid::hll {

namespace {

constexpr size_t kCardinalityOffset = 8;
constexpr uint8_t kStaleBit = 0x80;
constexpr uint32_t kZeroMaxRun = 64;
constexpr uint32_t kXZeroMaxRun = kRegisterCount;
constexpr uint32_t kValMaxRun = 4;

// The histogram of register values the estimator works from; 64 slots, since a dense
// register holds up to 63 even though only 0..kMaxRank mean anything.
using Histogram = std::array<uint64_t, 64>;

bool is_zero_op(uint8_t op) { return (op & 0xc0) == 0x00; }
bool is_xzero_op(uint8_t op) { return (op & 0xc0) == 0x40; }
bool is_val_op(uint8_t op) { return (op & 0x80) != 0; }
uint32_t zero_run(uint8_t op) { return (op & 0x3fu) + 1; }
uint32_t xzero_run(uint8_t op, uint8_t second) { return ((op & 0x3fu) << 8 | second) + 1; }
uint8_t val_value(uint8_t op) { return static_cast<uint8_t>(((op >> 2) & 0x1f) + 1); }
uint32_t val_run(uint8_t op) { return (op & 0x3u) + 1; }

uint8_t zero_op(uint32_t run) { return static_cast<uint8_t>(run - 1); }
void put_xzero_op(uint8_t* out, uint32_t run) {
  out[0] = static_cast<uint8_t>(0x40 | ((run - 1) >> 8));
  out[1] = static_cast<uint8_t>((run - 1) & 0xff);
}
uint8_t val_op(uint8_t value, uint32_t run) { return static_cast<uint8_t>(0x80 | (value - 1) << 2 | (run - 1)); }

// A byte of the value, or 0 past its end (where Redis finds its string terminator).
uint8_t byte_at(std::string_view value, size_t i) { return i < value.size() ? static_cast<uint8_t>(value[i]) : 0; }

// One opcode of a sparse body.
struct Op {
  enum Kind { Zero, XZero, Val } kind;
  uint32_t run;
  uint8_t value;  // 0 for the zero runs
  size_t length;  // bytes
};

Op read_op(std::string_view value, size_t at) {
  uint8_t op = static_cast<uint8_t>(value[at]);
  if (is_zero_op(op)) return {Op::Zero, zero_run(op), 0, 1};
  if (is_xzero_op(op)) return {Op::XZero, xzero_run(op, byte_at(value, at + 1)), 0, 2};
  return {Op::Val, val_run(op), val_value(op), 1};
}

// Walks a sparse body, calling visit(first_register, op) for each opcode. Returns how many
// registers the body covers: a well-formed one covers exactly kRegisterCount. Zero runs
// are only counted (an overlong body shows as more), but a VAL running past the last
// register stops the walk at once, reported as "too many", since the visitor would write
// out of bounds.
template <class Visit>
uint64_t walk_sparse(std::string_view value, Visit&& visit) {
  uint64_t covered = 0;
  size_t at = kHeaderSize;
  while (at < value.size()) {
    Op op = read_op(value, at);
    if (op.kind == Op::Val && covered + op.run > kRegisterCount) return UINT64_MAX;
    visit(covered, op);
    covered += op.run;
    at += op.length;
  }
  return covered;
}

// The "improved" estimator of Otmar Ertl (arXiv:1702.01284), as Redis 7 uses it: it needs
// no bias tables and no switch to linear counting. tau and sigma are the series for
// the registers at the top and at zero.
double tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double weight = 1.0;
  double sum = 1 - x;
  double previous;
  do {
    x = std::sqrt(x);
    previous = sum;
    weight *= 0.5;
    sum -= std::pow(1 - x, 2) * weight;
  } while (previous != sum);
  return sum / 3;
}

double sigma(double x) {
  if (x == 1.0) return INFINITY;
  double weight = 1.0;
  double sum = x;
  double previous;
  do {
    x *= x;
    previous = sum;
    sum += x * weight;
    weight += weight;
  } while (previous != sum);
  return sum;
}

uint64_t estimate_from(const Histogram& histogram) {
  constexpr double m = kRegisterCount;
  constexpr double alpha_inf = 0.721347520444481703680;  // 1 / (2 ln 2)
  constexpr int q = 64 - kIndexBits;
  double z = m * tau((m - static_cast<double>(histogram[q + 1])) / m);
  for (int j = q; j >= 1; --j) {
    z += static_cast<double>(histogram[j]);
    z *= 0.5;
  }
  z += m * sigma(static_cast<double>(histogram[0]) / m);
  double estimate = alpha_inf * m * m / z;
  // Every register at the maximum leaves z at 0: Redis's llroundl of infinity gives the
  // integer indefinite value, 2^63, which is what it then reports.
  if (!(estimate < 9223372036854775807.0)) return uint64_t{1} << 63;
  return static_cast<uint64_t>(std::llround(estimate));
}

void dense_histogram(const uint8_t* registers, Histogram& histogram) {
  for (uint32_t i = 0; i < kRegisterCount; ++i) ++histogram[dense_register(registers, i)];
}

const uint8_t* registers_of(std::string_view value) {
  return reinterpret_cast<const uint8_t*>(value.data()) + kHeaderSize;
}
uint8_t* registers_of(std::string& value) { return reinterpret_cast<uint8_t*>(value.data()) + kHeaderSize; }

// The sparse form past `sparse_max_bytes` or a register past kSparseMaxValue: the value
// becomes dense, then takes the register.
SetResult promote_and_raise(std::string& value, uint32_t index, uint8_t rank) {
  if (!to_dense(value)) return SetResult::Corrupt;
  return dense_raise(registers_of(value), index, rank) ? SetResult::Changed : SetResult::Unchanged;
}

// After a change at the opcode at `from`, adjacent VALs of the same value may be joined
// (a VAL covers up to 4 registers). Like Redis, only a handful of opcodes from there on
// are looked at: that keeps the encoding identical to what Redis produces.
void join_neighbours(std::string& value, size_t from) {
  size_t at = from;
  int budget = 5;
  while (at < value.size() && budget-- > 0) {
    auto op = static_cast<uint8_t>(value[at]);
    if (is_xzero_op(op)) {
      at += 2;
      continue;
    }
    if (is_zero_op(op)) {
      ++at;
      continue;
    }
    if (at + 1 < value.size()) {
      auto following = static_cast<uint8_t>(value[at + 1]);
      if (is_val_op(following) && val_value(op) == val_value(following)) {
        uint32_t run = val_run(op) + val_run(following);
        if (run <= kValMaxRun) {
          value[at + 1] = static_cast<char>(val_op(val_value(op), run));
          value.erase(at, 1);
          continue;  // the joined VAL may join the next one too
        }
      }
    }
    ++at;
  }
}

// Appends the zero run of `run` registers, in the shorter opcode that can hold it.
size_t put_zero_run(uint8_t* out, uint32_t run) {
  if (run > kZeroMaxRun) {
    put_xzero_op(out, run);
    return 2;
  }
  out[0] = zero_op(run);
  return 1;
}

SetResult sparse_raise(std::string& value, uint32_t index, uint8_t rank, size_t sparse_max_bytes) {
  if (rank > kSparseMaxValue) return promote_and_raise(value, index, rank);

  // Find the opcode covering the register, and the one before it.
  size_t at = kHeaderSize;
  size_t previous = std::string::npos;
  uint64_t first = 0;
  uint64_t span = 0;
  while (at < value.size()) {
    Op op = read_op(value, at);
    span = op.run;
    if (index <= first + span - 1) break;
    previous = at;
    at += op.length;
    first += span;
  }
  if (span == 0 || at >= value.size()) return SetResult::Corrupt;

  const auto op = static_cast<uint8_t>(value[at]);
  const size_t join_from = previous == std::string::npos ? kHeaderSize : previous;
  // The cheap cases: a single register rewritten in place.
  if (is_val_op(op)) {
    if (val_value(op) >= rank) return SetResult::Unchanged;
    if (span == 1) {
      value[at] = static_cast<char>(val_op(rank, 1));
      join_neighbours(value, join_from);
      invalidate_cache(value.data());
      return SetResult::Changed;
    }
  } else if (is_zero_op(op) && span == 1) {
    value[at] = static_cast<char>(val_op(rank, 1));
    join_neighbours(value, join_from);
    invalidate_cache(value.data());
    return SetResult::Changed;
  }

  // Split the run into [before][the register][after]; at most 5 bytes.
  uint8_t replacement[5];
  size_t length = 0;
  const uint64_t last = first + span - 1;
  const auto before = static_cast<uint32_t>(index - first);
  const auto after = static_cast<uint32_t>(last - index);
  if (is_val_op(op)) {
    uint8_t current = val_value(op);
    if (before > 0) replacement[length++] = val_op(current, before);
    replacement[length++] = val_op(rank, 1);
    if (after > 0) replacement[length++] = val_op(current, after);
  } else {
    if (before > 0) length += put_zero_run(replacement + length, before);
    replacement[length++] = val_op(rank, 1);
    if (after > 0) length += put_zero_run(replacement + length, after);
  }
  const size_t old_length = is_xzero_op(op) ? 2 : 1;
  const auto growth = static_cast<int64_t>(length) - static_cast<int64_t>(old_length);
  if (growth > 0 && value.size() + static_cast<size_t>(growth) > sparse_max_bytes) {
    return promote_and_raise(value, index, rank);
  }
  // An XZERO cut short by the end of the value has only one byte to replace; Redis then
  // keeps the string `growth` bytes longer than it was, dropping the tail of the splice.
  const size_t new_size = static_cast<size_t>(static_cast<int64_t>(value.size()) + growth);
  value.replace(at, std::min(old_length, value.size() - at), reinterpret_cast<const char*>(replacement), length);
  value.resize(new_size);
  join_neighbours(value, join_from);
  invalidate_cache(value.data());
  return SetResult::Changed;
}

}  // namespace

bool looks_valid(std::string_view value) {
  if (value.size() < kHeaderSize) return false;
  if (value.substr(0, 4) != "HYLL") return false;
  uint8_t encoding = encoding_of(value);
  if (encoding > kSparse) return false;
  return encoding != kDense || value.size() == kDenseSize;
}

std::string empty_value() {
  std::string value(kHeaderSize + 2, '\0');
  std::memcpy(value.data(), "HYLL", 4);
  value[4] = static_cast<char>(kSparse);
  put_xzero_op(reinterpret_cast<uint8_t*>(value.data()) + kHeaderSize, kXZeroMaxRun);
  return value;
}

uint64_t murmur_hash64a(std::string_view data, uint64_t seed) {
  constexpr uint64_t m = 0xc6a4a7935bd1e995ULL;
  constexpr int r = 47;
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  const size_t length = data.size();
  uint64_t h = seed ^ (length * m);
  const size_t blocks = length / 8;
  for (size_t i = 0; i < blocks; ++i) {
    uint64_t k = 0;
    for (int b = 7; b >= 0; --b) k = k << 8 | bytes[i * 8 + static_cast<size_t>(b)];
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const uint8_t* tail = bytes + blocks * 8;
  const size_t rest = length & 7;
  if (rest > 0) {
    for (size_t b = rest; b-- > 0;) h ^= static_cast<uint64_t>(tail[b]) << (8 * b);
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

Observation observe(std::string_view element) {
  uint64_t hash = murmur_hash64a(element, kHashSeed);
  auto index = static_cast<uint32_t>(hash & (kRegisterCount - 1));
  // A sentinel bit bounds the run of zeros at 64 - kIndexBits.
  uint64_t rest = (hash >> kIndexBits) | (uint64_t{1} << (64 - kIndexBits));
  uint8_t rank = 1;
  while ((rest & 1) == 0) {
    ++rank;
    rest >>= 1;
  }
  return {index, rank};
}

bool cache_valid(std::string_view value) {
  return (static_cast<uint8_t>(value[kCardinalityOffset + 7]) & kStaleBit) == 0;
}

uint64_t cached_cardinality(std::string_view value) {
  uint64_t cardinality = 0;
  for (int i = 7; i >= 0; --i) {
    cardinality = cardinality << 8 | static_cast<uint8_t>(value[kCardinalityOffset + static_cast<size_t>(i)]);
  }
  return cardinality;
}

void store_cardinality(char* value, uint64_t cardinality) {
  for (size_t i = 0; i < 8; ++i) value[kCardinalityOffset + i] = static_cast<char>((cardinality >> (8 * i)) & 0xff);
}

void invalidate_cache(char* value) {
  value[kCardinalityOffset + 7] = static_cast<char>(static_cast<uint8_t>(value[kCardinalityOffset + 7]) | kStaleBit);
}

uint8_t dense_register(const uint8_t* registers, uint32_t index) {
  const size_t bit = static_cast<size_t>(index) * kRegisterBits;
  const size_t byte = bit / 8;
  const unsigned shift = bit % 8;
  unsigned bits = registers[byte] >> shift;
  // Only registers that straddle two bytes read the second (never past the last byte).
  if (shift > 8 - kRegisterBits) bits |= static_cast<unsigned>(registers[byte + 1]) << (8 - shift);
  return static_cast<uint8_t>(bits & 0x3f);
}

void set_dense_register(uint8_t* registers, uint32_t index, uint8_t value) {
  const size_t bit = static_cast<size_t>(index) * kRegisterBits;
  const size_t byte = bit / 8;
  const unsigned shift = bit % 8;
  const unsigned v = value & 0x3fu;
  registers[byte] = static_cast<uint8_t>((registers[byte] & ~(0x3fu << shift)) | (v << shift));
  if (shift > 8 - kRegisterBits) {
    const unsigned high = 8 - shift;
    registers[byte + 1] = static_cast<uint8_t>((registers[byte + 1] & ~(0x3fu >> high)) | (v >> high));
  }
}

bool dense_raise(uint8_t* registers, uint32_t index, uint8_t value) {
  if (dense_register(registers, index) >= value) return false;
  set_dense_register(registers, index, value);
  return true;
}

SetResult raise_register(std::string& value, uint32_t index, uint8_t rank, size_t sparse_max_bytes) {
  if (encoding_of(value) == kDense) {
    return dense_raise(registers_of(value), index, rank) ? SetResult::Changed : SetResult::Unchanged;
  }
  return sparse_raise(value, index, rank, sparse_max_bytes);
}

SetResult add(std::string& value, std::string_view element, size_t sparse_max_bytes) {
  Observation seen = observe(element);
  return raise_register(value, seen.index, seen.rank, sparse_max_bytes);
}

bool to_dense(std::string& value) {
  if (encoding_of(value) == kDense) return true;
  std::string dense(kDenseSize, '\0');
  std::memcpy(dense.data(), value.data(), kHeaderSize);
  dense[4] = static_cast<char>(kDense);
  uint8_t* registers = registers_of(dense);
  uint64_t covered = walk_sparse(value, [&](uint64_t first, const Op& op) {
    if (op.kind != Op::Val) return;
    for (uint32_t i = 0; i < op.run; ++i) set_dense_register(registers, static_cast<uint32_t>(first + i), op.value);
  });
  if (covered != kRegisterCount) return false;
  value = std::move(dense);
  return true;
}

bool merge_into(Registers& max, std::string_view value) {
  if (encoding_of(value) == kDense) {
    const uint8_t* registers = registers_of(value);
    for (uint32_t i = 0; i < kRegisterCount; ++i) max[i] = std::max(max[i], dense_register(registers, i));
    return true;
  }
  uint64_t covered = walk_sparse(value, [&](uint64_t first, const Op& op) {
    if (op.kind != Op::Val) return;
    for (uint32_t i = 0; i < op.run; ++i) max[first + i] = std::max(max[first + i], op.value);
  });
  return covered == kRegisterCount;
}

std::optional<uint64_t> estimate(std::string_view value) {
  Histogram histogram{};
  if (encoding_of(value) == kDense) {
    dense_histogram(registers_of(value), histogram);
  } else {
    uint64_t covered =
        walk_sparse(value, [&](uint64_t, const Op& op) { histogram[op.kind == Op::Val ? op.value : 0] += op.run; });
    if (covered != kRegisterCount) return std::nullopt;
  }
  return estimate_from(histogram);
}

uint64_t estimate(const Registers& registers) {
  Histogram histogram{};
  for (uint8_t r : registers) ++histogram[r & 0x3f];
  return estimate_from(histogram);
}

std::string describe_sparse(std::string_view value) {
  std::string text;
  for (size_t at = kHeaderSize; at < value.size();) {
    Op op = read_op(value, at);
    switch (op.kind) {
      case Op::Zero:
        text += "z:" + std::to_string(op.run) + " ";
        break;
      case Op::XZero:
        text += "Z:" + std::to_string(op.run) + " ";
        break;
      case Op::Val:
        text += "v:" + std::to_string(op.value) + "," + std::to_string(op.run) + " ";
        break;
    }
    at += op.length;
  }
  if (!text.empty()) text.pop_back();
  return text;
}

std::optional<std::string> self_test() {
  std::mt19937_64 random(0x5eed);
  // Register packing: every register reads back what was written, whatever its neighbours.
  {
    std::array<uint8_t, kDenseRegisterBytes> packed{};
    Registers expected{};
    for (int round = 0; round < 1000; ++round) {
      for (uint32_t i = 0; i < kRegisterCount; ++i) {
        auto v = static_cast<uint8_t>(random() & 0x3f);
        expected[i] = v;
        set_dense_register(packed.data(), i, v);
      }
      for (uint32_t i = 0; i < kRegisterCount; ++i) {
        if (dense_register(packed.data(), i) != expected[i]) {
          return "TESTFAILED Register error at " + std::to_string(i);
        }
      }
      if (round >= 9) break;  // ten full rounds are plenty; keep PFSELFTEST quick
    }
  }
  // Sparse and dense agree while the sparse form lasts, and the estimate stays within a
  // generous multiple of the standard error (1.04 / sqrt(m) = 0.81%).
  {
    std::string sparse = empty_value();
    std::string dense = empty_value();
    to_dense(dense);
    const double relative_limit = 5 * 1.04 / std::sqrt(static_cast<double>(kRegisterCount));
    uint64_t checkpoint = 10;
    for (uint64_t n = 1; n <= 200000; ++n) {
      std::string element = std::to_string(random());
      if (add(sparse, element, 3000) == SetResult::Corrupt) return std::string("TESTFAILED sparse corrupt");
      add(dense, element, 3000);
      if (n != checkpoint) continue;
      checkpoint = checkpoint * 3 / 2 + 1;
      auto from_sparse = estimate(sparse);
      auto from_dense = estimate(dense);
      if (!from_sparse || !from_dense) return std::string("TESTFAILED estimate failed");
      if (encoding_of(sparse) == kSparse && *from_sparse != *from_dense) {
        return "TESTFAILED sparse and dense disagree at " + std::to_string(n);
      }
      double error = std::fabs(static_cast<double>(*from_dense) - static_cast<double>(n)) / static_cast<double>(n);
      // Small counts are near-exact but one off is a large fraction of them.
      if (n >= 100 && error > relative_limit) {
        return "TESTFAILED too big error. card:" + std::to_string(n) + " card:" + std::to_string(*from_dense);
      }
    }
  }
  return std::nullopt;
}

}  // namespace corvid::hll
