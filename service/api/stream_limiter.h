#ifndef TRIBUTARY_SERVICE_API_STREAM_LIMITER_H_
#define TRIBUTARY_SERVICE_API_STREAM_LIMITER_H_

#include <atomic>

#include "service/metrics/metrics.h"

namespace tributary::api {

// Admits at most `max_streams` GetBlob streams at once, so a burst of pulls
// meets RESOURCE_EXHAUSTED instead of exhausting memory. Thread-safe.
class StreamLimiter {
 public:
  StreamLimiter(int max_streams, metrics::Metrics& metrics)
      : max_streams_(max_streams), metrics_(metrics) {}

  bool TryAcquire();
  void Release();
  int max_streams() const { return max_streams_; }

 private:
  const int max_streams_;
  metrics::Metrics& metrics_;
  std::atomic<int> open_ = 0;
};

}  // namespace tributary::api

#endif  // TRIBUTARY_SERVICE_API_STREAM_LIMITER_H_
