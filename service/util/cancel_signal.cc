#include "service/util/cancel_signal.h"

#include <algorithm>

namespace tributary::util {

uint64_t CancelSignal::Subscribe(Callback callback) {
  {
    absl::MutexLock lock(&mu_);
    if (!cancelled_) {
      const uint64_t id = next_id_++;
      callbacks_.emplace_back(id, std::move(callback));
      return id;
    }
  }
  callback();
  return 0;
}

void CancelSignal::Unsubscribe(uint64_t id) {
  absl::MutexLock lock(&mu_);
  std::erase_if(callbacks_,
                [id](const auto& entry) { return entry.first == id; });
}

void CancelSignal::Cancel() {
  std::vector<std::pair<uint64_t, Callback>> callbacks;
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) {
      return;
    }
    cancelled_ = true;
    callbacks.swap(callbacks_);
  }
  for (auto& [id, callback] : callbacks) {
    callback();
  }
}

bool CancelSignal::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

}  // namespace tributary::util
