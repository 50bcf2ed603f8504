#include "client/frontend/live_calls.h"

#include <vector>

namespace tributary::frontend {

void LiveCalls::Add(const std::shared_ptr<Call>& call) {
  bool cancelled = false;
  {
    absl::MutexLock lock(&mutex_);
    calls_.emplace(call.get(), call);
    cancelled = cancelled_;
  }
  if (cancelled) {
    call->Cancel();
  }
}

void LiveCalls::Remove(const Call* call) {
  absl::MutexLock lock(&mutex_);
  calls_.erase(call);
}

void LiveCalls::CancelAll() {
  std::vector<std::shared_ptr<Call>> live;
  {
    absl::MutexLock lock(&mutex_);
    cancelled_ = true;
    for (const auto& [key, weak] : calls_) {
      if (std::shared_ptr<Call> call = weak.lock()) {
        live.push_back(std::move(call));
      }
    }
  }
  for (const std::shared_ptr<Call>& call : live) {
    call->Cancel();
  }
}

void LiveCalls::AwaitNone() {
  absl::MutexLock lock(&mutex_);
  auto none = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return calls_.empty();
  };
  mutex_.Await(absl::Condition(&none));
}

}  // namespace tributary::frontend
