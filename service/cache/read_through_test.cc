#include "service/cache/read_through.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "service/util/cancel_signal.h"
#include "service/util/fake_clock.h"

namespace tributary::cache {
namespace {

using Result = ReadThrough<std::string>::Result;
using Done = ReadThrough<std::string>::Done;

int64_t SizeOf(const std::string& value) {
  return static_cast<int64_t>(value.size());
}

constexpr Policy kTagPolicy{.fresh_for = absl::Seconds(60),
                            .stale_while_revalidate = absl::Seconds(60),
                            .stale_if_error = absl::Hours(1),
                            .negative_for = absl::Seconds(10)};

// A fetch the test completes by hand, counting how many were started.
class ManualUpstream {
 public:
  ReadThrough<std::string>::Fetch Fetch() {
    return [this](Done done, std::shared_ptr<util::CancelSignal> cancel) {
      pending_.push_back(std::move(done));
      cancels_.push_back(std::move(cancel));
    };
  }
  // The cancel signal of the fetch started `index`-th.
  const util::CancelSignal& cancel(size_t index) const {
    return *cancels_.at(index);
  }
  void Answer(Result result) {
    ASSERT_FALSE(pending_.empty());
    Done done = std::move(pending_.front());
    pending_.erase(pending_.begin());
    done(std::move(result));
  }
  void Succeed(const std::string& value) {
    Answer(cache::Answer<std::string>{.value = value, .upstream = "hub"});
  }
  int started() const { return started_ + static_cast<int>(pending_.size()); }
  int pending() const { return static_cast<int>(pending_.size()); }

 private:
  std::vector<Done> pending_;
  std::vector<std::shared_ptr<util::CancelSignal>> cancels_;
  int started_ = 0;
};

class ReadThroughTest : public ::testing::Test {
 protected:
  // Asks for `key` and returns what `done` got (nullopt: not called yet).
  std::shared_ptr<std::optional<Result>> Get(
      CacheMode mode = CacheMode::kDefault, const Policy& policy = kTagPolicy,
      const std::string& key = "demo/app:v1",
      std::shared_ptr<util::CancelSignal> caller = nullptr) {
    auto got = std::make_shared<std::optional<Result>>();
    ++asked_;
    cache_.Get(
        key, mode, policy, upstream_.Fetch(),
        [got](Result result) { *got = std::move(result); }, std::move(caller));
    return got;
  }
  // Asks for the default key on behalf of a caller who may cancel.
  std::shared_ptr<std::optional<Result>> GetFor(
      std::shared_ptr<util::CancelSignal> caller) {
    return Get(CacheMode::kDefault, kTagPolicy, "demo/app:v1",
               std::move(caller));
  }
  // Fills the cache with `value`, fetched now.
  void Warm(const std::string& value) {
    auto got = Get();
    upstream_.Succeed(value);
    ASSERT_TRUE(got->has_value() && (*got)->ok());
  }

