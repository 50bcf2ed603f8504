#include "service/http/client.h"

#include <chrono>
#include <future>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/use_future.hpp"
#include "gtest/gtest.h"
#include "service/http/types.h"
#include "tests/support/fake_upstream.h"

namespace tributary::http {
namespace {

namespace asio = boost::asio;
using ::tributary::testing::FakeResponse;
using ::tributary::testing::FakeUpstream;
using ::tributary::testing::RecordedRequest;

constexpr char kManifestPath[] = "/v2/library/alpine/manifests/3.19";
constexpr char kManifestType[] = "application/vnd.oci.image.manifest.v1+json";
constexpr char kDigest[] =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Request Get(std::string url) {
  Request request;
  request.url = std::move(url);
  return request;
}

FakeResponse Ok(std::string body) {
  FakeResponse response;
  response.body = std::move(body);
  return response;
}

FakeResponse Redirect(int status, std::string location) {
  FakeResponse response;
  response.status = status;
  response.headers = {{"Location", std::move(location)}};
  return response;
}

FakeResponse CloseWithoutResponse() {
  FakeResponse response;
  response.close_without_response = true;
  return response;
}

// A Client on a single-threaded io_context, talking to one FakeUpstream on
// port 0. The io_context only runs inside Run(), so every test is sequential
// apart from the FakeUpstream's own threads. Not thread-safe.
class ClientTest : public ::testing::Test {
 protected:
  // Starts `client.Send` on the io_context; the result is ready after Run().
  std::future<absl::StatusOr<Response>> Start(Client& client, Request request,
                                              RequestOptions options) {
    return asio::co_spawn(io_, client.Send(std::move(request), options),
                          asio::use_future);
  }

  // Runs the io_context until every started request has completed. Idle pooled
  // connections have no pending operation, so this returns.
  void Run() {
    io_.restart();
    io_.run();
  }

  absl::StatusOr<Response> Send(Client& client, Request request,
                                RequestOptions options = {}) {
    auto result = Start(client, std::move(request), options);
    Run();
    return result.get();
  }

  absl::StatusOr<Response> Send(Request request, RequestOptions options = {}) {
    return Send(client_, std::move(request), options);
  }

  // Puts two keep-alive connections into the pool by sending two requests at
  // once (neither finds an idle connection, so each opens its own).
  void FillPoolWithTwoConnections() {
    upstream_.Route("GET", "/warm", Ok("warm"));
    auto first = Start(client_, Get(upstream_.url() + "/warm"), {});
    auto second = Start(client_, Get(upstream_.url() + "/warm"), {});
    Run();
    ASSERT_TRUE(first.get().ok());
    ASSERT_TRUE(second.get().ok());
    ASSERT_EQ(upstream_.connections_accepted(), 2);
    ASSERT_EQ(client_.IdleConnections(), 2);
  }

  std::string Url(std::string_view path) const {
    return upstream_.url() + std::string(path);
  }

  FakeUpstream upstream_;
  asio::io_context io_;
  // Declared after io_: its pooled sockets must go before the io_context.
  Client client_{ClientOptions{}};
};

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

TEST_F(ClientTest, ReusesKeepAliveConnection) {
  upstream_.Route("GET", "/a", Ok("a"));
  upstream_.Route("GET", "/b", Ok("b"));

  absl::StatusOr<Response> first = Send(Get(Url("/a")));
  absl::StatusOr<Response> second = Send(Get(Url("/b")));

  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(first->body, "a");
  EXPECT_EQ(second->body, "b");
  EXPECT_EQ(upstream_.connections_accepted(), 1);
  EXPECT_EQ(client_.IdleConnections(), 1);
}

TEST_F(ClientTest, DoesNotPoolConnectionTheServerCloses) {
  FakeResponse closing = Ok("bye");
  closing.headers = {{"Connection", "close"}};
  upstream_.Route("GET", "/close", closing);

  absl::StatusOr<Response> first = Send(Get(Url("/close")));
  absl::StatusOr<Response> second = Send(Get(Url("/close")));

  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(upstream_.connections_accepted(), 2);
  EXPECT_EQ(client_.IdleConnections(), 0);
}

TEST_F(ClientTest, KeepsAtMostMaxIdlePerOrigin) {
  Client client(ClientOptions{.max_idle_per_origin = 1});
  upstream_.Route("GET", "/warm", Ok("warm"));

  auto first = Start(client, Get(Url("/warm")), {});
  auto second = Start(client, Get(Url("/warm")), {});
  Run();

  ASSERT_TRUE(first.get().ok());
  ASSERT_TRUE(second.get().ok());
  EXPECT_EQ(upstream_.connections_accepted(), 2);
  EXPECT_EQ(client.IdleConnections(), 1);
}

// The second request goes out on the pooled connection, which the server closes
// without answering: the client cannot tell that from an idle timeout, so it
// sends the request again once, on a new connection, which gets the third
// answer of the sequence.
TEST_F(ClientTest, RetriesOnceWhenPooledConnectionWasClosed) {
  upstream_.RouteSequence("GET", "/blob",
                          {Ok("first"), CloseWithoutResponse(), Ok("third")});
  ASSERT_TRUE(Send(Get(Url("/blob"))).ok());

  absl::StatusOr<Response> response = Send(Get(Url("/blob")));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "third");
  EXPECT_EQ(upstream_.request_count("GET", "/blob"), 3);
  EXPECT_EQ(upstream_.connections_accepted(), 2);
  EXPECT_EQ(client_.IdleConnections(), 1);
}

// A server that idles out one pooled connection has usually idled out all of
// them, so the one retry must go to a new connection, not to the next pooled
// one (client.cc: "then one fresh connection is tried").
TEST_F(ClientTest, RetriesStaleConnectionOnNewConnectionNotAnotherPooledOne) {
  ASSERT_NO_FATAL_FAILURE(FillPoolWithTwoConnections());
  upstream_.RouteSequence("GET", "/blob",
                          {CloseWithoutResponse(), Ok("second")});

  absl::StatusOr<Response> response = Send(Get(Url("/blob")));

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "second");
  EXPECT_EQ(upstream_.request_count("GET", "/blob"), 2);
  EXPECT_EQ(upstream_.connections_accepted(), 3);
}

