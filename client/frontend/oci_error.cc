#include "client/frontend/oci_error.h"

#include "nlohmann/json.hpp"

namespace tributary::frontend {
namespace {

std::string NotFoundCode(RouteKind route) {
  switch (route) {
    case RouteKind::kManifest:
      return "MANIFEST_UNKNOWN";
    case RouteKind::kBlob:
      return "BLOB_UNKNOWN";
    default:
      return "NAME_UNKNOWN";
  }
}

}  // namespace

OciError FromStatus(const absl::Status& status, RouteKind route) {
  OciError error;
  error.message = std::string(status.message());
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      error.status = 404;
      error.code = NotFoundCode(route);
      break;
    case absl::StatusCode::kInvalidArgument:
      error.status = 400;
      error.code = "UNSUPPORTED";
      break;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      error.status = 403;
      error.code = "DENIED";
      break;
    case absl::StatusCode::kResourceExhausted:
      error.status = 429;
      error.code = "TOOMANYREQUESTS";
      error.retry_after_seconds = kRetryAfterSeconds;
      break;
    case absl::StatusCode::kOutOfRange:
      error.status = 416;
      error.code = "RANGE_INVALID";
      break;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kCancelled:
      error.status = 503;
      error.code = "UNAVAILABLE";
      break;
    case absl::StatusCode::kDeadlineExceeded:
      error.status = 504;
      error.code = "UNAVAILABLE";
      break;
    case absl::StatusCode::kDataLoss:
      error.status = 502;
      error.code = "UNKNOWN";
      break;
    default:
      error.status = 500;
      error.code = "UNKNOWN";
      break;
  }
  return error;
}

OciError FromInvalidTarget(const InvalidTarget& invalid) {
  OciError error;
  error.status = 400;
  error.message = invalid.message;
  switch (invalid.error) {
    case TargetError::kNameInvalid:
      error.code = "NAME_INVALID";
      break;
    case TargetError::kTagInvalid:
      error.code = "TAG_INVALID";
      break;
    case TargetError::kDigestInvalid:
      error.code = "DIGEST_INVALID";
      break;
    case TargetError::kPaginationNumberInvalid:
      error.code = "PAGINATION_NUMBER_INVALID";
      break;
    case TargetError::kBadTarget:
      error.code = "UNSUPPORTED";
      break;
  }
  return error;
}

std::string ErrorBody(const OciError& error) {
  nlohmann::json entry = {
      {"code", error.code}, {"message", error.message}, {"detail", nullptr}};
  nlohmann::json body = {{"errors", nlohmann::json::array({entry})}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tributary::frontend
