#ifndef TRIBUTARY_SERVICE_RESOLVE_UPSTREAM_SNAPSHOT_H_
#define TRIBUTARY_SERVICE_RESOLVE_UPSTREAM_SNAPSHOT_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "service/metrics/metrics.h"

namespace tributary::resolve {

using BreakerState = metrics::BreakerState;

// One upstream's health as ListUpstreams shows it. Plain value type.
struct UpstreamSnapshot {
  BreakerState state = BreakerState::kClosed;
  absl::Time state_since;
  absl::Time open_until = absl::InfinitePast();  // when open: next probe
  int consecutive_failures = 0;
  // The last failure or refusal (not a 404), without secrets.
  std::string last_error;
  absl::Time last_error_time = absl::InfinitePast();
  absl::Time last_success_time = absl::InfinitePast();
  int64_t requests = 0;  // exchanges sent (every attempt counts)
  int64_t failures = 0;  // of those, failures in the breaker's sense
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_UPSTREAM_SNAPSHOT_H_
