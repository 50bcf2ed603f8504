#ifndef TRIBUTARY_CLIENT_FRONTEND_LIVE_CALLS_H_
#define TRIBUTARY_CLIENT_FRONTEND_LIVE_CALLS_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace tributary::frontend {

// The gRPC streams in flight, so that shutdown can cancel them all (a blob
// stream may otherwise run for blob_timeout) and wait until each has ended
// before it destroys the sessions they complete. Thread-safe.
class LiveCalls {
 public:
  // A call that can be cancelled from any thread.
  class Call {
   public:
    virtual void Cancel() = 0;

   protected:
    ~Call() = default;
  };

  // Holds `call` weakly: it stays owned by its reader and by gRPC until its
  // end, when it removes itself.
  void Add(const std::shared_ptr<Call>& call) ABSL_LOCKS_EXCLUDED(mutex_);
  void Remove(const Call* call) ABSL_LOCKS_EXCLUDED(mutex_);
  // Cancels every call in flight and every call added from now on. Cancel
  // runs outside the lock: gRPC may end a call inline, and its end removes it.
  void CancelAll() ABSL_LOCKS_EXCLUDED(mutex_);
  // Blocks until every call added has been removed.
  void AwaitNone() ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  absl::Mutex mutex_;
  absl::flat_hash_map<const Call*, std::weak_ptr<Call>> calls_
      ABSL_GUARDED_BY(mutex_);
  bool cancelled_ ABSL_GUARDED_BY(mutex_) = false;
};

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_LIVE_CALLS_H_
