#include "server/memory_gauge.h"

#include <malloc.h>

#include <array>
#include <atomic>
#include <mutex>

#if defined(__SANITIZE_ADDRESS__)
#define CORVID_GAUGE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CORVID_GAUGE_ASAN 1
#endif
#endif

#if defined(CORVID_GAUGE_ASAN)
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

#if defined(CORVID_JEMALLOC)
// Weak: binaries linking the library without jemalloc (unit tests) fall back.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));
#endif

namespace corvid::memory_gauge {

namespace {

#if defined(CORVID_JEMALLOC) && !defined(CORVID_GAUGE_ASAN)
// jemalloc keeps, per thread, the bytes it has ever allocated and freed; the counters
// live in the thread's own storage and only that thread writes them.
struct ThreadCounters {
  std::atomic<const uint64_t*> allocated{nullptr};
  std::atomic<const uint64_t*> deallocated{nullptr};
};
constexpr size_t kMaxThreads = 8;
std::array<ThreadCounters, kMaxThreads> threads;
std::mutex attach_mutex;
std::atomic<bool> counting{false};
// Bytes held before counting started, and by threads that have detached since.
std::atomic<int64_t> offset{0};
thread_local int my_slot = -1;

uint64_t read_counter(const uint64_t* counter) { return __atomic_load_n(counter, __ATOMIC_RELAXED); }

int64_t counted_by_threads() {
  int64_t total = 0;
  for (const ThreadCounters& t : threads) {
    const uint64_t* allocated = t.allocated.load(std::memory_order_acquire);
    const uint64_t* deallocated = t.deallocated.load(std::memory_order_acquire);
    if (allocated == nullptr || deallocated == nullptr) continue;
    total += static_cast<int64_t>(read_counter(allocated) - read_counter(deallocated));
  }
  return total;
}

uint64_t allocator_statistic() {
  uint64_t epoch = 1;
  size_t length = sizeof epoch;
  mallctl("epoch", &epoch, &length, &epoch, length);
  size_t value = 0;
  size_t size = sizeof value;
  return mallctl("stats.allocated", &value, &size, nullptr, 0) == 0 ? value : 0;
}
#endif

}  // namespace

void attach_thread() {
#if defined(CORVID_JEMALLOC) && !defined(CORVID_GAUGE_ASAN)
  if (mallctl == nullptr || my_slot >= 0) return;
  uint64_t* allocated = nullptr;
  uint64_t* deallocated = nullptr;
  size_t size = sizeof allocated;
  if (mallctl("thread.allocatedp", &allocated, &size, nullptr, 0) != 0) return;
  size = sizeof deallocated;
  if (mallctl("thread.deallocatedp", &deallocated, &size, nullptr, 0) != 0) return;
  std::lock_guard lock(attach_mutex);
  for (size_t i = 0; i < kMaxThreads; ++i) {
    if (threads[i].allocated.load() != nullptr) continue;
    if (!counting.load()) {
      // The first thread: what the process holds now, less what this thread's counters
      // will keep counting, is the starting point.
      offset.store(static_cast<int64_t>(allocator_statistic()) -
                   static_cast<int64_t>(read_counter(allocated) - read_counter(deallocated)));
    } else {
      // A later thread has allocated a little already, which the statistic counted.
      offset.fetch_sub(static_cast<int64_t>(read_counter(allocated) - read_counter(deallocated)));
    }
    threads[i].allocated.store(allocated, std::memory_order_release);
    threads[i].deallocated.store(deallocated, std::memory_order_release);
    my_slot = static_cast<int>(i);
    counting.store(true);
    return;
  }
#endif
}

void detach_thread() {
#if defined(CORVID_JEMALLOC) && !defined(CORVID_GAUGE_ASAN)
  if (my_slot < 0) return;
  std::lock_guard lock(attach_mutex);
  ThreadCounters& t = threads[static_cast<size_t>(my_slot)];
  // What the thread leaves allocated (or freed of others' memory) stays in the figure.
  offset.fetch_add(static_cast<int64_t>(read_counter(t.allocated.load()) - read_counter(t.deallocated.load())));
  t.allocated.store(nullptr);
  t.deallocated.store(nullptr);
  my_slot = -1;
#endif
}

namespace {
std::atomic<uint64_t> highest{0};
}  // namespace

void note_peak(uint64_t used_now) {
  uint64_t seen = highest.load(std::memory_order_relaxed);
  while (used_now > seen && !highest.compare_exchange_weak(seen, used_now, std::memory_order_relaxed)) {
  }
}

uint64_t peak() { return highest.load(std::memory_order_relaxed); }

void reset_peak() { highest.store(used(), std::memory_order_relaxed); }

uint64_t used() {
#if defined(CORVID_GAUGE_ASAN)
  return __sanitizer_get_current_allocated_bytes();
#else
#if defined(CORVID_JEMALLOC)
  if (counting.load(std::memory_order_relaxed)) {
    int64_t total = offset.load(std::memory_order_relaxed) + counted_by_threads();
    return total > 0 ? static_cast<uint64_t>(total) : 0;
  }
  if (mallctl != nullptr) return allocator_statistic();
#endif
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#endif
}

}  // namespace corvid::memory_gauge
