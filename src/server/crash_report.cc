#include "server/crash_report.h"

#include <execinfo.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "server/client_info.h"
#include "server/config.h"
#include "net/connection.h"
#include "server/info.h"
#include "server/log.h"
#include "server/server.h"

namespace corvid {

namespace {

Server* crashed_server = nullptr;
constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

void log_stack_trace() {
  void* frames[100];
  const int depth = backtrace(frames, 100);
  char** symbols = backtrace_symbols(frames, depth);
  if (symbols == nullptr) return;
  for (int i = 0; i < depth; ++i) log_warning(symbols[i]);
  std::free(symbols);
}

void log_current_client(Server& server) {
  const auto running = server.running_command();
  if (running.client == nullptr) {
    log_warning("(no command was running)");
    return;
  }
  log_warning("client: " + client_info_line(server, *running.client, 0, nullptr));
  for (size_t i = 0; i < running.args.size(); ++i) {
    log_warning("argv[" + std::to_string(i) + "]: '" + std::string(running.args[i]) + "'");
  }
}

void report(int signal_number, const siginfo_t* info) {
  Server& server = *crashed_server;
  log_warning("");
  log_warning("=== CORVID CRASH REPORT: please include everything down to its end marker ===");
  log_warning(std::string("Corvid ") + CORVID_VERSION + " crashed by signal: " + std::to_string(signal_number) +
              " (" + strsignal(signal_number) + "), si_code: " + std::to_string(info->si_code));
  if (signal_number == SIGSEGV || signal_number == SIGBUS) {
    char address[64];
    std::snprintf(address, sizeof address, "Accessing address: %p", info->si_addr);
    log_warning(address);
  }
  log_warning("------ STACK TRACE ------");
  log_stack_trace();
  log_warning("------ INFO OUTPUT ------");
  const std::string_view all[] = {"all"};
  log_warning_lines(build_info(server, all));
  log_warning("------ CLIENT LIST OUTPUT ------");
  for (const auto& [id, client] : server.clients()) log_warning(client_info_line(server, *client, 0, nullptr));
  log_warning("------ CURRENT CLIENT INFO ------");
  log_current_client(server);
  if (server.config().crash_memcheck_enabled) {
    log_warning("------ FAST MEMORY TEST ------");
    const unsigned long bad = test_process_memory();
    log_warning(bad == 0 ? std::string("Fast memory test PASSED, however your memory can still be broken.")
                         : "Fast memory test FAILED: " + std::to_string(bad) + " words did not hold a pattern.");
  }
  log_warning("=== CORVID CRASH REPORT END ===");
}

void on_fatal_signal(int signal_number, siginfo_t* info, void*) {
  // SA_RESETHAND has already restored the default action: a fault inside the report ends
  // the process at once instead of looping here.
  if (crashed_server != nullptr && crashed_server->config().crash_log_enabled) report(signal_number, info);
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

}  // namespace

void install_crash_handler(Server& server) {
  crashed_server = &server;
  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
  action.sa_sigaction = on_fatal_signal;
  for (int signal_number : kFatalSignals) sigaction(signal_number, &action, nullptr);
}

// Not instrumented: under AddressSanitizer these words include redzones and shadow
// memory, which the test may touch and the sanitizer would report.
__attribute__((no_sanitize("address"))) unsigned long test_process_memory() {
  FILE* maps = std::fopen("/proc/self/maps", "r");
  if (maps == nullptr) return 0;
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  static unsigned char resident[4096];  // one byte per page of a chunk of a mapping
  unsigned long bad = 0;
  char line[1024];
  while (std::fgets(line, sizeof line, maps) != nullptr) {
    uintptr_t start = 0, end = 0;
    char perms[8] = {};
    if (std::sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3) continue;
    // Private read-write mappings only: heap and anonymous memory, not files or devices
    // that writes would reach; not this thread's stack, which the test itself uses.
    if (perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p') continue;
    if (std::strstr(line, "[stack") != nullptr || std::strstr(line, "[vvar") != nullptr) continue;
    // Only pages already resident: testing the rest would commit reserved memory (the
    // allocator's and the sanitizers' reservations run to terabytes).
    for (uintptr_t chunk = start; chunk < end; chunk += page * sizeof resident) {
      const uintptr_t chunk_end = std::min(end, chunk + page * sizeof resident);
      if (mincore(reinterpret_cast<void*>(chunk), chunk_end - chunk, resident) != 0) break;
      for (uintptr_t p = chunk; p < chunk_end; p += page) {
        if ((resident[(p - chunk) / page] & 1) == 0) continue;
        for (auto* word = reinterpret_cast<volatile uint64_t*>(p); word < reinterpret_cast<uint64_t*>(p + page);
             ++word) {
          const uint64_t saved = *word;
          *word = UINT64_C(0xaaaaaaaaaaaaaaaa);
          if (*word != UINT64_C(0xaaaaaaaaaaaaaaaa)) ++bad;
          *word = UINT64_C(0x5555555555555555);
          if (*word != UINT64_C(0x5555555555555555)) ++bad;
          *word = saved;
        }
      }
    }
  }
  std::fclose(maps);
  return bad;
}

}  // namespace corvid
