#ifndef TRIBUTARY_SERVICE_REGISTRY_TYPES_H_
#define TRIBUTARY_SERVICE_REGISTRY_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "service/oci/digest.h"
#include "service/oci/reference.h"

namespace tributary::registry {

// Plain, validated requests and answers of the distribution API; no gRPC, no
// HTTP.
//
// `source_registry` names the registry the repository belongs to ("docker.io",
// "ghcr.io"): the fan-out asks only upstreams serving it, and caches keep
// registries apart. One upstream's client never reads it (the upstream serves
// it by configuration). Empty only where nothing routes by registry (tests).

struct ManifestQuery {
  std::string source_registry;
  std::string
      repository;  // as the caller named it (before any library/ rewrite)
  oci::Reference reference;
  std::vector<std::string> accept;  // never empty
  absl::Time deadline = absl::InfiniteFuture();
};

struct Manifest {
  std::string content;  // exactly as received
  std::string media_type;
  oci::Digest digest;  // computed locally over content
};

struct ManifestHead {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
};

struct BlobQuery {
  std::string source_registry;
  std::string repository;
  oci::Digest digest;
  absl::Time deadline = absl::InfiniteFuture();
};

struct BlobHead {
  int64_t size = 0;
};

struct TagsQuery {
  std::string source_registry;
  std::string repository;
  int page_size = 0;  // 0: the upstream decides
  std::string last;
  absl::Time deadline = absl::InfiniteFuture();
};

struct TagPage {
  std::string name;
  std::vector<std::string> tags;
  std::string next_last;  // empty on the last page
};

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_TYPES_H_
