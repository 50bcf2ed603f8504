#ifndef TRIBUTARY_SERVICE_CACHE_SINGLE_FLIGHT_H_
#define TRIBUTARY_SERVICE_CACHE_SINGLE_FLIGHT_H_

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace tributary::cache {

// Request coalescing: identical requests in flight at the same time share one
// piece of work. The first caller of Join for a key is the leader and starts
// the work; later callers only wait. Complete hands the one result to every
// waiter and forgets the key, so the next Join leads again.
//
// Waiters run on the thread that calls Complete, outside the lock, in the
// order they joined. A waiter whose caller went away is still called (it
// must cope); it never holds up the others. Thread-safe.
template <class R>
class SingleFlight {
 public:
  using Waiter = std::function<void(const R&)>;

  // Adds `waiter` under `key`; true when the caller is the leader and must
  // start the work and later call Complete(key, ...).
  bool Join(const std::string& key, Waiter waiter) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    auto [it, leader] = waiting_.try_emplace(key);
    it->second.push_back(std::move(waiter));
    return leader;
  }

  void Complete(const std::string& key, const R& result)
      ABSL_LOCKS_EXCLUDED(mu_) {
    std::vector<Waiter> waiters;
    {
      absl::MutexLock lock(&mu_);
      auto it = waiting_.find(key);
      if (it == waiting_.end()) {
        return;
      }
      waiters = std::move(it->second);
      waiting_.erase(it);
    }
    for (Waiter& waiter : waiters) {
      waiter(result);
    }
  }

  // Keys with work in flight.
  int in_flight() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(waiting_.size());
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::vector<Waiter>> waiting_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace tributary::cache

#endif  // TRIBUTARY_SERVICE_CACHE_SINGLE_FLIGHT_H_
