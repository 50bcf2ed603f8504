#include "service/resolve/fanout/retry_policy.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "service/registry/http_status.h"
#include "service/registry/testing/fake_registry.h"

namespace tributary::resolve {
namespace {

using metrics::RetryReason;

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

// A status as the registry client returns it for an HTTP answer.
absl::Status Http(int status, const char* retry_after = nullptr) {
  return registry::HttpFailure(status, retry_after, kStart);
}

struct ReasonCase {
  std::string test_name;
  absl::Status status;
  std::optional<RetryReason> reason;
};

void PrintTo(const ReasonCase& c, std::ostream* out) { *out << c.test_name; }

class RetryableReasonTest : public testing::TestWithParam<ReasonCase> {};

TEST_P(RetryableReasonTest, SaysWhetherAndWhyToRetry) {
  EXPECT_EQ(RetryableReason(GetParam().status), GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Table, RetryableReasonTest,
    testing::ValuesIn(std::vector<ReasonCase>{
        {"RetriesAConnectError",
         absl::UnavailableError("connect 127.0.0.1:1: Connection refused"),
         RetryReason::kConnect},
        {"RetriesATimeout", absl::DeadlineExceededError("read: timed out"),
         RetryReason::kTimeout},
        {"DoesNotRetryARefusedCertificate",
         registry::PermanentFailure(absl::UnavailableError(
             "TLS: TLS handshake with h:443 (certificate: hostname "
             "mismatch): certificate verify failed")),
         std::nullopt},
        {"Retries408", Http(408), RetryReason::kHttp408},
        {"Retries429", Http(429), RetryReason::kHttp429},
        {"Retries500", Http(500), RetryReason::kHttp500},
        {"Retries502", Http(502), RetryReason::kHttp502},
        {"Retries503", Http(503), RetryReason::kHttp503},
        {"Retries504", Http(504), RetryReason::kHttp504},
        {"DoesNotRetry501", Http(501), std::nullopt},
        {"DoesNotRetry404", Http(404), std::nullopt},
        {"DoesNotRetry401", Http(401), std::nullopt},
        {"DoesNotRetry403", Http(403), std::nullopt},
        {"DoesNotRetry400", Http(400), std::nullopt},
        {"DoesNotRetryBadContent", absl::DataLossError("digest mismatch"),
         std::nullopt},
        {"DoesNotRetryAnOversizeBody",
         absl::ResourceExhaustedError("exceeds the limit"), std::nullopt},
        {"DoesNotRetryACancelledCall", absl::CancelledError("cancelled"),
         std::nullopt},
    }),
    [](const auto& info) { return info.param.test_name; });

struct DecisionCase {
  std::string test_name;
  absl::Status status;
  int attempts;
  absl::Duration since_first;  // now - first attempt
  absl::Duration to_deadline;  // deadline - now
  double jitter;
  bool retry;
  absl::Duration wait;  // when retrying
  std::string not_retried;
};

void PrintTo(const DecisionCase& c, std::ostream* out) { *out << c.test_name; }

class DecideRetryTest : public testing::TestWithParam<DecisionCase> {};

TEST_P(DecideRetryTest, DecidesAsTheTableSays) {
  const DecisionCase& c = GetParam();
  RetryPolicy policy;  // 3 attempts, 100ms doubling to 2s, cap 10s, budget 10s
  const absl::Time now = kStart + c.since_first;
  const RetryDecision decision = DecideRetry(policy, c.status,
                                             {.attempts = c.attempts,
                                              .first_attempt = kStart,
                                              .now = now,
                                              .deadline = now + c.to_deadline,
                                              .jitter = c.jitter});
  EXPECT_EQ(decision.retry, c.retry);
  if (c.retry) {
    EXPECT_EQ(decision.wait, c.wait);
  }
  EXPECT_EQ(decision.not_retried, c.not_retried);
}

const absl::Duration kMs = absl::Milliseconds(1);
const absl::Duration kS = absl::Seconds(1);

INSTANTIATE_TEST_SUITE_P(
    Table, DecideRetryTest,
    testing::ValuesIn(std::vector<DecisionCase>{
        {"RetriesA503AfterTheFirstBackoff", Http(503), 1, 10 * kMs, 30 * kS,
         0.0, true, 50 * kMs, ""},
        {"FullJitterWaitsTheWholeBackoff", Http(503), 1, 10 * kMs, 30 * kS, 1.0,
         true, 100 * kMs, ""},
        {"DoublesTheBackoffForTheSecondRetry", Http(503), 2, 200 * kMs, 30 * kS,
         1.0, true, 200 * kMs, ""},
        {"StopsAfterMaxAttempts", Http(503), 3, 400 * kMs, 30 * kS, 0.0, false,
         absl::ZeroDuration(), ""},
        {"NeverRetriesA404", Http(404), 1, 10 * kMs, 30 * kS, 0.0, false,
         absl::ZeroDuration(), ""},
        {"RetriesAConnectError", absl::UnavailableError("connect: refused"), 1,
         kMs, 30 * kS, 0.0, true, 50 * kMs, ""},
        {"WaitsTheRetryAfterSeconds", Http(429, "1"), 1, 10 * kMs, 30 * kS, 0.0,
         true, kS, ""},
        {"WaitsTheRetryAfterDate", Http(503, "Fri, 15 Jan 2027 08:00:02 GMT"),
         1, absl::ZeroDuration(), 30 * kS, 0.0, true, 2 * kS, ""},
        {"MovesOnWhenRetryAfterExceedsTheCap", Http(429, "3600"), 1, 10 * kMs,
         2 * 3600 * kS, 0.0, false, absl::ZeroDuration(),
         "Retry-After 1h exceeds the 10s cap"},
        {"DoesNotWaitPastTheDeadline", Http(429, "2"), 1, 10 * kMs, kS, 0.0,
         false, absl::ZeroDuration(), "no time left before the deadline"},
        {"DoesNotBackOffPastTheDeadline", Http(503), 1, 10 * kMs, 20 * kMs, 0.0,
         false, absl::ZeroDuration(), "no time left before the deadline"},
        {"DoesNotRetryPastTheBudget", Http(503), 2, 9990 * kMs, 30 * kS, 0.0,
         false, absl::ZeroDuration(), "retry budget of 10s spent"},
    }),
    [](const auto& info) { return info.param.test_name; });

TEST(BackoffTest, GrowsExponentiallyUpToTheCap) {
  const RetryPolicy policy;
  EXPECT_EQ(Backoff(policy, 1, 1.0), absl::Milliseconds(100));
  EXPECT_EQ(Backoff(policy, 2, 1.0), absl::Milliseconds(200));
  EXPECT_EQ(Backoff(policy, 3, 1.0), absl::Milliseconds(400));
  EXPECT_EQ(Backoff(policy, 5, 1.0), absl::Milliseconds(1600));
  EXPECT_EQ(Backoff(policy, 6, 1.0), absl::Seconds(2));
  EXPECT_EQ(Backoff(policy, 60, 1.0), absl::Seconds(2));
}

TEST(BackoffTest, JitterKeepsAtLeastHalfTheBackoff) {
  const RetryPolicy policy;
  EXPECT_EQ(Backoff(policy, 3, 0.0), absl::Milliseconds(200));
  EXPECT_EQ(Backoff(policy, 3, 0.5), absl::Milliseconds(300));
}

TEST(RetryPolicyTest, ReadsTheConfig) {
  v1::RetryConfig config;
  config.set_max_attempts(4);
  config.mutable_initial_backoff()->set_nanos(50'000'000);
  config.mutable_max_backoff()->set_seconds(1);
  config.mutable_max_retry_after()->set_seconds(5);
  config.mutable_budget()->set_seconds(20);
  const RetryPolicy policy = RetryPolicy::FromConfig(config);
  EXPECT_EQ(policy.max_attempts, 4);
  EXPECT_EQ(policy.initial_backoff, absl::Milliseconds(50));
  EXPECT_EQ(policy.max_backoff, absl::Seconds(1));
  EXPECT_EQ(policy.max_retry_after, absl::Seconds(5));
  EXPECT_EQ(policy.budget, absl::Seconds(20));
}

}  // namespace
}  // namespace tributary::resolve
