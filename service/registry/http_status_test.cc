#include "service/registry/http_status.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/http/types.h"

namespace tributary::registry {
namespace {

http::Response Answer(int status, std::string body = "") {
  http::Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::string OciError(const std::string& code) {
  return absl::StrCat(R"({"errors":[{"code":")", code,
                      R"(","message":"details","detail":{}}]})");
}

// An HTTP status and OCI error body, and the status the fan-out must see.
struct Case {
  int http_status;
  std::string body;
  absl::StatusCode code;
  std::string message;
};

void ExpectStatuses(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat("HTTP ", c.http_status, " body=", c.body));
    const absl::Status status = StatusFromHttp(Answer(c.http_status, c.body));
    EXPECT_EQ(status.code(), c.code);
    EXPECT_EQ(std::string(status.message()), c.message);
  }
}

TEST(StatusFromHttpTest, MapsHttpStatusToCanonicalCode) {
  ExpectStatuses({
      {404, "", absl::StatusCode::kNotFound, "HTTP 404"},
      {401, "", absl::StatusCode::kPermissionDenied, "HTTP 401"},
      {403, "", absl::StatusCode::kPermissionDenied, "HTTP 403"},
      {429, "", absl::StatusCode::kResourceExhausted, "HTTP 429"},
      {408, "", absl::StatusCode::kUnavailable, "HTTP 408"},
      {500, "", absl::StatusCode::kUnavailable, "HTTP 500"},
      {502, "", absl::StatusCode::kUnavailable, "HTTP 502"},
      {503, "", absl::StatusCode::kUnavailable, "HTTP 503"},
      {504, "", absl::StatusCode::kUnavailable, "HTTP 504"},
      {599, "", absl::StatusCode::kUnavailable, "HTTP 599"},
      {400, "", absl::StatusCode::kUnknown, "unexpected HTTP 400"},
      {405, "", absl::StatusCode::kUnknown, "unexpected HTTP 405"},
      {418, "", absl::StatusCode::kUnknown, "unexpected HTTP 418"},
      {600, "", absl::StatusCode::kUnknown, "unexpected HTTP 600"},
  });
}

TEST(StatusFromHttpTest, AddsOciErrorCodeToMessage) {
  ExpectStatuses({
      {404, OciError("MANIFEST_UNKNOWN"), absl::StatusCode::kNotFound,
       "HTTP 404 MANIFEST_UNKNOWN"},
      {404, OciError("NAME_UNKNOWN"), absl::StatusCode::kNotFound,
       "HTTP 404 NAME_UNKNOWN"},
      {401, OciError("UNAUTHORIZED"), absl::StatusCode::kPermissionDenied,
       "HTTP 401 UNAUTHORIZED"},
      {403, OciError("DENIED"), absl::StatusCode::kPermissionDenied,
       "HTTP 403 DENIED"},
      {429, OciError("TOOMANYREQUESTS"), absl::StatusCode::kResourceExhausted,
       "HTTP 429 TOOMANYREQUESTS"},
      {503, OciError("UNAVAILABLE"), absl::StatusCode::kUnavailable,
       "HTTP 503 UNAVAILABLE"},
      {400, OciError("MANIFEST_INVALID"), absl::StatusCode::kUnknown,
       "unexpected HTTP 400 MANIFEST_INVALID"},
      {418, OciError("TEAPOT_2"), absl::StatusCode::kUnknown,
       "unexpected HTTP 418 TEAPOT_2"},
  });
}

TEST(StatusFromHttpTest, UsesOnlyTheFirstOciErrorCode) {
  ExpectStatuses({
      {404,
       R"({"errors":[{"code":"NAME_UNKNOWN"},{"code":"MANIFEST_UNKNOWN"}]})",
       absl::StatusCode::kNotFound, "HTTP 404 NAME_UNKNOWN"},
  });
}

TEST(StatusFromHttpTest, AcceptsCodeOfFortyCharacters) {
  const std::string code(40, 'X');
  ExpectStatuses({
      {404, OciError(code), absl::StatusCode::kNotFound,
       absl::StrCat("HTTP 404 ", code)},
  });
}

