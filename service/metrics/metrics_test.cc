#include "service/metrics/metrics.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tributary::metrics
