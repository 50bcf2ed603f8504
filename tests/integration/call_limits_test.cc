// The server's admission of unary calls (limits.max_unary_calls): past the
// cap a call is refused at once, before any upstream I/O, and counted.

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

using ::testing::HasSubstr;

constexpr char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}})";

grpc::Status GetManifest(RunningServer& server, const std::string& reference) {
  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference(reference);
  v1::GetManifestResponse response;
  auto context = ContextWithTimeout(absl::Seconds(10));
  return server.resolver().GetManifest(context.get(), request, &response);
}

TEST(CallLimitsTest, UnaryCallsPastTheCapAreResourceExhausted) {
  FakeUpstream hub;
  hub.Route(
      "GET", "/v2/demo/app/manifests/held",
      {.headers = {{"Content-Type", std::string(oci::kOciManifest)},
                   {"Docker-Content-Digest",
                    oci::ComputeDigest(oci::DigestAlgorithm::kSha256, kManifest)
                        .str()}},
       .body = kManifest,
       .hold = true});
  auto running = RunningServer::Start(
      TestConfigYaml({{"hub", hub.url()}}, "limits:\n  max_unary_calls: 1\n"));
  ASSERT_TRUE(running.ok()) << running.status();
  RunningServer& server = **running;

  grpc::Status held_status;
  std::thread held([&] { held_status = GetManifest(server, "held"); });
  ASSERT_TRUE(hub.WaitForRequests(1));  // the one slot is taken

  const grpc::Status refused = GetManifest(server, "other");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.error_message(),
              HasSubstr("already serving 1 calls (limits.max_unary_calls)"));
  EXPECT_EQ(hub.requests().size(), 1u) << "refused before any upstream I/O";
  EXPECT_TRUE(server.AwaitMetric(
      "tributary_rpc_requests_total{code=\"RESOURCE_EXHAUSTED\","
      "method=\"GetManifest\"} 1"));

  hub.Release();
  held.join();
  EXPECT_TRUE(held_status.ok()) << held_status.error_message();
  // The slot is free again.
  EXPECT_TRUE(GetManifest(server, "held").ok());
}

}  // namespace
}  // namespace tributary::testing
