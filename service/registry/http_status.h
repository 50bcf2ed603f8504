#ifndef TRIBUTARY_SERVICE_REGISTRY_HTTP_STATUS_H_
#define TRIBUTARY_SERVICE_REGISTRY_HTTP_STATUS_H_

#include "absl/status/status.h"
#include "service/http/types.h"

namespace tributary::registry {

// Maps a non-success HTTP answer of a registry to a status the fan-out can act
// on: 404 NOT_FOUND, 401/403 PERMISSION_DENIED, 429 RESOURCE_EXHAUSTED, 408 and
// 5xx UNAVAILABLE, anything else UNKNOWN. The message carries the HTTP status
// and the first OCI error code of the body, if any ("HTTP 404
// MANIFEST_UNKNOWN").
absl::Status StatusFromHttp(const http::Response& response);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_HTTP_STATUS_H_
