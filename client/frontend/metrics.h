#ifndef TRIBUTARY_CLIENT_FRONTEND_METRICS_H_
#define TRIBUTARY_CLIENT_FRONTEND_METRICS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/frontend/route.h"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace tributary::frontend {

// The frontend's metric families, built once at start:
//
//   tributary_frontend_requests_total{method,route,code}  counter
//   tributary_frontend_request_duration_seconds{route}    histogram
//   tributary_frontend_sent_bytes_total{route}            counter (bodies)
//   tributary_frontend_blob_downloads{state}              gauge: streaming,
//                                                         waiting for a slot
//
// Labels come from closed sets only: method GET/HEAD/other, the route kinds,
// and the HTTP statuses the frontend itself answers with. Never a repository,
// tag, digest or client address. Thread-safe.
class FrontendMetrics {
 public:
  FrontendMetrics();
  ~FrontendMetrics();

  // One finished request: `sent` body bytes, `status` answered (for a
  // connection aborted mid-body, the status that went out).
  void Record(std::string_view method, RouteKind route, int status,
              int64_t sent, absl::Duration duration)
      ABSL_LOCKS_EXCLUDED(mutex_);

  // Blob downloads holding a slot and waiting for one (DownloadSlots).
  void SetBlobDownloads(int streaming, int waiting);

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

 private:
  using Key = std::tuple<int, int, int>;  // method, route, status
  prometheus::Counter& RequestsCounter(int method, RouteKind route, int status)
      ABSL_LOCKS_EXCLUDED(mutex_);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  std::array<prometheus::Histogram*, kRouteKindCount> durations_;
  std::array<prometheus::Counter*, kRouteKindCount> sent_bytes_;
  prometheus::Gauge* downloads_streaming_;
  prometheus::Gauge* downloads_waiting_;
  absl::Mutex mutex_;
  // Family::Add hashes labels under a lock; each label set is added once and
  // its counter kept here.
  absl::flat_hash_map<Key, prometheus::Counter*> requests_by_key_
      ABSL_GUARDED_BY(mutex_);
};

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_METRICS_H_
