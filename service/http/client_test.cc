// What the Client sends and what it makes of the answer: status, headers and
// body, HEAD, redirects, request headers and URL checks. The connection pool,
// limits, timeouts and transport failures are in client_connection_test.cc.

#include "service/http/client.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "service/http/testing/client_fixture.h"
#include "service/http/types.h"
#include "tests/support/fake_upstream.h"

namespace tributary::http {
namespace {

using ::tributary::testing::FakeResponse;
using ::tributary::testing::FakeUpstream;
using ::tributary::testing::RecordedRequest;

constexpr char kManifestPath[] = "/v2/library/alpine/manifests/3.19";
constexpr char kManifestType[] = "application/vnd.oci.image.manifest.v1+json";
constexpr char kDigest[] =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

FakeResponse Redirect(int status, std::string location) {
  FakeResponse response;
  response.status = status;
  response.headers = {{"Location", std::move(location)}};
  return response;
}

TEST_F(ClientTest, GetsStatusHeadersAndBody) {
  upstream_.RouteManifest(kManifestPath, kManifestType, "{\"layers\":[]}",
                          kDigest);

  absl::StatusOr<Response> response = Send(Get(Url(kManifestPath)));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("content-type"), kManifestType);
  EXPECT_EQ(response->Header("Docker-Content-Digest"), kDigest);
  EXPECT_EQ(response->Header("Content-Length"), "13");
  EXPECT_EQ(response->body, "{\"layers\":[]}");
}

TEST_F(ClientTest, ReturnsHttpErrorStatusesAsResponses) {
  absl::StatusOr<Response> response = Send(Get(Url("/v2/missing")));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 404);
  EXPECT_NE(response->body.find("MANIFEST_UNKNOWN"), std::string::npos);
}

TEST_F(ClientTest, HeadReadsHeadersWithoutBody) {
  upstream_.RouteManifest(kManifestPath, kManifestType, "{\"layers\":[]}",
                          kDigest);
  Request request = Get(Url(kManifestPath));
  request.method = "HEAD";

  absl::StatusOr<Response> response = Send(request);

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("Content-Length"), "13");
  EXPECT_EQ(response->Header("Docker-Content-Digest"), kDigest);
  EXPECT_EQ(response->body, "");
  // Not waiting for the 13 announced bytes leaves the connection usable.
  EXPECT_EQ(client_.IdleConnections(), 1);
}

TEST_F(ClientTest, HeadIgnoresBodyLimit) {
  upstream_.Route("HEAD", "/big", Ok(std::string(100, 'x')));
  Request request = Get(Url("/big"));
  request.method = "HEAD";
  RequestOptions options;
  options.body_limit = 10;

  absl::StatusOr<Response> response = Send(request, options);

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->Header("Content-Length"), "100");
}

TEST_F(ClientTest, FollowsRedirectWithinLimit) {
  upstream_.Route("GET", "/old", Redirect(307, "/new?x=1"));
  upstream_.Route("GET", "/new?x=1", Ok("moved"));
  RequestOptions options;
  options.max_redirects = 1;

  absl::StatusOr<Response> response = Send(Get(Url("/old")), options);

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "moved");
  EXPECT_EQ(upstream_.request_count("GET", "/old"), 1);
  EXPECT_EQ(upstream_.request_count("GET", "/new?x=1"), 1);
  // Both requests went over the one keep-alive connection.
  EXPECT_EQ(upstream_.connections_accepted(), 1);
}

TEST_F(ClientTest, KeepsAuthorizationOnSameOriginRedirect) {
  upstream_.Route("GET", "/old", Redirect(302, Url("/new")));
  upstream_.Route("GET", "/new", Ok("moved"));
  Request request = Get(Url("/old"));
  request.headers = {{"Authorization", "Bearer secret"}};
  RequestOptions options;
  options.max_redirects = 1;

  absl::StatusOr<Response> response = Send(request, options);

  ASSERT_TRUE(response.ok()) << response.status();
  const std::vector<RecordedRequest> requests = upstream_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].target, "/new");
  EXPECT_EQ(requests[1].Header("Authorization"), "Bearer secret");
}

