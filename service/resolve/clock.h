#ifndef TRIBUTARY_SERVICE_RESOLVE_CLOCK_H_
#define TRIBUTARY_SERVICE_RESOLVE_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace tributary::resolve {

// Where the circuit breakers and upstream status read the time, so tests can
// move it by hand (see fake_clock.h). Implementations are thread-safe.
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

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_CLOCK_H_
