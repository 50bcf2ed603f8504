// The built tributaryctl and tributary-loadgen binaries as a shell runs them:
// real process exit codes, stdout, and $TRIBUTARY_ADDR.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/testing/stub_server.h"
#include "nlohmann/json.hpp"
#include "tests/support/process.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kTributaryctl[] = "client/cli/tributaryctl";
constexpr char kLoadgen[] = "client/loadgen/tributary-loadgen";
constexpr absl::Duration kTimeout = absl::Seconds(30);

class BinariesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stub = client::StubServer::Start();
    ASSERT_TRUE(stub.ok()) << stub.status();
    stub_ = *std::move(stub);
  }

  CommandResult Run(const std::vector<std::string>& argv,
                    const EnvOverrides& env = {}) {
    auto result = RunCommandWithEnv(argv, env, kTimeout);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : CommandResult{-1, ""};
  }

  std::unique_ptr<client::StubServer> stub_;
};

TEST_F(BinariesTest, TributaryctlPrintsJsonAndExitsZero) {
  const CommandResult result =
      Run({kTributaryctl, "--addr", stub_->address(), "--output", "json",
           "manifest", "demo/app:v1"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto json = nlohmann::json::parse(result.output);
  EXPECT_EQ(json["digest"], client::StubServer::manifest_digest());
  EXPECT_EQ(json["upstream"], "stub");
}

TEST_F(BinariesTest, TributaryctlExitsWithTheStatusCode) {
  const CommandResult missing = Run(
      {kTributaryctl, "--addr", stub_->address(), "manifest", "missing/app"});
  EXPECT_EQ(missing.exit_code, 5) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("tributaryctl: NOT_FOUND: "));
  const CommandResult invalid = Run(
      {kTributaryctl, "--addr", stub_->address(), "manifest", "UPPER/case"});
  EXPECT_EQ(invalid.exit_code, 3) << invalid.output;
  const CommandResult usage = Run({kTributaryctl, "nonsense"});
  EXPECT_EQ(usage.exit_code, 64) << usage.output;
}

TEST_F(BinariesTest, TributaryctlTakesTheAddressFromTheEnvironment) {
  const CommandResult result =
      Run({kTributaryctl, "upstreams"}, {{"TRIBUTARY_ADDR", stub_->address()}});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("stub"));
}

TEST_F(BinariesTest, LoadgenJsonReportAddsUp) {
  const CommandResult result =
      Run({kLoadgen, "--addr", stub_->address(), "--duration", "1s", "--json",
           "--call", "GetManifest demo/app:v1", "--call",
           "HeadManifest missing/app:v1"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto report = nlohmann::json::parse(result.output);
  int64_t sum = 0;
  for (const auto& [code, count] : report["codes"].items()) {
    sum += count.get<int64_t>();
  }
  EXPECT_GT(sum, 0);
  EXPECT_EQ(report["requests"].get<int64_t>(), sum);
  EXPECT_GT(report["codes"]["NOT_FOUND"].get<int64_t>(), 0);
}

}  // namespace
}  // namespace tributary::testing
