#include "tests/support/fake_upstream.h"

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace tributary::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Headers = std::vector<std::pair<std::string, std::string>>;
using Response = http::response<http::string_body>;

constexpr char kManifestType[] = "application/vnd.oci.image.manifest.v1+json";
constexpr char kDigest[] =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// One HTTP/1.1 connection driven by hand with Beast's synchronous API, so a
// test sees exactly what went over the wire: keep-alive, closes, truncation.
// Not thread-safe.
class RawClient {
 public:
  explicit RawClient(int port) : socket_(io_context_) {
    socket_.connect(tcp::endpoint(asio::ip::address_v4::loopback(),
                                  static_cast<unsigned short>(port)));
  }

  void Send(http::verb method, std::string_view target,
            const Headers& headers = {}) {
    http::request<http::empty_body> request(method, target, 11);
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::user_agent, "fake-upstream-test");
    for (const auto& [name, value] : headers) {
      request.set(name, value);
    }
    http::write(socket_, request);
    last_method_ = method;
  }

  // Reads one response and fails the test if that does not work.
  Response Read() {
    Response response;
    const beast::error_code ec = ReadInto(response);
    EXPECT_FALSE(ec) << ec.message();
    return response;
  }

  // Reads what the server sends when the read is expected to fail.
  beast::error_code ReadFailure(Response& partial) { return ReadInto(partial); }
  beast::error_code ReadFailure() {
    Response ignored;
    return ReadInto(ignored);
  }

  Response RoundTrip(http::verb method, std::string_view target,
                     const Headers& headers = {}) {
    Send(method, target, headers);
    return Read();
  }

 private:
  beast::error_code ReadInto(Response& response) {
    http::response_parser<http::string_body> parser;
    // A HEAD response announces a Content-Length but carries no body.
    parser.skip(last_method_ == http::verb::head);
    beast::error_code ec;
    http::read(socket_, buffer_, parser, ec);
    response = parser.release();
    return ec;
  }

  asio::io_context io_context_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  http::verb last_method_ = http::verb::get;
};

FakeResponse Answer(int status, std::string body) {
  FakeResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

TEST(FakeUpstreamTest, UrlNamesLoopbackAndPort) {
  FakeUpstream upstream;
  EXPECT_GT(upstream.port(), 0);
  EXPECT_EQ(upstream.url(),
            "http://127.0.0.1:" + std::to_string(upstream.port()));
}

TEST(FakeUpstreamTest, RoutedGetGetsStatusHeadersAndBody) {
  FakeUpstream upstream;
  FakeResponse response = Answer(201, "hello");
  response.headers = {{"X-Custom", "a"}, {"X-Custom", "b"}};
  upstream.Route("GET", "/v2/", response);

  RawClient client(upstream.port());
  const Response got = client.RoundTrip(http::verb::get, "/v2/");

  EXPECT_EQ(got.result_int(), 201);
  EXPECT_EQ(got.body(), "hello");
  EXPECT_EQ(got[http::field::content_length], "5");
  EXPECT_EQ(got.count("X-Custom"), 2u);
}

TEST(FakeUpstreamTest, AHandlerAnswersItsPathWhateverTheQuery) {
  FakeUpstream upstream;
  upstream.Handle("GET", "/token", [](const RecordedRequest& request) {
    return Answer(200, request.target + " " + request.Header("Authorization"));
  });

  RawClient client(upstream.port());
  const Response got = client.RoundTrip(http::verb::get, "/token?scope=a",
                                        {{"Authorization", "Basic x"}});

  EXPECT_EQ(got.result_int(), 200);
  EXPECT_EQ(got.body(), "/token?scope=a Basic x");
  EXPECT_EQ(upstream.request_count("GET", "/token?scope=a"), 1);
}

TEST(FakeUpstreamTest, AnExactRouteWinsOverAHandler) {
  FakeUpstream upstream;
  upstream.Handle("GET", "/v2/",
                  [](const RecordedRequest&) { return Answer(500, "h"); });
  upstream.Route("GET", "/v2/", Answer(200, "route"));

  RawClient client(upstream.port());
  EXPECT_EQ(client.RoundTrip(http::verb::get, "/v2/").body(), "route");
  EXPECT_EQ(client.RoundTrip(http::verb::get, "/v2/?x=1").body(), "h");
}

TEST(FakeUpstreamTest, RecordsRequestsWithTargetAndHeaders) {
  FakeUpstream upstream;
  RawClient client(upstream.port());
  client.RoundTrip(http::verb::get, "/v2/library/alpine/tags/list?n=10",
                   {{"Authorization", "Bearer t0k"}});
  client.RoundTrip(http::verb::head, "/v2/library/alpine/manifests/latest");

  const std::vector<RecordedRequest> requests = upstream.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/v2/library/alpine/tags/list?n=10");
  EXPECT_EQ(requests[0].Header("authorization"), "Bearer t0k");
  EXPECT_EQ(requests[0].Header("USER-AGENT"), "fake-upstream-test");
  EXPECT_EQ(requests[0].Header("X-Absent"), "");
  EXPECT_EQ(requests[1].method, "HEAD");
  EXPECT_EQ(upstream.request_count("GET", "/v2/library/alpine/tags/list?n=10"),
            1);
  EXPECT_EQ(upstream.request_count("GET", "/v2/library/alpine/tags/list"), 0);
}

TEST(FakeUpstreamTest, UnroutedRequestGetsOciNotFound) {
  FakeUpstream upstream;
  RawClient client(upstream.port());
  const Response got =
      client.RoundTrip(http::verb::get, "/v2/library/alpine/manifests/x");

  EXPECT_EQ(got.result_int(), 404);
  EXPECT_EQ(got[http::field::content_type], "application/json");
  EXPECT_EQ(
      got.body(),
      R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"not found"}]})");
}

