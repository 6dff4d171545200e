#include "db/set_value.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <utility>

namespace corvid {

namespace {

// An intset's elements are counted in 32 bits; Redis caps set-max-intset-entries the
// same way, whatever the configuration says.
constexpr size_t kIntsetHardLimit = size_t{1} << 30;

size_t digits_of(int64_t value) {
  char buffer[kInt64MaxChars + 1];
  return format_int64(value, buffer);
}

}  // namespace

SetValue::Member* SetValue::Member::create(std::string_view bytes) {
  if (bytes.size() > std::numeric_limits<uint32_t>::max()) throw std::length_error("set member too long");
  auto* m = static_cast<Member*>(std::malloc(sizeof(Member) + bytes.size()));
  if (m == nullptr) throw std::bad_alloc();
  m->next = nullptr;
  m->length = static_cast<uint32_t>(bytes.size());
  if (!bytes.empty()) std::memcpy(m->data(), bytes.data(), bytes.size());
  return m;
}

void SetValue::Member::destroy(Member* m) { std::free(m); }

SetValue::SetValue() = default;

SetValue::SetValue(Encoding compact) {
  if (compact == Encoding::Listpack) become(new Listpack());
}

SetValue::~SetValue() { release(); }

void SetValue::release() {
  switch (encoding()) {
    case Encoding::Intset:
      std::free(reinterpret_cast<uint8_t*>(rep_));
      break;
    case Encoding::Listpack:
      delete &listpack();
      break;
    default:
      table().clear([](Member* m) { Member::destroy(m); });
      delete &table();
  }
  rep_ = 0;
}

void SetValue::become(Listpack* listpack) {
  assert((reinterpret_cast<uintptr_t>(listpack) & kTagMask) == 0);
  release();
  rep_ = reinterpret_cast<uintptr_t>(listpack) | kListpackTag;
}

void SetValue::become(Table* table) {
  assert((reinterpret_cast<uintptr_t>(table) & kTagMask) == 0);
  release();
  rep_ = reinterpret_cast<uintptr_t>(table) | kTableTag;
}

SetValue& SetValue::operator=(SetValue&& other) noexcept {
  if (this != &other) {
    release();
    rep_ = std::exchange(other.rep_, 0);
  }
  return *this;
}

std::unique_ptr<SetValue> SetValue::create_for(std::string_view first, size_t size_hint, const SetLimits& limits) {
  if (parse_int64(first) && size_hint <= std::min(limits.max_intset_entries, kIntsetHardLimit)) {
    return std::make_unique<SetValue>();
  }
  if (size_hint <= limits.max_listpack_entries) return std::make_unique<SetValue>(Encoding::Listpack);
  auto set = std::make_unique<SetValue>();
  set->convert_to_table(size_hint);
  return set;
}

size_t SetValue::size() const {
  switch (encoding()) {
    case Encoding::Intset:
      return intset().size();
    case Encoding::Listpack:
      return listpack().size();
    default:
      return table().size();
  }
}

bool SetValue::contains(std::string_view member) const {
  switch (encoding()) {
    case Encoding::Intset: {
      auto value = parse_int64(member);
      return value && intset().contains(*value);
    }
    case Encoding::Listpack:
      return listpack().find(listpack().begin(), member).has_value();
    default:
      return table().peek(member) != nullptr;
  }
}

bool SetValue::intset_fits_listpack(size_t new_member_length, const SetLimits& limits) const {
  const IntSetView set = intset();
  if (set.size() >= limits.max_listpack_entries || new_member_length > limits.max_listpack_value) return false;
  if (set.empty()) return true;
  // The longest rendering is the minimum's or the maximum's.
  return std::max(digits_of(set.min()), digits_of(set.max())) <= limits.max_listpack_value;
}

bool SetValue::add(std::string_view member, const SetLimits& limits) {
  switch (encoding()) {
    case Encoding::Intset: {
      if (auto value = parse_int64(member)) {
        size_t size;
        {
          IntSetEdit edit(rep_);
          if (!edit->insert(*value)) return false;
          size = edit->size();
        }
        if (size > std::min(limits.max_intset_entries, kIntsetHardLimit)) convert_to_table(size);
        return true;
      }
      // Not an integer, so certainly new.
      if (intset_fits_listpack(member.size(), limits)) {
        convert_to_listpack();
        listpack().push_back(member);
      } else {
        convert_to_table(intset().size() + 1);
        insert_new_into_table(member);
      }
      return true;
    }
    case Encoding::Listpack: {
      Listpack& lp = listpack();
      if (lp.find(lp.begin(), member)) return false;
      if (lp.size() < limits.max_listpack_entries && member.size() <= limits.max_listpack_value) {
        lp.push_back(member);
      } else {
        convert_to_table(lp.size() + 1);
        insert_new_into_table(member);
      }
      return true;
    }
    default: {
      if (table().find(member) != nullptr) return false;
      insert_new_into_table(member);
      return true;
    }
  }
}

void SetValue::insert_new_into_table(std::string_view member) {
  Member* m = Member::create(member);
  table().insert(m);
}

bool SetValue::erase(std::string_view member) {
  switch (encoding()) {
    case Encoding::Intset: {
      auto value = parse_int64(member);
      if (!value) return false;
      IntSetEdit edit(rep_);
      return edit->erase(*value);
    }
    case Encoding::Listpack: {
      Listpack& lp = listpack();
      auto p = lp.find(lp.begin(), member);
      if (!p) return false;
      lp.erase(*p);
      return true;
    }
    default: {
      Member* m = table().remove(member);
      Member::destroy(m);
      return m != nullptr;
    }
  }
}

void SetValue::erase(Ref ref) {
  switch (encoding()) {
    case Encoding::Intset: {
      const int64_t value = intset().at(ref);
      IntSetEdit edit(rep_);
      edit->erase(value);
      break;
    }
    case Encoding::Listpack:
      listpack().erase(ref);
      break;
    default: {
      auto* m = reinterpret_cast<Member*>(ref);
      table().remove(m->view());
      Member::destroy(m);
    }
  }
}

void SetValue::prepare_for(size_t size_hint, const SetLimits& limits) {
  const Encoding current = encoding();
  if ((current == Encoding::Listpack && size_hint > limits.max_listpack_entries) ||
      (current == Encoding::Intset && size_hint > std::min(limits.max_intset_entries, kIntsetHardLimit))) {
    convert_to_table(size_hint);
  }
}

void SetValue::convert_to_listpack() {
  auto lp = std::make_unique<Listpack>();
  Scratch scratch;
  const IntSetView set = intset();
  for (size_t i = 0; i < set.size(); ++i) lp->push_back(render(set.at(i), scratch));
  become(lp.release());
}

void SetValue::convert_to_table(size_t size_hint) {
  auto fresh = std::make_unique<Table>();
  fresh->reserve(std::max(size_hint, size()));
  for_each([&fresh](std::string_view member) { fresh->insert(Member::create(member)); });
  become(fresh.release());
}

std::vector<SetValue::Ref> SetValue::refs() const {
  std::vector<Ref> out;
  out.reserve(size());
  switch (encoding()) {
    case Encoding::Intset:
      for (size_t i = 0; i < intset().size(); ++i) out.push_back(i);
      break;
    case Encoding::Listpack: {
      const Listpack& lp = listpack();
      for (Listpack::Pos p = lp.begin(); p != lp.end(); p = lp.next(p)) out.push_back(p);
      break;
    }
    default:
      table().for_each([&out](const Member& m) { out.push_back(reinterpret_cast<Ref>(&m)); });
  }
  return out;
}

std::string_view SetValue::member(Ref ref, Scratch& scratch) const {
  switch (encoding()) {
    case Encoding::Intset:
      return render(intset().at(ref), scratch);
    case Encoding::Listpack:
      return listpack().get(ref, scratch);
    default:
      return reinterpret_cast<const Member*>(ref)->view();
  }
}

std::unique_ptr<ValueObject> SetValue::clone() const {
  auto copy = std::make_unique<SetValue>();
  switch (encoding()) {
    case Encoding::Intset:
      copy->rep_ = reinterpret_cast<uintptr_t>(IntSet::copy_of(intset()).release());
      break;
    case Encoding::Listpack: {
      auto lp = std::make_unique<Listpack>();
      if (auto block = Listpack::from_bytes(listpack().raw())) *lp = std::move(*block);
      copy->become(lp.release());
      break;
    }
    default: {
      auto fresh = std::make_unique<Table>();
      fresh->reserve(table().size());
      table().for_each([&fresh](const Member& m) { fresh->insert(Member::create(m.view())); });
      copy->become(fresh.release());
    }
  }
  return copy;
}

size_t SetValue::allocated_bytes() const {
  size_t total = sizeof(SetValue);
  switch (encoding()) {
    case Encoding::Intset:
      return total + (rep_ == 0 ? 0 : intset().bytes());
    case Encoding::Listpack:
      return total + sizeof(Listpack) + (listpack().empty() ? 0 : listpack().bytes());
    default:
      total += sizeof(Table) + table().bucket_memory();
      table().for_each([&total](const Member& m) { total += sizeof(Member) + m.length; });
      return total;
  }
}

}  // namespace corvid
