#ifndef TRIBUTARY_SERVICE_UTIL_CANCEL_SIGNAL_H_
#define TRIBUTARY_SERVICE_UTIL_CANCEL_SIGNAL_H_

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace tributary::util {

// A one-shot cancel that crosses layers without Asio or gRPC: api/ fires it
// when a caller cancels (or its deadline passes), the cache and the fan-out
// subscribe to stop work nobody waits for any more. Callbacks run once, on the
// thread that calls Cancel, outside the lock; one subscribed after the cancel
// runs at once on the subscribing thread. Thread-safe; shared (shared_ptr) by
// everyone who holds a subscription.
class CancelSignal {
 public:
  using Callback = std::function<void()>;

  CancelSignal() = default;
  CancelSignal(const CancelSignal&) = delete;
  CancelSignal& operator=(const CancelSignal&) = delete;

  // Returns an id for Unsubscribe; 0 when the signal had already fired (the
  // callback has then run).
  uint64_t Subscribe(Callback callback) ABSL_LOCKS_EXCLUDED(mu_);
  // Forgets a callback that has not run. One already running on another
  // thread may still be running when this returns: it must not rely on the
  // subscriber being alive (capture what it needs by shared_ptr).
  void Unsubscribe(uint64_t id) ABSL_LOCKS_EXCLUDED(mu_);
  // Idempotent: only the first call runs the callbacks.
  void Cancel() ABSL_LOCKS_EXCLUDED(mu_);
  bool cancelled() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::vector<std::pair<uint64_t, Callback>> callbacks_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tributary::util

#endif  // TRIBUTARY_SERVICE_UTIL_CANCEL_SIGNAL_H_
