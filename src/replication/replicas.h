#pragma once
// Replicas attached with SYNC: each gets a snapshot of the dataset, then the propagation
// stream from the snapshot's moment on. This is what Redis's disk-based full sync does
// (repl-diskless-sync no), and what test tools use to watch propagation; PSYNC, partial
// resynchronisation and the replica side are later work.
//
// A SYNC waits for a BGSAVE of its own (one running for someone else started before the
// replica's stream could be kept): the stream is collected from the moment that BGSAVE
// began, the dump is sent as "$<size>\r\n<bytes>" once written, then what was collected,
// then every operation as it happens. Until then the replica gets a newline a second,
// as Redis sends it, so that it does not time out. A replica whose dump holds no keys
// (REPLCONF rdb-filter-only) needs no snapshot: it is sent its dump by the server and
// joins online at once.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/connection.h"
#include "replication/propagation.h"

namespace corvid {

class Replicas final : public PropagationSink {
 public:
  class Host {
   public:
    // Starts a BGSAVE for replication; false if one is running already.
    virtual bool start_bgsave_for_replication() = 0;
    // The dump file a finished BGSAVE wrote.
    virtual std::string dump_path() const = 0;
    // Every replica waiting for that dump has it (rdb-del-sync-files may remove it now).
    virtual void dump_sent() = 0;
    virtual void queue_write(Connection& client) = 0;
    // Propagated writes wait in a replica's output: sent before the loop sleeps, and the
    // replica closed if that passes client-output-buffer-limit replica.
    virtual void on_message_queued(Connection& client) = 0;
    virtual void close_client(Connection& client) = 0;
    // Unix time in seconds (the lag INFO reports counts from it).
    virtual int64_t unix_seconds() const = 0;

   protected:
    ~Host() = default;
  };

  explicit Replicas(Host& host) : host_(host) {}

  // SYNC from `client`: it becomes a replica waiting for its snapshot.
  void sync(Connection& client);
  // A replica that already has its dump: the stream follows from now on.
  void attach_online(Connection& client);
  // A BGSAVE ended: replicas waiting for it get the file (or are dropped if it failed);
  // replicas waiting for the next one get it started.
  void bgsave_done(bool ok);
  // Newlines to replicas still waiting (the cron, once a second).
  void keepalive();
  void forget(Connection& client);
  size_t count() const { return replicas_.size(); }
  bool is_replica(const Connection& client) const;
  // The stream kept for a replica until its dump is sent: part of its output for
  // client-output-buffer-limit, as in Redis, where it waits in the output buffer.
  size_t held_bytes(const Connection& client) const;
  // INFO replication's "slave<n>:ip=...,port=...,state=...,offset=...,lag=..." lines. The
  // port is 0 and the offset 0: replicas cannot announce a listening port (REPLCONF
  // listening-port is not built) nor acknowledge an offset (no REPLCONF ACK); the lag is
  // the seconds since the replica asked for its sync or went online.
  std::string info_lines() const;

  void propagate(int db, std::string_view resp, uint8_t targets) override;

 private:
  enum class State { WaitBgsaveStart, WaitBgsaveEnd, Online };
  struct Replica {
    Connection* client;
    State state;
    int selected_db = -1;
    int64_t since_s = 0;  // when it asked for the sync, then when it went online
    std::string pending;  // the stream since the snapshot began, until the dump is sent
  };
  void start_bgsave_if_needed();
  void send_dump(Replica& replica);

  Host& host_;
  std::vector<Replica> replicas_;
  std::vector<Connection*> fed_;  // propagate's scratch list, kept to avoid reallocating
};

}  // namespace corvid
