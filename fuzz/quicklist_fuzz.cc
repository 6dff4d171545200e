// Quicklist operations driven by the input, checked against std::deque: whatever the
// sequence of pushes, pops, inserts, replacements and erasures at any fill, the list must
// hold the same elements and every node must stay a valid listpack within the limits.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <string>
#include <string_view>

#include "core/quicklist.h"

namespace {

using corvid::Quicklist;

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // An element: short text, an integer-looking string, or a long run of one byte.
  std::string element() {
    const uint8_t kind = byte();
    if (kind < 64) return std::to_string(static_cast<int64_t>(kind) * 997 - 30000);
    if (kind < 200) {
      const size_t n = byte() % 16;
      std::string s;
      for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(byte()));
      return s;
    }
    return std::string(static_cast<size_t>(byte()) * 64, static_cast<char>(kind));
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

void check(const Quicklist& q, const std::deque<std::string>& model) {
  if (q.size() != model.size()) std::abort();
  size_t i = 0;
  q.for_each([&](std::string_view v) {
    if (i >= model.size() || model[i] != v) std::abort();
    ++i;
  });
  size_t total = 0;
  const size_t limit = q.fill() < 0 ? size_t{4096} << (-q.fill() - 1) : 8192;
  q.for_each_node([&](const corvid::Listpack& lp) {
    if (lp.empty() || !lp.validate()) std::abort();
    if (lp.size() > 1 && lp.bytes() > limit) std::abort();
    if (lp.size() > 1 && q.fill() >= 0 && lp.size() > static_cast<size_t>(q.fill())) std::abort();
    total += lp.size();
  });
  if (total != q.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  const int fill = static_cast<int>(in.byte() % 14) - 5;  // -5 .. 8
  Quicklist q(fill);
  std::deque<std::string> model;
  Quicklist::Scratch scratch;
  while (!in.done()) {
    const uint8_t op = in.byte();
    const size_t n = model.size();
    const size_t index = n ? in.byte() % n : 0;
    switch (op % 8) {
      case 0: {
        auto v = in.element();
        q.push_front(v);
        model.push_front(v);
        break;
      }
      case 1: {
        auto v = in.element();
        q.push_back(v);
        model.push_back(v);
        break;
      }
      case 2:
        if (n) {
          if (op & 8) {
            q.pop_front();
            model.pop_front();
          } else {
            q.pop_back();
            model.pop_back();
          }
        }
        break;
      case 3:
        if (n) {
          const bool after = op & 8;
          auto v = in.element();
          q.insert(q.at(static_cast<int64_t>(index)), v, after);
          model.insert(model.begin() + static_cast<long>(index + (after ? 1 : 0)), v);
        }
        break;
      case 4:
        if (n) {
          auto v = in.element();
          q.replace(q.at(static_cast<int64_t>(index)), v);
          model[index] = v;
        }
        break;
      case 5:
        if (n) {
          q.erase(q.at(static_cast<int64_t>(index)), op & 8 ? Quicklist::Direction::Forward
                                                            : Quicklist::Direction::Backward);
          model.erase(model.begin() + static_cast<long>(index));
        }
        break;
      case 6: {
        const size_t k = in.byte() % 8;
        const size_t taken = k < n ? k : n;
        if (op & 8) {
          q.erase_front(k);
          model.erase(model.begin(), model.begin() + static_cast<long>(taken));
        } else {
          q.erase_back(k);
          model.erase(model.end() - static_cast<long>(taken), model.end());
        }
        break;
      }
      case 7:
        if (n) {
          auto p = q.at(static_cast<int64_t>(index) - static_cast<int64_t>(n));
          if (!p || q.get(p, scratch) != model[index]) std::abort();
        }
        break;
    }
  }
  check(q, model);
  Quicklist copy = q.clone();
  check(copy, model);
  return 0;
}