TEST(FakeUpstreamTest, RouteMatchesMethodAndExactTarget) {
  FakeUpstream upstream;
  upstream.Route("GET", "/v2/a?x=1", Answer(200, "a"));
  RawClient client(upstream.port());

  EXPECT_EQ(client.RoundTrip(http::verb::get, "/v2/a?x=1").result_int(), 200);
  EXPECT_EQ(client.RoundTrip(http::verb::get, "/v2/a").result_int(), 404);
  EXPECT_EQ(client.RoundTrip(http::verb::post, "/v2/a?x=1").result_int(), 404);
}

TEST(FakeUpstreamTest, LaterRouteReplacesEarlier) {
  FakeUpstream upstream;
  upstream.Route("GET", "/v2/", Answer(500, "old"));
  upstream.Route("GET", "/v2/", Answer(200, "new"));

  RawClient client(upstream.port());
  const Response got = client.RoundTrip(http::verb::get, "/v2/");
  EXPECT_EQ(got.result_int(), 200);
  EXPECT_EQ(got.body(), "new");
}

TEST(FakeUpstreamTest, RouteKeepsTheContentLengthItSets) {
  FakeUpstream upstream;
  FakeResponse response;
  response.headers = {{"Content-Length", "1234"}};
  upstream.Route("HEAD", "/v2/r/blobs/sha256:ab", response);

  RawClient client(upstream.port());
  const Response got =
      client.RoundTrip(http::verb::head, "/v2/r/blobs/sha256:ab");
  EXPECT_EQ(got.count(http::field::content_length), 1u);
  EXPECT_EQ(got[http::field::content_length], "1234");
}

TEST(FakeUpstreamTest, RouteManifestAnswersGetAndHead) {
  FakeUpstream upstream;
  const std::string manifest = R"({"schemaVersion":2})";
  upstream.RouteManifest("/v2/r/manifests/latest", kManifestType, manifest,
                         kDigest);
  RawClient client(upstream.port());

  const Response get =
      client.RoundTrip(http::verb::get, "/v2/r/manifests/latest");
  EXPECT_EQ(get.result_int(), 200);
  EXPECT_EQ(get.body(), manifest);
  EXPECT_EQ(get[http::field::content_type], kManifestType);
  EXPECT_EQ(get["Docker-Content-Digest"], kDigest);

  // Same connection: a HEAD answer with a body would corrupt the next read.
  const Response head =
      client.RoundTrip(http::verb::head, "/v2/r/manifests/latest");
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[http::field::content_length], std::to_string(manifest.size()));
  EXPECT_EQ(head[http::field::content_type], kManifestType);
  EXPECT_EQ(head["Docker-Content-Digest"], kDigest);
  EXPECT_EQ(client.RoundTrip(http::verb::get, "/v2/r/manifests/latest").body(),
            manifest);
}

