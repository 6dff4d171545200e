// Listener under descriptor exhaustion: when accept(2) fails with EMFILE the listener stops
// watching its socket (instead of being woken for the same pending connection over and
// over) until resume_accepting(), which reports why it had stopped.

#include "net/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace corvid {
namespace {

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = loopback(port);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  return fd;
}

// A port free on 127.0.0.1: bound to 0, read back, released for the listener to take.
int free_port() {
  int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = loopback(0);
  bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t length = sizeof addr;
  getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &length);
  close(probe);
  return ntohs(addr.sin_port);
}

TEST(Listener, StopsWatchingWhenOutOfDescriptorsUntilResumed) {
  EventLoop loop;
  Listener listener;
  const int port = free_port();
  ASSERT_EQ(listener.listen_tcp("127.0.0.1", port, 16), std::nullopt);
  std::vector<int> accepted;
  listener.attach(loop, [&](int fd, std::string, std::string, bool) { accepted.push_back(fd); });

  // Lower the limit to the highest descriptor in use: whatever the listener accepts then
  // fails with EMFILE.
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  std::vector<int> clients = {connect_to(port), connect_to(port)};
  int highest = 0;
  for (int fd = 0; fd < 4096; ++fd) {
    if (fcntl(fd, F_GETFD) != -1) highest = fd;
  }
  rlimit tight{static_cast<rlim_t>(highest + 1), saved.rlim_max};
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
  // Descriptors below the limit that happen to be free are taken too.
  std::vector<int> fillers;
  for (int fd = open("/dev/null", O_RDONLY); fd >= 0; fd = open("/dev/null", O_RDONLY)) fillers.push_back(fd);
  ASSERT_EQ(errno, EMFILE);

  // Called as the loop would call it (directly: the sanitizers' own checks of a virtual
  // call need descriptors too).
  listener.on_readable();
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_TRUE(accepted.empty());
  // Paused: the connections still waiting no longer wake the loop.
  loop.poll_io(100);
  EXPECT_TRUE(accepted.empty());
  const auto reason = listener.resume_accepting();
  ASSERT_TRUE(reason.has_value());
  EXPECT_EQ(*reason, "Accepting client connection: Too many open files");
  EXPECT_EQ(listener.resume_accepting(), std::nullopt);  // resumed: nothing to report
  // Watching again, with descriptors to spare: both are accepted.
  loop.poll_io(1000);
  EXPECT_EQ(accepted.size(), 2u);
  for (int fd : accepted) close(fd);
  for (int fd : clients) close(fd);
  for (int fd : fillers) close(fd);
}

}  // namespace
}  // namespace corvid
