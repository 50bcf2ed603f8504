#include "service/registry/token_cache.h"

#include <atomic>
#include <thread>
#include <vector>

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "gtest/gtest.h"
#include "service/util/fake_clock.h"

namespace tributary::registry {
namespace {

namespace asio = boost::asio;

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

class TokenCacheTest : public ::testing::Test {
 protected:
  // A fetch that waits `delay` of real time, then returns the token
  // "token-N" (N counts fetches) valid for 60 s of the fake clock, or
  // `failure` when set.
  TokenCache::Fetch CountingFetch(absl::Duration delay = absl::ZeroDuration()) {
    return [this, delay]() -> asio::awaitable<absl::StatusOr<Token>> {
      const int n = ++fetches_;
      if (delay > absl::ZeroDuration()) {
        asio::steady_timer timer(co_await asio::this_coro::executor,
                                 absl::ToChronoNanoseconds(delay));
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      if (!failure_.ok()) {
        co_return failure_;
      }
      co_return Token{.value = "token-" + std::to_string(n),
                      .expires_at = clock_.Now() + absl::Seconds(60),
                      .refresh_at = clock_.Now() + absl::Seconds(45)};
    };
  }

  // Runs `count` concurrent Gets for `scope` on their own strands and returns
  // their results once all are done.
  std::vector<absl::StatusOr<std::string>> GetConcurrently(
      int count, TokenCache::Fetch fetch,
      absl::Duration timeout = absl::Seconds(5)) {
    std::vector<absl::StatusOr<std::string>> results(
        count, absl::UnknownError("not run"));
    for (int i = 0; i < count; ++i) {
      asio::co_spawn(
          asio::make_strand(io_),
          cache_.Get("repository:a:pull", fetch, absl::Now() + timeout),
          [&results, i](std::exception_ptr,
                        absl::StatusOr<std::string> result) {
            results[i] = std::move(result);
          });
    }
    io_.restart();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([this] { io_.run(); });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
    return results;
  }

  absl::StatusOr<std::string> GetOnce(TokenCache::Fetch fetch) {
    return GetConcurrently(1, std::move(fetch)).front();
  }

  asio::io_context io_;
  util::FakeClock clock_{kStart};
  TokenCache cache_{clock_};
  std::atomic<int> fetches_ = 0;
  absl::Status failure_;
};

TEST_F(TokenCacheTest, FiftyConcurrentColdRequestsShareOneFetch) {
  const auto results =
      GetConcurrently(50, CountingFetch(absl::Milliseconds(100)));
  EXPECT_EQ(fetches_, 1);
  EXPECT_EQ(cache_.fetches_started(), 1);
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(*result, "token-1");
  }
}

TEST_F(TokenCacheTest, ReusesTheTokenUntilItsRefreshTime) {
  ASSERT_EQ(GetOnce(CountingFetch()).value_or(""), "token-1");
  clock_.Advance(absl::Seconds(44));
  EXPECT_EQ(GetOnce(CountingFetch()).value_or(""), "token-1");
  EXPECT_EQ(cache_.Cached("repository:a:pull"), "token-1");
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(cache_.Cached("repository:a:pull"), "");
  EXPECT_EQ(GetOnce(CountingFetch()).value_or(""), "token-2");
  EXPECT_EQ(fetches_, 2);
}

TEST_F(TokenCacheTest, KeepsOneTokenPerScope) {
  ASSERT_EQ(GetOnce(CountingFetch()).value_or(""), "token-1");
  EXPECT_EQ(cache_.Cached("repository:a:pull"), "token-1");
  EXPECT_EQ(cache_.Cached("repository:b:pull"), "");
}

TEST_F(TokenCacheTest, InvalidateDropsTheRefusedTokenSoTheNextGetFetches) {
  ASSERT_EQ(GetOnce(CountingFetch()).value_or(""), "token-1");
  cache_.Invalidate("repository:a:pull", "token-1");
  EXPECT_EQ(cache_.Cached("repository:a:pull"), "");
  EXPECT_EQ(GetOnce(CountingFetch()).value_or(""), "token-2");
}

TEST_F(TokenCacheTest, InvalidateKeepsANewerToken) {
  ASSERT_EQ(GetOnce(CountingFetch()).value_or(""), "token-1");
  cache_.Invalidate("repository:a:pull", "token-1");
  ASSERT_EQ(GetOnce(CountingFetch()).value_or(""), "token-2");
  cache_.Invalidate("repository:a:pull", "token-1");  // a late second refusal
  EXPECT_EQ(cache_.Cached("repository:a:pull"), "token-2");
}

TEST_F(TokenCacheTest, AFailedFetchIsSharedByItsWaitersButNotCached) {
  failure_ = absl::UnavailableError("token server down");
  const auto results =
      GetConcurrently(10, CountingFetch(absl::Milliseconds(50)));
  EXPECT_EQ(fetches_, 1);
  for (const auto& result : results) {
    EXPECT_EQ(result.status(), failure_);
  }
  failure_ = absl::OkStatus();
  EXPECT_EQ(GetOnce(CountingFetch()).value_or(""), "token-2");
}

TEST_F(TokenCacheTest, AWaiterGivesUpAtItsDeadlineWhileTheFetchGoesOn) {
  const auto results = GetConcurrently(1, CountingFetch(absl::Seconds(1)),
                                       absl::Milliseconds(50));
  EXPECT_EQ(results[0].status().code(), absl::StatusCode::kDeadlineExceeded);
  // io_ ran until the detached fetch finished, so its token is cached.
  EXPECT_EQ(cache_.Cached("repository:a:pull"), "token-1");
}

}  // namespace
}  // namespace tributary::registry
