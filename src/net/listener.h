#pragma once
// Listening sockets (TCP addresses and the unix socket). Accepted connections are
// handed to a callback; the listener knows nothing about clients.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "net/event_loop.h"

namespace corvid {

class Listener final : public IoHandler {
 public:
  using AcceptCallback = std::function<void(int fd, std::string peer, std::string local, bool unix_socket)>;

  Listener() = default;
  // The event loop holds a pointer to a listener: it must not move.
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  ~Listener();

  // `address` as in Redis's bind: an IPv4/IPv6 address, "*" for all IPv4, "::*" for all IPv6;
  // a leading '-' makes the address optional (no error if it is unavailable).
  // Returns an error message, or nullopt on success (including a skipped optional address).
  std::optional<std::string> listen_tcp(const std::string& address, int port, int backlog);
  std::optional<std::string> listen_unix(const std::string& path, unsigned permissions, int backlog);
  void attach(EventLoop& loop, AcceptCallback on_accept);
  void close_socket();
  bool is_open() const { return fd_ >= 0; }
  bool is_unix() const { return unix_; }
  // Whether the connections accepted here speak TLS: a tag for the owner, who sets them up.
  void set_tls(bool tls) { tls_ = tls; }
  bool is_tls() const { return tls_; }
  const std::string& description() const { return description_; }

  void on_readable() override;
  void on_writable() override {}
  // Out of descriptors (EMFILE/ENFILE), a listener stops watching its socket: the waiting
  // connection would otherwise wake the loop again at once, over and over, for an accept
  // that cannot succeed. The owner calls this now and then (the cron) to try again; it
  // returns why accepting had stopped (for the log), or nullopt if it had not.
  std::optional<std::string> resume_accepting();

 private:
  int fd_ = -1;
  bool paused_ = false;
  std::string pause_reason_;
  bool unix_ = false;
  bool tls_ = false;
  std::string description_;
  std::string unix_path_;
  EventLoop* loop_ = nullptr;
  AcceptCallback on_accept_;
};

// "ip:port" ("[ipv6]:port") of a TCP socket's peer or local end, as CLIENT LIST shows it.
std::string socket_address(int fd, bool peer);
// Whether an address from socket_address() is the loopback interface, as Redis counts it
// for protected mode and "local" settings: exactly 127.0.0.1 or ::1.
bool is_loopback_address(std::string_view address);

}  // namespace corvid
