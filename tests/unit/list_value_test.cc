#include "db/list_value.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "db/key_entry.h"

namespace corvid {
namespace {

std::vector<std::string> contents(const ListValue& list) {
  std::vector<std::string> out;
  list.items().for_each([&](std::string_view v) { out.emplace_back(v); });
  return out;
}

TEST(ListValueTest, FreeEffortCountsNodes) {
  ListValue list;
  EXPECT_EQ(list.free_effort(), 0u);
  list.items().set_fill(2);
  for (int i = 0; i < 7; ++i) list.items().push_back(std::to_string(i));
  EXPECT_EQ(list.size(), 7u);
  EXPECT_EQ(list.free_effort(), 4u);
}

TEST(ListValueTest, AllocatedBytesFollowNodes) {
  ListValue list;
  const size_t empty = list.allocated_bytes();
  EXPECT_EQ(empty, sizeof(ListValue));
  list.items().push_back(std::string(100, 'x'));
  const size_t one = list.allocated_bytes();
  // A node header plus a listpack holding the 100 bytes.
  EXPECT_GT(one, empty + 100);
  EXPECT_LT(one, empty + 100 + 64);
  for (int i = 0; i < 1000; ++i) list.items().push_back(std::string(100, 'y'));
  // Per element: the bytes, a 2-byte header and a 1-byte backlen, plus node overhead.
  EXPECT_LT(list.allocated_bytes(), empty + 1001 * 105);
  list.items().clear();
  EXPECT_EQ(list.allocated_bytes(), empty);
}

TEST(ListValueTest, EntryCloneIsDeep) {
  KeyEntry* e = KeyEntry::create_object("k", ValueType::List, std::make_unique<ListValue>(),
                                        KeyEntry::kNoExpiry);
  auto& list = e->object_as<ListValue>();
  list.items().set_fill(3);
  for (int i = 0; i < 10; ++i) list.items().push_back("e" + std::to_string(i));
  KeyEntry* copy = KeyEntry::clone(*e, "k2", KeyEntry::kNoExpiry);
  EXPECT_EQ(copy->encoding(), Encoding::Quicklist);
  EXPECT_EQ(copy->type(), ValueType::List);
  list.items().pop_front();
  auto& copied = copy->object_as<ListValue>();
  EXPECT_EQ(copied.size(), 10u);
  EXPECT_EQ(contents(copied).front(), "e0");
  EXPECT_EQ(copied.items().fill(), 3);
  EXPECT_EQ(copied.free_effort(), 4u);  // the same node layout: 3 + 3 + 3 + 1
  KeyEntry::destroy(copy);
  KeyEntry::destroy(e);
}

}  // namespace
}  // namespace corvid
