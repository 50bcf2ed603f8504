#ifndef TRIBUTARY_CLIENT_FRONTEND_OCI_ERROR_H_
#define TRIBUTARY_CLIENT_FRONTEND_OCI_ERROR_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "client/frontend/route.h"

namespace tributary::frontend {

// An error answer as the OCI Distribution Spec shapes it: an HTTP status and
// one {"code", "message"} entry. Plain value type.
struct OciError {
  int status = 500;
  std::string code;  // "MANIFEST_UNKNOWN", "UNSUPPORTED", ...
  std::string message;
  // Seconds for a Retry-After header; 0 sends none.
  int retry_after_seconds = 0;
};

// What a 429 tells the client to wait: Tributary's RESOURCE_EXHAUSTED says
// its upstreams (or its stream limit) are saturated, which clears in seconds.
inline constexpr int kRetryAfterSeconds = 5;

// The one table from a Tributary (gRPC) status to the HTTP answer; `route`
// picks the NOT_FOUND code (MANIFEST_UNKNOWN, BLOB_UNKNOWN, NAME_UNKNOWN).
// Documented in README.md ("tributary-frontend").
//
//   NOT_FOUND           404  MANIFEST_UNKNOWN / BLOB_UNKNOWN / NAME_UNKNOWN
//   INVALID_ARGUMENT    400  UNSUPPORTED (e.g. an Accept type it refused)
//   PERMISSION_DENIED   403  DENIED
//   UNAUTHENTICATED     403  DENIED (the frontend's own credentials)
//   RESOURCE_EXHAUSTED  429  TOOMANYREQUESTS, Retry-After: 5
//   OUT_OF_RANGE        416  RANGE_INVALID
//   UNAVAILABLE         503  UNAVAILABLE
//   FAILED_PRECONDITION 503  UNAVAILABLE
//   ABORTED, CANCELLED  503  UNAVAILABLE
//   DEADLINE_EXCEEDED   504  UNAVAILABLE
//   DATA_LOSS           502  UNKNOWN (the upstream's bytes failed their digest)
//   anything else       500  UNKNOWN
OciError FromStatus(const absl::Status& status, RouteKind route);

// The 400 for a request target ParseTarget refused.
OciError FromInvalidTarget(const InvalidTarget& invalid);

// {"errors":[{"code":...,"message":...,"detail":null}]}. Messages that are
// not valid UTF-8 are repaired, never refused.
std::string ErrorBody(const OciError& error);

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_OCI_ERROR_H_
