#ifndef TRIBUTARY_CLIENT_LOADGEN_REPORT_H_
#define TRIBUTARY_CLIENT_LOADGEN_REPORT_H_

#include <string>
#include <vector>

#include "client/loadgen/engine.h"
#include "nlohmann/json.hpp"

namespace tributary::client::loadgen {

// What was run, printed beside the result.
struct RunDescription {
  std::string target;  // Address, or "stub server (in-process)".
  std::vector<std::string> calls;
  int connections = 1;
  LoadOptions options;
  // The server runs in this process (--stub-server), so the CPU figure
  // includes it.
  bool in_process_server = false;
};

// The report for people: requests/s, p50/p90/p99/p99.9/max latency in ms and
// calls by status code name, a few lines.
std::string TextReport(const RunDescription& run, const LoadResult& result);

// The same for machines: {"target", "calls", "mode", "connections",
// "concurrency", "rate", "requests", "elapsed_seconds", "requests_per_second",
// "latency_ms": {"p50", "p90", "p99", "p99_9", "max", "mean"}, "codes":
// {"OK": n, ...}, "delayed_starts", "process_cpu_seconds", "wall_seconds"}.
// Codes with no calls are left out.
nlohmann::ordered_json JsonReport(const RunDescription& run,
                                  const LoadResult& result);

}  // namespace tributary::client::loadgen

#endif  // TRIBUTARY_CLIENT_LOADGEN_REPORT_H_