TEST(FakeUpstreamTest, UnroutedHeadGetsHeadersWithoutBody) {
  FakeUpstream upstream;
  RawClient client(upstream.port());
  const Response head = client.RoundTrip(http::verb::head, "/v2/r/manifests/x");
  EXPECT_EQ(head.result_int(), 404);
  EXPECT_NE(head[http::field::content_length], "0");
  EXPECT_EQ(client.RoundTrip(http::verb::get, "/v2/r/manifests/x").result_int(),
            404);
}

TEST(FakeUpstreamTest, SequenceAnswersInOrderThenRepeatsTheLast) {
  FakeUpstream upstream;
  upstream.RouteSequence(
      "GET", "/v2/",
      {Answer(503, "busy"), Answer(429, "slow down"), Answer(200, "ok")});
  RawClient client(upstream.port());

  for (const int expected : {503, 429, 200, 200}) {
    EXPECT_EQ(client.RoundTrip(http::verb::get, "/v2/").result_int(), expected);
  }
  EXPECT_EQ(upstream.request_count("GET", "/v2/"), 4);
}

TEST(FakeUpstreamTest, KeepAliveServesManyRequestsOnOneConnection) {
  FakeUpstream upstream;
  upstream.Route("GET", "/v2/", Answer(200, "{}"));
  RawClient client(upstream.port());

  for (int i = 0; i < 3; ++i) {
    const Response got = client.RoundTrip(http::verb::get, "/v2/");
    EXPECT_EQ(got.body(), "{}");
    EXPECT_TRUE(got.keep_alive());
  }
  EXPECT_EQ(upstream.connections_accepted(), 1);
}

TEST(FakeUpstreamTest, ConnectionCloseEndsTheConnectionAfterTheResponse) {
  FakeUpstream upstream;
  upstream.Route("GET", "/v2/", Answer(200, "{}"));
  RawClient client(upstream.port());

  const Response got =
      client.RoundTrip(http::verb::get, "/v2/", {{"Connection", "close"}});
  EXPECT_EQ(got.body(), "{}");
  EXPECT_FALSE(got.keep_alive());
  EXPECT_EQ(client.ReadFailure(), http::error::end_of_stream);
}

TEST(FakeUpstreamTest, NewConnectionsAreCounted) {
  FakeUpstream upstream;
  for (int i = 0; i < 3; ++i) {
    RawClient client(upstream.port());
    client.RoundTrip(http::verb::get, "/v2/");
  }
  EXPECT_EQ(upstream.connections_accepted(), 3);
}

TEST(FakeUpstreamTest, CloseWithoutResponseClosesAfterReadingTheRequest) {
  FakeUpstream upstream;
  FakeResponse response;
  response.close_without_response = true;
  upstream.Route("GET", "/v2/", response);
  RawClient client(upstream.port());

  client.Send(http::verb::get, "/v2/");
  EXPECT_EQ(client.ReadFailure(), http::error::end_of_stream);
  EXPECT_EQ(upstream.request_count("GET", "/v2/"), 1);
}

TEST(FakeUpstreamTest, TruncatedBodyAnnouncesFullLengthThenCloses) {
  FakeUpstream upstream;
  FakeResponse response = Answer(200, "0123456789");
  response.truncate_body_at = 4;
  upstream.Route("GET", "/v2/r/blobs/sha256:ab", response);
  RawClient client(upstream.port());

  client.Send(http::verb::get, "/v2/r/blobs/sha256:ab");
  Response partial;
  EXPECT_EQ(client.ReadFailure(partial), http::error::partial_message);
  EXPECT_EQ(partial[http::field::content_length], "10");
  EXPECT_EQ(partial.body(), "0123");
}

TEST(FakeUpstreamTest, AResetMidBodyEndsTheConnectionWithReset) {
  FakeUpstream upstream;
  FakeResponse response = Answer(200, "0123456789");
  response.truncate_body_at = 4;
  response.reset_connection = true;
  upstream.Route("GET", "/v2/r/blobs/sha256:ab", response);
  RawClient client(upstream.port());

  client.Send(http::verb::get, "/v2/r/blobs/sha256:ab");
  EXPECT_EQ(client.ReadFailure(), asio::error::connection_reset);
}

