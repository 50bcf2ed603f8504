// The connection pool's bounds, through the client: idle connections expire
// and are capped over all origins.
#include <future>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/use_future.hpp"
#include "gtest/gtest.h"
#include "service/http/client.h"
#include "service/util/fake_clock.h"
#include "tests/support/fake_upstream.h"

namespace tributary::http {
namespace {

namespace asio = boost::asio;
using ::tributary::testing::FakeResponse;
using ::tributary::testing::FakeUpstream;

class PoolLimitsTest : public ::testing::Test {
 protected:
  std::unique_ptr<FakeUpstream> Upstream() {
    auto upstream = std::make_unique<FakeUpstream>();
    FakeResponse ok;
    ok.body = "ok";
    upstream->Route("GET", "/a", ok);
    return upstream;
  }

  absl::StatusOr<Response> Get(Client& client, const FakeUpstream& upstream) {
    Request request;
    request.url = upstream.url() + "/a";
    std::future<absl::StatusOr<Response>> result =
        asio::co_spawn(io_, client.Send(std::move(request), RequestOptions{}),
                       asio::use_future);
    io_.restart();
    io_.run();
    return result.get();
  }

  asio::io_context io_;
  util::FakeClock clock_;
};

TEST_F(PoolLimitsTest, AConnectionIdleWithinTheTimeoutIsReused) {
  std::unique_ptr<FakeUpstream> upstream = Upstream();
  Client client(
      ClientOptions{.idle_timeout = absl::Seconds(30), .clock = &clock_});
  ASSERT_TRUE(Get(client, *upstream).ok());
  clock_.Advance(absl::Seconds(29));
  ASSERT_TRUE(Get(client, *upstream).ok());
  EXPECT_EQ(upstream->connections_accepted(), 1);
}

TEST_F(PoolLimitsTest, AConnectionIdlePastTheTimeoutIsClosedNotReused) {
  std::unique_ptr<FakeUpstream> upstream = Upstream();
  Client client(
      ClientOptions{.idle_timeout = absl::Seconds(30), .clock = &clock_});
  ASSERT_TRUE(Get(client, *upstream).ok());
  ASSERT_EQ(client.IdleConnections(), 1);
  clock_.Advance(absl::Seconds(31));
  ASSERT_TRUE(Get(client, *upstream).ok());
  EXPECT_EQ(upstream->connections_accepted(), 2);
  EXPECT_EQ(client.IdleConnections(), 1);
}

TEST_F(PoolLimitsTest, IdleConnectionsOverAllOriginsAreCappedOldestFirst) {
  std::unique_ptr<FakeUpstream> first = Upstream();
  std::unique_ptr<FakeUpstream> second = Upstream();
  std::unique_ptr<FakeUpstream> third = Upstream();
  Client client(ClientOptions{.max_idle_total = 2, .clock = &clock_});
  for (FakeUpstream* upstream : {first.get(), second.get(), third.get()}) {
    ASSERT_TRUE(Get(client, *upstream).ok());
    clock_.Advance(absl::Seconds(1));
  }
  EXPECT_EQ(client.IdleConnections(), 2);

  ASSERT_TRUE(Get(client, *first).ok());  // its idle connection was closed
  EXPECT_EQ(first->connections_accepted(), 2);
  ASSERT_TRUE(Get(client, *third).ok());  // still pooled
  EXPECT_EQ(third->connections_accepted(), 1);
}

}  // namespace
}  // namespace tributary::http
