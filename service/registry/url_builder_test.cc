#include "service/registry/url_builder.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tributary/v1/config.pb.h"

namespace tributary::registry {
namespace {

v1::UpstreamConfig Upstream(
    const std::string& url,
    v1::LibraryRewrite rewrite = v1::LIBRARY_REWRITE_UNSPECIFIED,
    const std::string& api_prefix = "") {
  v1::UpstreamConfig upstream;
  upstream.set_name("test");
  upstream.set_url(url);
  upstream.set_api_prefix(api_prefix);
  upstream.set_library_rewrite(rewrite);
  return upstream;
}

// One base URL and prefix, and the URLs the builder must derive from them.
struct LayoutCase {
  std::string base_url;
  std::string api_prefix;
  std::string manifest;  // of "owner/app" at "v1"
  std::string blob;      // of "owner/app" at kDigest
  std::string tags;      // of "owner/app", no query
};

constexpr char kDigest[] =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

void ExpectLayout(const LayoutCase& c) {
  SCOPED_TRACE(
      absl::StrCat("base_url=", c.base_url, " api_prefix=", c.api_prefix));
  const UrlBuilder urls(c.base_url, c.api_prefix, /*library_rewrite=*/false);
  EXPECT_EQ(urls.Manifest("owner/app", "v1"), c.manifest);
  EXPECT_EQ(urls.Blob("owner/app", kDigest), c.blob);
  EXPECT_EQ(urls.Tags("owner/app", 0, ""), c.tags);
}

TEST(UrlBuilderTest, UsesV2PrefixWhenConfigLeavesItEmpty) {
  ExpectLayout({
      .base_url = "https://ghcr.io",
      .api_prefix = "",
      .manifest = "https://ghcr.io/v2/owner/app/manifests/v1",
      .blob = absl::StrCat("https://ghcr.io/v2/owner/app/blobs/", kDigest),
      .tags = "https://ghcr.io/v2/owner/app/tags/list",
  });
}

TEST(UrlBuilderTest, KeepsApiPrefixFromConfig) {
  const std::vector<LayoutCase> cases = {
      {
          .base_url = "https://ghcr.io",
          .api_prefix = "/v2",
          .manifest = "https://ghcr.io/v2/owner/app/manifests/v1",
          .blob = absl::StrCat("https://ghcr.io/v2/owner/app/blobs/", kDigest),
          .tags = "https://ghcr.io/v2/owner/app/tags/list",
      },
      {
          .base_url = "https://mirror.internal",
          .api_prefix = "/registry/v2",
          .manifest =
              "https://mirror.internal/registry/v2/owner/app/manifests/v1",
          .blob = absl::StrCat(
              "https://mirror.internal/registry/v2/owner/app/blobs/", kDigest),
          .tags = "https://mirror.internal/registry/v2/owner/app/tags/list",
      },
  };
  for (const LayoutCase& c : cases) {
    ExpectLayout(c);
  }
}

TEST(UrlBuilderTest, DropsTrailingSlashOfBaseUrl) {
  const std::vector<LayoutCase> cases = {
      {
          .base_url = "https://ghcr.io/",
          .api_prefix = "",
          .manifest = "https://ghcr.io/v2/owner/app/manifests/v1",
          .blob = absl::StrCat("https://ghcr.io/v2/owner/app/blobs/", kDigest),
          .tags = "https://ghcr.io/v2/owner/app/tags/list",
      },
      {
          .base_url = "http://mirror.internal:5000/",
          .api_prefix = "/registry/v2",
          .manifest =
              "http://mirror.internal:5000/registry/v2/owner/app/manifests/v1",
          .blob = absl::StrCat(
              "http://mirror.internal:5000/registry/v2/owner/app/blobs/",
              kDigest),
          .tags = "http://mirror.internal:5000/registry/v2/owner/app/tags/list",
      },
  };
  for (const LayoutCase& c : cases) {
    ExpectLayout(c);
  }
}

TEST(UrlBuilderTest, KeepsPortOfBaseUrl) {
  const std::vector<LayoutCase> cases = {
      {
          .base_url = "http://localhost:5000",
          .api_prefix = "",
          .manifest = "http://localhost:5000/v2/owner/app/manifests/v1",
          .blob = absl::StrCat("http://localhost:5000/v2/owner/app/blobs/",
                               kDigest),
          .tags = "http://localhost:5000/v2/owner/app/tags/list",
      },
      {
          .base_url = "https://[::1]:8443",
          .api_prefix = "/v2",
          .manifest = "https://[::1]:8443/v2/owner/app/manifests/v1",
          .blob =
              absl::StrCat("https://[::1]:8443/v2/owner/app/blobs/", kDigest),
          .tags = "https://[::1]:8443/v2/owner/app/tags/list",
      },
  };
  for (const LayoutCase& c : cases) {
    ExpectLayout(c);
  }
}

TEST(UrlBuilderTest, RecognisesDockerHubHostsCaseInsensitively) {
  struct Case {
    std::string host;
    bool docker_hub;
  };
  const std::vector<Case> cases = {
      {"registry-1.docker.io", true},
      {"docker.io", true},
      {"index.docker.io", true},
      {"registry.hub.docker.com", true},
      {"REGISTRY-1.DOCKER.IO", true},
      {"Docker.Io", true},
      {"Index.Docker.IO", true},
      {"Registry.Hub.Docker.Com", true},
      {"ghcr.io", false},
      {"quay.io", false},
      {"mydocker.io", false},
      {"docker.io.example.com", false},
      {"registry-1.docker.io.evil.example", false},
      {"registry-2.docker.io", false},
      {"hub.docker.com", false},
      {"", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsDockerHubHost(c.host), c.docker_hub) << c.host;
  }
}

TEST(UrlBuilderTest, RewritesSingleComponentNamesOnDockerHub) {
  const std::vector<std::string> urls = {
      "https://registry-1.docker.io",  "https://docker.io",
      "https://index.docker.io",       "https://registry.hub.docker.com",
      "https://REGISTRY-1.Docker.IO",  "https://registry-1.docker.io:443",
      "https://registry-1.docker.io/",
  };
  for (const std::string& url : urls) {
    SCOPED_TRACE(url);
    const v1::UpstreamConfig upstream = Upstream(url);
    EXPECT_TRUE(LibraryRewriteApplies(upstream));
    const UrlBuilder builder(upstream);
    EXPECT_EQ(builder.Repository("alpine"), "library/alpine");
    std::string base(url);
    if (!base.empty() && base.back() == '/') {
      base.pop_back();
    }
    EXPECT_EQ(builder.Manifest("alpine", "3.20"),
              absl::StrCat(base, "/v2/library/alpine/manifests/3.20"));
    EXPECT_EQ(builder.Blob("alpine", kDigest),
              absl::StrCat(base, "/v2/library/alpine/blobs/", kDigest));
    EXPECT_EQ(builder.Tags("alpine", 0, ""),
              absl::StrCat(base, "/v2/library/alpine/tags/list"));
  }
}

TEST(UrlBuilderTest, LeavesMultiComponentNamesAloneOnDockerHub) {
  const UrlBuilder builder(Upstream("https://registry-1.docker.io"));
  const std::vector<std::string> names = {"library/alpine", "bitnami/redis",
                                          "a/b/c"};
  for (const std::string& name : names) {
    EXPECT_EQ(builder.Repository(name), name);
    EXPECT_EQ(builder.Manifest(name, "latest"),
              absl::StrCat("https://registry-1.docker.io/v2/", name,
                           "/manifests/latest"));
  }
}

TEST(UrlBuilderTest, DoesNotRewriteOnOtherHosts) {
  const std::vector<std::string> urls = {
      "https://ghcr.io",
      "https://quay.io",
      "http://localhost:5000",
      "https://docker.io.example.com",
      "https://registry-1.docker.io.evil.example",
      "https://mirror.internal/docker.io",
  };
  for (const std::string& url : urls) {
    SCOPED_TRACE(url);
    const v1::UpstreamConfig upstream = Upstream(url);
    EXPECT_FALSE(LibraryRewriteApplies(upstream));
    const UrlBuilder builder(upstream);
    EXPECT_EQ(builder.Repository("alpine"), "alpine");
  }
}

TEST(UrlBuilderTest, DoesNotRewriteWhenUrlDoesNotParse) {
  for (const char* url : {"", "registry-1.docker.io", "not a url"}) {
    EXPECT_FALSE(LibraryRewriteApplies(Upstream(url))) << url;
  }
}

TEST(UrlBuilderTest, RewritesEverywhereWhenConfigSaysAlways) {
  for (const char* url : {"https://ghcr.io", "https://registry-1.docker.io"}) {
    SCOPED_TRACE(url);
    const v1::UpstreamConfig upstream =
        Upstream(url, v1::LIBRARY_REWRITE_ALWAYS);
    EXPECT_TRUE(LibraryRewriteApplies(upstream));
    const UrlBuilder builder(upstream);
    EXPECT_EQ(builder.Repository("alpine"), "library/alpine");
    EXPECT_EQ(builder.Repository("owner/app"), "owner/app");
  }
}

TEST(UrlBuilderTest, NeverRewritesWhenConfigSaysNever) {
  for (const char* url : {"https://ghcr.io", "https://registry-1.docker.io",
                          "https://docker.io"}) {
    SCOPED_TRACE(url);
    const v1::UpstreamConfig upstream =
        Upstream(url, v1::LIBRARY_REWRITE_NEVER);
    EXPECT_FALSE(LibraryRewriteApplies(upstream));
    EXPECT_EQ(UrlBuilder(upstream).Repository("alpine"), "alpine");
  }
}

TEST(UrlBuilderTest, TakesApiPrefixFromUpstreamConfig) {
  const UrlBuilder builder(Upstream("https://mirror.internal/",
                                    v1::LIBRARY_REWRITE_UNSPECIFIED,
                                    "/registry/v2"));
  EXPECT_EQ(builder.Manifest("owner/app", "v1"),
            "https://mirror.internal/registry/v2/owner/app/manifests/v1");
}

TEST(UrlBuilderTest, AddsPageSizeAndLastToTagsQuery) {
  struct Case {
    int page_size;
    std::string last;
    std::string query;
  };
  const std::vector<Case> cases = {
      {0, "", ""},
      {-1, "", ""},
      {50, "", "?n=50"},
      {0, "v1.2", "?last=v1.2"},
      {100, "v1.2", "?n=100&last=v1.2"},
      {1, "3.20_rc-1", "?n=1&last=3.20_rc-1"},
      // Tags are validated before they get here; the query is escaped anyway.
      {0, "a b&c=d/#?%", "?last=a%20b%26c%3Dd%2F%23%3F%25"},
      {10, "~x\xc3\xa9", "?n=10&last=~x%C3%A9"},
  };
  const UrlBuilder builder("https://ghcr.io", "", /*library_rewrite=*/false);
  for (const Case& c : cases) {
    EXPECT_EQ(builder.Tags("owner/app", c.page_size, c.last),
              absl::StrCat("https://ghcr.io/v2/owner/app/tags/list", c.query))
        << "page_size=" << c.page_size << " last=" << c.last;
  }
}

TEST(UrlBuilderTest, RewritesTagsUrlOnDockerHub) {
  const UrlBuilder builder(Upstream("https://registry-1.docker.io"));
  EXPECT_EQ(builder.Tags("alpine", 10, "3.19"),
            "https://registry-1.docker.io/v2/library/alpine/tags/list"
            "?n=10&last=3.19");
}

}  // namespace
}  // namespace tributary::registry