// The body is untrusted and the code ends up in logs and client messages.
TEST(StatusFromHttpTest, LeavesOutWeirdOrLongCodes) {
  const std::vector<std::string> codes = {
      "manifest_unknown",
      "MANIFEST UNKNOWN",
      "MANIFEST-UNKNOWN",
      "BAD\\r\\nSet-Cookie: x",
      "BAD\\u0000",
      "\\u00c4RGER",
      "",
      std::string(41, 'X'),
      std::string(100000, 'X'),
  };
  for (const std::string& code : codes) {
    ExpectStatuses(
        {{404, OciError(code), absl::StatusCode::kNotFound, "HTTP 404"}});
  }
}

TEST(StatusFromHttpTest, IgnoresBodiesThatAreNotOciErrors) {
  const std::vector<std::string> bodies = {
      "<html><body>Not Found</body></html>",
      "MANIFEST_UNKNOWN",
      "{",
      "null",
      "[]",
      R"(["MANIFEST_UNKNOWN"])",
      R"({})",
      R"({"errors":"MANIFEST_UNKNOWN"})",
      R"({"errors":{"code":"MANIFEST_UNKNOWN"}})",
      R"({"errors":[]})",
      R"({"errors":[42]})",
      R"({"errors":["MANIFEST_UNKNOWN"]})",
      R"({"errors":[{"message":"MANIFEST_UNKNOWN"}]})",
      R"({"errors":[{"code":42}]})",
      R"({"errors":[{"code":null}]})",
      R"({"errors":[{"code":["MANIFEST_UNKNOWN"]}]})",
      R"({"code":"MANIFEST_UNKNOWN"})",
      std::string("\0\xff\xfe", 3),
  };
  for (const std::string& body : bodies) {
    ExpectStatuses({{404, body, absl::StatusCode::kNotFound, "HTTP 404"}});
  }
}

TEST(StatusFromHttpTest, NeverCopiesOtherBodyTextIntoMessage) {
  const std::string body =
      R"({"errors":[{"code":"DENIED","message":"token abc123 is secret"}]})";
  const absl::Status status = StatusFromHttp(Answer(403, body));
  EXPECT_EQ(std::string(status.message()), "HTTP 403 DENIED");
}

TEST(StatusFromHttpTest, CarriesTheHttpStatusForTheRetryDecision) {
  const std::optional<HttpAnswer> answer =
      GetHttpAnswer(StatusFromHttp(Answer(503)));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->http_status, 503);
  EXPECT_FALSE(answer->retry_after.has_value());
}

TEST(StatusFromHttpTest, CarriesRetryAfterCountedFromWhenTheAnswerArrived) {
  http::Response response = Answer(429);
  response.headers.emplace_back("Retry-After", "Thu, 01 Jan 2026 00:00:30 GMT");
  const absl::Time arrived = absl::FromCivil(
      absl::CivilSecond(2026, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  const std::optional<HttpAnswer> answer =
      GetHttpAnswer(StatusFromHttp(response, arrived));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->http_status, 429);
  EXPECT_EQ(answer->retry_after, absl::Seconds(30));
}

TEST(StatusFromHttpTest, IgnoresAMalformedRetryAfter) {
  http::Response response = Answer(503);
  response.headers.emplace_back("Retry-After", "later, maybe");
  const std::optional<HttpAnswer> answer =
      GetHttpAnswer(StatusFromHttp(response));
  ASSERT_TRUE(answer.has_value());
  EXPECT_FALSE(answer->retry_after.has_value());
}

TEST(GetHttpAnswerTest, IsAbsentForStatusesThatAreNotHttpAnswers) {
  EXPECT_FALSE(GetHttpAnswer(absl::UnavailableError("connect: refused")));
  EXPECT_FALSE(GetHttpAnswer(absl::OkStatus()));
}

}  // namespace
}  // namespace tributary::registry
