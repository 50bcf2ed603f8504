#include "client/frontend/route.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace tributary::frontend {
namespace {

constexpr char kDigest[] =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

Route MustParse(const std::string& target) {
  auto parsed = ParseTarget(target);
  EXPECT_TRUE(std::holds_alternative<Route>(parsed)) << target;
  if (auto* route = std::get_if<Route>(&parsed)) {
    return *route;
  }
  return Route();
}

TargetError MustRefuse(const std::string& target) {
  auto parsed = ParseTarget(target);
  EXPECT_TRUE(std::holds_alternative<InvalidTarget>(parsed)) << target;
  if (auto* invalid = std::get_if<InvalidTarget>(&parsed)) {
    return invalid->error;
  }
  return TargetError::kBadTarget;
}

struct RouteCase {
  std::string target;
  RouteKind kind;
  std::string registry;
  std::string repository;
  std::string reference;
};

TEST(RouteTest, NamesEachEndpointWithItsRegistryAndRepository) {
  const std::string digest = kDigest;
  const RouteCase cases[] = {
      {"/v2/", RouteKind::kBase, "", "", ""},
      {"/v2", RouteKind::kBase, "", "", ""},
      {"/healthz", RouteKind::kHealth, "", "", ""},
      {"/v2/_catalog", RouteKind::kCatalog, "", "", ""},
      {"/v2/library/nginx/manifests/1.25", RouteKind::kManifest, "",
       "library/nginx", "1.25"},
      {"/v2/alpine/manifests/" + digest, RouteKind::kManifest, "", "alpine",
       digest},
      {"/v2/org/app/blobs/" + digest, RouteKind::kBlob, "", "org/app", digest},
      {"/v2/org/app/tags/list", RouteKind::kTags, "", "org/app", ""},
      {"/v2/org/app/blobs/uploads/", RouteKind::kUpload, "", "org/app", ""},
      {"/v2/org/app/blobs/uploads/1234-5678", RouteKind::kUpload, "", "org/app",
       ""},
      {"/v2/org/app/referrers/" + digest, RouteKind::kOther, "", "", ""},
      {"/metrics", RouteKind::kOther, "", "", ""},
      // The registry from containerd's ns parameter.
      {"/v2/library/nginx/manifests/1.25?ns=docker.io", RouteKind::kManifest,
       "docker.io", "library/nginx", "1.25"},
      {"/v2/org/app/blobs/" + digest + "?ns=GHCR.io", RouteKind::kBlob,
       "ghcr.io", "org/app", digest},
      // The registry from a host-like first path component.
      {"/v2/ghcr.io/org/app/manifests/v1", RouteKind::kManifest, "ghcr.io",
       "org/app", "v1"},
      {"/v2/localhost:5000/app/tags/list", RouteKind::kTags, "localhost:5000",
       "app", ""},
      {"/v2/localhost/app/tags/list", RouteKind::kTags, "localhost", "app", ""},
      {"/v2/registry.k8s.io/pause/blobs/" + digest, RouteKind::kBlob,
       "registry.k8s.io", "pause", digest},
      // ns wins; the host-like component then stays in the repository.
      {"/v2/quay.io/org/app/manifests/v1?ns=docker.io", RouteKind::kManifest,
       "docker.io", "quay.io/org/app", "v1"},
      // One component is a repository, never a host.
      {"/v2/my.app/manifests/v1", RouteKind::kManifest, "", "my.app", "v1"},
      // A repository may have a component named like an endpoint.
      {"/v2/a/manifests/b/manifests/v1", RouteKind::kManifest, "",
       "a/manifests/b", "v1"},
  };
  for (const RouteCase& c : cases) {
    const Route route = MustParse(c.target);
    EXPECT_EQ(route.kind, c.kind) << c.target;
    EXPECT_EQ(route.registry, c.registry) << c.target;
    EXPECT_EQ(route.repository, c.repository) << c.target;
    EXPECT_EQ(route.reference, c.reference) << c.target;
  }
}

TEST(RouteTest, ReadsTagPaging) {
  const Route route = MustParse("/v2/org/app/tags/list?n=50&last=v1.2");
  EXPECT_EQ(route.page_size, std::optional<int>(50));
  EXPECT_EQ(route.last, "v1.2");
  EXPECT_EQ(MustParse("/v2/org/app/tags/list").page_size, std::nullopt);
}

TEST(RouteTest, RefusesInvalidNamesReferencesAndPaging) {
  const std::pair<std::string, TargetError> cases[] = {
      {"/v2/Org/App/manifests/v1", TargetError::kNameInvalid},
      {"/v2/org//app/manifests/v1", TargetError::kNameInvalid},
      {"/v2/org/app%2F/manifests/v1", TargetError::kNameInvalid},
      {"/v2/org/app/manifests/-bad", TargetError::kTagInvalid},
      {"/v2/org/app/manifests/sha256:abc", TargetError::kDigestInvalid},
      {"/v2/org/app/blobs/sha256:abc", TargetError::kDigestInvalid},
      {"/v2/org/app/blobs/latest", TargetError::kDigestInvalid},
      {"/v2/org/app/tags/list?n=abc", TargetError::kPaginationNumberInvalid},
      {"/v2/org/app/tags/list?n=-1", TargetError::kPaginationNumberInvalid},
      {"/v2/org/app/tags/list?last=.x", TargetError::kTagInvalid},
      {"/v2/org/app/manifests/v1?ns=not_a_host!", TargetError::kNameInvalid},
      {"/v2/org/app/manifests/v1?ns=", TargetError::kNameInvalid},
      {"not-a-path", TargetError::kBadTarget},
  };
  for (const auto& [target, error] : cases) {
    EXPECT_EQ(MustRefuse(target), error) << target;
  }
}

TEST(RouteTest, RecognisesRegistryHosts) {
  for (const char* host : {"docker.io", "ghcr.io", "localhost:5000",
                           "127.0.0.1:5000", "registry-1.docker.io"}) {
    EXPECT_TRUE(LooksLikeRegistryHost(host)) << host;
  }
  for (const char* host : {"", ".io", "a..b", "host:", "host:123456",
                           "host:port", "a b", "a/b", "-a.io"}) {
    EXPECT_FALSE(LooksLikeRegistryHost(host)) << host;
  }
}

TEST(RouteTest, TagsLinkKeepsThePathNAndNs) {
  Route route = MustParse("/v2/ghcr.io/org/app/tags/list?n=2");
  EXPECT_EQ(TagsNextLink("/v2/ghcr.io/org/app/tags/list?n=2", route, "b"),
            "</v2/ghcr.io/org/app/tags/list?n=2&last=b>; rel=\"next\"");
  route = MustParse("/v2/library/nginx/tags/list?ns=docker.io&last=a");
  EXPECT_EQ(TagsNextLink("/v2/library/nginx/tags/list?ns=docker.io&last=a",
                         route, "c"),
            "</v2/library/nginx/tags/list?last=c&ns=docker.io>; "
            "rel=\"next\"");
}

TEST(RouteTest, NamesEveryRouteKindForTheMetricLabel) {
  for (int i = 0; i < kRouteKindCount; ++i) {
    EXPECT_FALSE(RouteName(static_cast<RouteKind>(i)).empty());
  }
  EXPECT_EQ(RouteName(RouteKind::kBlob), "blob");
}

}  // namespace
}  // namespace tributary::frontend
