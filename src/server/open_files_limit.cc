#include "server/open_files_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "server/log.h"

namespace corvid {

std::optional<uint32_t> fit_open_files_limit(uint32_t maxclients, std::string* fatal) {
  const rlim_t wanted = static_cast<rlim_t>(maxclients) + kReservedDescriptors;
  rlimit current{};
  if (getrlimit(RLIMIT_NOFILE, &current) != 0) {
    log_warning("Unable to obtain the current NOFILE limit (" + std::string(std::strerror(errno)) +
                "), assuming 1024 and setting the max clients configuration accordingly.");
    return 1024 - kReservedDescriptors;
  }
  const rlim_t original = current.rlim_cur;
  if (original >= wanted) return maxclients;
  // Ask for the full amount, then for less in steps, until the system agrees or the
  // limit we already have is reached.
  rlim_t granted = wanted;
  int refusal = 0;
  while (granted > original) {
    rlimit attempt{granted, granted};
    if (setrlimit(RLIMIT_NOFILE, &attempt) == 0) break;
    refusal = errno;
    const rlim_t step = 16;
    granted = granted > original + step ? granted - step : original;
  }
  if (granted >= wanted) {
    log_notice("Increased maximum number of open files to " + std::to_string(wanted) + " (it was originally set to " +
               std::to_string(original) + ").");
    return maxclients;
  }
  if (granted <= kReservedDescriptors) {
    *fatal = "Your current 'ulimit -n' of " + std::to_string(original) +
             " is not enough for the server to start. Please increase your open file limit to at least " +
             std::to_string(wanted) + ". Exiting.";
    return std::nullopt;
  }
  const auto fitting = static_cast<uint32_t>(granted - kReservedDescriptors);
  log_warning("You requested maxclients of " + std::to_string(maxclients) + " requiring at least " +
              std::to_string(wanted) + " max file descriptors.");
  log_warning("Server can't set maximum open files to " + std::to_string(wanted) + " because of OS error: " +
              std::strerror(refusal) + ".");
  log_warning("Current maximum open files is " + std::to_string(granted) + ". maxclients has been reduced to " +
              std::to_string(fitting) + " to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.");
  return fitting;
}

}  // namespace corvid
