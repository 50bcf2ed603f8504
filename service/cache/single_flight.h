#ifndef TRIBUTARY_SERVICE_CACHE_SINGLE_FLIGHT_H_
#define TRIBUTARY_SERVICE_CACHE_SINGLE_FLIGHT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "service/util/cancel_signal.h"

namespace tributary::cache {

// Request coalescing: identical requests in flight at the same time share one
// piece of work. The first caller of Join for a key is the leader and starts
// the work; later callers only wait. Complete hands the one result to every
// waiter and forgets the key, so the next Join leads again.
//
// The work belongs to whoever still waits for it: a waiter may Leave (its
// caller cancelled), and when the last one leaves the key is forgotten (the
// next Join leads afresh) and the work's cancel signal fires, so nobody's
// upstream requests go on for nothing. A waiter that never leaves (a
// background refresh) keeps the work going.
//
// Waiters run on the thread that calls Complete, outside the lock, in the
// order they joined; each waiter runs exactly once, from Complete or handed
// back by Leave. Thread-safe.
template <class R>
class SingleFlight {
 public:
  using Waiter = std::function<void(const R&)>;

  struct Joined {
    bool leader = false;
    uint64_t flight = 0;  // which work: for Complete
    uint64_t waiter = 0;  // who joined: for Leave
    // Fires when the last waiter left; the leader hands it to the work.
    std::shared_ptr<util::CancelSignal> cancel;
  };

  // Adds `waiter` under `key`; the leader must start the work and later call
  // Complete(key, joined.flight, ...).
  Joined Join(const std::string& key, Waiter waiter) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    auto [it, leader] = flights_.try_emplace(key);
    Flight& flight = it->second;
    if (leader) {
      flight.id = next_id_++;
      flight.cancel = std::make_shared<util::CancelSignal>();
    }
    const uint64_t id = next_id_++;
    flight.waiters.emplace_back(id, std::move(waiter));
    return Joined{leader, flight.id, id, flight.cancel};
  }

  // Hands the result to the waiters of `flight`; a flight every waiter left
  // (and a later one under the same key) is not touched.
  void Complete(const std::string& key, uint64_t flight, const R& result)
      ABSL_LOCKS_EXCLUDED(mu_) {
    std::vector<std::pair<uint64_t, Waiter>> waiters;
    {
      absl::MutexLock lock(&mu_);
      auto it = flights_.find(key);
      if (it == flights_.end() || it->second.id != flight) {
        return;
      }
      waiters = std::move(it->second.waiters);
      flights_.erase(it);
    }
    for (auto& [id, waiter] : waiters) {
      waiter(result);
    }
  }

  // Takes `waiter` out of `key`'s flight and returns it, for the caller to
  // answer itself; nullopt when the flight already completed (the waiter ran
  // or runs). The last waiter leaving cancels the work.
  std::optional<Waiter> Leave(const std::string& key, uint64_t waiter)
      ABSL_LOCKS_EXCLUDED(mu_) {
    std::optional<Waiter> left;
    std::shared_ptr<util::CancelSignal> abandoned;
    {
      absl::MutexLock lock(&mu_);
      auto it = flights_.find(key);
      if (it == flights_.end()) {
        return std::nullopt;
      }
      auto& waiters = it->second.waiters;
      for (auto w = waiters.begin(); w != waiters.end(); ++w) {
        if (w->first == waiter) {
          left = std::move(w->second);
          waiters.erase(w);
          break;
        }
      }
      if (left.has_value() && waiters.empty()) {
        abandoned = std::move(it->second.cancel);
        flights_.erase(it);
      }
    }
    if (abandoned != nullptr) {
      abandoned->Cancel();
    }
    return left;
  }

  // Keys with work in flight.
  int in_flight() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(flights_.size());
  }

 private:
  struct Flight {
    uint64_t id = 0;
    std::vector<std::pair<uint64_t, Waiter>> waiters;
    std::shared_ptr<util::CancelSignal> cancel;
  };

  mutable absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  absl::flat_hash_map<std::string, Flight> flights_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tributary::cache

#endif  // TRIBUTARY_SERVICE_CACHE_SINGLE_FLIGHT_H_
