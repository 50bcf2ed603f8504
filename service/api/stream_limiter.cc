#include "service/api/stream_limiter.h"

namespace tributary::api {

bool StreamLimiter::TryAcquire() {
  int open = open_.load();
  do {
    if (open >= max_streams_) {
      metrics_.RecordBlobStreamRejected();
      return false;
    }
  } while (!open_.compare_exchange_weak(open, open + 1));
  metrics_.RecordBlobStreamsActive(open + 1);
  return true;
}

void StreamLimiter::Release() {
  metrics_.RecordBlobStreamsActive(open_.fetch_sub(1) - 1);
}

}  // namespace tributary::api
