#include "db/set_value.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace corvid {
namespace {

std::vector<std::string> members(const SetValue& s) {
  std::vector<std::string> out;
  s.for_each([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

std::set<std::string> member_set(const SetValue& s) {
  auto all = members(s);
  return {all.begin(), all.end()};
}

// A set's own object is no bigger than Redis's object header (16 bytes): the vtable
// pointer and one tagged word.
static_assert(sizeof(SetValue) == 16);

TEST(SetValueTest, IntegersStayInAnOrderedIntset) {
  SetValue s;
  SetLimits lim;
  EXPECT_TRUE(s.add("3", lim));
  EXPECT_TRUE(s.add("-1", lim));
  EXPECT_TRUE(s.add("9223372036854775807", lim));
  EXPECT_FALSE(s.add("3", lim));
  EXPECT_EQ(s.encoding(), Encoding::Intset);
  EXPECT_EQ(members(s), (std::vector<std::string>{"-1", "3", "9223372036854775807"}));
  EXPECT_TRUE(s.contains("-1"));
  EXPECT_FALSE(s.contains("-01"));
  EXPECT_FALSE(s.contains("x"));
  EXPECT_TRUE(s.erase("3"));
  EXPECT_FALSE(s.erase("3"));
  EXPECT_FALSE(s.erase("abc"));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.free_effort(), 1u);
}

TEST(SetValueTest, NonCanonicalIntegersAreStrings) {
  SetLimits lim;
  for (const char* text : {"01", "+1", "-0", " 1", "1.0", "9223372036854775808", ""}) {
    SetValue s;
    s.add("1", lim);
    EXPECT_TRUE(s.add(text, lim)) << text;
    EXPECT_EQ(s.encoding(), Encoding::Listpack) << text;
    EXPECT_TRUE(s.contains(text)) << text;
    EXPECT_TRUE(s.contains("1")) << text;
    EXPECT_EQ(s.size(), 2u);
  }
}

TEST(SetValueTest, IntsetToListpackThenTable) {
  SetLimits lim{512, 4, 64};
  SetValue s;
  for (int i = 0; i < 3; ++i) s.add(std::to_string(i), lim);
  EXPECT_TRUE(s.add("a", lim));
  EXPECT_EQ(s.encoding(), Encoding::Listpack);
  // Integers keep going into the listpack; there is no way back to an intset.
  EXPECT_TRUE(s.erase("a"));
  EXPECT_TRUE(s.add("7", lim));
  EXPECT_EQ(s.encoding(), Encoding::Listpack);
  EXPECT_EQ(s.size(), 4u);
  EXPECT_TRUE(s.add("b", lim));  // a fifth member
  EXPECT_EQ(s.encoding(), Encoding::Hashtable);
  EXPECT_EQ(member_set(s), (std::set<std::string>{"0", "1", "2", "7", "b"}));
  EXPECT_EQ(s.free_effort(), 5u);
  EXPECT_TRUE(s.erase("b"));
  EXPECT_FALSE(s.contains("b"));
  EXPECT_EQ(s.encoding(), Encoding::Hashtable);
}

TEST(SetValueTest, IntsetStraightToTableWhenTooBigForListpack) {
  SetLimits lim{512, 4, 64};
  SetValue s;
  for (int i = 0; i < 4; ++i) s.add(std::to_string(i), lim);
  EXPECT_TRUE(s.add("a", lim));  // 4 integers are not fewer than the listpack limit
  EXPECT_EQ(s.encoding(), Encoding::Hashtable);
  EXPECT_EQ(s.size(), 5u);
}

TEST(SetValueTest, LongMemberGoesToTable) {
  SetLimits lim{512, 128, 8};
  SetValue from_intset;
  from_intset.add("1", lim);
  EXPECT_TRUE(from_intset.add("123456789", lim));  // an integer: stays in the intset
  EXPECT_EQ(from_intset.encoding(), Encoding::Intset);
  EXPECT_TRUE(from_intset.add("abcdefghi", lim));
  EXPECT_EQ(from_intset.encoding(), Encoding::Hashtable);
  SetValue from_listpack;
  from_listpack.add("a", lim);
  EXPECT_EQ(from_listpack.encoding(), Encoding::Listpack);
  from_listpack.add("abcdefgh", lim);
  EXPECT_EQ(from_listpack.encoding(), Encoding::Listpack);
  from_listpack.add("123456789", lim);  // integers count by their digits in a listpack
  EXPECT_EQ(from_listpack.encoding(), Encoding::Hashtable);
  // An intset holding an integer longer than the value limit cannot become a listpack.
  SetValue wide;
  wide.add("-1234567890", lim);
  wide.add("x", lim);
  EXPECT_EQ(wide.encoding(), Encoding::Hashtable);
}

TEST(SetValueTest, IntsetPastItsLimitBecomesTable) {
  SetLimits lim{3, 128, 64};
  SetValue s;
  for (int i = 0; i < 3; ++i) s.add(std::to_string(i), lim);
  EXPECT_EQ(s.encoding(), Encoding::Intset);
  s.add("3", lim);
  EXPECT_EQ(s.encoding(), Encoding::Hashtable);
  EXPECT_EQ(member_set(s), (std::set<std::string>{"0", "1", "2", "3"}));
}

TEST(SetValueTest, CreateForAndPrepareForFollowTheHint) {
  SetLimits lim{10, 5, 64};
  EXPECT_EQ(SetValue::create_for("1", 10, lim)->encoding(), Encoding::Intset);
  EXPECT_EQ(SetValue::create_for("1", 11, lim)->encoding(), Encoding::Hashtable);
  EXPECT_EQ(SetValue::create_for("a", 5, lim)->encoding(), Encoding::Listpack);
  EXPECT_EQ(SetValue::create_for("a", 6, lim)->encoding(), Encoding::Hashtable);
  SetLimits small_intset{2, 5, 64};
  EXPECT_EQ(SetValue::create_for("1", 4, small_intset)->encoding(), Encoding::Listpack);

  SetValue s;
  s.add("1", lim);
  s.prepare_for(10, lim);
  EXPECT_EQ(s.encoding(), Encoding::Intset);
  s.prepare_for(11, lim);
  EXPECT_EQ(s.encoding(), Encoding::Hashtable);
  EXPECT_TRUE(s.contains("1"));
  SetValue lp(Encoding::Listpack);
  lp.add("a", lim);
  lp.prepare_for(6, lim);
  EXPECT_EQ(lp.encoding(), Encoding::Hashtable);
  EXPECT_TRUE(lp.contains("a"));
}

TEST(SetValueTest, RefsAndRandomPicksCoverEveryEncoding) {
  std::mt19937_64 rng(7);
  for (SetLimits lim : {SetLimits{512, 128, 64}, SetLimits{0, 0, 0}}) {
    for (const char* extra : {"", "x"}) {
      SetValue s;
      for (int i = 0; i < 20; ++i) s.add(std::to_string(i * 3), lim);
      if (*extra) s.add(extra, lim);
      const std::set<std::string> all = member_set(s);
      SetValue::Scratch scratch;
      std::set<std::string> via_refs;
      for (SetValue::Ref r : s.refs()) via_refs.emplace(s.member(r, scratch));
      EXPECT_EQ(via_refs, all);
      std::map<std::string, int> seen;
      for (int i = 0; i < 4000; ++i) ++seen[std::string(s.member(s.random_ref(rng), scratch))];
      EXPECT_EQ(seen.size(), all.size());
      // Table picks favour short chains (as Redis's do), so only a loose floor.
      for (const auto& [m, n] : seen) EXPECT_GT(n, 20) << m;
      // Erase by ref until empty.
      while (s.size() > 0) {
        const SetValue::Ref r = s.random_ref(rng);
        const std::string m(s.member(r, scratch));
        s.erase(r);
        EXPECT_FALSE(s.contains(m));
      }
    }
  }
}

TEST(SetValueTest, CloneIsDeepInEveryEncoding) {
  for (SetLimits lim : {SetLimits{512, 128, 64}, SetLimits{0, 0, 0}}) {
    for (const char* extra : {"", "word"}) {
      SetValue s;
      for (int i = 0; i < 10; ++i) s.add(std::to_string(i), lim);
      if (*extra) s.add(extra, lim);
      auto copy = s.clone();
      s.erase("3");
      auto& c = static_cast<SetValue&>(*copy);
      EXPECT_EQ(c.encoding(), s.encoding());
      EXPECT_TRUE(c.contains("3"));
      EXPECT_EQ(c.size(), s.size() + 1);
      EXPECT_GT(c.allocated_bytes(), sizeof(SetValue));
    }
  }
}

TEST(SetValueTest, MoveAssignmentTakesOverContents) {
  SetLimits lim{512, 128, 64};
  SetValue big;
  for (int i = 0; i < 200; ++i) big.add("m" + std::to_string(i), lim);
  EXPECT_EQ(big.encoding(), Encoding::Hashtable);
  SetValue small(Encoding::Listpack);
  small.add("a", lim);
  big = std::move(small);
  EXPECT_EQ(big.encoding(), Encoding::Listpack);
  EXPECT_EQ(members(big), (std::vector<std::string>{"a"}));
}

TEST(SetValueTest, ScanVisitsEveryTableMember) {
  SetLimits lim{0, 0, 0};
  SetValue s;
  for (int i = 0; i < 1000; ++i) s.add("k" + std::to_string(i), lim);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = s.scan(cursor, [&](std::string_view m) { seen.emplace(m); });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(SetValueTest, SetAddKeepsEntryEncoding) {
  SetLimits lim{512, 128, 64};
  KeyEntry* e = KeyEntry::create_object("k", ValueType::Set, std::make_unique<SetValue>(),
                                        KeyEntry::kNoExpiry);
  EXPECT_TRUE(e->object_as<SetValue>().add("1", lim));
  EXPECT_EQ(e->encoding(), Encoding::Intset);
  EXPECT_TRUE(e->object_as<SetValue>().add("a", lim));
  EXPECT_EQ(e->encoding(), Encoding::Listpack);
  KeyEntry::destroy(e);
}

}  // namespace
}  // namespace corvid
