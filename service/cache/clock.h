#ifndef TRIBUTARY_SERVICE_CACHE_CLOCK_H_
#define TRIBUTARY_SERVICE_CACHE_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tributary::cache {

// Where the cache (TTLs), the circuit breakers and the upstream status read
// the time, so tests move it by hand instead of sleeping (see fake_clock.h).
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

}  // namespace tributary::cache

#endif  // TRIBUTARY_SERVICE_CACHE_CLOCK_H_
