// End to end: the circuit breaker against two real registries
// (docker-registry). The first one is killed mid-test: calls keep succeeding
// from the second, the first one's circuit opens, and once the first is
// restarted and the cool-down has passed (on a fake clock) it serves again.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "service/util/fake_clock.h"
#include "tests/e2e/registry_harness.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kOpenDuration = absl::Seconds(3);

class BreakerEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = MakeTempDir(TestTempDir(), "breaker");
    ASSERT_TRUE(dir.ok()) << dir.status();
    auto first = RealRegistry::Start(*dir);
    ASSERT_TRUE(first.ok()) << first.status();
    first_ = *std::move(first);
    auto second = RealRegistry::Start(*dir);
    ASSERT_TRUE(second.ok()) << second.status();
    second_ = *std::move(second);
    for (const RealRegistry* registry : {first_.get(), second_.get()}) {
      auto pushed =
          BuildAndPushImage(*dir, registry->host_port(), "demo/app", "v1");
      ASSERT_TRUE(pushed.ok()) << pushed.status();
    }
    const std::string first_yaml = absl::StrCat(
        "    retry:\n"
        "      max_attempts: 2\n"
        "      initial_backoff: 20ms\n"
        "      max_backoff: 50ms\n"
        "    circuit_breaker:\n"
        "      failure_threshold: 3\n"
        "      open_duration: ",
        absl::FormatDuration(kOpenDuration), "\n");
    auto server = RunningServer::Start(
        TestConfigYaml(
            {{"first", first_->url(), first_yaml}, {"second", second_->url()}},
            // Every call goes to the upstreams: the breaker is under test.
            "cache:\n  disabled: true\n"),
        clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // GetManifest demo/app:v1; the upstream that answered, or the error.
  std::string Pull() {
    v1::GetManifestRequest request;
    request.set_repository("demo/app");
    request.set_reference("v1");
    v1::GetManifestResponse response;
    auto context = ContextWithTimeout(absl::Seconds(20));
    const grpc::Status status =
        server_->resolver().GetManifest(context.get(), request, &response);
    if (!status.ok()) {
      return absl::StrCat("error ", status.error_code(), ": ",
                          status.error_message());
    }
    return response.upstream().name();
  }

  v1::UpstreamStatus First() {
    v1::ListUpstreamsResponse response;
    auto context = ContextWithTimeout(absl::Seconds(5));
    EXPECT_TRUE(
        server_->admin()
            .ListUpstreams(context.get(), v1::ListUpstreamsRequest(), &response)
            .ok());
    return response.upstreams(0);
  }

  // The breaker's cool-down runs on it; outlives the server.
  util::FakeClock clock_;
  std::unique_ptr<RealRegistry> first_;
  std::unique_ptr<RealRegistry> second_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(BreakerEndToEndTest, FallsBackWhileTheFirstIsDownAndReturnsAfterIt) {
  EXPECT_EQ(Pull(), "first");

  first_->Stop();
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(Pull(), "second") << "call " << i;
  }
  const v1::UpstreamStatus down = First();
  EXPECT_EQ(down.breaker_state(), v1::BREAKER_STATE_OPEN);
  EXPECT_GE(down.consecutive_failures(), 3);
  EXPECT_THAT(down.last_error(), HasSubstr("UNAVAILABLE: connect"));
  EXPECT_TRUE(down.has_last_success_time());
  // With the circuit open, a call does not touch the dead upstream at all.
  const absl::Time start = absl::Now();
  EXPECT_EQ(Pull(), "second");
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));  // generous: loaded CI

  ASSERT_TRUE(first_->Restart().ok());
  const absl::Time next_probe =
      absl::FromUnixSeconds(First().next_probe_time().seconds());
  std::string served_by;
  // The cool-down passes on the fake clock, in steps, each followed by a
  // call; the real-time bound only stops a test that would otherwise hang.
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (served_by != "first" && absl::Now() < give_up) {
    served_by = Pull();
    if (served_by != "first") {
      EXPECT_EQ(served_by, "second");
      clock_.Advance(absl::Milliseconds(100));
    }
  }
  ASSERT_EQ(served_by, "first");
  // Only the probe after the cool-down found the first upstream again.
  EXPECT_GE(clock_.Now(), next_probe);
  const v1::UpstreamStatus back = First();
  EXPECT_EQ(back.breaker_state(), v1::BREAKER_STATE_CLOSED);
  EXPECT_EQ(back.consecutive_failures(), 0);
  EXPECT_EQ(Pull(), "first");
}

}  // namespace
}  // namespace tributary::testing
