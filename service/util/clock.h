#ifndef TRIBUTARY_SERVICE_UTIL_CLOCK_H_
#define TRIBUTARY_SERVICE_UTIL_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tributary::util {

// Where the cache (TTLs), the circuit breakers, the upstream status and the
// bearer token cache read the time, so tests move it by hand instead of
// sleeping (see fake_clock.h).
// Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The wall clock. Thread-safe; lives for the whole program.
inline const Clock& RealClock() {
  class Real final : public Clock {
   public:
    absl::Time Now() const override { return absl::Now(); }
  };
  static const Real* const clock = new Real();
  return *clock;
}

}  // namespace tributary::util

#endif  // TRIBUTARY_SERVICE_UTIL_CLOCK_H_
