#ifndef TRIBUTARY_SERVICE_RESOLVE_FANOUT_RETRY_POLICY_H_
#define TRIBUTARY_SERVICE_RESOLVE_FANOUT_RETRY_POLICY_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "service/metrics/metrics.h"
#include "tributary/v1/config.pb.h"

namespace tributary::resolve {

// How one upstream is retried within one call (config: upstreams[*].retry).
struct RetryPolicy {
  int max_attempts = 3;  // the first attempt included
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(2);
  absl::Duration max_retry_after = absl::Seconds(10);
  absl::Duration budget = absl::Seconds(10);

  static RetryPolicy FromConfig(const v1::RetryConfig& config);
};

// Why a failed exchange may be retried on the same upstream, or nullopt when
// retrying cannot help: connect errors and timeouts, and HTTP 408, 429, 500,
// 502, 503 and 504. Never another 4xx, and never content that failed a check.
std::optional<metrics::RetryReason> RetryableReason(const absl::Status& status);

// Where one upstream stands within one call.
struct RetryState {
  int attempts = 1;          // made so far, the failed one too
  absl::Time first_attempt;  // when the first one started
  absl::Time now;            // when the failed one ended
  absl::Time deadline = absl::InfiniteFuture();  // the caller's
  double jitter = 0;                             // uniform in [0, 1)
};

struct RetryDecision {
  bool retry = false;
  absl::Duration wait;  // before the next attempt, when retrying
  // When a retryable failure is not retried for a reason the caller would
  // not guess from the attempt count: "Retry-After 1h exceeds the 10s cap".
  std::string not_retried;
};

// Exponential backoff with jitter: the n-th retry (1-based) waits
// initial_backoff * 2^(n-1), capped at max_backoff, scaled into
// [half, all] of that by `jitter`.
absl::Duration Backoff(const RetryPolicy& policy, int retry, double jitter);

// Whether to try the same upstream again after `status`, and after how long.
// Retries a retryable failure while attempts remain, waiting the backoff or
// the upstream's Retry-After (up to max_retry_after: a longer one gives up on
// this upstream at once). No retry that would start past the caller's
// deadline, or more than `budget` after the first attempt. Pure.
RetryDecision DecideRetry(const RetryPolicy& policy, const absl::Status& status,
                          const RetryState& state);

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_FANOUT_RETRY_POLICY_H_
