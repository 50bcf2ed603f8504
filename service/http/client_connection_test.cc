// How the Client uses its connections: keep-alive and the idle pool, the one
// retry on a connection the server closed, body limits, timeouts and transport
// failures (which leave no connection in the pool).

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "service/http/client.h"
#include "service/http/testing/client_fixture.h"
#include "service/http/types.h"
#include "tests/support/fake_upstream.h"

namespace tributary::http {
namespace {

using ::tributary::testing::FakeResponse;
using ::tributary::testing::FakeUpstream;

FakeResponse CloseWithoutResponse() {
  FakeResponse response;
  response.close_without_response = true;
  return response;
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

}  // namespace
}  // namespace tributary::http
