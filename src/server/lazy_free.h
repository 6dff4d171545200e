#pragma once
// A background thread that frees large values and whole detached keyspaces, so that
// UNLINK and FLUSHALL ASYNC never make the executor thread wait on free().

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace corvid {

class LazyFreer {
 public:
  LazyFreer();
  ~LazyFreer();  // finishes pending work, then joins
  LazyFreer(const LazyFreer&) = delete;
  LazyFreer& operator=(const LazyFreer&) = delete;

  // `objects` is how many objects (values, or keys of a flushed database) the job frees,
  // for INFO's lazyfree_pending_objects and lazyfreed_objects.
  void submit(std::function<void()> job, uint64_t objects);
  uint64_t pending_objects() const { return pending_objects_.load(std::memory_order_relaxed); }
  uint64_t freed_objects() const { return freed_objects_.load(std::memory_order_relaxed); }
  // Blocks until every job submitted so far has run (tests, SHUTDOWN).
  void drain();

 private:
  void run();
  void run_jobs();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::pair<std::function<void()>, uint64_t>> jobs_;
  bool stopping_ = false;
  bool busy_ = false;
  std::atomic<uint64_t> pending_objects_{0};
  std::atomic<uint64_t> freed_objects_{0};
  std::thread thread_;
};

}  // namespace corvid
