#pragma once
// One line of CLIENT LIST / CLIENT INFO, with Redis 7.0's fields in its order and the
// library attributes Redis 7.2 appends: for the CLIENT commands, and for the verbose log
// line Redis writes when a client closes its connection. `current` is the command the
// caller is running, which Redis shows for the calling client instead of its previous one.
// The line ends with a newline. Also the memory figure of one connection.

#include <cstdint>
#include <string>

namespace corvid {

class Connection;
class Server;

// The memory a connection holds (CLIENT LIST's tot-mem, INFO's mem_clients_normal, what
// maxmemory-clients limits).
uint64_t connection_memory(Server& server, const Connection& c);

std::string client_info_line(Server& server, Connection& c, int64_t now_ms, const std::string* current);

}  // namespace corvid
