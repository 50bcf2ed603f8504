#include "service/api/write_stall_watch.h"

#include <algorithm>

namespace tributary::api {

WriteStallWatch::WriteStallWatch(absl::Duration stall)
    : stall_(stall), thread_([this] { Run(); }) {}

WriteStallWatch::~WriteStallWatch() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void WriteStallWatch::Add(Stream* stream) {
  absl::MutexLock lock(&mu_);
  streams_.insert(stream);
}

void WriteStallWatch::Remove(Stream* stream) {
  absl::MutexLock lock(&mu_);
  streams_.erase(stream);
}

void WriteStallWatch::Run() {
  // Often enough that a stall is noticed within a quarter of its length.
  const absl::Duration period =
      std::clamp(stall_ / 4, absl::Milliseconds(10), absl::Seconds(1));
  absl::MutexLock lock(&mu_);
  while (true) {
    const bool stopping = mu_.AwaitWithTimeout(
        absl::Condition(
            +[](bool* stopping) { return *stopping; }, &stopping_),
        period);
    if (stopping) {
      return;
    }
    const int64_t now = MonotonicNanos();
    const int64_t limit = absl::ToInt64Nanoseconds(stall_);
    for (Stream* stream : streams_) {
      const int64_t since = stream->since_;
      // Under the lock: Remove (from the call's OnDone) waits, so the stream
      // and its call are alive while cancelled. TryCancel only schedules the
      // call's callbacks (OnCancel, OnDone run on gRPC's threads, never
      // inline here), so Remove cannot run on this thread.
      if (since != 0 && now - since > limit && !stream->stalled_) {
        stream->stalled_ = true;
        stream->cancel_();
      }
    }
  }
}

}  // namespace tributary::api
