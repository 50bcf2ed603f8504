#include "service/resolve/fanout/upstream.h"

#include <memory>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/registry/http_status.h"
#include "service/registry/testing/fake_registry.h"
#include "service/util/fake_clock.h"

namespace tributary::resolve {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

absl::Status Http(int status) { return registry::HttpFailure(status); }

// One Upstream with a fake clock; no network I/O happens in these tests.
class UpstreamTest : public ::testing::Test {
 protected:
  std::unique_ptr<Upstream> Make(const std::string& extra_text_proto = "") {
    v1::UpstreamConfig config;
    config.set_name("hub");
    config.set_url("https://registry-1.docker.io");
    config.set_api_prefix("/v2");
    config.mutable_circuit_breaker()->set_failure_threshold(2);
    config.mutable_circuit_breaker()->mutable_open_duration()->set_seconds(30);
    config.mutable_retry()->set_max_attempts(3);
    if (extra_text_proto == "disabled") {
      config.set_enabled(false);
    } else if (extra_text_proto == "docker.io and quay.io") {
      config.add_registries("docker.io");
      config.add_registries("quay.io");
    } else if (extra_text_proto == "scoped") {
      config.mutable_scope()->add_include("library/*");
      config.mutable_scope()->add_exclude("library/private*");
    }
    return std::make_unique<Upstream>(
        0, std::make_unique<registry::FakeRegistry>(config), clock_, metrics_);
  }

  // Sends one request through the breaker with the given outcome.
  void Exchange(Upstream& upstream, const absl::Status& status) {
    std::optional<Upstream::Permit> permit = upstream.Admit();
    ASSERT_TRUE(permit.has_value());
    permit->Record(status, false);
  }

