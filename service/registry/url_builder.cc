#include "service/registry/url_builder.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "boost/url/encode.hpp"
#include "boost/url/parse.hpp"
#include "boost/url/rfc/unreserved_chars.hpp"

namespace tributary::registry {

bool IsDockerHubHost(absl::string_view host) {
  const std::string lower = absl::AsciiStrToLower(host);
  return lower == "registry-1.docker.io" || lower == "docker.io" ||
         lower == "index.docker.io" || lower == "registry.hub.docker.com";
}

bool LibraryRewriteApplies(const v1::UpstreamConfig& upstream) {
  switch (upstream.library_rewrite()) {
    case v1::LIBRARY_REWRITE_ALWAYS:
      return true;
    case v1::LIBRARY_REWRITE_NEVER:
      return false;
    default:
      break;
  }
  auto url = boost::urls::parse_absolute_uri(upstream.url());
  return url && IsDockerHubHost(std::string(url->host_address()));
}

UrlBuilder::UrlBuilder(absl::string_view base_url, absl::string_view api_prefix,
                       bool library_rewrite)
    : base_(absl::StrCat(absl::StripSuffix(base_url, "/"),
                         api_prefix.empty() ? "/v2" : api_prefix)),
      library_rewrite_(library_rewrite) {}

UrlBuilder::UrlBuilder(const v1::UpstreamConfig& upstream)
    : UrlBuilder(upstream.url(), upstream.api_prefix(),
                 LibraryRewriteApplies(upstream)) {}

std::string UrlBuilder::Repository(absl::string_view repository) const {
  if (library_rewrite_ && !absl::StrContains(repository, '/')) {
    return absl::StrCat("library/", repository);
  }
  return std::string(repository);
}

std::string UrlBuilder::RepositoryUrl(absl::string_view repository) const {
  return absl::StrCat(base_, "/", Repository(repository));
}

std::string UrlBuilder::Manifest(absl::string_view repository,
                                 absl::string_view reference) const {
  return absl::StrCat(RepositoryUrl(repository), "/manifests/", reference);
}

std::string UrlBuilder::Blob(absl::string_view repository,
                             absl::string_view digest) const {
  return absl::StrCat(RepositoryUrl(repository), "/blobs/", digest);
}

std::string UrlBuilder::Tags(absl::string_view repository, int page_size,
                             absl::string_view last) const {
  std::string url = absl::StrCat(RepositoryUrl(repository), "/tags/list");
  absl::string_view separator = "?";
  if (page_size > 0) {
    absl::StrAppend(&url, separator, "n=", page_size);
    separator = "&";
  }
  if (!last.empty()) {
    const std::string encoded =
        boost::urls::encode(boost::urls::string_view(last.data(), last.size()),
                            boost::urls::unreserved_chars);
    absl::StrAppend(&url, separator, "last=", encoded);
  }
  return url;
}

}  // namespace tributary::registry
