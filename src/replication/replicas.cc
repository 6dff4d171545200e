#include "replication/replicas.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "server/log.h"

namespace corvid {

bool Replicas::is_replica(const Connection& client) const {
  return std::any_of(replicas_.begin(), replicas_.end(), [&](const Replica& r) { return r.client == &client; });
}

void Replicas::sync(Connection& client) {
  if (is_replica(client)) return;
  log_notice("Replica " + client.peer_address() + " asks for synchronization");
  log_notice("Full resync requested by replica " + client.peer_address());
  replicas_.push_back(Replica{&client, State::WaitBgsaveStart, -1, host_.unix_seconds(), {}});
  start_bgsave_if_needed();
}

void Replicas::attach_online(Connection& client) {
  if (is_replica(client)) return;
  replicas_.push_back(Replica{&client, State::Online, -1, host_.unix_seconds(), {}});
}

std::string Replicas::info_lines() const {
  std::string out;
  const int64_t now = host_.unix_seconds();
  size_t n = 0;
  for (const Replica& r : replicas_) {
    // The peer's address without its port ("[::1]:5000" and "127.0.0.1:5000" alike); Redis
    // shows "/unixsocket" for a replica on the unix socket.
    std::string ip = "/unixsocket";
    if (!r.client->is_unix_socket()) {
      ip = r.client->peer_address();
      ip.erase(std::min(ip.size(), ip.rfind(':')));
      if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    }
    const char* state = r.state == State::Online ? "online" : "wait_bgsave";
    out += "slave" + std::to_string(n++) + ":ip=" + ip + ",port=0,state=" + state +
           ",offset=0,lag=" + std::to_string(std::max<int64_t>(0, now - r.since_s)) + "\r\n";
  }
  return out;
}

void Replicas::start_bgsave_if_needed() {
  const bool waiting = std::any_of(replicas_.begin(), replicas_.end(),
                                   [](const Replica& r) { return r.state == State::WaitBgsaveStart; });
  if (!waiting || !host_.start_bgsave_for_replication()) return;
  log_notice("Starting BGSAVE for SYNC with target: disk");
  // From this moment the stream belongs after the snapshot: collect it.
  for (Replica& r : replicas_) {
    if (r.state == State::WaitBgsaveStart) r.state = State::WaitBgsaveEnd;
  }
}

void Replicas::bgsave_done(bool ok) {
  bool sent = false;
  for (size_t i = 0; i < replicas_.size();) {
    Replica& r = replicas_[i];
    if (r.state != State::WaitBgsaveEnd) {
      ++i;
      continue;
    }
    if (!ok) {
      log_warning("SYNC failed. BGSAVE child returned an error");
      Connection* client = r.client;
      replicas_.erase(replicas_.begin() + static_cast<std::ptrdiff_t>(i));
      host_.close_client(*client);
      continue;
    }
    send_dump(r);
    sent = true;
    if (r.client->sync_rdb_only) {
      // The dump was all it asked for (redis-cli --rdb): no stream follows.
      r.client->close_after_reply();
      replicas_.erase(replicas_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    ++i;
  }
  if (sent) host_.dump_sent();
  start_bgsave_if_needed();
}

void Replicas::send_dump(Replica& replica) {
  std::string bytes;
  const int fd = ::open(host_.dump_path().c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[1 << 16];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) bytes.append(buf, static_cast<size_t>(n));
    ::close(fd);
  }
  ReplyWriter& out = replica.client->reply();
  out.raw("$" + std::to_string(bytes.size()) + "\r\n");
  out.raw(bytes);
  if (!replica.client->sync_rdb_only) out.raw(replica.pending);
  replica.pending.clear();
  replica.pending.shrink_to_fit();
  replica.state = State::Online;
  replica.since_s = host_.unix_seconds();
  host_.queue_write(*replica.client);
  log_notice("Synchronization with replica " + replica.client->peer_address() + " succeeded");
}

void Replicas::keepalive() {
  for (Replica& r : replicas_) {
    if (r.state == State::Online) continue;
    r.client->reply().raw("\n");
    host_.queue_write(*r.client);
  }
}

void Replicas::forget(Connection& client) {
  std::erase_if(replicas_, [&](const Replica& r) { return r.client == &client; });
}

size_t Replicas::held_bytes(const Connection& client) const {
  for (const Replica& r : replicas_) {
    if (r.client == &client) return r.pending.size();
  }
  return 0;
}

void Replicas::propagate(int db, std::string_view resp, uint8_t targets) {
  if ((targets & kToReplicas) == 0) return;
  fed_.clear();
  for (Replica& r : replicas_) {
    if (r.state == State::WaitBgsaveStart) continue;
    std::string select;
    if (r.selected_db != db) {
      const std::string index = std::to_string(db);
      select = "*2\r\n$6\r\nSELECT\r\n$" + std::to_string(index.size()) + "\r\n" + index + "\r\n";
      r.selected_db = db;
    }
    fed_.push_back(r.client);
    if (r.state == State::WaitBgsaveEnd) {
      r.pending.append(select).append(resp);
      continue;
    }
    ReplyWriter& out = r.client->reply();
    if (!select.empty()) out.raw(select);
    out.raw(resp);
  }
  // After the walk: a replica closed for its output limit leaves replicas_.
  for (Connection* client : fed_) host_.on_message_queued(*client);
}

}  // namespace corvid
