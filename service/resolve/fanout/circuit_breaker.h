#ifndef TRIBUTARY_SERVICE_RESOLVE_FANOUT_CIRCUIT_BREAKER_H_
#define TRIBUTARY_SERVICE_RESOLVE_FANOUT_CIRCUIT_BREAKER_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "service/metrics/metrics.h"
#include "tributary/v1/config.pb.h"

namespace tributary::resolve {

using BreakerState = metrics::BreakerState;

// What one exchange says about an upstream's health.
enum class Health {
  kSuccess,  // it answered: 2xx, 404, 401/403, another 4xx
  kFailure,  // connect error, timeout, HTTP 408, 429 or 5xx
  kNeutral,  // says nothing: the caller's deadline or cancel cut it short,
             // or the content failed a check
};

// Classifies an exchange's outcome. `caller_deadline_passed`: the caller's own
// deadline had passed when it ended, so a timeout is the caller's, not the
// upstream's. Pure.
Health ClassifyHealth(const absl::Status& status, bool caller_deadline_passed);

struct BreakerPolicy {
  bool enabled = true;
  int failure_threshold = 5;  // consecutive failures that open the circuit
  absl::Duration open_duration = absl::Seconds(30);

  static BreakerPolicy FromConfig(const v1::CircuitBreakerConfig& config);
};

// The circuit breaker of one upstream, as a pure state machine: every call
// gets the time from its caller, so tests drive it with a fake clock.
//
//   closed     every request goes; `failure_threshold` consecutive failures
//              open the circuit (a success resets the count)
//   open       requests are rejected (the upstream is skipped without network
//              I/O) until `open_duration` has passed; then
//   half-open  one probe request goes, others are rejected while it is out;
//              its success closes the circuit, its failure opens it again for
//              another `open_duration`, a neutral outcome lets the next
//              request probe.
// Only a probe closes an open circuit; failures of requests admitted earlier
// still count. Not thread-safe (UpstreamHealth guards it).
class CircuitBreaker {
 public:
  enum class Admission { kAllow, kProbe, kReject };

  CircuitBreaker(BreakerPolicy policy, absl::Time now);

  // Whether a request may go to the upstream at `now`.
  Admission Admit(absl::Time now);
  // The health outcome of a request Admit let through; `probe` when Admit
  // said kProbe.
  void Record(Health health, bool probe, absl::Time now);

  BreakerState state() const { return state_; }
  absl::Time state_since() const { return since_; }
  // Until when an open circuit rejects requests.
  absl::Time open_until() const { return open_until_; }
  int consecutive_failures() const { return consecutive_failures_; }

 private:
  void Open(absl::Time now);
  void Move(BreakerState state, absl::Time now);

  const BreakerPolicy policy_;
  BreakerState state_ = BreakerState::kClosed;
  absl::Time since_;
  absl::Time open_until_ = absl::InfinitePast();
  int consecutive_failures_ = 0;
  bool probe_out_ = false;
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_FANOUT_CIRCUIT_BREAKER_H_
