// Connections per upstream origin (upstreams[*].max_connections): a request
// past the cap waits for a connection, and the wait shows in the metrics.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "service/oci/digest.h"
#include "service/oci/media_types.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

constexpr char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}})";

FakeResponse Manifest(bool hold) {
  return {
      .headers = {{"Content-Type", std::string(oci::kOciManifest)},
                  {"Docker-Content-Digest",
                   oci::ComputeDigest(oci::DigestAlgorithm::kSha256, kManifest)
                       .str()}},
      .body = kManifest,
      .hold = hold};
}

grpc::Status GetManifest(RunningServer& server, const std::string& reference) {
  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference(reference);
  v1::GetManifestResponse response;
  auto context = ContextWithTimeout(absl::Seconds(10));
  return server.resolver().GetManifest(context.get(), request, &response);
}

TEST(ConnectionCapTest, ARequestThatWaitedForAConnectionIsCounted) {
  FakeUpstream hub;
  hub.Route("GET", "/v2/demo/app/manifests/held", Manifest(/*hold=*/true));
  hub.Route("GET", "/v2/demo/app/manifests/next", Manifest(/*hold=*/false));
  auto running = RunningServer::Start(
      TestConfigYaml({{"hub", hub.url(),
                       "    max_connections: 1\n"
                       "    max_idle_connections: 1\n"}},
                     "metrics:\n  listen_address: 127.0.0.1:0\n"));
  ASSERT_TRUE(running.ok()) << running.status();
  RunningServer& server = **running;

  grpc::Status held_status;
  std::thread held([&] { held_status = GetManifest(server, "held"); });
  ASSERT_TRUE(hub.WaitForRequests(1));  // the one connection is busy
  grpc::Status next_status;
  std::thread next([&] { next_status = GetManifest(server, "next"); });
  // It cannot reach the upstream until the held answer frees the connection.
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(hub.requests().size(), 1u);
  hub.Release();
  held.join();
  next.join();

  EXPECT_TRUE(held_status.ok()) << held_status.error_message();
  EXPECT_TRUE(next_status.ok()) << next_status.error_message();
  EXPECT_EQ(hub.connections_accepted(), 1);
  EXPECT_TRUE(server.AwaitMetric(
      "tributary_upstream_connection_waits_total{outcome=\"connected\","
      "upstream=\"hub\"} 1"));
  absl::StatusOr<std::string> metrics = server.ScrapeMetrics();
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_THAT(*metrics,
              ::testing::HasSubstr("tributary_upstream_connection_wait_seconds_"
                                   "count{upstream=\"hub\"} 1"));
}

}  // namespace
}  // namespace tributary::testing