TEST(FakeUpstreamTest, AResetInsteadOfAnAnswerEndsTheConnectionWithReset) {
  FakeUpstream upstream;
  FakeResponse response;
  response.close_without_response = true;
  response.reset_connection = true;
  upstream.Route("GET", "/v2/", response);
  RawClient client(upstream.port());

  client.Send(http::verb::get, "/v2/");
  EXPECT_EQ(client.ReadFailure(), asio::error::connection_reset);
}

TEST(FakeUpstreamTest, AStallAfterTruncationKeepsTheConnectionSilentlyOpen) {
  FakeUpstream upstream;
  FakeResponse response = Answer(200, "0123456789");
  response.truncate_body_at = 4;
  response.stall_after_truncation = true;
  upstream.Route("GET", "/v2/r/blobs/sha256:ab", response);
  auto client = std::make_unique<RawClient>(upstream.port());
  client->Send(http::verb::get, "/v2/r/blobs/sha256:ab");
  ASSERT_TRUE(upstream.WaitForRequests(1));

  // Still open well after the four bytes went out; the client's close ends it.
  EXPECT_FALSE(upstream.WaitForNoOpenConnections(absl::Milliseconds(200)));
  client.reset();
  EXPECT_TRUE(upstream.WaitForNoOpenConnections());
}

TEST(FakeUpstreamTest, DelayHoldsTheResponseBack) {
  FakeUpstream upstream;
  FakeResponse response = Answer(200, "late");
  response.delay = absl::Milliseconds(50);
  upstream.Route("GET", "/v2/", response);
  RawClient client(upstream.port());

  const absl::Time start = absl::Now();
  EXPECT_EQ(client.RoundTrip(http::verb::get, "/v2/").body(), "late");
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(50));
}

TEST(FakeUpstreamTest, DestructionCutsShortADelayedResponse) {
  auto upstream = std::make_unique<FakeUpstream>();
  FakeResponse response;
  response.delay = absl::Hours(1);
  upstream->Route("GET", "/v2/", response);
  RawClient client(upstream->port());
  client.Send(http::verb::get, "/v2/");
  ASSERT_TRUE(upstream->WaitForRequests(1));

  const absl::Time start = absl::Now();
  upstream.reset();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_TRUE(client.ReadFailure());
}

TEST(FakeUpstreamTest, AHeldResponseWaitsForRelease) {
  FakeUpstream upstream;
  FakeResponse response = Answer(200, "held");
  response.hold = true;
  upstream.Route("GET", "/v2/", response);
  RawClient client(upstream.port());
  client.Send(http::verb::get, "/v2/");
  ASSERT_TRUE(upstream.WaitForRequests(1));
  EXPECT_FALSE(upstream.WaitForRequests(2, absl::ZeroDuration()));

  upstream.Release();
  EXPECT_EQ(client.Read().body(), "held");
  // Released for good: later requests are not held.
  EXPECT_EQ(client.RoundTrip(http::verb::get, "/v2/").body(), "held");
}

TEST(FakeUpstreamTest, AClientThatGivesUpEndsAHold) {
  FakeUpstream upstream;
  FakeResponse response;
  response.hold = true;
  upstream.Route("GET", "/v2/", response);
  auto client = std::make_unique<RawClient>(upstream.port());
  client->Send(http::verb::get, "/v2/");
  ASSERT_TRUE(upstream.WaitForRequests(1));
  EXPECT_EQ(upstream.open_connections(), 1);

  client.reset();
  EXPECT_TRUE(upstream.WaitForNoOpenConnections());
}

TEST(FakeUpstreamTest, DestructionCutsShortAHeldResponse) {
  auto upstream = std::make_unique<FakeUpstream>();
  FakeResponse response;
  response.hold = true;
  upstream->Route("GET", "/v2/", response);
  RawClient client(upstream->port());
  client.Send(http::verb::get, "/v2/");
  ASSERT_TRUE(upstream->WaitForRequests(1));

  upstream.reset();
  EXPECT_TRUE(client.ReadFailure());
}

TEST(FakeUpstreamTest, DestructionClosesIdleConnections) {
  auto upstream = std::make_unique<FakeUpstream>();
  RawClient idle(upstream->port());
  idle.RoundTrip(http::verb::get, "/v2/");
  RawClient silent(upstream->port());  // Connected, never sends.

  upstream.reset();
  EXPECT_EQ(idle.ReadFailure(), http::error::end_of_stream);
  EXPECT_TRUE(silent.ReadFailure());
}

}  // namespace
}  // namespace tributary::testing
