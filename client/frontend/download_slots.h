#ifndef TRIBUTARY_CLIENT_FRONTEND_DOWNLOAD_SLOTS_H_
#define TRIBUTARY_CLIENT_FRONTEND_DOWNLOAD_SLOTS_H_

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/steady_timer.hpp"

namespace tributary::frontend {

// At most `slots` blob downloads stream at once; the next ones wait for a
// slot, first come first served, up to a timeout. Each download holds a few
// MiB of gRPC receive buffers while its client reads slowly, so this is what
// bounds the frontend's memory (deploy/k8s/base/deployment.yaml budgets it);
// Tributary's own per-peer cap is far above what the frontend's memory
// limit allows. Thread-safe.
class DownloadSlots {
 public:
  // Told (streaming, waiting) after every change, under the lock, so in
  // order: for gauges. May be empty.
  using Observer = std::function<void(int streaming, int waiting)>;
  explicit DownloadSlots(int slots, Observer observer = nullptr)
      : slots_(slots), observer_(std::move(observer)) {}
  DownloadSlots(const DownloadSlots&) = delete;
  DownloadSlots& operator=(const DownloadSlots&) = delete;

  // A slot held; given back (to the first waiter, if any) when destroyed.
  class Slot {
   public:
    explicit Slot(DownloadSlots* owner) : owner_(owner) {}
    Slot(Slot&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)) {}
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot() {
      if (owner_ != nullptr) {
        owner_->Release();
      }
    }

   private:
    DownloadSlots* owner_;
  };

  // A slot, or nullopt when none came free within `timeout` (or the waiting
  // operation was cancelled).
  boost::asio::awaitable<std::optional<Slot>> Acquire(absl::Duration timeout)
      ABSL_LOCKS_EXCLUDED(mu_);

  int in_use() const ABSL_LOCKS_EXCLUDED(mu_);
  int waiting() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Waiter {
    explicit Waiter(boost::asio::any_io_executor executor)
        : timer(std::move(executor)) {}
    boost::asio::steady_timer timer;
    bool granted = false;  // under mu_: the slot passed to this waiter
  };
  using WaiterPtr = std::shared_ptr<Waiter>;

  void Release() ABSL_LOCKS_EXCLUDED(mu_);
  void ReportLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int slots_;
  const Observer observer_;
  mutable absl::Mutex mu_;
  int in_use_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<WaiterPtr> waiting_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_DOWNLOAD_SLOTS_H_