TEST_F(ClientTest, DoesNotRetryWhenNewConnectionIsClosed) {
  upstream_.RouteSequence("GET", "/blob",
                          {CloseWithoutResponse(), Ok("second")});

  absl::StatusOr<Response> response = Send(Get(Url("/blob")));

  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable)
      << response.status();
  EXPECT_EQ(upstream_.request_count("GET", "/blob"), 1);
}

TEST_F(ClientTest, GivesUpWhenRetryIsClosedToo) {
  upstream_.RouteSequence(
      "GET", "/blob",
      {Ok("first"), CloseWithoutResponse(), CloseWithoutResponse(), Ok("x")});
  ASSERT_TRUE(Send(Get(Url("/blob"))).ok());

  absl::StatusOr<Response> response = Send(Get(Url("/blob")));

  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable)
      << response.status();
  EXPECT_EQ(upstream_.request_count("GET", "/blob"), 3);
}

TEST_F(ClientTest, RefusesBodyOverLimitByContentLength) {
  upstream_.Route("GET", "/big", Ok(std::string(100, 'x')));
  RequestOptions options;
  options.body_limit = 10;

  absl::StatusOr<Response> response = Send(Get(Url("/big")), options);

  EXPECT_EQ(response.status().code(), absl::StatusCode::kResourceExhausted)
      << response.status();
  EXPECT_EQ(client_.IdleConnections(), 0);
}

TEST_F(ClientTest, RefusesChunkedBodyOverLimit) {
  FakeResponse chunked;
  chunked.headers = {{"Transfer-Encoding", "chunked"}};
  // One chunk of 0x14 = 20 bytes, then the last chunk.
  chunked.body = "14\r\n" + std::string(20, 'x') + "\r\n0\r\n\r\n";
  upstream_.Route("GET", "/big", chunked);
  RequestOptions options;
  options.body_limit = 10;

  absl::StatusOr<Response> response = Send(Get(Url("/big")), options);

  EXPECT_EQ(response.status().code(), absl::StatusCode::kResourceExhausted)
      << response.status();
}

TEST_F(ClientTest, AcceptsBodyExactlyAtLimit) {
  upstream_.Route("GET", "/ten", Ok(std::string(10, 'x')));
  RequestOptions options;
  options.body_limit = 10;

  absl::StatusOr<Response> response = Send(Get(Url("/ten")), options);

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body.size(), 10u);
}

TEST_F(ClientTest, TimesOutWhenUpstreamIsSlow) {
  FakeResponse slow = Ok("late");
  slow.delay = absl::Seconds(2);
  upstream_.Route("GET", "/slow", slow);
  RequestOptions options;
  options.deadline = absl::Now() + absl::Milliseconds(200);
  const auto start = std::chrono::steady_clock::now();

  absl::StatusOr<Response> response = Send(Get(Url("/slow")), options);

  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded)
      << response.status();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(client_.IdleConnections(), 0);
}

TEST_F(ClientTest, GivesUpWaitingForTheHeaderAfterTheHeaderTimeout) {
  FakeResponse silent = Ok("late");
  silent.delay = absl::Seconds(3);
  upstream_.Route("GET", "/silent", silent);
  RequestOptions options;
  options.deadline = absl::Now() + absl::Seconds(10);
  options.header_timeout = absl::Milliseconds(200);
  const auto start = std::chrono::steady_clock::now();

  absl::StatusOr<Response> response = Send(Get(Url("/silent")), options);

  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded)
      << response.status();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(ClientTest, FailsWithoutSendingWhenDeadlineHasPassed) {
  RequestOptions options;
  options.deadline = absl::Now() - absl::Seconds(1);

  absl::StatusOr<Response> response = Send(Get(Url("/any")), options);

  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded)
      << response.status();
  EXPECT_EQ(upstream_.connections_accepted(), 0);
}

TEST_F(ClientTest, ReportsConnectionRefusedAsUnavailable) {
  std::string closed_url;
  {
    FakeUpstream gone;
    closed_url = gone.url() + "/v2/";
  }

  absl::StatusOr<Response> response = Send(Get(closed_url));

  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable)
      << response.status();
}

TEST_F(ClientTest, ReportsTruncatedBodyAsUnavailable) {
  FakeResponse truncated = Ok("0123456789");
  truncated.truncate_body_at = 4;
  upstream_.Route("GET", "/blob", truncated);

  absl::StatusOr<Response> response = Send(Get(Url("/blob")));

  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable)
      << response.status();
  EXPECT_EQ(client_.IdleConnections(), 0);
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
