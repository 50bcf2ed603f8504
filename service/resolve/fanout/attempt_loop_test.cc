#include "service/resolve/fanout/attempt_loop.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/post.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/registry/testing/fake_registry.h"
#include "service/util/fake_clock.h"

namespace tributary::resolve {
namespace {

namespace asio = boost::asio;
using registry::FakeRegistry;
using ::testing::HasSubstr;

registry::Manifest AManifest() {
  oci::DigestHasher hasher(oci::DigestAlgorithm::kSha256);
  hasher.Update("{}");
  return registry::Manifest{.content = "{}",
                            .media_type = "application/json",
                            .digest = hasher.Finish()};
}

registry::ManifestQuery AQuery() {
  return registry::ManifestQuery{
      .repository = "team/app",
      .reference = *oci::Reference::Parse("v1"),
      .accept = {"application/json"},
  };
}

// The loop over fake upstreams on one io_context, each exchange a manifest
// GET. No network I/O; retries back off 1 ms.
class AttemptLoopTest : public ::testing::Test {
 protected:
  FakeRegistry& Add(std::unique_ptr<FakeRegistry> fake) {
    FakeRegistry& raw = *fake;
    upstreams_.push_back(
        std::make_unique<Upstream>(static_cast<int>(upstreams_.size()),
                                   std::move(fake), clock_, metrics_));
    return raw;
  }
  FakeRegistry& Add(const std::string& name) {
    return Add(FakeRegistry::Named(name));
  }

  // Runs one Next to completion (or fails after a generous timeout instead
  // of hanging); the name of the upstream that answered, "" for none.
  std::string RunNext(AttemptLoop& loop) {
    std::optional<std::string> answered;
    const Exchange exchange =
        [](registry::Registry& upstream) -> asio::awaitable<absl::Status> {
      absl::StatusOr<registry::Manifest> manifest =
          co_await upstream.GetManifest(AQuery());
      co_return manifest.status();
    };
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          Upstream* upstream = co_await loop.Next(exchange);
          answered = upstream == nullptr ? "" : upstream->name();
        },
        asio::detached);
    io_.restart();
    io_.run_for(std::chrono::seconds(10));
    EXPECT_TRUE(answered.has_value()) << "Next did not finish";
    return answered.value_or("(hung)");
  }

  AttemptLoop Loop(AttemptLimits limits = {}) {
    return AttemptLoop(upstreams_, metrics_, std::move(limits));
  }

  asio::io_context io_;
  util::FakeClock clock_;
  metrics::Metrics metrics_{{"hub", "mirror", "third"}};
  std::vector<std::unique_ptr<Upstream>> upstreams_;
};

TEST_F(AttemptLoopTest, FallsThroughToNextUpstreamOn404) {
  FakeRegistry& hub = Add("hub");
  FakeRegistry& mirror = Add("mirror");
  mirror.on_manifest = [](auto&) { return AManifest(); };
  AttemptLoop loop = Loop();

  EXPECT_EQ(RunNext(loop), "mirror");
  EXPECT_EQ(hub.manifest_calls(), 1);  // a 404 is an answer: not retried
  ASSERT_EQ(loop.failures().size(), 1u);
  EXPECT_EQ(loop.failures()[0].upstream, "hub");
  EXPECT_EQ(loop.failures()[0].status.code(), absl::StatusCode::kNotFound);
}

TEST_F(AttemptLoopTest, Retries503OnTheSameUpstreamThenAsksTheNext) {
  FakeRegistry& hub = Add("hub");
  hub.on_manifest = [](auto&) { return absl::UnavailableError("HTTP 503"); };
  Add("mirror").on_manifest = [](auto&) { return AManifest(); };
  AttemptLoop loop = Loop();

  EXPECT_EQ(RunNext(loop), "mirror");
  EXPECT_EQ(hub.manifest_calls(), 3);
  ASSERT_EQ(loop.failures().size(), 1u);
  EXPECT_THAT(loop.failures()[0].status.message(),
              HasSubstr("HTTP 503 after 3 attempts"));
  EXPECT_EQ(loop.requests(), 4);
}

TEST_F(AttemptLoopTest, A503ThatRecoversIsAnsweredByTheSameUpstream) {
  FakeRegistry& hub = Add("hub");
  hub.on_manifest = [&hub](auto&) -> absl::StatusOr<registry::Manifest> {
    if (hub.manifest_calls() == 1) {
      return absl::UnavailableError("HTTP 503");
    }
    return AManifest();
  };
  AttemptLoop loop = Loop();

  EXPECT_EQ(RunNext(loop), "hub");
  EXPECT_EQ(hub.manifest_calls(), 2);
  EXPECT_TRUE(loop.failures().empty());
}

