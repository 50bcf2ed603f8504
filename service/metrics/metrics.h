#ifndef TRIBUTARY_SERVICE_METRICS_METRICS_H_
#define TRIBUTARY_SERVICE_METRICS_METRICS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
}  // namespace prometheus

namespace tributary::metrics {

// The RPCs Tributary serves; the `method` label.
enum class Rpc {
  kGetManifest,
  kHeadManifest,
  kHeadBlob,
  kGetBlob,
  kListTags,
  kListUpstreams,
  kCount,  // not a value: the number of values above; keep it last
};
inline constexpr int kRpcCount = static_cast<int>(Rpc::kCount);
absl::string_view RpcName(Rpc rpc);

// What one upstream exchange came to; the `outcome` label.
enum class UpstreamOutcome {
  kOk,
  kNotFound,
  kDenied,
  kRateLimited,
  kUnavailable,
  kTimeout,
  kBadContent,
  kError,
  kCount,  // not a value: the number of values above; keep it last
};
inline constexpr int kUpstreamOutcomeCount =
    static_cast<int>(UpstreamOutcome::kCount);
absl::string_view OutcomeName(UpstreamOutcome outcome);
UpstreamOutcome ClassifyOutcome(const absl::Status& status);

// An upstream's circuit breaker state; the `state` label. No kCount sentinel:
// the breaker and the admin API switch over the states without a default, and
// a sentinel would need a case in each. The count follows the last state
// instead; labels.cc checks at compile time that no state comes after it.
enum class BreakerState {
  kClosed,
  kOpen,
  kHalfOpen,  // keep last: kBreakerStateCount follows it
};
inline constexpr int kBreakerStateCount =
    static_cast<int>(BreakerState::kHalfOpen) + 1;
absl::string_view BreakerStateName(BreakerState state);

// Why an upstream exchange was retried; the `reason` label.
enum class RetryReason {
  kConnect,  // connect error, reset or closed connection
  kTimeout,
  kHttp408,
  kHttp429,
  kHttp500,
  kHttp502,
  kHttp503,
  kHttp504,
  kCount,  // not a value: the number of values above; keep it last
};
inline constexpr int kRetryReasonCount = static_cast<int>(RetryReason::kCount);
absl::string_view RetryReasonName(RetryReason reason);

// What the cache holds; the `kind` label of the cache families.
enum class CacheKind {
  kManifest,
  kManifestHead,
  kBlobHead,
  kTags,
  kBlob,
  kCount,  // not a value: the number of values above; keep it last
};
inline constexpr int kCacheKindCount = static_cast<int>(CacheKind::kCount);
absl::string_view CacheKindName(CacheKind kind);

// How the cache answered one request; the `result` label.
enum class CacheResult {
  kHit,           // fresh from the cache
  kStale,         // past its TTL, served while it is refreshed
  kStaleIfError,  // past its TTL, served because every upstream failed
  kNegative,      // a remembered NOT_FOUND
  kMiss,          // started an upstream fetch
  kCoalesced,     // joined an identical fetch already in flight
  kBypass,        // the request asked to skip the cache
  kCount,         // not a value: the number of values above; keep it last
};
inline constexpr int kCacheResultCount = static_cast<int>(CacheResult::kCount);
absl::string_view CacheResultName(CacheResult result);

// Where cached content lives; the `store` label.
enum class CacheStore {
  kMemory,
  kDisk,
  kCount,  // not a value: the number of values above; keep it last
};
inline constexpr int kCacheStoreCount = static_cast<int>(CacheStore::kCount);
absl::string_view CacheStoreName(CacheStore store);

// Where blob bytes sent to a caller came from; the `source` label.
enum class BlobSource {
  kCache,     // the disk store
  kUpstream,  // an upstream transfer, the caller's own or a shared one
  kCount,     // not a value: the number of values above; keep it last
};
inline constexpr int kBlobSourceCount = static_cast<int>(BlobSource::kCount);
absl::string_view BlobSourceName(BlobSource source);

// Every metric family of Tributary, declared here and nowhere else. Label
// values come only from closed enums and configured upstream names — never a
// repository, tag, digest or client address. Every label set is created up
// front, so recording is lock-free. Thread-safe.
//
//   tributary_rpc_requests_total{method,code}       RPCs finished, by gRPC code
//   tributary_rpc_duration_seconds{method}          RPC latency
//   tributary_upstream_requests_total{upstream,outcome}  upstream exchanges
//   tributary_upstream_duration_seconds{upstream}   upstream exchange latency
//   tributary_upstream_retries_total{upstream,reason}    exchanges retried
//   tributary_upstream_breaker_state{upstream,state}     1 for the current
//                                                   circuit state, else 0
//   tributary_upstream_breaker_skips_total{upstream}  calls that skipped the
//                                                   upstream: circuit open
//   tributary_upstream_token_fetches_total{upstream,outcome}  token server
//                                                   answers (not cached ones)
//   tributary_upstream_connection_waits_total{upstream,outcome}  requests
//                                                   that waited for a
//                                                   connection (at
//                                                   max_connections): how they
//                                                   left the queue
//   tributary_upstream_connection_wait_seconds{upstream}  how long they waited
//   tributary_blob_bytes_total                      blob bytes sent to callers
//   tributary_blob_resumes_total                    blob bodies resumed after
//                                                   an upstream failed mid-body
//   tributary_blob_streams_active                   GetBlob streams open now
//   tributary_blob_streams_rejected_total           GetBlob streams refused at
//                                                   the concurrency cap
//   tributary_cache_requests_total{kind,result}     cache answers (CacheResult)
//   tributary_cache_evictions_total{store}          entries evicted at the cap
//   tributary_cache_size_bytes{store}               bytes held now
//   tributary_cache_entries{store}                  entries held now
//   tributary_cache_blob_bytes_total{source}        blob bytes sent to callers
//                                                   from the disk store or an
//                                                   upstream transfer
//   tributary_cache_disk_errors_total               disk store failures (disk
//                                                   full, unwritable,
//                                                   unreadable)
class Metrics {
 public:
  explicit Metrics(const std::vector<std::string>& upstream_names);
  ~Metrics();

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  // `code` is the numeric gRPC (= absl) status code.
  void RecordRpc(Rpc rpc, int code, absl::Duration latency);
  void RecordUpstream(int upstream, UpstreamOutcome outcome,
                      absl::Duration latency);
  void RecordBlobBytes(int64_t bytes,
                       BlobSource source = BlobSource::kUpstream);
  void RecordBlobResume();
  void RecordBlobStreamsActive(int64_t streams);
  void RecordBlobStreamRejected();
  void RecordCacheResult(CacheKind kind, CacheResult result);
  void RecordCacheEviction(CacheStore store);
  void RecordCacheSize(CacheStore store, int64_t bytes, int64_t entries);
  void RecordCacheDiskError();
  void RecordRetry(int upstream, RetryReason reason);
  void RecordBreakerState(int upstream, BreakerState state);
  void RecordBreakerSkip(int upstream);
  void RecordTokenFetch(int upstream, UpstreamOutcome outcome);
  // A request to the upstream waited `waited` for a connection and left the
  // queue with `outcome`: OK (it got one), DEADLINE_EXCEEDED or CANCELLED.
  void RecordConnectionWait(int upstream, absl::StatusCode outcome,
                            absl::Duration waited);

