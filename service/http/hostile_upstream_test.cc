// An upstream's bytes are hostile input: what one response leaves on a
// connection must never reach the next request, and no framing an upstream
// sends may grow a buffer without bound.
#include <future>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/use_future.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/http/client.h"
#include "service/http/types.h"
#include "tests/support/fake_upstream.h"

namespace tributary::http {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using ::tributary::testing::FakeResponse;
using ::tributary::testing::FakeUpstream;

constexpr char kEarlyHints[] =
    "HTTP/1.1 103 Early Hints\r\n"
    "Link: </style.css>; rel=preload\r\n\r\n";

FakeResponse Ok(std::string body) {
  FakeResponse response;
  response.body = std::move(body);
  return response;
}

// A Client on a single-threaded io_context against one FakeUpstream.
class HostileUpstreamTest : public ::testing::Test {
 protected:
  absl::StatusOr<Response> Get(std::string_view path,
                               RequestOptions options = {}) {
    Request request;
    request.url = upstream_.url() + std::string(path);
    options.body_limit = 1 << 20;
    options.read_timeout = absl::Seconds(5);
    std::future<absl::StatusOr<Response>> result = asio::co_spawn(
        io_, client_.Send(std::move(request), options), asio::use_future);
    io_.restart();
    io_.run();
    return result.get();
  }

  FakeUpstream upstream_;
  asio::io_context io_;
  Client client_{ClientOptions{}};
};

TEST_F(HostileUpstreamTest, SkipsAnInterimResponseBeforeTheAnswer) {
  FakeResponse one = Ok("one");
  one.interim = kEarlyHints;
  upstream_.Route("GET", "/one", one);

  absl::StatusOr<Response> response = Get("/one");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "one");
}

TEST_F(HostileUpstreamTest, ARedirectToANonPublicAddressIsRefused) {
  // As if a public upstream redirected to the metadata service; here the
  // "other origin" is the fake upstream on loopback.
  upstream_.Route("GET", "/blob", Ok("secret"));
  RequestOptions options;
  options.trusted_origin = "https://registry.example:443";
  options.other_origins = AddressRule::kPublicOnly;

  absl::StatusOr<Response> response = Get("/blob", options);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(), HasSubstr("not a public address"));
  EXPECT_EQ(upstream_.requests().size(), 0u);  // never connected
}

TEST_F(HostileUpstreamTest, TheTrustedOriginItselfMayBePrivate) {
  upstream_.Route("GET", "/blob", Ok("fine"));
  RequestOptions options;
  options.trusted_origin = upstream_.url();
  options.other_origins = AddressRule::kPublicOnly;

  absl::StatusOr<Response> response = Get("/blob", options);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "fine");
}

TEST_F(HostileUpstreamTest, SkipsAnUnsolicited100Continue) {
  FakeResponse one = Ok("one");
  one.interim = "HTTP/1.1 100 Continue\r\n\r\n";
  upstream_.Route("GET", "/one", one);

  absl::StatusOr<Response> response = Get("/one");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "one");
}

TEST_F(HostileUpstreamTest, A101IsAnErrorAndTheConnectionIsNotReused) {
  FakeResponse one = Ok("one");
  one.interim = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n";
  upstream_.Route("GET", "/one", one);
  upstream_.Route("GET", "/two", Ok("two"));

  EXPECT_EQ(Get("/one").status().code(), absl::StatusCode::kUnavailable);
  absl::StatusOr<Response> two = Get("/two");
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->body, "two");
}

TEST_F(HostileUpstreamTest, AnInterimResponseNeverAnswersTheNextRequest) {
  FakeResponse one = Ok("one");
  one.interim = std::string(kEarlyHints) + kEarlyHints;
  upstream_.Route("GET", "/one", one);
  upstream_.Route("GET", "/two", Ok("two"));

  ASSERT_TRUE(Get("/one").ok());
  absl::StatusOr<Response> two = Get("/two");
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->body, "two");
}

TEST_F(HostileUpstreamTest, BytesAfterAResponseAreNeverReadAsTheNextAnswer) {
  FakeResponse one = Ok("one");
  // A whole second response nobody asked for, on the same connection.
  one.trailing = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale";
  upstream_.Route("GET", "/one", one);
  upstream_.Route("GET", "/two", Ok("two"));

  ASSERT_TRUE(Get("/one").ok());
  absl::StatusOr<Response> two = Get("/two");
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->body, "two");
  EXPECT_EQ(client_.IdleConnections(), 1);  // the second, clean connection
}

TEST_F(HostileUpstreamTest, BytesAfterALargeBodyAreNeverReadAsTheNextAnswer) {
  // Past what arrives with the header, the body is read straight from the
  // socket; the extra response then waits in the socket, not in a buffer.
  FakeResponse one = Ok(std::string(1 << 20, 'x'));
  one.trailing = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale";
  upstream_.Route("GET", "/one", one);
  upstream_.Route("GET", "/two", Ok("two"));

  ASSERT_TRUE(Get("/one").ok());
  absl::StatusOr<Response> two = Get("/two");
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->body, "two");
}

// A chunked body whose framing never ends: each fails at once, naming the
// limit, instead of growing the read buffer.
struct EndlessFraming {
  const char* name;
  std::string body;
};

class EndlessFramingTest
    : public HostileUpstreamTest,
      public ::testing::WithParamInterface<EndlessFraming> {};

TEST_P(EndlessFramingTest, FailsNamingTheFramingLimit) {
  FakeResponse endless;
  endless.headers = {{"Transfer-Encoding", "chunked"}};
  endless.body = GetParam().body;
  upstream_.Route("GET", "/endless", endless);

  absl::StatusOr<Response> response = Get("/endless");
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(), HasSubstr("framing limit"));
}

INSTANTIATE_TEST_SUITE_P(
    Table, EndlessFramingTest,
    ::testing::Values(
        EndlessFraming{"chunk_size_line", std::string(4 << 20, '1')},
        EndlessFraming{"chunk_extension", "5;ext=" + std::string(4 << 20, 'x')},
        EndlessFraming{"trailer", "3\r\nabc\r\n0\r\nX-Trailer: " +
                                      std::string(4 << 20, 'x')}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(HostileUpstreamTest, AnEndlessHeaderFailsNamingTheLimit) {
  FakeResponse endless = Ok("x");
  endless.headers = {{"X-Long", std::string(1 << 20, 'x')}};
  upstream_.Route("GET", "/endless", endless);

  absl::StatusOr<Response> response = Get("/endless");
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(response.status().message(), HasSubstr("limit"));
}

}  // namespace
}  // namespace tributary::http
