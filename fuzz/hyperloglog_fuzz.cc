// HyperLogLog values come from clients (SET, and later RESTORE/RDB): any string that passes
// the header check is handed to the counting, merging, converting and updating code, which
// must refuse a malformed sparse body rather than read or write past the registers.
// Random bytes rarely pass the header check, so the input's first byte chooses between
// the raw bytes, the bytes behind a sparse header, and the bytes behind a dense header.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/hyperloglog.h"

namespace {

using namespace corvid;

void exercise(const std::string& value, uint8_t knobs) {
  if (!hll::looks_valid(value)) return;
  (void)hll::cache_valid(value);
  (void)hll::cached_cardinality(value);
  auto counted = hll::estimate(value);

  hll::Registers max{};
  bool merged = hll::merge_into(max, value);
  // The three readers of a sparse body agree on whether it is well formed.
  if (merged != counted.has_value()) std::abort();
  if (merged && hll::estimate(max) != *counted) std::abort();

  std::string dense = value;
  bool converted = hll::to_dense(dense);
  if (converted != merged) std::abort();
  if (converted) {
    if (dense.size() != hll::kDenseSize || !hll::looks_valid(dense)) std::abort();
    if (hll::estimate(dense) != counted) std::abort();
  } else if (dense != value) {
    std::abort();  // a failed conversion leaves the value alone
  }

  if (hll::encoding_of(value) == hll::kSparse) (void)hll::describe_sparse(value);

  // Updates: whatever the body, the value stays a HyperLogLog by the header checks.
  const size_t limit = (knobs & 1) ? 3000 : 64 + (knobs & 0x7e);
  std::string updated = value;
  for (int i = 0; i < 8; ++i) {
    std::string element = "e" + std::to_string(i * 7919 + knobs);
    if (hll::add(updated, element, limit) == hll::SetResult::Corrupt) break;
    if (!hll::looks_valid(updated)) std::abort();
  }
  std::string raised = value;
  const uint32_t index = static_cast<uint32_t>(knobs) * 61 % hll::kRegisterCount;
  if (hll::raise_register(raised, index, static_cast<uint8_t>(1 + knobs % 40), limit) != hll::SetResult::Corrupt) {
    if (!hll::looks_valid(raised)) std::abort();
    // Not necessarily well formed even when `value` was: an XZERO cut short by the end
    // reads as a run, and splitting it drops a byte, as in Redis.
    hll::Registers after{};
    (void)hll::merge_into(after, raised);
    (void)hll::estimate(raised);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0];
  const uint8_t knobs = data[1];
  std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::string value;
  switch (mode % 3) {
    case 0:
      value.assign(body);
      break;
    case 1:
      value = std::string("HYLL\x01", 5) + std::string(10, '\0') + std::string(1, '\x80');
      value.append(body);
      break;
    default:
      value = std::string("HYLL\x00", 5) + std::string(10, '\0') + std::string(1, '\x80');
      value.append(body.substr(0, hll::kDenseSize - hll::kHeaderSize));
      value.resize(hll::kDenseSize, '\0');
      break;
  }
  exercise(value, knobs);
  return 0;
}