TEST_F(AttemptLoopTest, SkipsAnUpstreamWhoseCircuitIsOpenWithoutAskingIt) {
  auto fake = FakeRegistry::Named("hub", /*retries=*/1);
  v1::UpstreamConfig config = fake->upstream();
  config.mutable_circuit_breaker()->set_failure_threshold(1);
  auto breaking = std::make_unique<FakeRegistry>(config);
  FakeRegistry& hub = Add(std::move(breaking));
  hub.on_manifest = [](auto&) { return absl::UnavailableError("HTTP 503"); };
  Add("mirror").on_manifest = [](auto&) { return AManifest(); };
  AttemptLoop first = Loop();
  ASSERT_EQ(RunNext(first), "mirror");  // opens hub's circuit
  ASSERT_EQ(hub.manifest_calls(), 1);

  AttemptLoop second = Loop();
  EXPECT_EQ(RunNext(second), "mirror");
  EXPECT_EQ(hub.manifest_calls(), 1);
  ASSERT_EQ(second.failures().size(), 1u);
  EXPECT_TRUE(second.failures()[0].skipped);
  EXPECT_EQ(second.failures()[0].status.code(), absl::StatusCode::kUnavailable);
}

TEST_F(AttemptLoopTest, SkipsDisabledAndOutOfScopeUpstreams) {
  auto disabled = FakeRegistry::Named("hub");
  v1::UpstreamConfig off = disabled->upstream();
  off.set_enabled(false);
  FakeRegistry& hub = Add(std::make_unique<FakeRegistry>(off));
  v1::UpstreamConfig scoped = FakeRegistry::Named("mirror")->upstream();
  scoped.mutable_scope()->add_include("other/**");
  FakeRegistry& mirror = Add(std::make_unique<FakeRegistry>(scoped));
  Add("third").on_manifest = [](auto&) { return AManifest(); };
  AttemptLoop loop = Loop({.repository = "team/app"});

  EXPECT_EQ(RunNext(loop), "third");
  EXPECT_EQ(hub.manifest_calls(), 0);
  EXPECT_EQ(mirror.manifest_calls(), 0);
  ASSERT_EQ(loop.failures().size(), 1u);  // the disabled one goes unmentioned
  EXPECT_EQ(loop.failures()[0].upstream, "mirror");
  EXPECT_TRUE(loop.failures()[0].skipped);
}

TEST_F(AttemptLoopTest, AsksOnlyTheUpstreamsServingTheSourceRegistryInOrder) {
  const auto serving = [](const std::string& name,
                          const std::string& registry) {
    v1::UpstreamConfig config = FakeRegistry::Named(name)->upstream();
    config.add_registries(registry);
    return std::make_unique<FakeRegistry>(config);
  };
  FakeRegistry& hub = Add(serving("hub", "docker.io"));
  FakeRegistry& mirror = Add(serving("mirror", "ghcr.io"));
  FakeRegistry& third = Add(serving("third", "ghcr.io"));
  third.on_manifest = [](auto&) { return AManifest(); };
  AttemptLoop loop = Loop({.source_registry = "ghcr.io"});

  EXPECT_EQ(RunNext(loop), "third");
  EXPECT_EQ(hub.manifest_calls(), 0);
  EXPECT_EQ(mirror.manifest_calls(), 1);
  ASSERT_EQ(loop.failures().size(), 1u);  // hub was never a candidate
  EXPECT_EQ(loop.failures()[0].upstream, "mirror");
}

TEST_F(AttemptLoopTest, AsksNoUpstreamOnceTheDeadlineHasPassed) {
  FakeRegistry& hub = Add("hub");
  AttemptLoop loop = Loop({.deadline = absl::Now() - absl::Seconds(1)});

  EXPECT_EQ(RunNext(loop), "");
  EXPECT_EQ(hub.manifest_calls(), 0);
  ASSERT_EQ(loop.failures().size(), 1u);
  EXPECT_EQ(loop.failures()[0].status.code(),
            absl::StatusCode::kDeadlineExceeded);
}

TEST_F(AttemptLoopTest, DoesNotRetryPastTheDeadline) {
  v1::UpstreamConfig slow = FakeRegistry::Named("hub")->upstream();
  slow.mutable_retry()->mutable_initial_backoff()->set_seconds(60);
  slow.mutable_retry()->mutable_max_backoff()->set_seconds(60);
  FakeRegistry& hub = Add(std::make_unique<FakeRegistry>(slow));
  hub.on_manifest = [](auto&) { return absl::UnavailableError("HTTP 503"); };
  AttemptLoop loop = Loop({.deadline = absl::Now() + absl::Seconds(5)});

  EXPECT_EQ(RunNext(loop), "");  // would hang a minute if it waited
  EXPECT_EQ(hub.manifest_calls(), 1);
}

