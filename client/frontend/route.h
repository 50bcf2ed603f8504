#ifndef TRIBUTARY_CLIENT_FRONTEND_ROUTE_H_
#define TRIBUTARY_CLIENT_FRONTEND_ROUTE_H_

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tributary::frontend {

// What a request path names. A closed set: it is also the `route` metric label.
enum class RouteKind {
  kBase,      // GET /v2/
  kHealth,    // GET /healthz
  kManifest,  // /v2/<name>/manifests/<reference>
  kBlob,      // /v2/<name>/blobs/<digest>
  kTags,      // /v2/<name>/tags/list
  kUpload,    // /v2/<name>/blobs/uploads/...: the push side
  kCatalog,   // /v2/_catalog
  kOther,     // anything else (including /v2/<name>/referrers/...)
};
inline constexpr int kRouteKindCount = 8;

// "base", "health", "manifest", ...: the metric label and the log field.
std::string_view RouteName(RouteKind kind);

// A parsed request target. Plain value type.
struct Route {
  RouteKind kind = RouteKind::kOther;
  // The source registry ("docker.io", "ghcr.io"); empty means the service's
  // default_registry. Carried as a value through the request's handling.
  std::string registry;
  // The registry came from `ns` (and must be repeated in a Link).
  bool registry_from_query = false;
  // Valid per the OCI name grammar (manifest, blob and tag routes).
  std::string repository;
  // A tag or digest (manifests), a digest (blobs); validated.
  std::string reference;
  // Tag list paging: `n` (absent: the upstream chooses) and `last`.
  std::optional<int> page_size;
  std::string last;
};

// What an invalid request target is, for the OCI error body.
enum class TargetError {
  kNameInvalid,    // NAME_INVALID
  kTagInvalid,     // TAG_INVALID (a manifest reference)
  kDigestInvalid,  // DIGEST_INVALID
  kPaginationNumberInvalid,
  kBadTarget,  // not a request target at all (400)
};

struct InvalidTarget {
  TargetError error;
  std::string message;
};

// Parses an origin-form request target ("/v2/library/nginx/manifests/1.25
// ?ns=docker.io"). The source registry is the `ns` query parameter
// (containerd sends it to mirrors), else a first path component of a name
// with two or more components that looks like a host ("ghcr.io",
// "localhost:5000": Docker's rule, a '.' or ':' or "localhost"), which is then
// not part of the repository; else none. Names, tags and digests are
// validated here, before any call to Tributary.
std::variant<Route, InvalidTarget> ParseTarget(std::string_view target);

// The tag list's Link to the page after `next_last`, as the header's value
// ("</v2/NAME/tags/list?n=10&last=v3>; rel=\"next\""): the request's own path
// (so a host path component stays), `n` when the client gave one, and `ns`
// when the registry came from it.
std::string TagsNextLink(std::string_view target, const Route& route,
                         std::string_view next_last);

// Whether `text` could be a registry host[:port] (DNS name or IPv4 address,
// optional port): what `ns` and a host path component must be.
bool LooksLikeRegistryHost(std::string_view text);

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_ROUTE_H_
