#include "service/resolve/fanout/fall_through.h"

#include <gtest/gtest.h>

namespace tributary::resolve {
namespace {

TEST(FallThroughTest, AsksNextUpstreamOnAnyFailureButNotOnSuccess) {
  EXPECT_FALSE(ShouldAskNextUpstream(absl::OkStatus()));
  EXPECT_TRUE(ShouldAskNextUpstream(absl::NotFoundError("404")));
  EXPECT_TRUE(ShouldAskNextUpstream(absl::PermissionDeniedError("401")));
  EXPECT_TRUE(ShouldAskNextUpstream(absl::UnavailableError("503")));
  EXPECT_TRUE(ShouldAskNextUpstream(absl::DataLossError("digest")));
  EXPECT_TRUE(ShouldAskNextUpstream(absl::ResourceExhaustedError("429")));
}

struct CombineCase {
  const char* name;
  std::vector<absl::StatusCode> codes;
  absl::StatusCode expected;
};

class CombineFailuresTest : public ::testing::TestWithParam<CombineCase> {};

TEST_P(CombineFailuresTest, PicksTheMostTellingCode) {
  std::vector<Attempt> attempts;
  for (size_t i = 0; i < GetParam().codes.size(); ++i) {
    attempts.push_back({"up" + std::to_string(i),
                        absl::Status(GetParam().codes[i], "detail")});
  }
  EXPECT_EQ(CombineFailures("repo:tag", attempts).code(), GetParam().expected);
}

using C = absl::StatusCode;
INSTANTIATE_TEST_SUITE_P(
    Table, CombineFailuresTest,
    ::testing::Values(
        CombineCase{"AllNotFoundIsNotFound",
                    {C::kNotFound, C::kNotFound},
                    C::kNotFound},
        CombineCase{"NotFoundAndUnavailableIsUnavailable",
                    {C::kNotFound, C::kUnavailable},
                    C::kUnavailable},
        CombineCase{"DeniedBeatsUnavailable",
                    {C::kUnavailable, C::kPermissionDenied, C::kNotFound},
                    C::kPermissionDenied},
        CombineCase{"RateLimitBeatsTimeout",
                    {C::kDeadlineExceeded, C::kResourceExhausted},
                    C::kResourceExhausted},
        CombineCase{"DataLossBeatsTimeout",
                    {C::kDeadlineExceeded, C::kDataLoss},
                    C::kDataLoss},
        CombineCase{"TimeoutBeatsUnavailable",
                    {C::kUnavailable, C::kDeadlineExceeded},
                    C::kDeadlineExceeded},
        CombineCase{"UnknownBecomesUnavailable",
                    {C::kNotFound, C::kUnknown},
                    C::kUnavailable},
        CombineCase{"NoUpstreamIsUnavailable", {}, C::kUnavailable}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CombineFailuresMessageTest, NamesEveryUpstreamAndWhatItAnswered) {
  const absl::Status status = CombineFailures(
      "library/alpine:3.20",
      {{"hub", absl::NotFoundError("HTTP 404 MANIFEST_UNKNOWN")},
       {"mirror", absl::UnavailableError("connect 127.0.0.1:1: refused")}});
  EXPECT_EQ(status.message(),
            "library/alpine:3.20: hub: NOT_FOUND: HTTP 404 MANIFEST_UNKNOWN; "
            "mirror: UNAVAILABLE: connect 127.0.0.1:1: refused");
}

TEST(CombineFailuresMessageTest, SaysWhySkippedUpstreamsWereNotAsked) {
  const absl::Status status = CombineFailures(
      "myorg/app:v1", {{"hub", absl::NotFoundError("not in scope"), true},
                       {"mirror", absl::UnavailableError("circuit open"), true},
                       {"backup", absl::NotFoundError("HTTP 404")}});
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(),
            "myorg/app:v1: hub: skipped: not in scope; mirror: skipped: "
            "circuit open; backup: NOT_FOUND: HTTP 404");
}

TEST(CombineFailuresMessageTest, EveryUpstreamOutOfScopeIsNotFound) {
  EXPECT_EQ(CombineFailures("x/y:1", {{"hub",
                                       absl::NotFoundError("not in "
                                                           "scope"),
                                       true}})
                .code(),
            absl::StatusCode::kNotFound);
}

TEST(GaveUpMidBlobTest, NamesTheByteReachedAndEachUpstreamsFailure) {
  const absl::Status status = GaveUpMidBlob(
      "demo/app@sha256:ab", 5000, 3,
      {{"first", absl::UnavailableError("connection reset")},
       {"second", absl::DeadlineExceededError("read timed out")}});
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(),
            "demo/app@sha256:ab: gave up at byte 5000 after 3 upstream "
            "requests: first: connection reset; second: read timed out");
}

}  // namespace
}  // namespace tributary::resolve
