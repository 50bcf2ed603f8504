#include "client/frontend/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace tributary::frontend {
namespace {

using ::testing::HasSubstr;

std::string Exposition(const FrontendMetrics& metrics) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, metrics.registry()->Collect());
  return out.str();
}

TEST(MetricsTest, CountsRequestsByMethodRouteAndCodeWithBytesAndDurations) {
  FrontendMetrics metrics;
  metrics.Record("GET", RouteKind::kBlob, 200, 1000, absl::Milliseconds(3));
  metrics.Record("GET", RouteKind::kBlob, 200, 24, absl::Milliseconds(1));
  metrics.Record("PUT", RouteKind::kManifest, 405, 0, absl::Milliseconds(1));
  const std::string text = Exposition(metrics);
  EXPECT_THAT(text, HasSubstr("tributary_frontend_requests_total{code=\"200\","
                              "method=\"GET\",route=\"blob\"} 2"));
  EXPECT_THAT(text, HasSubstr("tributary_frontend_requests_total{code=\"405\","
                              "method=\"other\",route=\"manifest\"} 1"));
  EXPECT_THAT(text, HasSubstr("tributary_frontend_sent_bytes_total{route="
                              "\"blob\"} 1024"));
  EXPECT_THAT(text, HasSubstr("tributary_frontend_request_duration_seconds_"
                              "count{route=\"blob\"} 2"));
}

TEST(MetricsTest, ShowsBlobDownloadsStreamingAndWaiting) {
  FrontendMetrics metrics;
  EXPECT_THAT(
      Exposition(metrics),
      HasSubstr("tributary_frontend_blob_downloads{state=\"waiting\"} 0"));
  metrics.SetBlobDownloads(16, 3);
  const std::string text = Exposition(metrics);
  EXPECT_THAT(text, HasSubstr("tributary_frontend_blob_downloads{state="
                              "\"streaming\"} 16"));
  EXPECT_THAT(text, HasSubstr("tributary_frontend_blob_downloads{state="
                              "\"waiting\"} 3"));
}

}  // namespace
}  // namespace tributary::frontend
