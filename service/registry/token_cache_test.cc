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

  // One Get for `scope` on `cache`, fetching a token valid for `valid_for`.
  absl::StatusOr<std::string> GetFor(TokenCache& cache,
                                     const std::string& scope,
                                     absl::Duration valid_for) {
    absl::StatusOr<std::string> result = absl::UnknownError("not run");
    TokenCache::Fetch fetch =
        [this, scope, valid_for]() -> asio::awaitable<absl::StatusOr<Token>> {
      co_return Token{.value = "token-for-" + scope,
                      .expires_at = clock_.Now() + valid_for,
                      .refresh_at = clock_.Now() + valid_for};
    };
    asio::co_spawn(
        asio::make_strand(io_),
        cache.Get(scope, fetch, absl::Now() + absl::Seconds(5)),
        [&result](std::exception_ptr, absl::StatusOr<std::string> got) {
          result = std::move(got);
        });
    io_.restart();
    io_.run();
    return result;
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

TEST_F(TokenCacheTest, PastItsEntryCapTheTokenDueSoonestGoesFirst) {
  TokenCache cache(clock_, {.max_tokens = 2});
  ASSERT_TRUE(GetFor(cache, "repository:a:pull", absl::Minutes(5)).ok());
  ASSERT_TRUE(GetFor(cache, "repository:b:pull", absl::Minutes(1)).ok());
  ASSERT_TRUE(GetFor(cache, "repository:c:pull", absl::Minutes(5)).ok());

  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Cached("repository:b:pull"), "");
  EXPECT_EQ(cache.Cached("repository:a:pull"), "token-for-repository:a:pull");
  EXPECT_EQ(cache.Cached("repository:c:pull"), "token-for-repository:c:pull");
}

TEST_F(TokenCacheTest, PastItsByteCapOldTokensMakeRoom) {
  const std::string scope = "repository:a:pull";
  const size_t one = scope.size() + ("token-for-" + scope).size();
  TokenCache cache(clock_, {.max_bytes = 2 * one});
  ASSERT_TRUE(GetFor(cache, "repository:a:pull", absl::Minutes(1)).ok());
  ASSERT_TRUE(GetFor(cache, "repository:b:pull", absl::Minutes(2)).ok());
  ASSERT_TRUE(GetFor(cache, "repository:c:pull", absl::Minutes(3)).ok());

  EXPECT_EQ(cache.size(), 2u);
  EXPECT_LE(cache.bytes(), 2 * one);
  EXPECT_EQ(cache.Cached("repository:a:pull"), "");
}

TEST_F(TokenCacheTest, ExpiredTokensAreSweptWithoutBeingLookedUp) {
  ASSERT_TRUE(GetFor(cache_, "repository:a:pull", absl::Minutes(1)).ok());
  ASSERT_TRUE(GetFor(cache_, "repository:b:pull", absl::Minutes(1)).ok());
  clock_.Advance(absl::Minutes(2));
  ASSERT_TRUE(GetFor(cache_, "repository:c:pull", absl::Minutes(1)).ok());

  EXPECT_EQ(cache_.size(), 1u);  // a and b went when c was stored
}

}  // namespace
}  // namespace tributary::registry