  util::FakeClock clock_;
  metrics::Metrics metrics_{{"hub"}};
};

TEST_F(UpstreamTest, ReadsItsPoliciesFromTheConfig) {
  auto upstream = Make();
  EXPECT_EQ(upstream->name(), "hub");
  EXPECT_TRUE(upstream->enabled());
  EXPECT_EQ(upstream->retry_policy().max_attempts, 3);
  EXPECT_FALSE(Make("disabled")->enabled());
}

TEST_F(UpstreamTest, AppliesTheScopeToBothNamesOfARepository) {
  auto upstream = Make("scoped");
  EXPECT_TRUE(upstream->InScope("alpine"));  // library/alpine on Docker Hub
  EXPECT_TRUE(upstream->InScope("library/alpine"));
  EXPECT_FALSE(upstream->InScope("library/private-base"));
  EXPECT_FALSE(upstream->InScope("myorg/app"));
}

TEST_F(UpstreamTest, ServesOnlyTheSourceRegistriesItIsConfiguredFor) {
  auto upstream = Make("docker.io and quay.io");
  EXPECT_TRUE(upstream->Serves("docker.io"));
  EXPECT_TRUE(upstream->Serves("quay.io"));
  EXPECT_FALSE(upstream->Serves("ghcr.io"));
  EXPECT_FALSE(upstream->Serves("docker.io:443"));
  EXPECT_FALSE(upstream->Serves(""));
}

TEST_F(UpstreamTest, ServesEveryRegistryWhenBuiltWithoutAny) {
  auto upstream = Make();
  EXPECT_TRUE(upstream->Serves("ghcr.io"));
  EXPECT_TRUE(upstream->Serves(""));
}

TEST_F(UpstreamTest, CountsRequestsFailuresAndTheLastSuccess) {
  auto upstream = Make();
  Exchange(*upstream, absl::OkStatus());
  const absl::Time success_time = clock_.Now();
  clock_.Advance(absl::Seconds(5));
  Exchange(*upstream, Http(404));
  Exchange(*upstream, Http(503));
  const UpstreamSnapshot snapshot = upstream->Snapshot();
  EXPECT_EQ(snapshot.requests, 3);
  EXPECT_EQ(snapshot.failures, 1);
  EXPECT_EQ(snapshot.consecutive_failures, 1);
  EXPECT_EQ(snapshot.last_success_time, success_time);
  EXPECT_EQ(snapshot.last_error, "UNAVAILABLE: HTTP 503");
  EXPECT_EQ(snapshot.last_error_time, clock_.Now());
  EXPECT_EQ(snapshot.state, BreakerState::kClosed);
}

TEST_F(UpstreamTest, OpensThenProbesThenClosesOnTheFakeClock) {
  auto upstream = Make();
  Exchange(*upstream, absl::UnavailableError("connect: refused"));
  Exchange(*upstream, absl::UnavailableError("connect: refused"));
  const absl::Time opened = clock_.Now();
  EXPECT_EQ(upstream->Snapshot().state, BreakerState::kOpen);
  EXPECT_EQ(upstream->Snapshot().open_until, opened + absl::Seconds(30));
  EXPECT_FALSE(upstream->Admit().has_value());
  EXPECT_THAT(upstream->SkipReason(),
              HasSubstr("after 2 consecutive failures (last: UNAVAILABLE: "
                        "connect: refused); next probe in 30s"));

  clock_.Advance(absl::Seconds(30));
  std::optional<Upstream::Permit> probe = upstream->Admit();
  ASSERT_TRUE(probe.has_value());
  EXPECT_TRUE(probe->probe());
  EXPECT_EQ(upstream->Snapshot().state, BreakerState::kHalfOpen);
  EXPECT_FALSE(upstream->Admit().has_value());
  probe->Record(absl::OkStatus(), false);
  EXPECT_EQ(upstream->Snapshot().state, BreakerState::kClosed);
  EXPECT_EQ(upstream->Snapshot().state_since, clock_.Now());
}

TEST_F(UpstreamTest, AProbeCutOffBeforeItsOutcomeFreesTheNextProbe) {
  auto upstream = Make();
  Exchange(*upstream, Http(500));
  Exchange(*upstream, Http(500));
  clock_.Advance(absl::Seconds(31));
  {
    std::optional<Upstream::Permit> probe = upstream->Admit();
    ASSERT_TRUE(probe.has_value());
  }  // destroyed without Record
  std::optional<Upstream::Permit> next = upstream->Admit();
  ASSERT_TRUE(next.has_value());
  EXPECT_TRUE(next->probe());
}

TEST_F(UpstreamTest, ATimeoutAtTheCallersDeadlineDoesNotCount) {
  auto upstream = Make();
  for (int i = 0; i < 5; ++i) {
    std::optional<Upstream::Permit> permit = upstream->Admit();
    ASSERT_TRUE(permit.has_value());
    permit->Record(absl::DeadlineExceededError("timed out"), true);
  }
  EXPECT_EQ(upstream->Snapshot().state, BreakerState::kClosed);
  EXPECT_EQ(upstream->Snapshot().failures, 0);
}

TEST_F(UpstreamTest, ABodyFailingPartWayCountsAsAFailure) {
  auto upstream = Make();
  upstream->Observe(absl::DeadlineExceededError("read: timed out"), false);
  EXPECT_EQ(upstream->Snapshot().consecutive_failures, 1);
}

TEST(RedactForStatusTest, DropsQueryStringsThatMayHoldSignatures) {
  EXPECT_EQ(RedactForStatus("bad redirect Location \"https://s3.example/b?"
                            "X-Amz-Signature=abc123\""),
            "bad redirect Location \"https://s3.example/b?...\"");
  EXPECT_THAT(RedactForStatus("GET https://x/y?sig=s3cret failed"),
              Not(HasSubstr("s3cret")));
}

TEST(RedactForStatusTest, KeepsAnUpstreamsBytesValidUtf8WhenCut) {
  // 255 ASCII bytes and a euro sign: the cap falls inside the sign.
  const std::string message = std::string(255, 'x') + "\xE2\x82\xAC tail";
  const std::string shown = RedactForStatus(message);
  EXPECT_EQ(shown, std::string(255, 'x') + "...");
  EXPECT_EQ(RedactForStatus("bad \xFF byte"), "bad \xEF\xBF\xBD byte");
}

TEST(RedactForStatusTest, CapsTheLength) {
  EXPECT_EQ(RedactForStatus(std::string(1000, 'x')).size(), 259u);
}

}  // namespace
}  // namespace tributary::resolve
