#ifndef TRIBUTARY_SERVICE_REGISTRY_HTTP_STATUS_H_
#define TRIBUTARY_SERVICE_REGISTRY_HTTP_STATUS_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "service/http/types.h"

namespace tributary::registry {

// Maps a non-success HTTP answer of a registry to a status the fan-out can act
// on: 404 NOT_FOUND, 401/403 PERMISSION_DENIED, 429 RESOURCE_EXHAUSTED, 408 and
// 5xx UNAVAILABLE, anything else UNKNOWN. The message carries the HTTP status
// and the first OCI error code of the body, if any ("HTTP 404
// MANIFEST_UNKNOWN"). The HTTP status and Retry-After (read at `now`) ride
// along as an HttpAnswer payload.
absl::Status StatusFromHttp(const http::Response& response,
                            absl::Time now = absl::Now());

// What a failed HTTP answer said beyond its status code, for the fan-out's
// retry decision. It travels as a payload of the absl::Status, so every
// registry call keeps returning absl::StatusOr<T>.
struct HttpAnswer {
  int http_status = 0;
  // From a valid Retry-After header, counted from when the answer arrived.
  std::optional<absl::Duration> retry_after;
};

// The HttpAnswer StatusFromHttp attached, or nullopt when `status` did not
// come from an HTTP answer (a connect error, a timeout, a failed check).
std::optional<HttpAnswer> GetHttpAnswer(const absl::Status& status);

// Whether asking the same upstream again cannot fix `status` (its certificate
// was refused), so the fan-out moves on instead of retrying.
bool IsPermanentFailure(const absl::Status& status);
// `status` marked as such (for fakes of an upstream).
absl::Status PermanentFailure(absl::Status status);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_HTTP_STATUS_H_
