#ifndef TRIBUTARY_SERVICE_RESOLVE_FANOUT_WAIT_H_
#define TRIBUTARY_SERVICE_RESOLVE_FANOUT_WAIT_H_

#include "absl/time/time.h"
#include "boost/asio/awaitable.hpp"

namespace tributary::resolve {

// Suspends the calling coroutine for `wait` on a timer of its own executor;
// no thread blocks. The caller bounds `wait` by its deadline.
boost::asio::awaitable<void> Pause(absl::Duration wait);

// A uniform draw from [0, 1) for backoff jitter. Thread-safe.
double RandomJitter();

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_FANOUT_WAIT_H_
