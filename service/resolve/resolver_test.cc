#include "service/resolve/resolver.h"

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "boost/asio/io_context.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/registry/testing/fake_registry.h"
#include "service/resolve/make_resolver.h"
#include "service/util/fake_clock.h"

namespace tributary::resolve {
namespace {

using registry::FakeRegistry;
using ::testing::HasSubstr;

ManifestQuery AQuery() {
  return ManifestQuery{
      .repository = "team/app",
      .reference = *oci::Reference::Parse("v1"),
      .accept = {"application/json"},
  };
}

// The Resolver over fake upstreams on one io_context: no network I/O.
class ResolverTest : public ::testing::Test {
 protected:
  std::unique_ptr<Resolver> Make(
      std::vector<std::unique_ptr<FakeRegistry>> fakes) {
    std::vector<std::unique_ptr<registry::Registry>> upstreams;
    for (auto& fake : fakes) {
      upstreams.push_back(std::move(fake));
    }
    return MakeResolver(std::move(upstreams), io_.get_executor(), metrics_,
                        BlobStreamOptions{}, clock_);
  }

  absl::StatusOr<Resolved<Manifest>> GetManifest(Resolver& resolver) {
    std::optional<absl::StatusOr<Resolved<Manifest>>> answer;
    resolver.GetManifest(AQuery(), [&](auto result) { answer = result; });
    io_.run_for(std::chrono::seconds(10));
    if (!answer.has_value()) {
      return absl::InternalError("test: done never ran");
    }
    return *answer;
  }

  boost::asio::io_context io_;
  util::FakeClock clock_;
  metrics::Metrics metrics_{{"hub", "mirror"}};
};

TEST_F(ResolverTest, AnswersFromTheFirstUpstreamThatHasIt) {
  std::vector<std::unique_ptr<FakeRegistry>> fakes;
  fakes.push_back(FakeRegistry::Named("hub"));
  fakes.push_back(FakeRegistry::Named("mirror"));
  fakes[1]->on_manifest = [](auto&) -> absl::StatusOr<Manifest> {
    oci::DigestHasher hasher(oci::DigestAlgorithm::kSha256);
    hasher.Update("{}");
    return Manifest{.content = "{}",
                    .media_type = "application/json",
                    .digest = hasher.Finish()};
  };
  std::unique_ptr<Resolver> resolver = Make(std::move(fakes));

  absl::StatusOr<Resolved<Manifest>> answer = GetManifest(*resolver);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->value.content, "{}");
  EXPECT_EQ(answer->upstream, "mirror");
}

TEST_F(ResolverTest, NamesEveryUpstreamWhenNoneHasIt) {
  std::vector<std::unique_ptr<FakeRegistry>> fakes;
  fakes.push_back(FakeRegistry::Named("hub"));
  fakes.push_back(FakeRegistry::Named("mirror"));
  std::unique_ptr<Resolver> resolver = Make(std::move(fakes));

  absl::StatusOr<Resolved<Manifest>> answer = GetManifest(*resolver);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(answer.status().message(), HasSubstr("team/app:v1: hub"));
  EXPECT_THAT(answer.status().message(), HasSubstr("mirror"));
}

TEST_F(ResolverTest, AnExceptionEndsTheCallWithInternal) {
  std::vector<std::unique_ptr<FakeRegistry>> fakes;
  fakes.push_back(FakeRegistry::Named("hub"));
  fakes[0]->on_manifest = [](auto&) -> absl::StatusOr<Manifest> {
    throw std::runtime_error("injected failure");
  };
  std::unique_ptr<Resolver> resolver = Make(std::move(fakes));

  absl::StatusOr<Resolved<Manifest>> answer = GetManifest(*resolver);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(answer.status().message(), HasSubstr("injected failure"));
}

}  // namespace
}  // namespace tributary::resolve
