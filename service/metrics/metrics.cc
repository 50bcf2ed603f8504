// The metric families: built once at start-up with every label set, then
// recorded into without a lock.
#include "service/metrics/metrics.h"

#include "absl/status/status.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace tributary::metrics {
namespace {

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
      0.25,  0.5,    1,     2.5,  5,     10,   30};
  return *buckets;
}

}  // namespace

Metrics::Metrics(const std::vector<std::string>& upstream_names)
    : registry_(std::make_shared<prometheus::Registry>()) {
  auto& rpc_requests =
      prometheus::BuildCounter()
          .Name("tributary_rpc_requests_total")
          .Help("RPCs finished, by method and gRPC status code.")
          .Register(*registry_);
  auto& rpc_duration = prometheus::BuildHistogram()
                           .Name("tributary_rpc_duration_seconds")
                           .Help("RPC latency from arrival to finish.")
                           .Register(*registry_);
  auto& upstream_requests =
      prometheus::BuildCounter()
          .Name("tributary_upstream_requests_total")
          .Help("Exchanges with an upstream registry, by outcome.")
          .Register(*registry_);
  auto& upstream_duration =
      prometheus::BuildHistogram()
          .Name("tributary_upstream_duration_seconds")
          .Help("Latency of one exchange with an upstream registry.")
          .Register(*registry_);
  auto& upstream_retries =
      prometheus::BuildCounter()
          .Name("tributary_upstream_retries_total")
          .Help("Upstream exchanges retried, by the reason of the retry.")
          .Register(*registry_);
  auto& breaker_state =
      prometheus::BuildGauge()
          .Name("tributary_upstream_breaker_state")
          .Help(
              "1 for the current state of the upstream's circuit breaker "
              "(closed, open, half_open), 0 for the others.")
          .Register(*registry_);
  auto& breaker_skips =
      prometheus::BuildCounter()
          .Name("tributary_upstream_breaker_skips_total")
          .Help("Times the upstream was skipped because its circuit was open.")
          .Register(*registry_);
  auto& token_fetches =
      prometheus::BuildCounter()
          .Name("tributary_upstream_token_fetches_total")
          .Help(
              "Bearer tokens fetched from an upstream's token server, by "
              "outcome (cached tokens are not counted).")
          .Register(*registry_);
  auto& connection_waits =
      prometheus::BuildCounter()
          .Name("tributary_upstream_connection_waits_total")
          .Help(
              "Requests to an upstream that waited for a connection (all "
              "max_connections busy), by how they left the queue.")
          .Register(*registry_);
  auto& connection_wait_seconds =
      prometheus::BuildHistogram()
          .Name("tributary_upstream_connection_wait_seconds")
          .Help("How long requests waited for a connection to the upstream.")
          .Register(*registry_);
  blob_bytes_ = &prometheus::BuildCounter()
                     .Name("tributary_blob_bytes_total")
                     .Help("Blob bytes sent to callers.")
                     .Register(*registry_)
                     .Add({});
  blob_resumes_ = &prometheus::BuildCounter()
                       .Name("tributary_blob_resumes_total")
                       .Help(
                           "Blob bodies resumed after an upstream failed "
                           "mid-body.")
                       .Register(*registry_)
                       .Add({});
  blob_streams_active_ = &prometheus::BuildGauge()
                              .Name("tributary_blob_streams_active")
                              .Help("GetBlob streams open now.")
                              .Register(*registry_)
                              .Add({});
  blob_streams_rejected_ =
      &prometheus::BuildCounter()
           .Name("tributary_blob_streams_rejected_total")
           .Help("GetBlob streams refused at the concurrency cap.")
           .Register(*registry_)
           .Add({});
  RegisterCacheFamilies();
  for (int rpc = 0; rpc < kRpcCount; ++rpc) {
    const std::string method(RpcName(static_cast<Rpc>(rpc)));
    for (int code = 0; code < kCodeCount; ++code) {
      const std::string code_name =
          absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
      rpc_requests_[rpc][code] =
          &rpc_requests.Add({{"method", method}, {"code", code_name}});
    }
    rpc_duration_[rpc] =
        &rpc_duration.Add({{"method", method}}, LatencyBuckets());
  }
  for (const std::string& name : upstream_names) {
    auto& counters = upstream_requests_.emplace_back();
    for (int outcome = 0; outcome < kUpstreamOutcomeCount; ++outcome) {
      const std::string outcome_name(
          OutcomeName(static_cast<UpstreamOutcome>(outcome)));
      counters[outcome] = &upstream_requests.Add(
          {{"upstream", name}, {"outcome", outcome_name}});
    }
    upstream_duration_.push_back(
        &upstream_duration.Add({{"upstream", name}}, LatencyBuckets()));
    auto& retries = upstream_retries_.emplace_back();
    for (int reason = 0; reason < kRetryReasonCount; ++reason) {
      retries[reason] = &upstream_retries.Add(
          {{"upstream", name},
           {"reason",
            std::string(RetryReasonName(static_cast<RetryReason>(reason)))}});
    }
    auto& states = breaker_state_.emplace_back();
    for (int state = 0; state < kBreakerStateCount; ++state) {
      states[state] = &breaker_state.Add(
          {{"upstream", name},
           {"state",
            std::string(BreakerStateName(static_cast<BreakerState>(state)))}});
    }
    states[static_cast<int>(BreakerState::kClosed)]->Set(1);
    breaker_skips_.push_back(&breaker_skips.Add({{"upstream", name}}));
    auto& waits = connection_waits_.emplace_back();
    for (int outcome = 0; outcome < kConnectionWaitOutcomeCount; ++outcome) {
      static constexpr const char* kNames[] = {"connected", "deadline_exceeded",
                                               "cancelled"};
      waits[outcome] = &connection_waits.Add(
          {{"upstream", name}, {"outcome", kNames[outcome]}});
    }
    connection_wait_seconds_.push_back(
        &connection_wait_seconds.Add({{"upstream", name}}, LatencyBuckets()));
    auto& fetches = token_fetches_.emplace_back();
    for (int outcome = 0; outcome < kUpstreamOutcomeCount; ++outcome) {
      fetches[outcome] = &token_fetches.Add(
          {{"upstream", name},
           {"outcome",
            std::string(OutcomeName(static_cast<UpstreamOutcome>(outcome)))}});
    }
  }
}

