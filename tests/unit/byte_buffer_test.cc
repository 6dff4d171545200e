#include "core/byte_buffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace corvid {
namespace {

void append(ByteBuffer& buffer, std::string_view text) {
  std::memcpy(buffer.prepare(text.size()), text.data(), text.size());
  buffer.commit(text.size());
}

TEST(ByteBuffer, AppendsAcrossGrowthAndKeepsContents) {
  ByteBuffer buffer;
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    std::string piece = "piece-" + std::to_string(i) + ";";
    append(buffer, piece);
    expected += piece;
  }
  EXPECT_EQ(buffer.view(), expected);
  EXPECT_GE(buffer.capacity(), buffer.size());
}

TEST(ByteBuffer, PrepareDoesNotCommit) {
  ByteBuffer buffer;
  append(buffer, "abc");
  buffer.prepare(100);
  EXPECT_EQ(buffer.size(), 3u);
  EXPECT_GE(buffer.capacity(), 103u);
  EXPECT_EQ(buffer.view(), "abc");
}

TEST(ByteBuffer, DiscardFrontKeepsTheRest) {
  ByteBuffer buffer;
  append(buffer, "consumed|rest");
  buffer.discard_front(9);
  EXPECT_EQ(buffer.view(), "rest");
  EXPECT_EQ(buffer.view(2), "st");
}

TEST(ByteBuffer, ClearReleasesOnlyLargeBuffers) {
  ByteBuffer buffer;
  append(buffer, std::string(100, 'x'));
  size_t small = buffer.capacity();
  buffer.clear(1024);
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.capacity(), small);
  append(buffer, std::string(4096, 'y'));
  buffer.clear(1024);
  EXPECT_EQ(buffer.capacity(), 0u);
  append(buffer, "again");
  EXPECT_EQ(buffer.view(), "again");
}

TEST(ByteBuffer, ReserveGrowsWithoutChangingContents) {
  ByteBuffer buffer;
  append(buffer, "keep");
  buffer.reserve(1 << 20);
  EXPECT_GE(buffer.capacity(), 1u << 20);
  EXPECT_EQ(buffer.view(), "keep");
}

TEST(ByteBuffer, ReserveIsExactWherePrepareLeavesHeadroom) {
  // A big request argument's room is reserved up to exactly its end (the connection
  // counts that memory against maxmemory-clients); prepare() grows by half again.
  ByteBuffer reserved;
  reserved.reserve(1000);
  reserved.reserve(1500);
  EXPECT_EQ(reserved.capacity(), 1500u);
  ByteBuffer prepared;
  prepared.prepare(1000);
  prepared.commit(1000);
  prepared.prepare(1);
  EXPECT_EQ(prepared.capacity(), 1500u);
}

}  // namespace
}  // namespace corvid
