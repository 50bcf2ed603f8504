#include "service/resolve/fanout/circuit_breaker.h"

#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "service/registry/http_status.h"
#include "service/registry/testing/fake_registry.h"

namespace tributary::resolve {
namespace {

using Admission = CircuitBreaker::Admission;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

BreakerPolicy Policy() {
  return {.enabled = true,
          .failure_threshold = 3,
          .open_duration = absl::Seconds(30)};
}

// Admits and records `n` failed requests at `now`.
void Fail(CircuitBreaker& breaker, int n, absl::Time now) {
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(breaker.Admit(now), Admission::kAllow);
    breaker.Record(Health::kFailure, false, now);
  }
}

TEST(CircuitBreakerTest, StartsClosedAndLetsEveryRequestThrough) {
  CircuitBreaker breaker(Policy(), kStart);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.state_since(), kStart);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(breaker.Admit(kStart), Admission::kAllow);
  }
}

TEST(CircuitBreakerTest, OpensAfterTheThresholdOfConsecutiveFailures) {
  CircuitBreaker breaker(Policy(), kStart);
  Fail(breaker, 2, kStart);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.consecutive_failures(), 2);
  const absl::Time later = kStart + absl::Seconds(1);
  Fail(breaker, 1, later);
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  EXPECT_EQ(breaker.state_since(), later);
  EXPECT_EQ(breaker.open_until(), later + absl::Seconds(30));
  EXPECT_EQ(breaker.Admit(later), Admission::kReject);
}

TEST(CircuitBreakerTest, ASuccessResetsTheFailureCount) {
  CircuitBreaker breaker(Policy(), kStart);
  Fail(breaker, 2, kStart);
  breaker.Record(Health::kSuccess, false, kStart);
  Fail(breaker, 2, kStart);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.consecutive_failures(), 2);
}

TEST(CircuitBreakerTest, NeutralOutcomesNeitherCountNorReset) {
  CircuitBreaker breaker(Policy(), kStart);
  Fail(breaker, 2, kStart);
  breaker.Record(Health::kNeutral, false, kStart);
  EXPECT_EQ(breaker.consecutive_failures(), 2);
  Fail(breaker, 1, kStart);
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
}

TEST(CircuitBreakerTest, GoesOpenThenHalfOpenThenClosedWithAFakeClock) {
  CircuitBreaker breaker(Policy(), kStart);
  Fail(breaker, 3, kStart);
  ASSERT_EQ(breaker.state(), BreakerState::kOpen);
  // Cool-down not over: skipped without I/O.
  EXPECT_EQ(breaker.Admit(kStart + absl::Seconds(29)), Admission::kReject);

  // Cool-down over: one probe, everybody else still skips it.
  const absl::Time probe_time = kStart + absl::Seconds(30);
  EXPECT_EQ(breaker.Admit(probe_time), Admission::kProbe);
  EXPECT_EQ(breaker.state(), BreakerState::kHalfOpen);
  EXPECT_EQ(breaker.state_since(), probe_time);
  EXPECT_EQ(breaker.Admit(probe_time), Admission::kReject);

  // The probe succeeds: closed.
  const absl::Time closed_time = probe_time + absl::Seconds(1);
  breaker.Record(Health::kSuccess, true, closed_time);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.state_since(), closed_time);
  EXPECT_EQ(breaker.consecutive_failures(), 0);
  EXPECT_EQ(breaker.Admit(closed_time), Admission::kAllow);
}

TEST(CircuitBreakerTest, AFailedProbeOpensTheCircuitForAnotherCoolDown) {
  CircuitBreaker breaker(Policy(), kStart);
  Fail(breaker, 3, kStart);
  const absl::Time probe_time = kStart + absl::Seconds(31);
  ASSERT_EQ(breaker.Admit(probe_time), Admission::kProbe);
  breaker.Record(Health::kFailure, true, probe_time + absl::Seconds(2));
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  EXPECT_EQ(breaker.open_until(), probe_time + absl::Seconds(32));
  EXPECT_EQ(breaker.Admit(probe_time + absl::Seconds(31)), Admission::kReject);
  EXPECT_EQ(breaker.Admit(probe_time + absl::Seconds(32)), Admission::kProbe);
}

TEST(CircuitBreakerTest, ANeutralProbeLetsTheNextRequestProbe) {
  CircuitBreaker breaker(Policy(), kStart);
  Fail(breaker, 3, kStart);
  const absl::Time probe_time = kStart + absl::Seconds(30);
  ASSERT_EQ(breaker.Admit(probe_time), Admission::kProbe);
  breaker.Record(Health::kNeutral, true, probe_time);
  EXPECT_EQ(breaker.state(), BreakerState::kHalfOpen);
  EXPECT_EQ(breaker.Admit(probe_time), Admission::kProbe);
}

TEST(CircuitBreakerTest, OnlyAProbeClosesAnOpenCircuit) {
  CircuitBreaker breaker(Policy(), kStart);
  Fail(breaker, 3, kStart);
  // A request admitted before the circuit opened comes back fine.
  breaker.Record(Health::kSuccess, false, kStart + absl::Seconds(1));
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
}

TEST(CircuitBreakerTest, ADisabledBreakerNeverOpens) {
  BreakerPolicy policy = Policy();
  policy.enabled = false;
  CircuitBreaker breaker(policy, kStart);
  Fail(breaker, 100, kStart);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.consecutive_failures(), 100);
  EXPECT_EQ(breaker.Admit(kStart), Admission::kAllow);
}

absl::Status Http(int status) { return registry::HttpFailure(status); }

struct HealthCase {
  std::string test_name;
  absl::Status status;
  bool caller_deadline_passed;
  Health health;
};

void PrintTo(const HealthCase& c, std::ostream* out) { *out << c.test_name; }

class ClassifyHealthTest : public testing::TestWithParam<HealthCase> {};

TEST_P(ClassifyHealthTest, ClassifiesAsTheTableSays) {
  EXPECT_EQ(
      ClassifyHealth(GetParam().status, GetParam().caller_deadline_passed),
      GetParam().health);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ClassifyHealthTest,
    testing::ValuesIn(std::vector<HealthCase>{
        {"SuccessIsSuccess", absl::OkStatus(), false, Health::kSuccess},
        {"NotFoundIsAnAnswerNotAFailure", Http(404), false, Health::kSuccess},
        {"DeniedIsAnAnswerNotAFailure", Http(401), false, Health::kSuccess},
        {"BadRequestIsAnAnswer", Http(400), false, Health::kSuccess},
        {"ServerErrorIsAFailure", Http(503), false, Health::kFailure},
        {"NotImplementedIsAFailure", Http(501), false, Health::kFailure},
        {"RateLimitIsAFailure", Http(429), false, Health::kFailure},
        {"RequestTimeoutIsAFailure", Http(408), false, Health::kFailure},
        {"ConnectErrorIsAFailure", absl::UnavailableError("connect: refused"),
         false, Health::kFailure},
        {"UpstreamTimeoutIsAFailure",
         absl::DeadlineExceededError("read: timed out"), false,
         Health::kFailure},
        {"CallerDeadlineSaysNothing",
         absl::DeadlineExceededError("read: timed out"), true,
         Health::kNeutral},
        {"CancelSaysNothing", absl::CancelledError("cancelled"), false,
         Health::kNeutral},
        {"BadContentSaysNothing", absl::DataLossError("digest"), false,
         Health::kNeutral},
    }),
    [](const auto& info) { return info.param.test_name; });

}  // namespace
}  // namespace tributary::resolve
