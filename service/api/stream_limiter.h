#ifndef TRIBUTARY_SERVICE_API_STREAM_LIMITER_H_
#define TRIBUTARY_SERVICE_API_STREAM_LIMITER_H_

#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "service/metrics/metrics.h"

namespace tributary::api {

// The peer a gRPC call came from without its port ("ipv4:10.0.0.7",
// "ipv6:[::1]", "unix:/run/tributary/grpc.sock"): one client opening many
// connections is still one peer.
std::string PeerAddress(std::string_view grpc_peer);

// Admits at most `max_streams` GetBlob streams at once, and at most
// `max_per_peer` from one peer, so a burst of pulls (or one greedy caller)
// meets RESOURCE_EXHAUSTED instead of exhausting memory and every slot.
// Thread-safe.
class StreamLimiter {
 public:
  StreamLimiter(int max_streams, int max_per_peer, metrics::Metrics& metrics)
      : max_streams_(max_streams),
        max_per_peer_(max_per_peer),
        metrics_(metrics) {}

  // Admits a stream from `peer` (a PeerAddress), or RESOURCE_EXHAUSTED naming
  // the limit it would break.
  absl::Status TryAcquire(const std::string& peer) ABSL_LOCKS_EXCLUDED(mu_);
  // Ends a stream TryAcquire admitted.
  void Release(const std::string& peer) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const int max_streams_;
  const int max_per_peer_;
  metrics::Metrics& metrics_;
  absl::Mutex mu_;
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  // Peers with streams open; a peer's entry goes with its last stream.
  absl::flat_hash_map<std::string, int> per_peer_ ABSL_GUARDED_BY(mu_);
};

// Admits at most `max_calls` unary calls at once (limits.max_unary_calls).
// Thread-safe.
class CallLimiter {
 public:
  explicit CallLimiter(int max_calls) : max_calls_(max_calls) {}
  bool TryAcquire();
  void Release() { open_.fetch_sub(1); }
  int max_calls() const { return max_calls_; }

 private:
  const int max_calls_;
  std::atomic<int> open_ = 0;
};

}  // namespace tributary::api

#endif  // TRIBUTARY_SERVICE_API_STREAM_LIMITER_H_
