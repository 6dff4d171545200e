#pragma once
// Process-wide settings applied at start-up (and, where Redis allows it, on CONFIG SET):
// disable-thp, jemalloc-bg-thread and always-show-logo.

namespace corvid {

struct Config;

// disable-thp: when the kernel's transparent huge pages are "always" on, turns them off
// for this process (PR_SET_THP_DISABLE), as Redis does: huge pages make copy-on-write
// and fork latency worse and inflate memory. Returns whether it did.
bool apply_thp_setting(const Config& config);

// jemalloc-bg-thread: jemalloc's background purging threads on or off. False when the
// server is not linked with jemalloc (the sanitizer build), where the setting has no
// allocator to act on.
bool apply_jemalloc_background_thread(bool enabled);

// always-show-logo: a banner in the log at start-up (Corvid's own, naming the version, the
// port and the pid), shown anyway when the log is a terminal, as Redis shows its logo.
void show_logo_if_wanted(const Config& config);

}  // namespace corvid
