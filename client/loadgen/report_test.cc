#include "client/loadgen/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tributary::client::loadgen {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

LoadResult SampleResult() {
  LoadResult result;
  result.requests = 1500;
  result.elapsed = absl::Seconds(2);
  result.codes[0] = 1000;  // OK
  result.codes[5] = 500;   // NOT_FOUND
  result.latency = {.p50 = 1'000'000,
                    .p90 = 2'000'000,
                    .p99 = 3'500'000,
                    .p999 = 4'000'000,
                    .max = 9'000'000,
                    .mean = 1'250'000};
  result.process_cpu = absl::Milliseconds(500);
  result.wall = absl::Seconds(4);
  return result;
}

RunDescription SampleRun() {
  RunDescription run;
  run.target = "127.0.0.1:50051";
  run.calls = {"GetManifest demo/app:v1", "GetManifest missing/app:v1"};
  run.connections = 2;
  run.options.concurrency = 16;
  run.options.duration = absl::Seconds(2);
  return run;
}

TEST(TextReportTest, ShowsRateLatenciesAndCodesByName) {
  const std::string text = TextReport(SampleRun(), SampleResult());
  EXPECT_THAT(text, HasSubstr("1500 in 2.00 s = 750.0 req/s"));
  EXPECT_THAT(text, HasSubstr("p50 1.000 ms"));
  EXPECT_THAT(text, HasSubstr("p99 3.500 ms"));
  EXPECT_THAT(text, HasSubstr("p99.9 4.000 ms"));
  EXPECT_THAT(text, HasSubstr("max 9.000 ms"));
  EXPECT_THAT(text, HasSubstr("codes:     OK 1000 NOT_FOUND 500"));
  EXPECT_THAT(text, HasSubstr("closed loop, 16 in flight"));
  EXPECT_THAT(text, Not(HasSubstr("delayed")));
  EXPECT_THAT(text, HasSubstr("cpu:       0.50 s in 4.00 s = 12% of one core"));
}

TEST(TextReportTest, ShowsDelayedStartsInOpenLoop) {
  RunDescription run = SampleRun();
  run.options.rate = 500;
  LoadResult result = SampleResult();
  result.delayed_starts = 7;
  const std::string text = TextReport(run, result);
  EXPECT_THAT(text, HasSubstr("open loop at 500.0 req/s"));
  EXPECT_THAT(text, HasSubstr("delayed:   7 starts"));
}

TEST(JsonReportTest, CodesAddUpToRequestsAndLatencyIsInMilliseconds) {
  const nlohmann::ordered_json json = JsonReport(SampleRun(), SampleResult());
  EXPECT_EQ(json["requests"], 1500);
  EXPECT_EQ(json["codes"]["OK"], 1000);
  EXPECT_EQ(json["codes"]["NOT_FOUND"], 500);
  EXPECT_FALSE(json["codes"].contains("UNAVAILABLE"));
  EXPECT_DOUBLE_EQ(json["requests_per_second"].get<double>(), 750.0);
  EXPECT_DOUBLE_EQ(json["latency_ms"]["p99_9"].get<double>(), 4.0);
  EXPECT_EQ(json["mode"], "closed");
  EXPECT_EQ(json["connections"], 2);
  EXPECT_DOUBLE_EQ(json["process_cpu_seconds"].get<double>(), 0.5);
}

}  // namespace
}  // namespace tributary::client::loadgen
