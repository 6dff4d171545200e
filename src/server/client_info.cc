#include "server/client_info.h"

#include <optional>

#include "server/server.h"

namespace corvid {

uint64_t connection_memory(Server& server, const Connection& c) {
  // Arguments are views into the query buffer, so the object, the query buffer, the
  // reply buffer (fixed part and blocks) and the commands queued in MULTI are all the
  // memory a connection holds.
  return sizeof(Connection) + c.query_buffer_capacity() + c.output_buffer().memory() +
         server.transactions().queued_memory(c);
}

std::string client_info_line(Server& server, Connection& c, int64_t now_ms, const std::string* current) {
  Transactions& transactions = server.transactions();
  const std::optional<size_t> running = server.transaction_running(c);
  const bool in_multi = running || transactions.in_multi(c);
  std::string flags;  // in Redis's order
  if (c.monitor) {
    flags += 'O';
  } else if (c.replica) {
    flags += 'S';
  }
  if (c.subscribed()) flags += 'P';
  if (in_multi) flags += 'x';
  if (c.blocked()) flags += 'b';
  const TrackingState* tracking = server.tracking().state(c);
  if (tracking != nullptr) flags += 't';
  if (tracking != nullptr && tracking->broken_redirect) flags += 'R';
  if (tracking != nullptr && tracking->bcast) flags += 'B';
  if (transactions.dirty(c)) flags += 'd';
  if (c.closing_after_reply()) flags += 'c';
  if (c.closed()) flags += 'A';
  if (c.is_unix_socket()) flags += 'U';
  if (c.no_evict) flags += 'e';
  if (flags.empty()) flags.push_back('N');
  std::string events;
  if (!c.held_by_pause()) events += 'r';
  if (c.wants_write()) events += 'w';
  size_t qbuf = c.query_buffer_size();
  size_t qbuf_capacity = c.query_buffer_capacity();
  const ReplyBuffer& out = c.output_buffer();
  size_t total = connection_memory(server, c);

  std::string line;
  line.reserve(320);
  auto field = [&line](std::string_view name, std::string_view value) {
    if (!line.empty()) line += ' ';
    line += name;
    line += '=';
    line += value;
  };
  auto number = [&field](std::string_view name, int64_t value) { field(name, std::to_string(value)); };
  number("id", static_cast<int64_t>(c.id()));
  field("addr", c.peer_address());
  field("laddr", c.local_address());
  number("fd", c.fd());
  field("name", c.name);
  number("age", (now_ms - c.created_ms) / 1000);
  number("idle", (now_ms - c.last_interaction_ms) / 1000);
  field("flags", flags);
  number("db", c.db_index);
  number("sub", c.subscribed_channels);
  number("psub", c.subscribed_patterns);
  number("ssub", c.subscribed_shard_channels);
  size_t queued = running ? *running : transactions.queued_count(c);
  number("multi", in_multi ? static_cast<int64_t>(queued) : -1);
  number("qbuf", static_cast<int64_t>(qbuf));
  number("qbuf-free", static_cast<int64_t>(qbuf_capacity > qbuf ? qbuf_capacity - qbuf : 0));
  number("argv-mem", static_cast<int64_t>(c.args_memory()));
  number("multi-mem", static_cast<int64_t>(transactions.queued_memory(c)));
  // The fixed reply buffer's size and peak use, the bytes in it, the overflow blocks
  // and their memory (what Redis calls the output buffer's memory: the fixed buffer is
  // not counted in omem).
  number("rbs", static_cast<int64_t>(out.buffer_size()));
  number("rbp", static_cast<int64_t>(out.peak()));
  number("obl", static_cast<int64_t>(out.buffer_used()));
  number("oll", static_cast<int64_t>(out.block_count()));
  number("omem", static_cast<int64_t>(out.block_memory()));
  number("tot-mem", static_cast<int64_t>(total));
  field("events", events);
  field("cmd", current ? *current : c.last_command);
  field("user", c.user);
  number("redir", tracking == nullptr ? -1 : static_cast<int64_t>(tracking->redirect));
  number("resp", c.reply().protocol());
  field("lib-name", c.lib_name);
  field("lib-ver", c.lib_version);
  line += '\n';
  return line;
}

}  // namespace corvid
