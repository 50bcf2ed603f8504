#ifndef TRIBUTARY_SERVICE_OCI_MEDIA_TYPES_H_
#define TRIBUTARY_SERVICE_OCI_MEDIA_TYPES_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace tributary::oci {

inline constexpr std::string_view kOciManifest =
    "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex =
    "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kDockerManifestV2 =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifestV1 =
    "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view kDockerManifestV1Signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

inline constexpr std::size_t kMaxMediaTypeLength = 255;

// The manifest media types sent as Accept when the caller names none, most
// preferred first: OCI manifest, OCI index, Docker v2 manifest, Docker v2
// list, Docker v1 manifest (the list the original TypeScript upstream used).
// Thread-safe; the vector lives for the whole program.
const std::vector<std::string>& DefaultManifestMediaTypes();

// Validates a caller-supplied media type before it goes into an Accept header:
// "type/subtype" where both names follow RFC 6838 section 4.2
// (restricted-name, at most 127 characters each) and a "+suffix", if any, is
// not empty. Parameters, lists, wildcards and CR/LF are InvalidArgument, since
// each would change the meaning of the header we build; so is anything longer
// than kMaxMediaTypeLength.
absl::Status ValidateMediaType(std::string_view media_type);

}  // namespace tributary::oci

#endif  // TRIBUTARY_SERVICE_OCI_MEDIA_TYPES_H_
