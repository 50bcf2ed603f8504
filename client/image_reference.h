#ifndef TRIBUTARY_CLIENT_IMAGE_REFERENCE_H_
#define TRIBUTARY_CLIENT_IMAGE_REFERENCE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tributary::client {

// An image reference as users write it, split into its parts. Plain value
// type.
//
// A registry host in the reference ("ghcr.io/org/app") names the source
// registry: the parser reports it in `registry_host`, apart from the
// repository, and callers pass it as the request's `registry` (Tributary asks
// only the upstreams serving it). Without one the server's default registry
// applies.
struct ImageReference {
  // "ghcr.io", "localhost:5000": a lower-case host[:port], as the server
  // takes it; empty when the reference names none.
  std::string registry_host;
  // "alpine", "library/alpine", "org/app": valid per the OCI name grammar.
  std::string repository;
  // "3.20"; "latest" when neither a tag nor a digest was given; may be set
  // alongside `digest` ("app:1.0@sha256:..."), where the digest wins.
  std::string tag;
  // "sha256:..."; empty when not given.
  std::string digest;

  // What to ask the server for: the digest when given, else the tag.
  const std::string& manifest_reference() const {
    return digest.empty() ? tag : digest;
  }
  // "repository:tag", "repository@digest" or "repository:tag@digest", without
  // the registry host.
  std::string ToString() const;
};

// A repository name as users write it: optional registry host, no tag or
// digest. Plain value type.
struct RepositoryName {
  std::string registry_host;
  std::string repository;
};

// Parses "alpine", "library/alpine:3.20", "ghcr.io/org/app@sha256:..." and
// "app:1.0@sha256:...". Follows Docker's rule for the registry host: the first
// of two or more '/'-separated components is a host when it contains '.' or
// ':', is "localhost", or has upper-case letters; it must then be a lower-case
// host[:port] (oci::ValidateRegistryHost). The repository must follow
// the OCI name grammar (no upper case, no implicit "library/" added: the
// server's upstreams decide that); tags and digests are validated likewise.
// Errors are InvalidArgument and quote the input.
absl::StatusOr<ImageReference> ParseImageReference(std::string_view text);

// Parses "org/app" or "ghcr.io/org/app"; a tag or digest is an error.
absl::StatusOr<RepositoryName> ParseRepositoryName(std::string_view text);

}  // namespace tributary::client

#endif  // TRIBUTARY_CLIENT_IMAGE_REFERENCE_H_
