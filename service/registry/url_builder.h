#ifndef TRIBUTARY_SERVICE_REGISTRY_URL_BUILDER_H_
#define TRIBUTARY_SERVICE_REGISTRY_URL_BUILDER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "tributary/v1/config.pb.h"

namespace tributary::registry {

// Whether `host` is Docker Hub's registry, whose official images live under
// "library/" although users name them without it.
bool IsDockerHubHost(absl::string_view host);

// Whether single-component repository names get the "library/" prefix on
// `upstream` (LIBRARY_REWRITE_UNSPECIFIED decides by host).
bool LibraryRewriteApplies(const v1::UpstreamConfig& upstream);

// Builds distribution API URLs for one upstream:
// {url}{api_prefix}/{repository}/... Inputs are already validated (oci/), so
// they need no escaping except the tag list's query. Immutable, thread-safe.
class UrlBuilder {
 public:
  UrlBuilder(absl::string_view base_url, absl::string_view api_prefix,
             bool library_rewrite);
  explicit UrlBuilder(const v1::UpstreamConfig& upstream);

  // The repository as this upstream names it ("alpine" -> "library/alpine").
  std::string Repository(absl::string_view repository) const;
  std::string Manifest(absl::string_view repository,
                       absl::string_view reference) const;
  std::string Blob(absl::string_view repository,
                   absl::string_view digest) const;
  // page_size 0 and an empty `last` are left out of the query.
  std::string Tags(absl::string_view repository, int page_size,
                   absl::string_view last) const;

 private:
  std::string RepositoryUrl(absl::string_view repository) const;

  std::string base_;  // scheme://host[:port] + api prefix, no trailing '/'
  bool library_rewrite_;
};

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_URL_BUILDER_H_