TEST_F(AttemptLoopTest, ACancelDuringABackoffEndsTheLoopAtOnce) {
  v1::UpstreamConfig slow = FakeRegistry::Named("hub")->upstream();
  slow.mutable_retry()->mutable_initial_backoff()->set_seconds(60);
  slow.mutable_retry()->mutable_max_backoff()->set_seconds(60);
  slow.mutable_retry()->mutable_budget()->set_seconds(600);
  slow.mutable_retry()->mutable_max_retry_after()->set_seconds(600);
  FakeRegistry& hub = Add(std::make_unique<FakeRegistry>(slow));
  Cancellation cancellation(io_.get_executor());
  hub.on_manifest = [&](auto&) {
    // Cancelled once the backoff has begun.
    asio::post(io_, [&] { cancellation.Cancel(); });
    return absl::UnavailableError("HTTP 503");
  };
  Add("mirror").on_manifest = [](auto&) { return AManifest(); };
  AttemptLoop loop = Loop({.cancellation = &cancellation});

  const absl::Time start = absl::Now();
  EXPECT_EQ(RunNext(loop), "");
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_TRUE(loop.cancelled());
  EXPECT_EQ(hub.manifest_calls(), 1);
}

TEST_F(AttemptLoopTest, ACancelWhileWaitingForAnAnswerEndsTheLoopAtOnce) {
  FakeRegistry& hub = Add("hub");
  hub.on_manifest = [](auto&) { return FakeRegistry::Hang(); };
  FakeRegistry& mirror = Add("mirror");
  Cancellation cancellation(io_.get_executor());
  asio::post(io_, [&] { cancellation.Cancel(); });
  AttemptLoop loop = Loop({.cancellation = &cancellation});

  EXPECT_EQ(RunNext(loop), "");
  EXPECT_TRUE(loop.cancelled());
  EXPECT_EQ(mirror.manifest_calls(), 0);
}

TEST_F(AttemptLoopTest, ResumesOnceOnAnUpstreamThatMadeProgressThenMovesOn) {
  FakeRegistry& hub = Add("hub");
  hub.on_manifest = [](auto&) { return AManifest(); };
  Add("mirror").on_manifest = [](auto&) { return AManifest(); };
  AttemptLoop loop = Loop();
  const absl::Status cut = absl::UnavailableError("connection reset");

  ASSERT_EQ(RunNext(loop), "hub");
  loop.FailedAfterAnswer(cut, /*progressed=*/true);
  EXPECT_EQ(RunNext(loop), "hub");
  loop.FailedAfterAnswer(cut, /*progressed=*/true);
  EXPECT_EQ(RunNext(loop), "mirror");
  EXPECT_EQ(loop.failures().size(), 2u);
}

TEST_F(AttemptLoopTest, MovesOnAtOnceFromAnUpstreamThatMadeNoProgress) {
  Add("hub").on_manifest = [](auto&) { return AManifest(); };
  Add("mirror").on_manifest = [](auto&) { return AManifest(); };
  AttemptLoop loop = Loop();

  ASSERT_EQ(RunNext(loop), "hub");
  loop.FailedAfterAnswer(absl::UnavailableError("reset"),
                         /*progressed=*/false);
  EXPECT_EQ(RunNext(loop), "mirror");
}

TEST_F(AttemptLoopTest, StopsAtTheRequestCap) {
  FakeRegistry& hub = Add("hub");
  hub.on_manifest = [](auto&) { return absl::UnavailableError("HTTP 503"); };
  FakeRegistry& mirror = Add("mirror");
  AttemptLoop loop = Loop({.max_requests = 2});

  EXPECT_EQ(RunNext(loop), "");
  EXPECT_EQ(hub.manifest_calls(), 2);
  EXPECT_EQ(mirror.manifest_calls(), 0);
  EXPECT_EQ(loop.requests(), 2);
}

TEST_F(AttemptLoopTest, FeedsTheCircuitBreakerAndTheUpstreamStatus) {
  FakeRegistry& hub = Add("hub");
  hub.on_manifest = [](auto&) { return absl::UnavailableError("HTTP 503"); };
  AttemptLoop loop = Loop();

  EXPECT_EQ(RunNext(loop), "");
  const UpstreamSnapshot snapshot = upstreams_[0]->Snapshot();
  EXPECT_EQ(snapshot.requests, 3);
  EXPECT_EQ(snapshot.failures, 3);
  EXPECT_EQ(snapshot.consecutive_failures, 3);
  EXPECT_THAT(snapshot.last_error, HasSubstr("HTTP 503"));
}

}  // namespace
}  // namespace tributary::resolve
