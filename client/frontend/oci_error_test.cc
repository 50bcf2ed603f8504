#include "client/frontend/oci_error.h"

#include <gtest/gtest.h>

#include "nlohmann/json.hpp"

namespace tributary::frontend {
namespace {

struct StatusCase {
  absl::StatusCode code;
  RouteKind route;
  int status;
  std::string oci_code;
};

TEST(OciErrorTest, MapsTributaryStatusesByTheDocumentedTable) {
  const StatusCase cases[] = {
      {absl::StatusCode::kNotFound, RouteKind::kManifest, 404,
       "MANIFEST_UNKNOWN"},
      {absl::StatusCode::kNotFound, RouteKind::kBlob, 404, "BLOB_UNKNOWN"},
      {absl::StatusCode::kNotFound, RouteKind::kTags, 404, "NAME_UNKNOWN"},
      {absl::StatusCode::kInvalidArgument, RouteKind::kManifest, 400,
       "UNSUPPORTED"},
      {absl::StatusCode::kPermissionDenied, RouteKind::kBlob, 403, "DENIED"},
      {absl::StatusCode::kUnauthenticated, RouteKind::kBlob, 403, "DENIED"},
      {absl::StatusCode::kResourceExhausted, RouteKind::kBlob, 429,
       "TOOMANYREQUESTS"},
      {absl::StatusCode::kOutOfRange, RouteKind::kBlob, 416, "RANGE_INVALID"},
      {absl::StatusCode::kUnavailable, RouteKind::kTags, 503, "UNAVAILABLE"},
      {absl::StatusCode::kFailedPrecondition, RouteKind::kTags, 503,
       "UNAVAILABLE"},
      {absl::StatusCode::kCancelled, RouteKind::kTags, 503, "UNAVAILABLE"},
      {absl::StatusCode::kDeadlineExceeded, RouteKind::kManifest, 504,
       "UNAVAILABLE"},
      {absl::StatusCode::kDataLoss, RouteKind::kBlob, 502, "UNKNOWN"},
      {absl::StatusCode::kInternal, RouteKind::kBlob, 500, "UNKNOWN"},
      {absl::StatusCode::kUnimplemented, RouteKind::kBlob, 500, "UNKNOWN"},
  };
  for (const StatusCase& c : cases) {
    const OciError error = FromStatus(absl::Status(c.code, "why"), c.route);
    EXPECT_EQ(error.status, c.status) << absl::StatusCodeToString(c.code);
    EXPECT_EQ(error.code, c.oci_code) << absl::StatusCodeToString(c.code);
    EXPECT_EQ(error.message, "why");
    EXPECT_EQ(error.retry_after_seconds,
              c.status == 429 ? kRetryAfterSeconds : 0);
  }
}

TEST(OciErrorTest, NamesTheInvalidPartOfATarget) {
  const std::pair<TargetError, std::string> cases[] = {
      {TargetError::kNameInvalid, "NAME_INVALID"},
      {TargetError::kTagInvalid, "TAG_INVALID"},
      {TargetError::kDigestInvalid, "DIGEST_INVALID"},
      {TargetError::kPaginationNumberInvalid, "PAGINATION_NUMBER_INVALID"},
      {TargetError::kBadTarget, "UNSUPPORTED"},
  };
  for (const auto& [target_error, code] : cases) {
    const OciError error =
        FromInvalidTarget(InvalidTarget{target_error, "bad"});
    EXPECT_EQ(error.status, 400);
    EXPECT_EQ(error.code, code);
  }
}

TEST(OciErrorTest, BodyIsTheSpecsJsonEvenForInvalidUtf8) {
  OciError error;
  error.code = "BLOB_UNKNOWN";
  error.message = "bad \xff byte";
  const nlohmann::json body = nlohmann::json::parse(ErrorBody(error));
  ASSERT_EQ(body["errors"].size(), 1u);
  EXPECT_EQ(body["errors"][0]["code"], "BLOB_UNKNOWN");
  EXPECT_EQ(body["errors"][0]["message"], "bad \xEF\xBF\xBD byte");
  EXPECT_TRUE(body["errors"][0]["detail"].is_null());
}

}  // namespace
}  // namespace tributary::frontend
