#include "client/frontend/download_slots.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/this_coro.hpp"
#include "boost/asio/use_awaitable.hpp"

namespace tributary::frontend {

namespace asio = boost::asio;

asio::awaitable<std::optional<DownloadSlots::Slot>> DownloadSlots::Acquire(
    absl::Duration timeout) {
  auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  {
    absl::MutexLock lock(&mu_);
    if (in_use_ < slots_ && waiting_.empty()) {
      ++in_use_;
      ReportLocked();
      co_return Slot(this);
    }
    waiting_.push_back(waiter);
    ReportLocked();
  }
  waiter->timer.expires_after(absl::ToChronoNanoseconds(timeout));
  // Ends at the timeout, when Release passes the slot over (it cancels the
  // timer) or when the awaiting operation is cancelled.
  co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  {
    absl::MutexLock lock(&mu_);
    if (waiter->granted) {
      co_return Slot(this);
    }
    waiting_.erase(std::find(waiting_.begin(), waiting_.end(), waiter));
    ReportLocked();
  }
  co_return std::nullopt;
}

void DownloadSlots::Release() {
  WaiterPtr next;
  {
    absl::MutexLock lock(&mu_);
    if (waiting_.empty()) {
      --in_use_;
      ReportLocked();
      return;
    }
    // The slot passes to the first waiter: in_use_ stays.
    next = std::move(waiting_.front());
    waiting_.pop_front();
    next->granted = true;
    ReportLocked();
  }
  // The timer belongs to the waiting coroutine's executor: touched there only.
  asio::post(next->timer.get_executor(), [next] { next->timer.cancel(); });
}

void DownloadSlots::ReportLocked() const {
  if (observer_) {
    observer_(in_use_, static_cast<int>(waiting_.size()));
  }
}

int DownloadSlots::in_use() const {
  absl::MutexLock lock(&mu_);
  return in_use_;
}

int DownloadSlots::waiting() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(waiting_.size());
}

}  // namespace tributary::frontend
