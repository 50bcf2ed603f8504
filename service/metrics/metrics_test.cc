#include "service/metrics/metrics.h"

#include <gtest/gtest.h>

#include <set>

#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace tributary::metrics {
namespace {

std::string Scrape(const Metrics& metrics) {
  return prometheus::TextSerializer().Serialize(metrics.registry()->Collect());
}

TEST(MetricsTest, CountsRpcsByMethodAndCode) {
  Metrics metrics({"hub"});
  metrics.RecordRpc(Rpc::kGetManifest, 5, absl::Milliseconds(3));
  const std::string text = Scrape(metrics);
  EXPECT_NE(text.find("tributary_rpc_requests_total{code=\"NOT_FOUND\",method="
                      "\"GetManifest\"} 1"),
            std::string::npos)
      << text;
}

TEST(MetricsTest, CountsUpstreamExchangesByOutcome) {
  Metrics metrics({"hub", "mirror"});
  metrics.RecordUpstream(1, UpstreamOutcome::kUnavailable, absl::Seconds(1));
  const std::string text = Scrape(metrics);
  EXPECT_NE(
      text.find("tributary_upstream_requests_total{outcome=\"unavailable\""
                ",upstream=\"mirror\"} 1"),
      std::string::npos)
      << text;
}

TEST(MetricsTest, IgnoresUnknownUpstreamIndex) {
  Metrics metrics({"hub"});
  metrics.RecordUpstream(7, UpstreamOutcome::kOk, absl::Seconds(1));
  EXPECT_EQ(Scrape(metrics).find("upstream=\"7\""), std::string::npos);
}

TEST(MetricsTest, CountsRetriesByUpstreamAndReason) {
  Metrics metrics({"hub", "mirror"});
  metrics.RecordRetry(0, RetryReason::kHttp503);
  metrics.RecordRetry(0, RetryReason::kHttp503);
  const std::string text = Scrape(metrics);
  EXPECT_NE(text.find("tributary_upstream_retries_total{reason=\"http_503\","
                      "upstream=\"hub\"} 2"),
            std::string::npos)
      << text;
}

TEST(MetricsTest, ShowsExactlyOneBreakerStatePerUpstream) {
  Metrics metrics({"hub"});
  EXPECT_NE(Scrape(metrics).find("tributary_upstream_breaker_state{state="
                                 "\"closed\",upstream=\"hub\"} 1"),
            std::string::npos);
  metrics.RecordBreakerState(0, BreakerState::kOpen);
  const std::string text = Scrape(metrics);
  EXPECT_NE(text.find("tributary_upstream_breaker_state{state=\"open\","
                      "upstream=\"hub\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tributary_upstream_breaker_state{state=\"closed\","
                      "upstream=\"hub\"} 0"),
            std::string::npos)
      << text;
}

TEST(MetricsTest, CountsBreakerSkipsPerUpstream) {
  Metrics metrics({"hub"});
  metrics.RecordBreakerSkip(0);
  metrics.RecordBreakerSkip(3);  // unknown index: ignored
  EXPECT_NE(Scrape(metrics).find(
                "tributary_upstream_breaker_skips_total{upstream=\"hub\"} 1"),
            std::string::npos);
}

TEST(MetricsTest, CountsConnectionWaitsByHowTheyEnded) {
  Metrics metrics({"hub"});
  metrics.RecordConnectionWait(0, absl::StatusCode::kOk,
                               absl::Milliseconds(20));
  metrics.RecordConnectionWait(0, absl::StatusCode::kDeadlineExceeded,
                               absl::Seconds(2));
  metrics.RecordConnectionWait(5, absl::StatusCode::kOk, absl::Seconds(1));
  const std::string text = Scrape(metrics);
  EXPECT_NE(text.find("tributary_upstream_connection_waits_total{outcome="
                      "\"connected\",upstream=\"hub\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tributary_upstream_connection_waits_total{outcome="
                      "\"deadline_exceeded\",upstream=\"hub\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tributary_upstream_connection_wait_seconds_count{"
                      "upstream=\"hub\"} 2"),
            std::string::npos)
      << text;
}

TEST(MetricsTest, ClassifiesStatusesIntoOutcomes) {
  EXPECT_EQ(ClassifyOutcome(absl::NotFoundError("")),
            UpstreamOutcome::kNotFound);
  EXPECT_EQ(ClassifyOutcome(absl::PermissionDeniedError("")),
            UpstreamOutcome::kDenied);
  EXPECT_EQ(ClassifyOutcome(absl::ResourceExhaustedError("")),
            UpstreamOutcome::kRateLimited);
  EXPECT_EQ(ClassifyOutcome(absl::DeadlineExceededError("")),
            UpstreamOutcome::kTimeout);
  EXPECT_EQ(ClassifyOutcome(absl::DataLossError("")),
            UpstreamOutcome::kBadContent);
  EXPECT_EQ(ClassifyOutcome(absl::OkStatus()), UpstreamOutcome::kOk);
}

// How many distinct label values `name` gives the first `count` values of
// Enum.
template <class Enum, class Name>
int DistinctLabelValues(int count, Name name) {
  std::set<absl::string_view> values;
  for (int i = 0; i < count; ++i) {
    values.insert(name(static_cast<Enum>(i)));
  }
  return static_cast<int>(values.size());
}

// Label values collide when a count runs past its enum (the names fall back
// to one of the real values), so distinct values mean the counts fit.
TEST(MetricsTest, EveryCountedValueHasItsOwnLabelValue) {
  EXPECT_EQ(DistinctLabelValues<Rpc>(kRpcCount, RpcName), kRpcCount);
  EXPECT_EQ(
      DistinctLabelValues<UpstreamOutcome>(kUpstreamOutcomeCount, OutcomeName),
      kUpstreamOutcomeCount);
  EXPECT_EQ(
      DistinctLabelValues<BreakerState>(kBreakerStateCount, BreakerStateName),
      kBreakerStateCount);
  EXPECT_EQ(
      DistinctLabelValues<RetryReason>(kRetryReasonCount, RetryReasonName),
      kRetryReasonCount);
  EXPECT_EQ(DistinctLabelValues<CacheKind>(kCacheKindCount, CacheKindName),
            kCacheKindCount);
  EXPECT_EQ(
      DistinctLabelValues<CacheResult>(kCacheResultCount, CacheResultName),
      kCacheResultCount);
  EXPECT_EQ(DistinctLabelValues<CacheStore>(kCacheStoreCount, CacheStoreName),
            kCacheStoreCount);
  EXPECT_EQ(DistinctLabelValues<BlobSource>(kBlobSourceCount, BlobSourceName),
            kBlobSourceCount);
}

TEST(MetricsTest, CountsRpcsForEveryCanonicalCode) {
  Metrics metrics({"hub"});
  metrics.RecordRpc(Rpc::kListTags, 16, absl::Milliseconds(1));
  EXPECT_NE(Scrape(metrics).find(
                "tributary_rpc_requests_total{code=\"UNAUTHENTICATED\""
                ",method=\"ListTags\"} 1"),
            std::string::npos);
}

}  // namespace
}  // namespace tributary::metrics
