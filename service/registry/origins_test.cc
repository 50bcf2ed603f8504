#include "service/registry/origins.h"

#include "gtest/gtest.h"

namespace tributary::registry {
namespace {

v1::UpstreamConfig Upstream(const char* url) {
  v1::UpstreamConfig upstream;
  upstream.set_url(url);
  return upstream;
}

TEST(OriginsTest, OriginOfFillsTheDefaultPortAndLowercasesTheHost) {
  EXPECT_EQ(OriginOf("https://Registry-1.Docker.io/v2/"),
            "https://registry-1.docker.io:443");
  EXPECT_EQ(OriginOf("http://127.0.0.1:5000"), "http://127.0.0.1:5000");
  EXPECT_EQ(OriginOf("ftp://x"), "");
}

TEST(OriginsTest, APublicUpstreamMayOnlyLeadToPublicAddresses) {
  EXPECT_EQ(OtherOriginsRule(Upstream("https://registry-1.docker.io")),
            http::AddressRule::kPublicOnly);
  EXPECT_EQ(OtherOriginsRule(Upstream("https://8.8.8.8")),
            http::AddressRule::kPublicOnly);
}

TEST(OriginsTest, AnUpstreamOnAPrivateAddressMayRedirectWithinItsNetwork) {
  for (const char* url :
       {"http://127.0.0.1:5000", "http://10.0.0.7", "http://localhost:5000",
        "http://[::1]:5000", "https://192.168.1.20"}) {
    EXPECT_EQ(OtherOriginsRule(Upstream(url)), http::AddressRule::kAny) << url;
  }
}

TEST(OriginsTest, TheConfigMayAllowPrivateRedirects) {
  v1::UpstreamConfig upstream = Upstream("https://registry.corp.example");
  upstream.set_allow_private_redirects(true);
  EXPECT_EQ(OtherOriginsRule(upstream), http::AddressRule::kAny);
}

TEST(OriginsTest, HoldOtherOriginsTrustsTheUpstreamsOwnOrigin) {
  http::RequestOptions options;
  HoldOtherOrigins(Upstream("https://registry-1.docker.io"), options);
  EXPECT_EQ(options.trusted_origin, "https://registry-1.docker.io:443");
  EXPECT_EQ(options.other_origins, http::AddressRule::kPublicOnly);
}

}  // namespace
}  // namespace tributary::registry