Metrics::~Metrics() = default;

void Metrics::RegisterCacheFamilies() {
  auto& requests =
      prometheus::BuildCounter()
          .Name("tributary_cache_requests_total")
          .Help(
              "Cache answers by kind (manifest, manifest_head, blob_head, "
              "tags, blob) and result (hit, stale, stale_if_error, "
              "negative, miss, coalesced, bypass).")
          .Register(*registry_);
  auto& evictions = prometheus::BuildCounter()
                        .Name("tributary_cache_evictions_total")
                        .Help("Cache entries evicted at the size cap.")
                        .Register(*registry_);
  auto& size_bytes = prometheus::BuildGauge()
                         .Name("tributary_cache_size_bytes")
                         .Help("Bytes the cache holds now, by store.")
                         .Register(*registry_);
  auto& entries = prometheus::BuildGauge()
                      .Name("tributary_cache_entries")
                      .Help("Entries the cache holds now, by store.")
                      .Register(*registry_);
  for (int kind = 0; kind < kCacheKindCount; ++kind) {
    const std::string kind_name(CacheKindName(static_cast<CacheKind>(kind)));
    for (int result = 0; result < kCacheResultCount; ++result) {
      const std::string result_name(
          CacheResultName(static_cast<CacheResult>(result)));
      cache_requests_[kind][result] =
          &requests.Add({{"kind", kind_name}, {"result", result_name}});
    }
  }
  auto& blob_bytes =
      prometheus::BuildCounter()
          .Name("tributary_cache_blob_bytes_total")
          .Help(
              "Blob bytes sent to callers by source: the disk store (cache) or "
              "an upstream transfer (upstream).")
          .Register(*registry_);
  for (int source = 0; source < kBlobSourceCount; ++source) {
    blob_source_bytes_[source] = &blob_bytes.Add(
        {{"source",
          std::string(BlobSourceName(static_cast<BlobSource>(source)))}});
  }
  cache_disk_errors_ =
      &prometheus::BuildCounter()
           .Name("tributary_cache_disk_errors_total")
           .Help(
               "Disk store failures: a blob not cached because the disk was "
               "full or unwritable, or a stored file unreadable or corrupt.")
           .Register(*registry_)
           .Add({});
  for (int store = 0; store < kCacheStoreCount; ++store) {
    const std::string name(CacheStoreName(static_cast<CacheStore>(store)));
    cache_evictions_[store] = &evictions.Add({{"store", name}});
    cache_size_bytes_[store] = &size_bytes.Add({{"store", name}});
    cache_entries_[store] = &entries.Add({{"store", name}});
  }
}

