#pragma once
// A set (SADD and friends). Three encodings, as Redis 7.2 chooses them:
//   intset     while every member is an integer and there are at most
//              set-max-intset-entries of them (sorted, so iteration is ordered);
//   listpack   small sets with other members: at most set-max-listpack-entries members
//              of at most set-max-listpack-value bytes;
//   hashtable  beyond either, one allocation per member with its bytes inline.
// Conversions only go up (intset -> listpack -> hashtable, or intset -> hashtable);
// removing members never converts back.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

#include "core/hash_table.h"
#include "core/intset.h"
#include "core/listpack.h"
#include "core/number_format.h"
#include "db/key_entry.h"
#include "db/value_object.h"

namespace corvid {

// set-max-intset-entries / set-max-listpack-entries / set-max-listpack-value, read from the
// config by callers so that this type does not depend on the server.
struct SetLimits {
  size_t max_intset_entries = 512;
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

class SetValue final : public ValueObject {
 public:
  // Holds a rendered integer member while a view of it is used.
  using Scratch = Listpack::Scratch;
  // Names one member of the current contents without copying it: an intset index, a
  // listpack position or a table node. Dies with the next mutation.
  using Ref = uintptr_t;

  // An empty intset.
  SetValue();
  // An empty set in `compact` encoding (Intset or Listpack).
  explicit SetValue(Encoding compact);
  ~SetValue() override;
  SetValue(const SetValue&) = delete;
  SetValue& operator=(const SetValue&) = delete;
  // Takes over `other`'s contents (SPOP replacing a set with the members it keeps).
  SetValue& operator=(SetValue&& other) noexcept;

  // An empty set in the encoding for `size_hint` members to come, the first being
  // `first` (SADD creating a key): an intset if `first` is an integer and the hint fits
  // it, else a listpack if the hint fits that, else a table sized for the hint.
  static std::unique_ptr<SetValue> create_for(std::string_view first, size_t size_hint, const SetLimits& limits);

  Encoding encoding() const override { return kEncodings[rep_ & kTagMask]; }
  size_t size() const;
  bool contains(std::string_view member) const;
  // True when `member` is new. May convert to a larger encoding.
  bool add(std::string_view member, const SetLimits& limits);
  bool erase(std::string_view member);
  // Removes the member `ref` names.
  void erase(Ref ref);
  // Before adding `size_hint` members at once: converts to a table right away if the hint
  // alone exceeds the current encoding's entry limit, as Redis does.
  void prepare_for(size_t size_hint, const SetLimits& limits);

  // visit(std::string_view member), in storage order (ascending for an intset). The view
  // lives for the call only.
  template <class F>
  void for_each(F&& visit) const {
    Scratch scratch;
    switch (encoding()) {
      case Encoding::Intset: {
        const IntSetView set = intset();
        for (size_t i = 0; i < set.size(); ++i) visit(render(set.at(i), scratch));
        break;
      }
      case Encoding::Listpack: {
        const Listpack& lp = listpack();
        for (Listpack::Pos p = lp.begin(); p != lp.end(); p = lp.next(p)) visit(lp.get(p, scratch));
        break;
      }
      default:
        table().for_each([&visit](const Member& m) { visit(m.view()); });
    }
  }

  // Every member's Ref, in storage order.
  std::vector<Ref> refs() const;
  // A uniformly chosen member; the set must not be empty. On a listpack this walks it:
  // use refs() for many picks. Not const: the table does a rehash step, as lookups do.
  template <class Rng>
  Ref random_ref(Rng& rng) {
    if (encoding() == Encoding::Hashtable) return reinterpret_cast<Ref>(table().fair_random_node(rng));
    const size_t pick = std::uniform_int_distribution<size_t>(0, size() - 1)(rng);
    if (encoding() == Encoding::Intset) return pick;
    return *listpack().at(static_cast<int64_t>(pick));
  }
  // The member `ref` names; the view lives until the next mutation and as long as `scratch`.
  std::string_view member(Ref ref, Scratch& scratch) const;

  // One step of a cursor walk: visit(member) for what the step covers; returns the next
  // cursor, 0 when done. Compact encodings are covered in one step.
  template <class F>
  uint64_t scan(uint64_t cursor, F&& visit) {
    if (encoding() != Encoding::Hashtable) {
      for_each(visit);
      return 0;
    }
    return table().scan(cursor, [&visit](Member& m) { visit(m.view()); });
  }

  std::unique_ptr<ValueObject> clone() const override;
  size_t allocated_bytes() const override;
  // A compact encoding is one block; a table frees each member.
  size_t free_effort() const override { return encoding() == Encoding::Hashtable ? table().size() : 1; }

 private:
  // One table member: the chain link and the member's bytes in a single allocation.
  // Packed, so the bytes follow the 12-byte header without 4 bytes of padding.
  struct __attribute__((packed)) Member {
    Member* next;
    uint32_t length;
    char* data() { return reinterpret_cast<char*>(this + 1); }
    const char* data() const { return reinterpret_cast<const char*>(this + 1); }
    std::string_view view() const { return {data(), length}; }
    static Member* create(std::string_view bytes);
    static void destroy(Member* m);
  };
  static_assert(sizeof(Member) == 12);
  struct MemberTraits {
    static std::string_view key(const Member& m) { return m.view(); }
    static Member* next(const Member& m) { return m.next; }
    static void set_next(Member& m, Member* next) { m.next = next; }
  };
  using Table = HashTable<Member, MemberTraits>;

  static std::string_view render(int64_t value, Scratch& scratch) {
    return {scratch.data(), format_int64(value, scratch.data())};
  }
  // Converting an intset to a listpack must keep every member within the value limit.
  bool intset_fits_listpack(size_t new_member_length, const SetLimits& limits) const;
  void convert_to_listpack();
  void convert_to_table(size_t size_hint);
  void insert_new_into_table(std::string_view member);
  void release();

  // The representation is one word, so that a small set costs no more than Redis's object
  // header: the intset block itself (tag 0; null is the empty intset), or a Listpack or a
  // Table with the encoding in the pointer's low bits (all are at least 8-byte aligned).
  static constexpr uintptr_t kTagMask = 3;
  static constexpr uintptr_t kListpackTag = 1;
  static constexpr uintptr_t kTableTag = 2;
  static constexpr Encoding kEncodings[] = {Encoding::Intset, Encoding::Listpack, Encoding::Hashtable,
                                            Encoding::Hashtable};
  IntSetView intset() const { return IntSetView(reinterpret_cast<const uint8_t*>(rep_)); }
  Listpack& listpack() const { return *reinterpret_cast<Listpack*>(rep_ & ~kTagMask); }
  Table& table() const { return *reinterpret_cast<Table*>(rep_ & ~kTagMask); }
  // Owns the intset block while it is changed, and stores it back (wherever a realloc
  // moved it) when done, also when the change throws.
  class IntSetEdit {
   public:
    explicit IntSetEdit(uintptr_t& rep) : rep_(rep), set_(IntSet::adopt(reinterpret_cast<uint8_t*>(rep))) {}
    ~IntSetEdit() { rep_ = reinterpret_cast<uintptr_t>(set_.release()); }
    IntSetEdit(const IntSetEdit&) = delete;
    IntSetEdit& operator=(const IntSetEdit&) = delete;
    IntSet* operator->() { return &set_; }

   private:
    uintptr_t& rep_;
    IntSet set_;
  };
  // Frees the current representation and takes `listpack` / `table` (owned) instead.
  void become(Listpack* listpack);
  void become(Table* table);

  uintptr_t rep_ = 0;
};


}  // namespace corvid