 private:
  // The canonical codes run from kOk (0) to kUnauthenticated (16).
  static constexpr int kCodeCount =
      static_cast<int>(absl::StatusCode::kUnauthenticated) + 1;

  void RegisterCacheFamilies();

  bool KnownUpstream(int upstream) const;

  std::shared_ptr<prometheus::Registry> registry_;
  std::array<std::array<prometheus::Counter*, kCodeCount>, kRpcCount>
      rpc_requests_;
  std::array<prometheus::Histogram*, kRpcCount> rpc_duration_;
  std::vector<std::array<prometheus::Counter*, kUpstreamOutcomeCount>>
      upstream_requests_;
  std::vector<prometheus::Histogram*> upstream_duration_;
  std::vector<std::array<prometheus::Counter*, kRetryReasonCount>>
      upstream_retries_;
  std::vector<std::array<prometheus::Gauge*, kBreakerStateCount>>
      breaker_state_;
  std::vector<prometheus::Counter*> breaker_skips_;
  std::vector<std::array<prometheus::Counter*, kUpstreamOutcomeCount>>
      token_fetches_;
  // connected, deadline_exceeded, cancelled
  static constexpr int kConnectionWaitOutcomeCount = 3;
  std::vector<std::array<prometheus::Counter*, kConnectionWaitOutcomeCount>>
      connection_waits_;
  std::vector<prometheus::Histogram*> connection_wait_seconds_;
  prometheus::Counter* blob_bytes_;
  prometheus::Counter* blob_resumes_;
  prometheus::Gauge* blob_streams_active_;
  prometheus::Counter* blob_streams_rejected_;
  std::array<std::array<prometheus::Counter*, kCacheResultCount>,
             kCacheKindCount>
      cache_requests_;
  std::array<prometheus::Counter*, kCacheStoreCount> cache_evictions_;
  std::array<prometheus::Gauge*, kCacheStoreCount> cache_size_bytes_;
  std::array<prometheus::Gauge*, kCacheStoreCount> cache_entries_;
  std::array<prometheus::Counter*, kBlobSourceCount> blob_source_bytes_;
  prometheus::Counter* cache_disk_errors_;
};

}  // namespace tributary::metrics

#endif  // TRIBUTARY_SERVICE_METRICS_METRICS_H_
