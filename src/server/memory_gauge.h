#pragma once
// Used memory, cheaply enough to ask before every command (maxmemory), and the same
// figure INFO reports as used_memory.
//
// With jemalloc the figure is kept from per-thread counters: every thread that allocates
// or frees server data (the executor, the lazy freer) attaches itself, and reading is a
// few loads. Other allocators are asked directly (the sanitizer's runtime in test
// builds, glibc's mallinfo2 elsewhere), which is slower but exact.

#include <cstdint>

namespace corvid::memory_gauge {

// Counts the calling thread's allocations from now on. Detach before the thread ends.
void attach_thread();
void detach_thread();

// Bytes allocated and not yet freed, by the whole process.
uint64_t used();

// The highest figure seen by note_peak since start-up or reset_peak (the server notes
// it in its cron and in INFO, as Redis does).
void note_peak(uint64_t used_now);
uint64_t peak();
void reset_peak();

}  // namespace corvid::memory_gauge
