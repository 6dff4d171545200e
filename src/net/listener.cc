#include "net/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace corvid {

namespace {

std::string error_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

Listener::~Listener() { close_socket(); }

void Listener::close_socket() {
  if (fd_ < 0) return;
  if (loop_ != nullptr) loop_->unwatch(fd_);
  close(fd_);
  fd_ = -1;
  if (unix_ && !unix_path_.empty()) unlink(unix_path_.c_str());
}

std::optional<std::string> Listener::listen_tcp(const std::string& bind_address, int port, int backlog) {
  bool optional = !bind_address.empty() && bind_address[0] == '-';
  std::string address = optional ? bind_address.substr(1) : bind_address;
  bool ipv6 = address.find(':') != std::string::npos;
  const char* host = nullptr;
  if (address == "*") {
    host = "0.0.0.0";
  } else if (address == "::*") {
    host = "::";
  } else {
    host = address.c_str();
  }
  addrinfo hints{};
  hints.ai_family = ipv6 ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  addrinfo* info = nullptr;
  std::string port_text = std::to_string(port);
  if (int rc = getaddrinfo(host, port_text.c_str(), &hints, &info); rc != 0) {
    if (optional) return std::nullopt;
    return "Could not create server TCP listening socket " + address + ":" + port_text + ": " + gai_strerror(rc);
  }
  int fd = socket(info->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(info);
    if (optional && (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)) return std::nullopt;
    return error_text("socket");
  }
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  if (ipv6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof yes);
  if (bind(fd, info->ai_addr, info->ai_addrlen) < 0 || listen(fd, backlog) < 0) {
    int saved = errno;
    freeaddrinfo(info);
    close(fd);
    if (optional && (saved == EADDRNOTAVAIL || saved == EAFNOSUPPORT || saved == EPROTONOSUPPORT)) {
      return std::nullopt;
    }
    errno = saved;
    return "Could not create server TCP listening socket " + address + ":" + port_text + ": bind: " +
           std::strerror(saved);
  }
  freeaddrinfo(info);
  fd_ = fd;
  unix_ = false;
  description_ = address + ":" + port_text;
  return std::nullopt;
}

std::optional<std::string> Listener::listen_unix(const std::string& path, unsigned permissions, int backlog) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) return "Unix socket path too long: " + path;
  unlink(path.c_str());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return error_text("socket");
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 || listen(fd, backlog) < 0) {
    std::string err = error_text("Failed opening Unix socket: bind");
    close(fd);
    return err;
  }
  if (permissions != 0) chmod(path.c_str(), permissions);
  fd_ = fd;
  unix_ = true;
  unix_path_ = path;
  description_ = path;
  return std::nullopt;
}

void Listener::attach(EventLoop& loop, AcceptCallback on_accept) {
  loop_ = &loop;
  on_accept_ = std::move(on_accept);
  loop.watch(fd_, true, false, this);
}

void Listener::on_readable() {
  // Accept a bounded batch per wake-up so a connection storm cannot starve clients.
  for (int i = 0; i < 1000; ++i) {
    int fd = accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE) {
        pause_reason_ = error_text("Accepting client connection");
        paused_ = true;
        loop_->watch(fd_, false, false, this);
      }
      return;
    }
    if (!unix_) {
      int yes = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    }
    if (unix_) {
      // Unix peers have no name of their own; Redis shows the socket path for both ends.
      on_accept_(fd, unix_path_ + ":0", unix_path_ + ":0", true);
    } else {
      on_accept_(fd, socket_address(fd, true), socket_address(fd, false), false);
    }
  }
}

std::optional<std::string> Listener::resume_accepting() {
  if (!paused_) return std::nullopt;
  paused_ = false;
  if (fd_ >= 0) loop_->watch(fd_, true, false, this);
  return std::move(pause_reason_);
}

std::string socket_address(int fd, bool peer) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  auto* addr = reinterpret_cast<sockaddr*>(&storage);
  int rc = peer ? getpeername(fd, addr, &length) : getsockname(fd, addr, &length);
  if (rc < 0) return "?:0";
  char host[INET6_ADDRSTRLEN] = "?";
  if (storage.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  auto* in = reinterpret_cast<sockaddr_in*>(addr);
  inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
  return std::string(host) + ":" + std::to_string(ntohs(in->sin_port));
}

bool is_loopback_address(std::string_view address) {
  std::string_view host = address.substr(0, address.rfind(':'));
  return host == "127.0.0.1" || host == "[::1]";
}

}  // namespace corvid
