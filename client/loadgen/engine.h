#ifndef TRIBUTARY_CLIENT_LOADGEN_ENGINE_H_
#define TRIBUTARY_CLIENT_LOADGEN_ENGINE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "client/loadgen/workload.h"
#include "grpcpp/channel.h"

namespace tributary::client::loadgen {

// How hard and how long to push. Plain value type.
struct LoadOptions {
  // Most calls in flight at once, over all connections.
  int concurrency = 32;
  // Measure for this long; ignored when `requests` is set.
  absl::Duration duration = absl::Seconds(10);
  // Measure exactly this many calls, when more than 0.
  int64_t requests = 0;
  // Open loop: start calls at this many per second, on schedule, whatever
  // the answers do; latency counts from the scheduled start, so a stalled
  // server shows up as latency instead of as fewer calls (no coordinated
  // omission). 0 means closed loop: each of `concurrency` workers sends its
  // next call when the last one answers.
  double rate = 0;
  // Deadline of each call.
  absl::Duration timeout = absl::Seconds(10);
  // Calls sent before measuring starts (connections, caches, allocators warm
  // up); not counted.
  absl::Duration warmup = absl::ZeroDuration();
};

// Latency percentiles of the measured calls, in nanoseconds.
struct LatencySummary {
  int64_t p50 = 0;
  int64_t p90 = 0;
  int64_t p99 = 0;
  int64_t p999 = 0;
  int64_t max = 0;
  double mean = 0;
};

// What a run measured. `requests` always equals the sum of `codes`.
struct LoadResult {
  int64_t requests = 0;
  // From the end of the warmup to the last measured answer.
  absl::Duration elapsed;
  // Calls by gRPC status code number (0 OK ... 16 UNAUTHENTICATED).
  std::array<int64_t, 17> codes{};
  LatencySummary latency;
  // Open loop only: calls that started late because `concurrency` calls were
  // already in flight (their wait is in their latency).
  int64_t delayed_starts = 0;
  // CPU time (user + system) this whole process used during the run, warmup
  // included, and the run's wall time: shows whether the load generator
  // itself was near its limit.
  absl::Duration process_cpu;
  absl::Duration wall;

  double requests_per_second() const;
  // process_cpu as a percentage of one core over `wall`.
  double cpu_percent_of_one_core() const;
};

// Sends `calls` round-robin over `channels` (one connection each; call i goes
// out on channel i % channels.size()) with the callback API, so a few gRPC
// threads keep `concurrency` calls in flight. Blocks until the run is over and
// every call has answered or hit its deadline. InvalidArgument for empty
// `calls` or `channels` or bad options.
absl::StatusOr<LoadResult> RunLoad(
    const std::vector<std::shared_ptr<grpc::Channel>>& channels,
    const std::vector<CallSpec>& calls, const LoadOptions& options);

}  // namespace tributary::client::loadgen

#endif  // TRIBUTARY_CLIENT_LOADGEN_ENGINE_H_
