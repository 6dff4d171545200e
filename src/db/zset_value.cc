#include "db/zset_value.h"

#include <charconv>
#include <limits>

#include "core/number_format.h"

namespace corvid {

ZSetValue::ZSetValue() = default;
ZSetValue::~ZSetValue() = default;

size_t ZSetValue::size() const { return big_ ? big_->list.size() : lp_.size() / 2; }

double ZSetValue::listpack_score(Listpack::Pos p) const {
  if (auto integer = lp_.get_int(p)) return static_cast<double>(*integer);
  Scratch scratch;
  const std::string_view text = lp_.get(p, scratch);
  double value = 0;
  // Scores are written by format_double, which from_chars reads back exactly
  // (including "inf" and "-inf").
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::optional<Listpack::Pos> ZSetValue::listpack_find(std::string_view member) const {
  return lp_.find(lp_.begin(), member, 2);
}

std::string ZSetValue::listpack_score_text(double score) {
  // Redis writes integral scores within half the int64 range as integers (which the
  // listpack then stores compactly; negative zero becomes "0"), others as %.17g.
  constexpr double kIntegralLimit = static_cast<double>(std::numeric_limits<int64_t>::max() / 2);
  if (score >= -kIntegralLimit && score <= kIntegralLimit) {
    const auto integral = static_cast<int64_t>(score);
    if (static_cast<double>(integral) == score) return int64_to_string(integral);
  }
  return format_double(score);
}

void ZSetValue::listpack_insert(std::string_view member, double score) {
  Scratch scratch;
  Listpack::Pos p = lp_.begin();
  for (; p != lp_.end(); p = lp_.next(lp_.next(p))) {
    const double s = listpack_score(lp_.next(p));
    if (s > score || (s == score && lp_.get(p, scratch) > member)) break;
  }
  const Listpack::Pos at = lp_.insert(p, member);
  lp_.insert(lp_.next(at), listpack_score_text(score));
}

void ZSetValue::listpack_append(std::string_view member, double score) {
  lp_.push_back(member);
  lp_.push_back(listpack_score_text(score));
}

void ZSetValue::big_insert(std::string_view member, double score) {
  big_->index.insert(big_->list.insert(score, member));
}

std::optional<double> ZSetValue::score(std::string_view member) const {
  if (big_) {
    const Skiplist::Node* n = big_->index.peek(member);
    if (n == nullptr) return std::nullopt;
    return n->score();
  }
  auto p = listpack_find(member);
  if (!p) return std::nullopt;
  return listpack_score(lp_.next(*p));
}

bool ZSetValue::set(std::string_view member, double score, const ZSetLimits& limits) {
  if (!big_) {
    if (auto p = listpack_find(member)) {
      if (listpack_score(lp_.next(*p)) != score) {
        lp_.erase(*p, 2);
        listpack_insert(member, score);
      }
      return false;
    }
    if (size() + 1 <= limits.max_listpack_entries && member.size() <= limits.max_listpack_value) {
      listpack_insert(member, score);
      return true;
    }
    convert_to_skiplist();
  }
  if (Skiplist::Node* n = big_->index.find(member)) {
    if (n->score() != score) big_->list.update_score(n, score);
    return false;
  }
  big_insert(member, score);
  return true;
}

bool ZSetValue::erase(std::string_view member) {
  if (big_) {
    Skiplist::Node* n = big_->index.remove(member);
    if (n == nullptr) return false;
    big_->list.erase(n);
    return true;
  }
  auto p = listpack_find(member);
  if (!p) return false;
  lp_.erase(*p, 2);
  return true;
}

void ZSetValue::convert_to_skiplist() {
  if (big_) return;
  auto big = std::make_unique<Big>();
  big->index.reserve(size());
  Scratch scratch;
  for (Listpack::Pos p = lp_.begin(); p != lp_.end(); p = lp_.next(lp_.next(p))) {
    big->index.insert(big->list.insert(listpack_score(lp_.next(p)), lp_.get(p, scratch)));
  }
  big_ = std::move(big);
  lp_.clear();
}

std::optional<size_t> ZSetValue::rank(std::string_view member) const {
  if (big_) {
    const Skiplist::Node* n = big_->index.peek(member);
    if (n == nullptr) return std::nullopt;
    return big_->list.rank_of(n);
  }
  auto p = listpack_find(member);
  if (!p) return std::nullopt;
  size_t rank = 0;
  for (Listpack::Pos q = lp_.begin(); q != *p; q = lp_.next(lp_.next(q))) ++rank;
  return rank;
}

std::pair<size_t, size_t> ZSetValue::ranks_in(const ScoreRange& range) const {
  if (range.min > range.max || (range.min == range.max && (range.min_exclusive || range.max_exclusive))) {
    return {0, 0};
  }
  size_t first = 0;
  size_t last = 0;
  if (big_) {
    first = big_->list.count_while([&](const Skiplist::Node& n) { return !range.above_min(n.score()); });
    last = big_->list.count_while([&](const Skiplist::Node& n) { return range.below_max(n.score()); });
  } else {
    for (Listpack::Pos p = lp_.begin(); p != lp_.end(); p = lp_.next(lp_.next(p))) {
      const double s = listpack_score(lp_.next(p));
      if (!range.above_min(s)) ++first;
      if (!range.below_max(s)) break;
      ++last;
    }
  }
  return {first, std::max(first, last)};
}

namespace {

// Orders bounds the way Redis compares them when checking a member interval for
// emptiness: "-" below everything, "+" above.
int compare_bounds(const LexBound& a, const LexBound& b) {
  auto rank = [](const LexBound& x) {
    return x.kind == LexBound::NegativeInfinity ? 0 : x.kind == LexBound::PositiveInfinity ? 2 : 1;
  };
  if (rank(a) != rank(b) || rank(a) != 1) return rank(a) - rank(b);
  return a.value.compare(b.value);
}

bool is_exclusive(const LexBound& b) { return b.kind != LexBound::Inclusive; }

}  // namespace

std::pair<size_t, size_t> ZSetValue::ranks_in(const LexRange& range) const {
  const int order = compare_bounds(range.min, range.max);
  if (order > 0 || (order == 0 && (is_exclusive(range.min) || is_exclusive(range.max)))) return {0, 0};
  if (size() == 0) return {0, 0};
  if (big_) {
    // Redis first checks the interval against both ends, which matters only when scores
    // differ (where the order by member is not the storage order).
    if (!range.above_min(big_->list.last()->member()) || !range.below_max(big_->list.first()->member())) {
      return {0, 0};
    }
    const size_t first = big_->list.count_while([&](const Skiplist::Node& n) { return !range.above_min(n.member()); });
    const size_t last = big_->list.count_while([&](const Skiplist::Node& n) { return range.below_max(n.member()); });
    return {first, std::max(first, last)};
  }
  Scratch scratch;
  if (!range.above_min(lp_.get(*lp_.at(-2), scratch)) || !range.below_max(lp_.get(lp_.begin(), scratch))) {
    return {0, 0};
  }
  size_t index = 0;
  Listpack::Pos p = lp_.begin();
  for (; p != lp_.end() && !range.above_min(lp_.get(p, scratch)); p = lp_.next(lp_.next(p))) ++index;
  const size_t first = index;
  for (; p != lp_.end() && range.below_max(lp_.get(p, scratch)); p = lp_.next(lp_.next(p))) ++index;
  return {first, index};
}

void ZSetValue::erase_ranks(size_t first, size_t last) {
  if (last > size()) last = size();
  if (first >= last) return;
  if (big_) {
    big_->list.erase_ranks(first, last, [this](Skiplist::Node* n) { big_->index.remove(n->member()); });
    return;
  }
  lp_.erase(*lp_.at(2 * static_cast<int64_t>(first)), 2 * (last - first));
}

std::unique_ptr<ValueObject> ZSetValue::clone() const {
  auto copy = std::make_unique<ZSetValue>();
  if (big_) {
    copy->big_ = std::make_unique<Big>();
    copy->big_->index.reserve(size());
    for_each([&copy](std::string_view member, double score) { copy->big_insert(member, score); });
  } else if (auto block = Listpack::from_bytes(lp_.raw())) {
    copy->lp_ = std::move(*block);
  }
  return copy;
}

size_t ZSetValue::allocated_bytes() const {
  size_t total = sizeof(ZSetValue);
  if (!big_) return total + (lp_.empty() ? 0 : lp_.bytes());
  total += sizeof(Big) + big_->list.head_bytes() + big_->index.bucket_memory();
  for (const Skiplist::Node* n = big_->list.first(); n != nullptr; n = n->next()) total += big_->list.node_bytes(n);
  return total;
}

std::unique_ptr<ZSetValue> zset_from_sorted(const std::vector<std::pair<std::string, double>>& sorted,
                                            const ZSetLimits& limits) {
  auto zset = std::make_unique<ZSetValue>();
  size_t longest = 0;
  for (const auto& [member, score] : sorted) longest = std::max(longest, member.size());
  if (limits.fits_listpack(sorted.size(), longest)) {
    for (const auto& [member, score] : sorted) zset->listpack_append(member, score);
    return zset;
  }
  zset->big_ = std::make_unique<ZSetValue::Big>();
  zset->big_->index.reserve(sorted.size());
  for (const auto& [member, score] : sorted) zset->big_insert(member, score);
  return zset;
}

}  // namespace corvid
