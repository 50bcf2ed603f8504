#ifndef TRIBUTARY_SERVICE_HTTP_STEADY_TIME_H_
#define TRIBUTARY_SERVICE_HTTP_STEADY_TIME_H_

#include <algorithm>
#include <chrono>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tributary::http {

using SteadyTime = std::chrono::steady_clock::time_point;

// Converts a wall-clock deadline to the steady clock Beast timers use; an
// infinite deadline becomes a day from now.
inline SteadyTime ToSteady(absl::Time deadline) {
  const absl::Duration left =
      std::clamp(deadline - absl::Now(), absl::ZeroDuration(), absl::Hours(24));
  return std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(left);
}

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_STEADY_TIME_H_
