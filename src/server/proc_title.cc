#include "server/proc_title.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "server/config.h"

extern char** environ;

namespace corvid {

namespace {

char* title_area = nullptr;  // argv[0]'s bytes, then the rest of argv and environ's strings
size_t title_capacity = 0;
std::string started_as;

}  // namespace

void init_proc_title(int argc, char** argv) {
  if (argc == 0 || argv[0] == nullptr) return;
  started_as = argv[0];
  // The strings lie one after the other: argv's, then environ's. The title may use them
  // all once the environment has copies of its own.
  char* end = argv[0] + std::strlen(argv[0]) + 1;
  for (int i = 1; i < argc; ++i) {
    if (argv[i] == end) end = argv[i] + std::strlen(argv[i]) + 1;
  }
  size_t env_count = 0;
  while (environ != nullptr && environ[env_count] != nullptr) ++env_count;
  char** moved = static_cast<char**>(std::calloc(env_count + 1, sizeof(char*)));
  if (moved != nullptr) {
    for (size_t i = 0; i < env_count; ++i) {
      if (environ[i] == end) end = environ[i] + std::strlen(environ[i]) + 1;
      moved[i] = strdup(environ[i]);
    }
    environ = moved;
  }
  title_area = argv[0];
  title_capacity = static_cast<size_t>(end - argv[0]);
}

std::string expand_proc_title(const std::string& tmpl, const Config& config) {
  std::string listen_addr;
  if (config.port != 0 || config.tls_port != 0) {
    int port = config.port != 0 ? config.port : config.tls_port;
    listen_addr = (config.bind.empty() ? std::string("*") : config.bind.front()) + ":" + std::to_string(port);
  } else {
    listen_addr = "unixsocket:" + config.unixsocket;
  }
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    const char c = tmpl[i];
    if (c == '{' && i + 1 < tmpl.size() && tmpl[i + 1] == '{') {
      out += c;
      ++i;
      continue;
    }
    const size_t close = c == '{' ? tmpl.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out += c;
      continue;
    }
    const std::string name = tmpl.substr(i + 1, close - i - 1);
    if (name == "title") out += started_as;
    else if (name == "listen-addr") out += listen_addr;
    else if (name == "port") out += std::to_string(config.port);
    else if (name == "tls-port") out += std::to_string(config.tls_port);
    else if (name == "unixsocket") out += config.unixsocket;
    else if (name == "config-file") out += config.config_file;
    // server-mode: empty
    i = close;
  }
  const size_t first = out.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

void update_proc_title(const Config& config) {
  if (!config.set_proc_title || title_area == nullptr || title_capacity == 0) return;
  const std::string title = expand_proc_title(config.proc_title_template, config);
  const size_t n = std::min(title.size(), title_capacity - 1);
  std::memcpy(title_area, title.data(), n);
  std::memset(title_area + n, 0, title_capacity - n);
}

}  // namespace corvid
