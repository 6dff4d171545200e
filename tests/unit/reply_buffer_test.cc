#include "net/reply_buffer.h"

#include <gtest/gtest.h>
#include <sys/uio.h>

#include <string>

namespace corvid {
namespace {

std::string unsent(const ReplyBuffer& out) {
  iovec pieces[64];
  int count = out.gather(pieces, 64);
  std::string text;
  for (int i = 0; i < count; ++i) text.append(static_cast<const char*>(pieces[i].iov_base), pieces[i].iov_len);
  return text;
}

TEST(ReplyBuffer, SmallRepliesStayInTheFixedBuffer) {
  ReplyBuffer out;
  out.append("+OK\r\n");
  out.append(":1\r\n");
  EXPECT_EQ(out.buffer_used(), 9u);
  EXPECT_EQ(out.block_count(), 0u);
  EXPECT_EQ(out.block_memory(), 0u);
  EXPECT_EQ(unsent(out), "+OK\r\n:1\r\n");
  out.consume(9);
  EXPECT_EQ(out.pending(), 0u);
  EXPECT_EQ(out.buffer_used(), 0u);
}

TEST(ReplyBuffer, OverflowFillsTheBufferThenBlocksInOrder) {
  ReplyBuffer out;
  const size_t size = out.buffer_size();
  std::string big(size + 100, 'x');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  out.append(big);
  EXPECT_EQ(out.buffer_used(), size);
  EXPECT_EQ(out.peak(), size);
  EXPECT_EQ(out.block_count(), 1u);
  EXPECT_GE(out.block_memory(), ReplyBuffer::kBlockSize);
  // Once blocks exist, later replies go after them, never back into the buffer.
  out.append("+OK\r\n");
  EXPECT_EQ(out.block_count(), 1u);
  EXPECT_EQ(unsent(out), big + "+OK\r\n");
  // Sending the buffer empties it; sending the block frees it.
  out.consume(size);
  EXPECT_EQ(out.buffer_used(), 0u);
  EXPECT_EQ(unsent(out), big.substr(size) + "+OK\r\n");
  out.consume(105);
  EXPECT_EQ(out.block_count(), 0u);
  EXPECT_EQ(out.block_memory(), 0u);
  out.append("+PONG\r\n");
  EXPECT_EQ(out.buffer_used(), 7u);
}

TEST(ReplyBuffer, TruncateDropsOnlyWhatFollowsTheMark) {
  ReplyBuffer out;
  out.append("+first\r\n");
  const uint64_t mark = out.end();
  out.append(std::string(40000, 'y'));
  EXPECT_GT(out.block_count(), 0u);
  out.truncate(mark);
  EXPECT_EQ(out.block_count(), 0u);
  EXPECT_EQ(unsent(out), "+first\r\n");
  out.append("+next\r\n");
  EXPECT_EQ(unsent(out), "+first\r\n+next\r\n");
  // A cut inside the blocks keeps the part before it.
  std::string filler(out.buffer_size(), 'z');
  out.append(filler);
  const uint64_t inside = out.end() + 10;
  out.append(std::string(30000, 'w'));
  out.truncate(inside);
  EXPECT_EQ(out.end(), inside);
  EXPECT_EQ(out.pending(), 8 + 7 + filler.size() + 10);
  EXPECT_EQ(unsent(out).substr(unsent(out).size() - 10), std::string(10, 'w'));
}

TEST(ReplyBuffer, ContiguousJoinsTheBlocks) {
  ReplyBuffer out;
  std::string big(50000, 'q');
  big[0] = 'A';
  big.back() = 'Z';
  out.append(big);
  EXPECT_EQ(out.contiguous(), big);
  out.clear();
  EXPECT_EQ(out.pending(), 0u);
  EXPECT_EQ(out.contiguous(), "");
}

TEST(ReplyBuffer, ResizesFollowThePeak) {
  ReplyBuffer out;
  out.set_peak_reset_time(0);
  // A new buffer's peak counts as full: nothing happens until the peak is reset.
  EXPECT_EQ(out.resize_for_peak(100, 5000, true), ReplyBuffer::Resize::None);
  EXPECT_EQ(out.buffer_size(), ReplyBuffer::kDefaultSize);
  // The reset at 5000ms takes the current use (nothing), so the next look shrinks.
  EXPECT_EQ(out.resize_for_peak(5000, 5000, true), ReplyBuffer::Resize::None);
  EXPECT_EQ(out.peak(), 0u);
  EXPECT_EQ(out.resize_for_peak(5100, 5000, true), ReplyBuffer::Resize::Shrunk);
  EXPECT_EQ(out.buffer_size(), ReplyBuffer::kMinSize);
  // Filled to the brim: doubled, up to the default size.
  out.append(std::string(3000, 'x'));
  EXPECT_EQ(out.peak(), ReplyBuffer::kMinSize);
  EXPECT_EQ(out.resize_for_peak(5200, -1, true), ReplyBuffer::Resize::Expanded);
  EXPECT_EQ(out.buffer_size(), 2 * ReplyBuffer::kMinSize);
  EXPECT_EQ(unsent(out), std::string(3000, 'x'));
  // Resizing off: nothing changes.
  out.consume(3000);
  EXPECT_EQ(out.resize_for_peak(99999, 0, false), ReplyBuffer::Resize::None);
  EXPECT_EQ(out.buffer_size(), 2 * ReplyBuffer::kMinSize);
}

}  // namespace
}  // namespace corvid
