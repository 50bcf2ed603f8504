#include "service/resolve/fanout/retry_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "service/config/duration.h"
#include "service/registry/http_status.h"

namespace tributary::resolve {
namespace {

std::optional<metrics::RetryReason> ReasonForHttpStatus(int status) {
  switch (status) {
    case 408:
      return metrics::RetryReason::kHttp408;
    case 429:
      return metrics::RetryReason::kHttp429;
    case 500:
      return metrics::RetryReason::kHttp500;
    case 502:
      return metrics::RetryReason::kHttp502;
    case 503:
      return metrics::RetryReason::kHttp503;
    case 504:
      return metrics::RetryReason::kHttp504;
    default:
      return std::nullopt;
  }
}

}  // namespace

RetryPolicy RetryPolicy::FromConfig(const v1::RetryConfig& config) {
  return RetryPolicy{
      .max_attempts = config.max_attempts(),
      .initial_backoff = config::ToAbslDuration(config.initial_backoff()),
      .max_backoff = config::ToAbslDuration(config.max_backoff()),
      .max_retry_after = config::ToAbslDuration(config.max_retry_after()),
      .budget = config::ToAbslDuration(config.budget()),
  };
}

std::optional<metrics::RetryReason> RetryableReason(
    const absl::Status& status) {
  if (const auto answer = registry::GetHttpAnswer(status); answer) {
    return ReasonForHttpStatus(answer->http_status);
  }
  // Not an HTTP answer: the HTTP client's own failures, unless asking again
  // cannot help (a refused certificate).
  if (registry::IsPermanentFailure(status)) {
    return std::nullopt;
  }
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      return metrics::RetryReason::kConnect;
    case absl::StatusCode::kDeadlineExceeded:
      return metrics::RetryReason::kTimeout;
    default:
      return std::nullopt;
  }
}

absl::Duration Backoff(const RetryPolicy& policy, int retry, double jitter) {
  absl::Duration full = policy.initial_backoff;
  for (int i = 1; i < retry && full < policy.max_backoff; ++i) {
    full *= 2;
  }
  full = std::min(full, policy.max_backoff);
  return full / 2 + full / 2 * std::clamp(jitter, 0.0, 1.0);
}

RetryDecision DecideRetry(const RetryPolicy& policy, const absl::Status& status,
                          const RetryState& state) {
  RetryDecision decision;
  if (status.ok() || !RetryableReason(status).has_value() ||
      state.attempts >= policy.max_attempts) {
    return decision;
  }
  const auto answer = registry::GetHttpAnswer(status);
  if (answer && answer->retry_after.has_value()) {
    if (*answer->retry_after > policy.max_retry_after) {
      decision.not_retried = absl::StrCat(
          "Retry-After ", absl::FormatDuration(*answer->retry_after),
          " exceeds the ", absl::FormatDuration(policy.max_retry_after),
          " cap");
      return decision;
    }
    decision.wait = *answer->retry_after;
  } else {
    decision.wait = Backoff(policy, state.attempts, state.jitter);
  }
  const absl::Time next = state.now + decision.wait;
  if (next >= state.deadline) {
    decision.not_retried = "no time left before the deadline";
    return decision;
  }
  if (next > state.first_attempt + policy.budget) {
    decision.not_retried = absl::StrCat(
        "retry budget of ", absl::FormatDuration(policy.budget), " spent");
    return decision;
  }
  decision.retry = true;
  return decision;
}

}  // namespace tributary::resolve
