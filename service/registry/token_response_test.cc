#include "service/registry/token_response.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tributary::registry {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kFetchedAt =
    absl::FromUnixSeconds(1700000000);  // 2023-11-14T22:13:20Z

TEST(ParseTokenResponseTest, ReadsDockerHubsAnswer) {
  auto token = ParseTokenResponse(
      R"({"token":"abc.def.ghi","access_token":"abc.def.ghi","expires_in":300,"issued_at":"2023-11-14T22:13:20Z"})",
      kFetchedAt);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->value, "abc.def.ghi");
  EXPECT_EQ(token->expires_at, kFetchedAt + absl::Seconds(300));
  EXPECT_EQ(token->refresh_at, kFetchedAt + absl::Seconds(270));
}

TEST(ParseTokenResponseTest, ReadsAnOauthStyleAccessToken) {
  auto token = ParseTokenResponse(R"({"access_token":"t1","expires_in":120})",
                                  kFetchedAt);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->value, "t1");
  EXPECT_EQ(token->expires_at, kFetchedAt + absl::Seconds(120));
}

TEST(ParseTokenResponseTest, PrefersTokenOverAccessToken) {
  auto token =
      ParseTokenResponse(R"({"token":"a","access_token":"b"})", kFetchedAt);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->value, "a");
}

TEST(ParseTokenResponseTest, AssumesSixtySecondsWithoutExpiresIn) {
  auto token = ParseTokenResponse(R"({"token":"t"})", kFetchedAt);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->expires_at, kFetchedAt + absl::Seconds(60));
  EXPECT_EQ(token->refresh_at, kFetchedAt + absl::Seconds(45));
}

TEST(ParseTokenResponseTest,
     AssumesSixtySecondsForAZeroNegativeOrTextLifetime) {
  for (const char* body :
       {R"({"token":"t","expires_in":0})", R"({"token":"t","expires_in":-5})",
        R"({"token":"t","expires_in":"300"})"}) {
    auto token = ParseTokenResponse(body, kFetchedAt);
    ASSERT_TRUE(token.ok()) << body;
    EXPECT_EQ(token->expires_at, kFetchedAt + absl::Seconds(60)) << body;
  }
}

TEST(ParseTokenResponseTest, CapsTheLifetimeAtADay) {
  auto token =
      ParseTokenResponse(R"({"token":"t","expires_in":1e12})", kFetchedAt);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->expires_at, kFetchedAt + absl::Hours(24));
}

TEST(ParseTokenResponseTest, RefreshesShortLivedTokensAQuarterEarly) {
  auto token =
      ParseTokenResponse(R"({"token":"t","expires_in":2})", kFetchedAt);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->refresh_at, kFetchedAt + absl::Milliseconds(1500));
}

TEST(ParseTokenResponseTest, AnEarlierIssuedAtShortensTheLifetime) {
  auto token = ParseTokenResponse(
      R"({"token":"t","expires_in":300,"issued_at":"2023-11-14T22:12:20Z"})",
      kFetchedAt);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->expires_at, kFetchedAt + absl::Seconds(240));
}

TEST(ParseTokenResponseTest, ALaterIssuedAtNeverLengthensTheLifetime) {
  auto token = ParseTokenResponse(
      R"({"token":"t","expires_in":300,"issued_at":"2023-11-14T23:13:20Z"})",
      kFetchedAt);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->expires_at, kFetchedAt + absl::Seconds(300));
}

TEST(ParseTokenResponseTest, AnIssuedAtMoreThanALifetimeAgoIsAClockToIgnore) {
  auto token = ParseTokenResponse(
      R"({"token":"t","expires_in":60,"issued_at":"2023-11-14T20:00:00Z"})",
      kFetchedAt);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->expires_at, kFetchedAt + absl::Seconds(60));
}

TEST(ParseTokenResponseTest, IgnoresAnUnparsableIssuedAt) {
  auto token = ParseTokenResponse(
      R"({"token":"t","expires_in":60,"issued_at":"yesterday"})", kFetchedAt);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->expires_at, kFetchedAt + absl::Seconds(60));
}

TEST(ParseTokenResponseTest, RejectsAnswersWithoutAToken) {
  for (const char* body : {"", "not json", "[]", R"({"token":""})",
                           R"({"token":42})", R"({"expires_in":60})"}) {
    auto token = ParseTokenResponse(body, kFetchedAt);
    EXPECT_EQ(token.status().code(), absl::StatusCode::kUnavailable) << body;
  }
}

TEST(ParseTokenResponseTest, RejectsATokenThatCouldBreakTheHeader) {
  auto token = ParseTokenResponse("{\"token\":\"secret-part\\r\\nX-Evil: 1\"}",
                                  kFetchedAt);
  EXPECT_EQ(token.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(token.status().message(), Not(HasSubstr("secret-part")));
}

}  // namespace
}  // namespace tributary::registry