void Metrics::RecordCacheResult(CacheKind kind, CacheResult result) {
  cache_requests_[static_cast<int>(kind)][static_cast<int>(result)]
      ->Increment();
}

void Metrics::RecordCacheEviction(CacheStore store) {
  cache_evictions_[static_cast<int>(store)]->Increment();
}

void Metrics::RecordCacheSize(CacheStore store, int64_t bytes,
                              int64_t entries) {
  cache_size_bytes_[static_cast<int>(store)]->Set(static_cast<double>(bytes));
  cache_entries_[static_cast<int>(store)]->Set(static_cast<double>(entries));
}

void Metrics::RecordBlobBytes(int64_t bytes, BlobSource source) {
  blob_bytes_->Increment(static_cast<double>(bytes));
  blob_source_bytes_[static_cast<int>(source)]->Increment(
      static_cast<double>(bytes));
}

void Metrics::RecordCacheDiskError() { cache_disk_errors_->Increment(); }

void Metrics::RecordBlobResume() { blob_resumes_->Increment(); }

void Metrics::RecordBlobStreamsActive(int64_t streams) {
  blob_streams_active_->Set(static_cast<double>(streams));
}

void Metrics::RecordBlobStreamRejected() {
  blob_streams_rejected_->Increment();
}

void Metrics::RecordRpc(Rpc rpc, int code, absl::Duration latency) {
  const int index = static_cast<int>(rpc);
  if (code < 0 || code >= kCodeCount) {
    code = static_cast<int>(absl::StatusCode::kUnknown);
  }
  rpc_requests_[index][code]->Increment();
  rpc_duration_[index]->Observe(absl::ToDoubleSeconds(latency));
}

void Metrics::RecordUpstream(int upstream, UpstreamOutcome outcome,
                             absl::Duration latency) {
  if (upstream < 0 || upstream >= static_cast<int>(upstream_duration_.size())) {
    return;
  }
  upstream_requests_[upstream][static_cast<int>(outcome)]->Increment();
  upstream_duration_[upstream]->Observe(absl::ToDoubleSeconds(latency));
}

bool Metrics::KnownUpstream(int upstream) const {
  return upstream >= 0 && upstream < static_cast<int>(breaker_skips_.size());
}

void Metrics::RecordRetry(int upstream, RetryReason reason) {
  if (KnownUpstream(upstream)) {
    upstream_retries_[upstream][static_cast<int>(reason)]->Increment();
  }
}

void Metrics::RecordBreakerState(int upstream, BreakerState state) {
  if (!KnownUpstream(upstream)) {
    return;
  }
  for (int i = 0; i < kBreakerStateCount; ++i) {
    breaker_state_[upstream][i]->Set(i == static_cast<int>(state) ? 1 : 0);
  }
}

void Metrics::RecordTokenFetch(int upstream, UpstreamOutcome outcome) {
  if (KnownUpstream(upstream)) {
    token_fetches_[upstream][static_cast<int>(outcome)]->Increment();
  }
}

void Metrics::RecordBreakerSkip(int upstream) {
  if (KnownUpstream(upstream)) {
    breaker_skips_[upstream]->Increment();
  }
}

void Metrics::RecordConnectionWait(int upstream, absl::StatusCode outcome,
                                   absl::Duration waited) {
  if (!KnownUpstream(upstream)) {
    return;
  }
  int index = 2;  // cancelled
  if (outcome == absl::StatusCode::kOk) {
    index = 0;
  } else if (outcome == absl::StatusCode::kDeadlineExceeded) {
    index = 1;
  }
  connection_waits_[upstream][index]->Increment();
  connection_wait_seconds_[upstream]->Observe(absl::ToDoubleSeconds(waited));
}

}  // namespace tributary::metrics
