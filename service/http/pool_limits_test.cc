// The connection pool's bounds, through the client: idle connections expire
// and are capped over all origins; connections per origin, busy or idle, are
// capped too.
#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/asio/bind_cancellation_slot.hpp"
#include "boost/asio/cancellation_signal.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/use_future.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/http/client.h"
#include "service/util/fake_clock.h"
#include "tests/support/fake_upstream.h"

namespace tributary::http {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
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

// The cap on connections per origin, busy as well as idle: a request past it
// waits for one instead of opening another socket.
class ConnectionCapTest : public PoolLimitsTest {
 protected:
  void SetUp() override {
    FakeResponse held;
    held.body = "held";
    held.hold = true;
    upstream_.Route("GET", "/held", held);
    FakeResponse slow;
    slow.body = "slow";
    slow.delay = absl::Milliseconds(50);
    upstream_.Route("GET", "/slow", slow);
  }
  void TearDown() override { upstream_.Release(); }

  std::future<absl::StatusOr<Response>> Start(Client& client,
                                              const std::string& path,
                                              RequestOptions options = {}) {
    Request request;
    request.url = upstream_.url() + path;
    return asio::co_spawn(io_, client.Send(std::move(request), options),
                          asio::use_future);
  }
  std::future<absl::StatusOr<Response>> StartCancellable(
      Client& client, const std::string& path) {
    Request request;
    request.url = upstream_.url() + path;
    return asio::co_spawn(
        io_, client.Send(std::move(request), RequestOptions{}),
        asio::bind_cancellation_slot(cancel_.slot(), asio::use_future));
  }

  // Runs the io_context until `done` holds; false after a generous bound
  // (it fails the test, it does not order it).
  template <class Done>
  bool RunUntil(Done done) {
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (!done()) {
      if (absl::Now() > give_up) {
        return false;
      }
      io_.restart();
      io_.run_one_for(std::chrono::milliseconds(10));
    }
    return true;
  }

  static bool Ready(const std::future<absl::StatusOr<Response>>& result) {
    return result.wait_for(std::chrono::seconds(0)) ==
           std::future_status::ready;
  }

  FakeUpstream upstream_;
  asio::cancellation_signal cancel_;
};

TEST_F(ConnectionCapTest, TenConcurrentRequestsUseNoMoreThanTheCap) {
  Client client(ClientOptions{.max_connections_per_origin = 2});
  std::vector<std::future<absl::StatusOr<Response>>> results;
  for (int i = 0; i < 10; ++i) {
    results.push_back(Start(client, "/slow"));
  }

  ASSERT_TRUE(RunUntil([&] { return std::ranges::all_of(results, Ready); }));

  for (auto& result : results) {
    absl::StatusOr<Response> response = result.get();
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->body, "slow");
  }
  EXPECT_LE(upstream_.connections_accepted(), 2);
  EXPECT_EQ(client.RequestsWaitingForConnection(), 0);
}

TEST_F(ConnectionCapTest, ACancelledWaitingRequestLeavesTheQueue) {
  Client client(ClientOptions{.max_connections_per_origin = 1});
  auto holding = Start(client, "/held");
  auto waiting = StartCancellable(client, "/slow");
  ASSERT_TRUE(RunUntil([&] {
    return upstream_.requests().size() == 1 &&
           client.RequestsWaitingForConnection() == 1;
  }));

  cancel_.emit(asio::cancellation_type::terminal);

  ASSERT_TRUE(RunUntil([&] { return Ready(waiting); }));
  EXPECT_EQ(client.RequestsWaitingForConnection(), 0);
  EXPECT_EQ(upstream_.requests().size(), 1u) << "it never reached the upstream";
  upstream_.Release();
  ASSERT_TRUE(RunUntil([&] { return Ready(holding); }));
  auto next = Start(client, "/slow");
  ASSERT_TRUE(RunUntil([&] { return Ready(next); }));
  EXPECT_TRUE(next.get().ok()) << "the slot was not lost";
  EXPECT_EQ(upstream_.connections_accepted(), 1);
}

TEST_F(ConnectionCapTest, AWaitingRequestGivesUpAtItsDeadlineNamingTheCap) {
  Client client(ClientOptions{.max_connections_per_origin = 1});
  auto holding = Start(client, "/held");
  auto waiting = Start(client, "/slow",
                       {.deadline = absl::Now() + absl::Milliseconds(300)});

  ASSERT_TRUE(RunUntil([&] { return Ready(waiting); }));

  absl::StatusOr<Response> response = waiting.get();
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(response.status().message(), HasSubstr("max_connections"));
  EXPECT_EQ(client.RequestsWaitingForConnection(), 0);
  upstream_.Release();
  ASSERT_TRUE(RunUntil([&] { return Ready(holding); }));
}

TEST_F(ConnectionCapTest, ReportsEachRequestThatWaitedWithHowItLeftTheQueue) {
  std::vector<absl::StatusCode> outcomes;
  std::vector<absl::Duration> waits;
  Client client(ClientOptions{
      .max_connections_per_origin = 1,
      .connection_waited =
          [&](absl::Duration waited, absl::StatusCode outcome) {
            waits.push_back(waited);
            outcomes.push_back(outcome);
          },
  });
  auto holding = Start(client, "/held");
  auto gives_up = Start(client, "/slow",
                        {.deadline = absl::Now() + absl::Milliseconds(300)});
  ASSERT_TRUE(RunUntil([&] { return Ready(gives_up); }));
  auto gets_one = Start(client, "/slow");
  ASSERT_TRUE(RunUntil([&] { return client.RequestsWaitingForConnection(); }));
  upstream_.Release();
  ASSERT_TRUE(RunUntil([&] { return Ready(holding) && Ready(gets_one); }));

  EXPECT_TRUE(gets_one.get().ok());
  EXPECT_THAT(outcomes,
              ::testing::ElementsAre(absl::StatusCode::kDeadlineExceeded,
                                     absl::StatusCode::kOk))
      << "the request that found a free connection waited for none";
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_GE(waits[0], absl::Milliseconds(250));
}

}  // namespace
}  // namespace tributary::http
