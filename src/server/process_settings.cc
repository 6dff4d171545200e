#include "server/process_settings.h"

#include <sys/prctl.h>
#include <unistd.h>

#include <cstddef>
#include <fstream>
#include <string>

#include "server/config.h"
#include "server/jemalloc_ctl.h"
#include "server/log.h"

namespace corvid {

namespace {

bool transparent_huge_pages_always() {
  std::ifstream setting("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string text;
  std::getline(setting, text);
  return text.find("[always]") != std::string::npos;
}

}  // namespace

bool apply_thp_setting(const Config& config) {
  if (!config.disable_thp || !transparent_huge_pages_always()) return false;
  return prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0;
}

bool apply_jemalloc_background_thread(bool enabled) {
#if defined(CORVID_JEMALLOC)
  if (mallctl == nullptr) return false;
  bool value = enabled;
  return mallctl("background_thread", nullptr, nullptr, &value, sizeof value) == 0;
#else
  (void)enabled;
  return false;
#endif
}

void show_logo_if_wanted(const Config& config) {
  const bool terminal = config.logfile.empty() && isatty(STDOUT_FILENO);
  if (!config.always_show_logo && !terminal) return;
  const std::string port = config.port != 0 ? std::to_string(config.port) : config.unixsocket;
  log_notice("");
  log_notice("   ___              _    _");
  log_notice("  / __|___ _ ___ __(_)__| |   Corvid " + std::string(CORVID_VERSION) + " (Redis 7.0 compatible)");
  log_notice(" | (__/ _ \\ '_\\ V /| / _` |   Port: " + port);
  log_notice("  \\___\\___/_|  \\_/ |_\\__,_|   PID: " + std::to_string(getpid()));
  log_notice("");
}

}  // namespace corvid
