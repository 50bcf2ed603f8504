#include "service/resolve/fanout/circuit_breaker.h"

#include "service/config/duration.h"
#include "service/registry/http_status.h"

namespace tributary::resolve {
Health ClassifyHealth(const absl::Status& status, bool caller_deadline_passed) {
  if (status.ok()) {
    return Health::kSuccess;
  }
  if (const auto answer = registry::GetHttpAnswer(status); answer) {
    const int code = answer->http_status;
    const bool failed = code == 408 || code == 429 || code >= 500;
    return failed ? Health::kFailure : Health::kSuccess;
  }
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      return Health::kFailure;
    case absl::StatusCode::kDeadlineExceeded:
      return caller_deadline_passed ? Health::kNeutral : Health::kFailure;
    default:
      return Health::kNeutral;
  }
}

BreakerPolicy BreakerPolicy::FromConfig(
    const v1::CircuitBreakerConfig& config) {
  return BreakerPolicy{
      .enabled = !config.disabled(),
      .failure_threshold = config.failure_threshold(),
      .open_duration = config::ToAbslDuration(config.open_duration()),
  };
}

CircuitBreaker::CircuitBreaker(BreakerPolicy policy, absl::Time now)
    : policy_(policy), since_(now) {}

CircuitBreaker::Admission CircuitBreaker::Admit(absl::Time now) {
  switch (state_) {
    case BreakerState::kClosed:
      return Admission::kAllow;
    case BreakerState::kOpen:
      if (now < open_until_) {
        return Admission::kReject;
      }
      Move(BreakerState::kHalfOpen, now);
      probe_out_ = true;
      return Admission::kProbe;
    case BreakerState::kHalfOpen:
      if (probe_out_) {
        return Admission::kReject;
      }
      probe_out_ = true;
      return Admission::kProbe;
  }
  return Admission::kAllow;
}

void CircuitBreaker::Record(Health health, bool probe, absl::Time now) {
  if (health == Health::kFailure) {
    ++consecutive_failures_;
  } else if (health == Health::kSuccess) {
    consecutive_failures_ = 0;
  }
  if (probe) {
    probe_out_ = false;
    if (health == Health::kSuccess) {
      Move(BreakerState::kClosed, now);
    } else if (health == Health::kFailure) {
      Open(now);
    }
    return;
  }
  if (state_ == BreakerState::kClosed && policy_.enabled &&
      consecutive_failures_ >= policy_.failure_threshold) {
    Open(now);
  }
}

void CircuitBreaker::Open(absl::Time now) {
  Move(BreakerState::kOpen, now);
  open_until_ = now + policy_.open_duration;
}

void CircuitBreaker::Move(BreakerState state, absl::Time now) {
  if (state != state_) {
    state_ = state;
    since_ = now;
  }
}

}  // namespace tributary::resolve
