#pragma once
// The propagation stream: every change to the dataset as a deterministic, replayable
// command, in the order it happened, for the AOF and for replicas (SYNC clients today).
//
// Commands are grouped in execution units: a command, or a whole EXEC (later a script).
// While a unit runs, what it changed is collected: the keys lazy expiry removed on the way
// (DEL or UNLINK), then the command itself, as it ran or in the form its handler asked for
// (EXPIRE -> PEXPIREAT, SET EX -> SET PXAT, SPOP -> SREM, BLPOP -> LPOP ...). When the unit
// ends the collected operations go to every sink: one alone as it is, several wrapped in
// MULTI/EXEC so that they replay atomically, as Redis 7.0 propagates them. Changes outside
// any unit (active expiry, eviction) go out at once.
//
// A command is propagated when it changed something (the keyspace's change counter moved)
// or when it asks to be (FLUSHALL of an empty dataset, PUBLISH to replicas); a handler may
// also ask for nothing to go out (DEBUG). Sinks receive each operation as RESP bytes with
// its database; choosing to emit a SELECT before it is each sink's business (each keeps
// the database it last selected).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corvid {

// Where an operation goes: PUBLISH reaches replicas but not the AOF, as in Redis.
enum PropagationTarget : uint8_t {
  kToAof = 1,
  kToReplicas = 2,
  kToAll = kToAof | kToReplicas,
};

class PropagationSink {
 public:
  // `resp` is one command in RESP multibulk form, to be applied in database `db`.
  virtual void propagate(int db, std::string_view resp, uint8_t targets) = 0;

 protected:
  ~PropagationSink() = default;
};

class Propagator {
 public:
  void add_sink(PropagationSink* sink);
  void remove_sink(PropagationSink* sink);
  // Nothing listens: callers may skip collecting altogether.
  bool idle() const { return sinks_.empty(); }
  // While paused nothing is collected (replaying an AOF must not write it again).
  void pause() { ++paused_; }
  void resume() { --paused_; }

  // Execution units nest (a command inside EXEC): only the outermost one flushes.
  void begin_unit() { ++depth_; }
  void end_unit();

  // The running command's wishes, set by its handler and consumed by command_done().
  // replace(): what replays the command, instead of itself (called once per operation,
  // in order; used only if the command changed something); suppress(): propagate
  // nothing; force(): propagate even if nothing changed, to `targets`.
  void replace(std::vector<std::string> argv);
  void suppress() { suppressed_ = true; }
  void force(uint8_t targets = kToAll) { forced_ = targets; }
  // After a command ran in database `db`: what it asked for, or itself if it changed
  // something (`changed`).
  void command_done(int db, std::span<const std::string_view> args, bool changed);

  // A key that went without a command asking (expiry, eviction): DEL or UNLINK.
  void key_deleted(int db, std::string_view key, bool lazy);
  // One operation into the current unit (or out at once outside any unit).
  void add(int db, std::span<const std::string_view> argv, uint8_t targets = kToAll);
  // redis.set_repl: operations added from now on go only to `targets` (kToAll again when
  // the script ends).
  void set_target_mask(uint8_t targets) { target_mask_ = targets; }
  // The server is going down in the middle of the current unit (SHUTDOWN NOSAVE under a
  // busy script): none of it goes out, as none of it would in Redis.
  void discard_pending() { pending_.clear(); }

  static std::string encode(std::span<const std::string_view> argv);

 private:
  struct Op {
    int db;
    std::string resp;
    uint8_t targets;
  };
  void flush();
  void clear_command_state();
  void add_unmasked(int db, std::span<const std::string_view> argv, uint8_t targets);

  std::vector<PropagationSink*> sinks_;
  std::vector<Op> pending_;
  int depth_ = 0;
  int paused_ = 0;
  std::vector<std::vector<std::string>> replacements_;
  bool suppressed_ = false;
  uint8_t forced_ = 0;
  uint8_t target_mask_ = kToAll;
};

}  // namespace corvid
