#include "service/registry/credentials.h"

#include <cstdlib>
#include <fstream>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace tributary::registry {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::UpstreamConfig Upstream(const std::string& auth_text) {
  v1::UpstreamConfig upstream;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      "name: 'hub' url: 'https://registry.example' auth { " + auth_text + " }",
      &upstream));
  return upstream;
}

std::string WriteSecret(const std::string& name, const std::string& value) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << value;
  return path;
}

TEST(LoadCredentialsTest, NoAuthBlockMeansAnonymous) {
  v1::UpstreamConfig upstream;
  auto credentials = LoadCredentials(upstream, "upstreams[0]");
  ASSERT_TRUE(credentials.ok());
  EXPECT_FALSE(credentials->has_basic());
  EXPECT_FALSE(credentials->has_token());
}

TEST(LoadCredentialsTest, ReadsBasicCredentialsFromFilesDroppingTheLineBreak) {
  const std::string user = WriteSecret("user", "bob\n");
  const std::string password = WriteSecret("password", "s3cret pass\r\n");
  auto credentials =
      LoadCredentials(Upstream("basic { username_file: '" + user +
                               "' password_file: '" + password + "' }"),
                      "upstreams[0]");
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  EXPECT_EQ(credentials->username, "bob");
  EXPECT_EQ(credentials->password, "s3cret pass");
}

TEST(LoadCredentialsTest, ReadsAnInlineUserNameAndAPasswordFromTheEnvironment) {
  setenv("TRIBUTARY_TEST_PASSWORD", "from-env", 1);
  auto credentials =
      LoadCredentials(Upstream("basic { username: 'bob' password_env: "
                               "'TRIBUTARY_TEST_PASSWORD' }"),
                      "upstreams[0]");
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  EXPECT_EQ(credentials->username, "bob");
  EXPECT_EQ(credentials->password, "from-env");
}

TEST(LoadCredentialsTest, ReadsAStaticBearerToken) {
  const std::string token = WriteSecret("token", "abc.def\n");
  auto credentials = LoadCredentials(
      Upstream("bearer { token_file: '" + token + "' }"), "upstreams[2]");
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  EXPECT_EQ(credentials->token, "abc.def");
}

TEST(LoadCredentialsTest, AMissingFileNamesTheFieldAndTheFile) {
  auto credentials = LoadCredentials(
      Upstream("basic { username: 'bob' password_file: '/nonexistent/pw' }"),
      "upstreams[1]");
  EXPECT_EQ(credentials.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(credentials.status().message(),
              HasSubstr("upstreams[1].auth.basic.password_file: cannot read "
                        "/nonexistent/pw"));
}

TEST(LoadCredentialsTest, AnUnsetVariableNamesTheFieldAndTheVariable) {
  unsetenv("TRIBUTARY_TEST_UNSET");
  auto credentials = LoadCredentials(
      Upstream("bearer { token_env: 'TRIBUTARY_TEST_UNSET' }"), "upstreams[0]");
  EXPECT_EQ(credentials.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(credentials.status().message(),
              HasSubstr("upstreams[0].auth.bearer.token_env: environment "
                        "variable TRIBUTARY_TEST_UNSET is not set"));
}

TEST(LoadCredentialsTest, AnEmptySecretIsAnError) {
  const std::string empty = WriteSecret("empty", "\n");
  auto credentials = LoadCredentials(
      Upstream("basic { username: 'bob' password_file: '" + empty + "' }"),
      "upstreams[0]");
  EXPECT_EQ(credentials.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(credentials.status().message(),
              HasSubstr("upstreams[0].auth.basic.password_file: empty"));
}

TEST(LoadCredentialsTest, ASecretWithControlCharactersIsRefusedWithoutQuoting) {
  const std::string bad = WriteSecret("bad", "line1\nX-Injected: yes");
  auto credentials = LoadCredentials(
      Upstream("basic { username: 'bob' password_file: '" + bad + "' }"),
      "upstreams[0]");
  EXPECT_EQ(credentials.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(credentials.status().message(),
              HasSubstr("holds control characters"));
  EXPECT_THAT(credentials.status().message(), Not(HasSubstr("line1")));
}

TEST(LoadCredentialsTest, AUserNameFileWithAColonIsRefused) {
  const std::string user = WriteSecret("user-colon", "bob:x");
  setenv("TRIBUTARY_TEST_PASSWORD", "pw", 1);
  auto credentials =
      LoadCredentials(Upstream("basic { username_file: '" + user +
                               "' password_env: 'TRIBUTARY_TEST_PASSWORD' }"),
                      "upstreams[0]");
  EXPECT_EQ(credentials.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(credentials.status().message(),
              HasSubstr("username: must not contain ':'"));
}

}  // namespace
}  // namespace tributary::registry
