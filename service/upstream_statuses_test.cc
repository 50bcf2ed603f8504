#include "service/upstream_statuses.h"

#include <gtest/gtest.h>

#include "service/config/config.h"

namespace tributary {
namespace {

v1::Config Parse(const char* yaml) {
  absl::StatusOr<v1::Config> config = config::ParseConfig(yaml, "test.yaml");
  EXPECT_TRUE(config.ok()) << config.status();
  return config.value_or(v1::Config());
}

TEST(UpstreamStatusesTest, SaysHowEachUpstreamSignsInWithoutSecrets) {
  const auto statuses = UpstreamStatuses(Parse(R"(
upstreams:
  - name: open
    url: http://open.example
  - name: basic
    url: https://basic.example
    auth:
      basic:
        username: bob
        password_file: /run/secrets/password
  - name: hidden-user
    url: https://hidden.example
    auth:
      basic:
        username_file: /run/secrets/user
        password_env: PASSWORD
  - name: token
    url: https://token.example
    auth:
      bearer:
        token_env: TOKEN
)"));
  ASSERT_EQ(statuses.size(), 4u);
  EXPECT_EQ(statuses[0].auth().method(), v1::AUTH_METHOD_ANONYMOUS);
  EXPECT_EQ(statuses[1].auth().method(), v1::AUTH_METHOD_BASIC);
  EXPECT_EQ(statuses[1].auth().username(), "bob");
  EXPECT_EQ(statuses[2].auth().method(), v1::AUTH_METHOD_BASIC);
  EXPECT_EQ(statuses[2].auth().username(), "");
  EXPECT_EQ(statuses[3].auth().method(), v1::AUTH_METHOD_BEARER);
  for (const v1::UpstreamStatus& status : statuses) {
    const std::string text = status.DebugString();
    EXPECT_EQ(text.find("/run/secrets"), std::string::npos) << text;
    EXPECT_EQ(text.find("PASSWORD"), std::string::npos) << text;
    EXPECT_EQ(text.find("TOKEN"), std::string::npos) << text;
  }
}

TEST(UpstreamStatusesTest, ShowsTlsSettingsOfHttpsUpstreamsOnly) {
  const auto statuses = UpstreamStatuses(Parse(R"(
upstreams:
  - name: plain
    url: http://plain.example
  - name: system
    url: https://system.example
  - name: private
    url: HTTPS://private.example
    tls:
      ca_file: /etc/ca.pem
      cert_file: /etc/client.pem
      key_file: /etc/client.key
  - name: reckless
    url: https://reckless.example
    tls:
      insecure_skip_verify: true
)"));
  ASSERT_EQ(statuses.size(), 4u);
  EXPECT_FALSE(statuses[0].has_tls());
  ASSERT_TRUE(statuses[1].has_tls());
  EXPECT_FALSE(statuses[1].tls().extra_ca());
  EXPECT_FALSE(statuses[1].tls().client_certificate());
  EXPECT_TRUE(statuses[2].tls().extra_ca());
  EXPECT_TRUE(statuses[2].tls().client_certificate());
  EXPECT_FALSE(statuses[2].tls().insecure_skip_verify());
  EXPECT_TRUE(statuses[3].tls().insecure_skip_verify());
}

TEST(UpstreamStatusesTest, KeepsOrderScopeAndRewrite) {
  const auto statuses = UpstreamStatuses(Parse(R"(
upstreams:
  - name: hub
    url: https://registry-1.docker.io
    scope:
      include: ["library/*"]
      exclude: ["library/secret"]
  - name: off
    url: http://off.example
    enabled: false
)"));
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_EQ(statuses[0].order(), 0);
  EXPECT_TRUE(statuses[0].library_rewrite());
  EXPECT_EQ(statuses[0].scope_include(0), "library/*");
  EXPECT_EQ(statuses[0].scope_exclude(0), "library/secret");
  EXPECT_EQ(statuses[1].order(), 1);
  EXPECT_FALSE(statuses[1].enabled());
}

}  // namespace
}  // namespace tributary
