#ifndef TRIBUTARY_SERVICE_REGISTRY_MANIFEST_CHECKS_H_
#define TRIBUTARY_SERVICE_REGISTRY_MANIFEST_CHECKS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/http/types.h"
#include "service/registry/types.h"

namespace tributary::registry {

// Turns a 200 answer to a manifest GET into a Manifest, or DATA_LOSS when the
// bytes do not hash to the requested digest or to the Docker-Content-Digest
// header.
absl::StatusOr<Manifest> CheckedManifest(const ManifestQuery& query,
                                         http::Response response);

// The media type a Content-Type header names (parameters dropped), or "" when
// it names none: only a valid media type may reach a caller.
std::string MediaTypeOf(absl::string_view content_type);

// The media type of a manifest answer: Content-Type without parameters, else
// the manifest's own "mediaType", else the OCI image manifest type.
std::string ManifestMediaType(absl::string_view content_type,
                              absl::string_view content);

// Parses a Content-Length value; nullopt-like error status when absent or bad.
absl::StatusOr<int64_t> ContentLength(const http::Response& response);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_MANIFEST_CHECKS_H_
