#include "server/lazy_free.h"

#include "server/memory_gauge.h"

namespace corvid {

LazyFreer::LazyFreer() : thread_([this] { run(); }) {}

LazyFreer::~LazyFreer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void LazyFreer::submit(std::function<void()> job, uint64_t objects) {
  pending_objects_.fetch_add(objects, std::memory_order_relaxed);
  {
    std::lock_guard lock(mutex_);
    jobs_.emplace_back(std::move(job), objects);
  }
  wake_.notify_one();
}

void LazyFreer::drain() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return jobs_.empty() && !busy_; });
}

void LazyFreer::run() {
  // What this thread frees must leave the used-memory figure.
  memory_gauge::attach_thread();
  run_jobs();
  memory_gauge::detach_thread();
}

void LazyFreer::run_jobs() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, nothing left
    auto [job, objects] = std::move(jobs_.front());
    jobs_.pop_front();
    busy_ = true;
    lock.unlock();
    job();
    pending_objects_.fetch_sub(objects, std::memory_order_relaxed);
    freed_objects_.fetch_add(objects, std::memory_order_relaxed);
    lock.lock();
    busy_ = false;
    if (jobs_.empty()) idle_.notify_all();
  }
}

}  // namespace corvid
