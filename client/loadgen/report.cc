#include "client/loadgen/report.h"

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace tributary::client::loadgen {
namespace {

double Millis(int64_t nanos) { return static_cast<double>(nanos) / 1e6; }
double Millis(double nanos) { return nanos / 1e6; }

std::string CodeName(size_t code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string Mode(const LoadOptions& options) {
  if (options.rate > 0) {
    return absl::StrFormat("open loop at %.1f req/s, at most %d in flight",
                           options.rate, options.concurrency);
  }
  return absl::StrFormat("closed loop, %d in flight", options.concurrency);
}

std::string Extent(const LoadOptions& options) {
  std::string extent =
      options.requests > 0
          ? absl::StrCat(options.requests, " requests")
          : absl::StrCat(absl::FormatDuration(options.duration));
  if (options.warmup > absl::ZeroDuration()) {
    absl::StrAppend(&extent, " after ", absl::FormatDuration(options.warmup),
                    " warmup");
  }
  return extent;
}

}  // namespace

std::string TextReport(const RunDescription& run, const LoadResult& result) {
  const LatencySummary& l = result.latency;
  std::string text = absl::StrFormat(
      "target:    %s, %d connection(s), %s, %s\n"
      "calls:     %s\n"
      "requests:  %d in %.2f s = %.1f req/s\n"
      "latency:   p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  "
      "max %.3f ms  mean %.3f ms\n"
      "codes:    ",
      run.target, run.connections, Mode(run.options), Extent(run.options),
      absl::StrJoin(run.calls, " | "), result.requests,
      absl::ToDoubleSeconds(result.elapsed), result.requests_per_second(),
      Millis(l.p50), Millis(l.p90), Millis(l.p99), Millis(l.p999),
      Millis(l.max), Millis(l.mean));
  for (size_t code = 0; code < result.codes.size(); ++code) {
    if (result.codes[code] > 0) {
      absl::StrAppend(&text, " ", CodeName(code), " ", result.codes[code]);
    }
  }
  text += "\n";
  absl::StrAppendFormat(
      &text,
      "cpu:       %.2f s in %.2f s = %.0f%% of one core (this process%s)\n",
      absl::ToDoubleSeconds(result.process_cpu),
      absl::ToDoubleSeconds(result.wall), result.cpu_percent_of_one_core(),
      run.in_process_server ? ", stub server included" : "");
  if (run.options.rate > 0) {
    absl::StrAppend(&text, "delayed:   ", result.delayed_starts,
                    " starts waited for a free slot\n");
  }
  return text;
}

nlohmann::ordered_json JsonReport(const RunDescription& run,
                                  const LoadResult& result) {
  const LatencySummary& l = result.latency;
  nlohmann::ordered_json codes = nlohmann::ordered_json::object();
  for (size_t code = 0; code < result.codes.size(); ++code) {
    if (result.codes[code] > 0) {
      codes[CodeName(code)] = result.codes[code];
    }
  }
  return nlohmann::ordered_json{
      {"target", run.target},
      {"calls", run.calls},
      {"mode", run.options.rate > 0 ? "open" : "closed"},
      {"connections", run.connections},
      {"concurrency", run.options.concurrency},
      {"rate", run.options.rate},
      {"requests", result.requests},
      {"elapsed_seconds", absl::ToDoubleSeconds(result.elapsed)},
      {"requests_per_second", result.requests_per_second()},
      {"latency_ms",
       {{"p50", Millis(l.p50)},
        {"p90", Millis(l.p90)},
        {"p99", Millis(l.p99)},
        {"p99_9", Millis(l.p999)},
        {"max", Millis(l.max)},
        {"mean", Millis(l.mean)}}},
      {"codes", codes},
      {"delayed_starts", result.delayed_starts},
      {"process_cpu_seconds", absl::ToDoubleSeconds(result.process_cpu)},
      {"wall_seconds", absl::ToDoubleSeconds(result.wall)},
  };
}

}  // namespace tributary::client::loadgen