  util::FakeClock clock_;
  metrics::Metrics metrics_{{}};
  MemoryCache store_{1 << 20, &metrics_};
  ReadThrough<std::string> cache_{metrics::CacheKind::kManifest, store_, clock_,
                                  metrics_, &SizeOf};
  ManualUpstream upstream_;
  int asked_ = 0;
};

TEST_F(ReadThroughTest, AMissFetchesAndTheNextRequestIsAFreshHit) {
  auto first = Get();
  ASSERT_EQ(upstream_.pending(), 1);
  upstream_.Succeed("v1-content");
  ASSERT_TRUE(first->has_value() && (*first)->ok());
  EXPECT_FALSE((**first)->cache.from_cache);

  clock_.Advance(absl::Seconds(30));
  auto second = Get();
  ASSERT_TRUE(second->has_value() && (*second)->ok());
  EXPECT_EQ((**second)->value, "v1-content");
  EXPECT_EQ((**second)->upstream, "hub");
  EXPECT_TRUE((**second)->cache.from_cache);
  EXPECT_FALSE((**second)->cache.stale);
  EXPECT_EQ((**second)->cache.age, absl::Seconds(30));
  EXPECT_EQ(upstream_.pending(), 0);
}

TEST_F(ReadThroughTest, IdenticalRequestsInFlightShareOneFetch) {
  auto a = Get();
  auto b = Get();
  auto c = Get();
  EXPECT_EQ(upstream_.pending(), 1);
  upstream_.Succeed("x");
  for (const auto& got : {a, b, c}) {
    ASSERT_TRUE(got->has_value() && (*got)->ok());
    EXPECT_EQ((**got)->value, "x");
  }
}

TEST_F(ReadThroughTest, ACallerWhoCancelsAloneIsAnsweredAndItsFetchCancelled) {
  auto caller = std::make_shared<util::CancelSignal>();
  auto got = GetFor(caller);
  ASSERT_EQ(upstream_.pending(), 1);

  caller->Cancel();

  ASSERT_TRUE(got->has_value()) << "answered at once, not when the fetch ends";
  EXPECT_EQ((*got)->status().code(), absl::StatusCode::kCancelled);
  EXPECT_TRUE(upstream_.cancel(0).cancelled());
  EXPECT_EQ(cache_.in_flight(), 0);
}

TEST_F(ReadThroughTest, ASharedFetchKeepsGoingWhenOneOfTwoCallersCancels) {
  auto leaving = std::make_shared<util::CancelSignal>();
  auto staying = std::make_shared<util::CancelSignal>();
  auto left = GetFor(leaving);
  auto stayed = GetFor(staying);
  ASSERT_EQ(upstream_.pending(), 1);

  leaving->Cancel();

  ASSERT_TRUE(left->has_value());
  EXPECT_EQ((*left)->status().code(), absl::StatusCode::kCancelled);
  EXPECT_FALSE(upstream_.cancel(0).cancelled());
  EXPECT_FALSE(stayed->has_value());
  upstream_.Succeed("x");
  ASSERT_TRUE(stayed->has_value() && (*stayed)->ok());
  EXPECT_EQ((**stayed)->value, "x");
}

TEST_F(ReadThroughTest, AfterEveryCallerCancelledTheNextOneStartsAFreshFetch) {
  auto caller = std::make_shared<util::CancelSignal>();
  GetFor(caller);
  caller->Cancel();

  auto next = Get();

  EXPECT_EQ(upstream_.pending(), 2) << "not joined to the cancelled fetch";
  EXPECT_FALSE(upstream_.cancel(1).cancelled());
  upstream_.Answer(absl::CancelledError("the caller cancelled"));
  EXPECT_FALSE(next->has_value()) << "the cancelled fetch answers nobody";
  upstream_.Succeed("x");
  ASSERT_TRUE(next->has_value() && (*next)->ok());
}

TEST_F(ReadThroughTest, ACancelDoesNotStopABackgroundRefresh) {
  Warm("old");
  clock_.Advance(absl::Seconds(61));
  Get();  // stale: answered, and one refresh starts
  ASSERT_EQ(upstream_.pending(), 1);
  clock_.Advance(absl::Hours(2));  // past every stale window: joins the refresh
  auto caller = std::make_shared<util::CancelSignal>();
  GetFor(caller);

  caller->Cancel();

  EXPECT_FALSE(upstream_.cancel(1).cancelled());
}

TEST_F(ReadThroughTest, PastTheTtlServesStaleAndRefreshesOnceInTheBackground) {
  Warm("old");
  clock_.Advance(absl::Seconds(61));
  std::vector<std::shared_ptr<std::optional<Result>>> stale;
  for (int i = 0; i < 5; ++i) {
    stale.push_back(Get());
  }
  for (const auto& got : stale) {
    ASSERT_TRUE(got->has_value() && (*got)->ok());
    EXPECT_EQ((**got)->value, "old");
    EXPECT_TRUE((**got)->cache.stale);
  }
  EXPECT_EQ(upstream_.pending(), 1);  // one refresh, not one per request
  upstream_.Succeed("new");
  auto fresh = Get();
  ASSERT_TRUE(fresh->has_value() && (*fresh)->ok());
  EXPECT_EQ((**fresh)->value, "new");
  EXPECT_FALSE((**fresh)->cache.stale);
}

struct StaleIfErrorCase {
  const char* name;
  absl::Status upstream_error;
  absl::Duration past_ttl;
  bool serves_stale;
};

class StaleIfErrorTest
    : public ReadThroughTest,
      public ::testing::WithParamInterface<StaleIfErrorCase> {};

TEST_P(StaleIfErrorTest, PastTheRevalidateWindowAFailedFetchServesStale) {
  const StaleIfErrorCase& c = GetParam();
  Warm("old");
  clock_.Advance(absl::Seconds(60) + c.past_ttl);
  auto got = Get();
  ASSERT_EQ(upstream_.pending(), 1);
  upstream_.Answer(c.upstream_error);
  ASSERT_TRUE(got->has_value());
  if (c.serves_stale) {
    ASSERT_TRUE((*got)->ok()) << (*got)->status();
    EXPECT_EQ((**got)->value, "old");
    EXPECT_TRUE((**got)->cache.stale);
  } else {
    EXPECT_EQ((*got)->status().code(), c.upstream_error.code());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, StaleIfErrorTest,
    ::testing::Values(
        StaleIfErrorCase{"unavailable_503", absl::UnavailableError("503"),
                         absl::Minutes(5), true},
        StaleIfErrorCase{"rate_limited_429",
                         absl::ResourceExhaustedError("429"), absl::Minutes(5),
                         true},
        StaleIfErrorCase{"timeout", absl::DeadlineExceededError("slow"),
                         absl::Minutes(5), true},
        StaleIfErrorCase{"past_the_error_window", absl::UnavailableError("503"),
                         absl::Hours(2), false},
        StaleIfErrorCase{"not_found_is_an_answer",
                         absl::NotFoundError("deleted"), absl::Minutes(5),
                         false},
        StaleIfErrorCase{"forbidden_403_is_an_answer",
                         absl::PermissionDeniedError("HTTP 403"),
                         absl::Minutes(5), false},
        StaleIfErrorCase{"unauthorized_401_is_an_answer",
                         absl::UnauthenticatedError("HTTP 401"),
                         absl::Minutes(5), false}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(ReadThroughTest, ARefusalDropsTheCachedAnswer) {
  Warm("old");
  clock_.Advance(absl::Seconds(61));  // stale, within the revalidate window
  auto stale = Get();
  ASSERT_TRUE(stale->has_value() && (*stale)->ok());
  upstream_.Answer(absl::PermissionDeniedError("HTTP 403"));

  auto after = Get();  // the refresh was refused: nothing stale to serve
  EXPECT_FALSE(after->has_value());
  EXPECT_EQ(upstream_.pending(), 1);
  upstream_.Answer(absl::PermissionDeniedError("HTTP 403"));
  ASSERT_TRUE(after->has_value());
  EXPECT_EQ((*after)->status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(ReadThroughTest, ANotFoundIsRememberedForTheNegativeTtl) {
  auto first = Get();
  upstream_.Answer(absl::NotFoundError("hub: 404"));
  ASSERT_TRUE(first->has_value());
  EXPECT_TRUE(absl::IsNotFound((*first)->status()));

  clock_.Advance(absl::Seconds(9));
  auto second = Get();
  ASSERT_TRUE(second->has_value());
  EXPECT_TRUE(absl::IsNotFound((*second)->status()));
  EXPECT_EQ((*second)->status().message(), "hub: 404");
  EXPECT_EQ(upstream_.pending(), 0);

  clock_.Advance(absl::Seconds(2));
  auto third = Get();
  EXPECT_EQ(upstream_.pending(), 1);  // expired: asks again
  upstream_.Succeed("back");
  ASSERT_TRUE(third->has_value() && (*third)->ok());
}

TEST_F(ReadThroughTest, OtherFailuresAreNotCached) {
  auto first = Get();
  upstream_.Answer(absl::UnavailableError("down"));
  auto second = Get();
  EXPECT_EQ(upstream_.pending(), 1);
  upstream_.Succeed("up");
  ASSERT_TRUE(second->has_value() && (*second)->ok());
}

TEST_F(ReadThroughTest, ContentByDigestNeverExpires) {
  const Policy immutable{.fresh_for = absl::InfiniteDuration()};
  auto first = Get(CacheMode::kDefault, immutable, "demo/app@sha256:abc");
  upstream_.Succeed("bytes");
  clock_.Advance(absl::Hours(24 * 365));
  auto later = Get(CacheMode::kDefault, immutable, "demo/app@sha256:abc");
  ASSERT_TRUE(later->has_value() && (*later)->ok());
  EXPECT_TRUE((**later)->cache.from_cache);
  EXPECT_FALSE((**later)->cache.stale);
  EXPECT_EQ(upstream_.pending(), 0);
}

TEST_F(ReadThroughTest, RefreshSkipsAFreshEntryAndStoresTheNewAnswer) {
  Warm("old");
  auto refreshed = Get(CacheMode::kRefresh);
  ASSERT_EQ(upstream_.pending(), 1);
  upstream_.Succeed("new");
  ASSERT_TRUE(refreshed->has_value() && (*refreshed)->ok());
  EXPECT_EQ((**refreshed)->value, "new");
  EXPECT_FALSE((**refreshed)->cache.from_cache);
  auto after = Get();
  EXPECT_EQ((**after)->value, "new");
}

TEST_F(ReadThroughTest, RefreshDoesNotFallBackToStaleWhenUpstreamsFail) {
  Warm("old");
  auto refreshed = Get(CacheMode::kRefresh);
  upstream_.Answer(absl::UnavailableError("down"));
  ASSERT_TRUE(refreshed->has_value());
  EXPECT_TRUE(absl::IsUnavailable((*refreshed)->status()));
}

TEST_F(ReadThroughTest, OnlyIfCachedNeverFetches) {
  auto empty = Get(CacheMode::kOnlyIfCached);
  ASSERT_TRUE(empty->has_value());
  EXPECT_TRUE(absl::IsFailedPrecondition((*empty)->status()));
  EXPECT_EQ(upstream_.started(), 0);

  Warm("v");
  clock_.Advance(absl::Minutes(30));  // past revalidate, within stale-if-error
  auto stale = Get(CacheMode::kOnlyIfCached);
  ASSERT_TRUE(stale->has_value() && (*stale)->ok());
  EXPECT_TRUE((**stale)->cache.stale);
  EXPECT_EQ(upstream_.pending(), 0);
}

TEST_F(ReadThroughTest, PutMakesAnAnswerServableUnderAnotherKey) {
  cache_.Put("demo/app@sha256:abc",
             Answer<std::string>{.value = "bytes", .upstream = "hub"});
  auto got = Get(CacheMode::kOnlyIfCached, kTagPolicy, "demo/app@sha256:abc");
  ASSERT_TRUE(got->has_value() && (*got)->ok());
  EXPECT_EQ((**got)->value, "bytes");
}

TEST_F(ReadThroughTest, KindsSharingAStoreDoNotSeeEachOthersKeys) {
  ReadThrough<std::string> heads(metrics::CacheKind::kManifestHead, store_,
                                 clock_, metrics_, &SizeOf);
  Warm("manifest");
  std::optional<Result> got;
  heads.Get("demo/app:v1", CacheMode::kOnlyIfCached, kTagPolicy,
            upstream_.Fetch(), [&](Result result) { got = std::move(result); });
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(absl::IsFailedPrecondition(got->status()));
}

}  // namespace
}  // namespace tributary::cache