TEST_F(ClientTest, DropsAuthorizationOnCrossOriginRedirect) {
  FakeUpstream storage;
  storage.Route("GET", "/blob", Ok("blob"));
  upstream_.Route("GET", "/old", Redirect(307, "/same-origin"));
  upstream_.Route("GET", "/same-origin",
                  Redirect(307, storage.url() + "/blob"));
  Request request = Get(Url("/old"));
  request.headers = {{"Authorization", "Bearer secret"},
                     {"Accept", kManifestType}};
  RequestOptions options;
  options.max_redirects = 2;

  absl::StatusOr<Response> response = Send(request, options);

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "blob");
  const std::vector<RecordedRequest> upstream_requests = upstream_.requests();
  ASSERT_EQ(upstream_requests.size(), 2u);
  EXPECT_EQ(upstream_requests[0].Header("Authorization"), "Bearer secret");
  EXPECT_EQ(upstream_requests[1].Header("Authorization"), "Bearer secret");
  const std::vector<RecordedRequest> storage_requests = storage.requests();
  ASSERT_EQ(storage_requests.size(), 1u);
  EXPECT_EQ(storage_requests[0].Header("Authorization"), "");
  // Other headers follow the redirect.
  EXPECT_EQ(storage_requests[0].Header("Accept"), kManifestType);
  EXPECT_EQ(storage_requests[0].Header("Host"),
            "127.0.0.1:" + std::to_string(storage.port()));
}

TEST_F(ClientTest, StopsAfterMaxRedirects) {
  upstream_.Route("GET", "/r0", Redirect(302, "/r1"));
  upstream_.Route("GET", "/r1", Redirect(301, "/r2"));
  upstream_.Route("GET", "/r2", Redirect(308, "/r3"));
  upstream_.Route("GET", "/r3", Ok("never"));
  RequestOptions options;
  options.max_redirects = 2;

  absl::StatusOr<Response> response = Send(Get(Url("/r0")), options);

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 308);
  EXPECT_EQ(response->Header("Location"), "/r3");
  EXPECT_EQ(upstream_.request_count("GET", "/r2"), 1);
  EXPECT_EQ(upstream_.request_count("GET", "/r3"), 0);
}

TEST_F(ClientTest, ReturnsRedirectAsIsByDefault) {
  upstream_.Route("GET", "/r0", Redirect(307, "/r1"));

  absl::StatusOr<Response> response = Send(Get(Url("/r0")));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 307);
  EXPECT_EQ(upstream_.request_count("GET", "/r1"), 0);
}

TEST_F(ClientTest, RefusesRedirectToNonHttpScheme) {
  upstream_.Route("GET", "/old", Redirect(302, "ftp://127.0.0.1/blob"));
  RequestOptions options;
  options.max_redirects = 1;

  absl::StatusOr<Response> response = Send(Get(Url("/old")), options);

  EXPECT_FALSE(response.ok()) << response->status;
}

TEST_F(ClientTest, RejectsNonHttpUrl) {
  for (const char* url : {"ftp://127.0.0.1/v2/", "file:///etc/passwd",
                          "127.0.0.1:5000/v2/", "not a url", "http:///v2/"}) {
    absl::StatusOr<Response> response = Send(Get(url));

    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument)
        << url << ": " << response.status();
  }
}

TEST_F(ClientTest, SendsHostAndUserAgent) {
  Client client(ClientOptions{.user_agent = "tributary-test/1.0"});

  ASSERT_TRUE(Send(client, Get(Url("/v2/"))).ok());

  const std::vector<RecordedRequest> requests = upstream_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/v2/");
  EXPECT_EQ(requests[0].Header("Host"),
            "127.0.0.1:" + std::to_string(upstream_.port()));
  EXPECT_EQ(requests[0].Header("User-Agent"), "tributary-test/1.0");
}

TEST_F(ClientTest, SendsDefaultUserAgent) {
  ASSERT_TRUE(Send(Get(Url("/v2/"))).ok());

  const std::vector<RecordedRequest> requests = upstream_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Header("User-Agent"), ClientOptions{}.user_agent);
}

}  // namespace
}  // namespace tributary::http
