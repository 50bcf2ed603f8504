// tributary-loadgen runs for a second against the real server (fake upstream)
// and the stub server, and its report adds up.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <numeric>
#include <sstream>

#include "client/channel.h"
#include "client/loadgen/engine.h"
#include "client/loadgen/loadgen_cli.h"
#include "client/testing/stub_server.h"
#include "nlohmann/json.hpp"
#include "tests/client/demo_world.h"

namespace tributary::testing {
namespace {

using client::loadgen::CallSpec;
using client::loadgen::LoadOptions;
using client::loadgen::LoadResult;
using client::loadgen::ParseCallSpec;
using client::loadgen::RunLoad;
using ::testing::HasSubstr;

std::vector<CallSpec> Calls(const std::vector<std::string>& texts) {
  std::vector<CallSpec> calls;
  for (const std::string& text : texts) {
    auto call = ParseCallSpec(text);
    EXPECT_TRUE(call.ok()) << call.status();
    calls.push_back(*std::move(call));
  }
  return calls;
}

std::vector<std::shared_ptr<grpc::Channel>> Channels(const std::string& address,
                                                     int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    channels.push_back(*client::CreateChannel({.address = address}));
  }
  return channels;
}

int64_t SumOfCodes(const LoadResult& result) {
  return std::accumulate(result.codes.begin(), result.codes.end(), int64_t{0});
}

void ExpectSaneLatencies(const LoadResult& result) {
  EXPECT_GT(result.latency.p50, 0);
  EXPECT_LE(result.latency.p50, result.latency.p90);
  EXPECT_LE(result.latency.p90, result.latency.p99);
  EXPECT_LE(result.latency.p99, result.latency.p999);
  EXPECT_LE(result.latency.p999, result.latency.max);
}

TEST(LoadgenSmokeTest, ASecondAgainstTheRealServerAddsUp) {
  auto world = DemoWorld::Start();
  ASSERT_TRUE(world.ok()) << world.status();
  const LoadOptions options{.concurrency = 8, .duration = absl::Seconds(1)};
  auto result = RunLoad(
      Channels((*world)->address(), 2),
      Calls({"GetManifest demo/app:v1", "GetManifest demo/app:nope"}), options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_GT(result->requests, 0);
  EXPECT_EQ(result->requests, SumOfCodes(*result));
  EXPECT_GT(result->codes[0], 0);  // OK
  EXPECT_GT(result->codes[5], 0);  // NOT_FOUND
  EXPECT_NEAR(absl::ToDoubleSeconds(result->elapsed), 1.0, 0.5);
  ExpectSaneLatencies(*result);
}

TEST(LoadgenSmokeTest, RequestsCountsExactly) {
  auto stub = client::StubServer::Start();
  ASSERT_TRUE(stub.ok()) << stub.status();
  const LoadOptions options{.concurrency = 16, .requests = 500};
  auto result = RunLoad(Channels((*stub)->address(), 1),
                        Calls({"HeadManifest demo/app:v1"}), options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->requests, 500);
  EXPECT_EQ(result->codes[0], 500);
}

TEST(LoadgenSmokeTest, OpenLoopKeepsTheRate) {
  auto stub = client::StubServer::Start();
  ASSERT_TRUE(stub.ok()) << stub.status();
  const LoadOptions options{
      .concurrency = 16, .duration = absl::Seconds(1), .rate = 200};
  auto result =
      RunLoad(Channels((*stub)->address(), 1),
              Calls({"ListTags demo/app", "ListTags missing/app"}), options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->requests, SumOfCodes(*result));
  EXPECT_NEAR(static_cast<double>(result->requests), 200, 20);
  EXPECT_EQ(result->codes[0], result->codes[5]);
}

TEST(LoadgenSmokeTest, WarmupCallsAreNotCounted) {
  auto stub = client::StubServer::Start();
  ASSERT_TRUE(stub.ok()) << stub.status();
  const LoadOptions options{
      .concurrency = 4, .requests = 100, .warmup = absl::Milliseconds(200)};
  auto result = RunLoad(Channels((*stub)->address(), 1),
                        Calls({"GetManifest demo/app:v1"}), options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->requests, 100);
}

TEST(LoadgenSmokeTest, AnUnreachableServerIsCountedAsUnavailable) {
  const LoadOptions options{.concurrency = 2, .requests = 20};
  auto result = RunLoad(Channels("127.0.0.1:1", 1),
                        Calls({"GetManifest demo/app:v1"}), options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->codes[14], 20);
}

TEST(LoadgenSmokeTest, TheJsonReportOfTheStubServerRunAddsUp) {
  std::ostringstream out;
  std::ostringstream err;
  client::loadgen::LoadgenConsole console{.out = out, .err = err};
  const int code = client::loadgen::RunLoadgen(
      {"--stub-server", "--duration", "1s", "--concurrency", "16",
       "--connections", "2", "--json", "--call", "GetManifest demo/app:v1",
       "--call", "GetManifest missing/app:v1"},
      console);
  ASSERT_EQ(code, 0) << err.str();
  const nlohmann::json report = nlohmann::json::parse(out.str());
  int64_t sum = 0;
  for (const auto& [name, count] : report["codes"].items()) {
    sum += count.get<int64_t>();
  }
  EXPECT_GT(report["requests"].get<int64_t>(), 0);
  EXPECT_EQ(report["requests"].get<int64_t>(), sum);
  EXPECT_GT(report["codes"]["OK"].get<int64_t>(), 0);
  EXPECT_GT(report["codes"]["NOT_FOUND"].get<int64_t>(), 0);
  EXPECT_GT(report["requests_per_second"].get<double>(), 0);
  EXPECT_EQ(report["connections"], 2);
}

TEST(LoadgenSmokeTest, TheTextReportNamesRateLatencyAndCodes) {
  std::ostringstream out;
  std::ostringstream err;
  client::loadgen::LoadgenConsole console{.out = out, .err = err};
  const int code = client::loadgen::RunLoadgen(
      {"--stub-server", "--requests", "200", "HeadBlob", "missing/app",
       "sha256:"
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      console);
  ASSERT_EQ(code, 0) << err.str();
  EXPECT_THAT(out.str(), HasSubstr("requests:  200 in "));
  EXPECT_THAT(out.str(), HasSubstr("p99.9 "));
  EXPECT_THAT(out.str(), HasSubstr("codes:     NOT_FOUND 200"));
}

TEST(LoadgenSmokeTest, CommandLineMistakesExitSixtyFour) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {},
           {"GetBlob", "a", "b"},
           {"--concurrency", "0", "GetManifest", "a"},
           {"--duration", "forever", "GetManifest", "a"},
           {"--rate", "-5", "GetManifest", "a"},
           {"--bogus", "GetManifest", "a"}}) {
    std::ostringstream out;
    std::ostringstream err;
    client::loadgen::LoadgenConsole console{.out = out, .err = err};
    EXPECT_EQ(client::loadgen::RunLoadgen(args, console), 64)
        << ::testing::PrintToString(args);
    EXPECT_THAT(err.str(), HasSubstr("tributary-loadgen: "));
  }
}

}  // namespace
}  // namespace tributary::testing
