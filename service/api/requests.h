#ifndef TRIBUTARY_SERVICE_API_REQUESTS_H_
#define TRIBUTARY_SERVICE_API_REQUESTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "service/resolve/resolver.h"
#include "service/resolve/source_registries.h"
#include "tributary/v1/resolver.pb.h"

namespace tributary::api {

// Validates a request and turns it into a plain query for resolve/, before any
// network I/O. Errors are INVALID_ARGUMENT and name the field and the reason.

absl::StatusOr<resolve::ManifestQuery> ToManifestQuery(
    const std::string& repository, const std::string& reference,
    const google::protobuf::RepeatedPtrField<std::string>& accepted_media_types,
    absl::Time deadline);

absl::StatusOr<resolve::BlobQuery> ToBlobQuery(const std::string& repository,
                                               const std::string& digest,
                                               absl::Time deadline);

// A GetBlob request; offset and length must not be negative.
absl::StatusOr<resolve::BlobRequest> ToBlobRequest(
    const v1::GetBlobRequest& request, absl::Time deadline);

absl::StatusOr<resolve::TagsQuery> ToTagsQuery(
    const v1::ListTagsRequest& request, absl::Time deadline);

// Where a query's source registry lives.
inline std::string& SourceRegistryOf(resolve::ManifestQuery& query) {
  return query.source_registry;
}
inline std::string& SourceRegistryOf(resolve::BlobQuery& query) {
  return query.source_registry;
}
inline std::string& SourceRegistryOf(resolve::TagsQuery& query) {
  return query.source_registry;
}
inline std::string& SourceRegistryOf(resolve::BlobRequest& request) {
  return request.query.source_registry;
}

// `query` (a validated one, or its error, which wins) for the source registry
// the request names in its `registry` field, routed by `registries`: the
// default when empty, INVALID_ARGUMENT when ill-formed, NOT_FOUND when no
// upstream serves it (see resolve::SourceRegistries::Route).
template <class Query>
absl::StatusOr<Query> Routed(absl::StatusOr<Query> query,
                             const std::string& registry,
                             const resolve::SourceRegistries& registries) {
  if (!query.ok()) {
    return query;
  }
  absl::StatusOr<std::string> routed = registries.Route(registry);
  if (!routed.ok()) {
    return routed.status();
  }
  SourceRegistryOf(*query) = *std::move(routed);
  return query;
}

// The request's cache mode, in resolve/'s terms.
resolve::CacheMode ToCacheMode(v1::CacheMode mode);

// Where an answer came from, as the API reports it.
void SetCacheInfo(const resolve::Provenance& provenance, v1::CacheInfo& info);

}  // namespace tributary::api

#endif  // TRIBUTARY_SERVICE_API_REQUESTS_H_
