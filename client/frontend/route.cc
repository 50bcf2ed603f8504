#include "client/frontend/route.h"

#include <charconv>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "boost/url/parse.hpp"
#include "service/oci/absl_compat.h"
#include "service/oci/digest.h"
#include "service/oci/names.h"
#include "service/oci/reference.h"

namespace tributary::frontend {
namespace {

constexpr std::string_view kPrefix = "/v2/";
// A host name is at most 253 characters; a port adds 6.
constexpr std::size_t kMaxHostLength = 253 + 6;

InvalidTarget Invalid(TargetError error, std::string message) {
  return InvalidTarget{error, std::move(message)};
}

bool IsHostLabelChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '.';
}

// Splits "<name>/<marker>/<rest>" at the last marker, so that a repository
// may itself contain a component named like a marker ("a/blobs/b").
bool SplitAtMarker(std::string_view path, std::string_view marker,
                   std::string_view& name, std::string_view& rest) {
  const std::size_t at = path.rfind(marker);
  if (at == std::string_view::npos || at == 0) {
    return false;
  }
  name = path.substr(0, at);
  rest = path.substr(at + marker.size());
  return true;
}

// Moves a host-like first component of `name` to `registry` when no `ns`
// named the registry already.
void TakeRegistryFromName(std::string& name, std::string& registry) {
  const std::size_t slash = name.find('/');
  if (slash == std::string::npos) {
    return;
  }
  const std::string first = name.substr(0, slash);
  const bool host_like =
      first == "localhost" || first.find_first_of(".:") != std::string::npos;
  if (!host_like || !LooksLikeRegistryHost(first)) {
    return;
  }
  if (registry.empty()) {
    registry = absl::AsciiStrToLower(first);
  }
  name.erase(0, slash + 1);
}

std::variant<Route, InvalidTarget> WithName(Route route, std::string_view name,
                                            bool registry_from_query) {
  route.repository = std::string(name);
  if (!registry_from_query) {
    TakeRegistryFromName(route.repository, route.registry);
  }
  if (absl::Status valid = oci::ValidateRepository(route.repository);
      !valid.ok()) {
    return Invalid(TargetError::kNameInvalid, std::string(valid.message()));
  }
  return route;
}

std::variant<Route, InvalidTarget> ParseManifest(Route route) {
  auto reference = oci::Reference::Parse(route.reference);
  if (!reference.ok()) {
    const bool digest_like = route.reference.find(':') != std::string::npos;
    return Invalid(
        digest_like ? TargetError::kDigestInvalid : TargetError::kTagInvalid,
        std::string(reference.status().message()));
  }
  return route;
}

std::variant<Route, InvalidTarget> ParseBlob(Route route) {
  if (auto digest = oci::Digest::Parse(route.reference); !digest.ok()) {
    return Invalid(TargetError::kDigestInvalid,
                   std::string(digest.status().message()));
  }
  return route;
}

// Applies the tag list's `n` and `last`.
std::optional<InvalidTarget> ParsePaging(std::string_view key,
                                         std::string_view value, Route& route) {
  if (key == "n") {
    int n = 0;
    const auto [end, error] =
        std::from_chars(value.data(), value.data() + value.size(), n);
    if (error != std::errc() || end != value.data() + value.size() || n < 0) {
      return Invalid(TargetError::kPaginationNumberInvalid,
                     "query parameter n: not a non-negative integer");
    }
    route.page_size = n;
  } else if (key == "last") {
    if (absl::Status valid = oci::ValidateTag(value); !valid.ok()) {
      return Invalid(TargetError::kTagInvalid,
                     absl::StrCat("query parameter last: ", valid.message()));
    }
    route.last = std::string(value);
  }
  return std::nullopt;
}

}  // namespace

std::string_view RouteName(RouteKind kind) {
  switch (kind) {
    case RouteKind::kBase:
      return "base";
    case RouteKind::kHealth:
      return "health";
    case RouteKind::kManifest:
      return "manifest";
    case RouteKind::kBlob:
      return "blob";
    case RouteKind::kTags:
      return "tags";
    case RouteKind::kUpload:
      return "upload";
    case RouteKind::kCatalog:
      return "catalog";
    case RouteKind::kOther:
      break;
  }
  return "other";
}

std::string TagsNextLink(std::string_view target, const Route& route,
                         std::string_view next_last) {
  // Tags and host names need no percent-encoding.
  std::string link =
      absl::StrCat("<", oci::AsAbsl(target.substr(0, target.find('?'))), "?");
  if (route.page_size.has_value()) {
    absl::StrAppend(&link, "n=", *route.page_size, "&");
  }
  absl::StrAppend(&link, "last=", oci::AsAbsl(next_last));
  if (route.registry_from_query) {
    absl::StrAppend(&link, "&ns=", route.registry);
  }
  absl::StrAppend(&link, ">; rel=\"next\"");
  return link;
}

bool LooksLikeRegistryHost(std::string_view text) {
  if (text.empty() || text.size() > kMaxHostLength) {
    return false;
  }
  std::string_view host = text;
  if (const std::size_t colon = text.rfind(':');
      colon != std::string_view::npos) {
    host = text.substr(0, colon);
    const std::string_view port = text.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) {
          return absl::ascii_isdigit(static_cast<unsigned char>(c));
        })) {
      return false;
    }
  }
  if (host.empty() || host.front() == '.' || host.front() == '-' ||
      host.back() == '.' || host.back() == '-' ||
      host.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(host.begin(), host.end(), IsHostLabelChar);
}

std::variant<Route, InvalidTarget> ParseTarget(std::string_view target) {
  auto url = boost::urls::parse_origin_form(
      boost::urls::string_view(target.data(), target.size()));
  if (!url) {
    return Invalid(TargetError::kBadTarget, "not an origin-form target");
  }
  const std::string_view path(url->encoded_path().data(),
                              url->encoded_path().size());
  // Names, tags and digests never hold '%': an encoded path is not ours.
  if (path.find('%') != std::string_view::npos) {
    return Invalid(TargetError::kNameInvalid, "percent-encoded path");
  }
  Route route;
  bool registry_from_query = false;
  for (const auto& param : url->params()) {
    if (param.key == "ns") {
      if (!LooksLikeRegistryHost(std::string_view(param.value))) {
        return Invalid(TargetError::kNameInvalid,
                       "query parameter ns: not a registry host");
      }
      route.registry = absl::AsciiStrToLower(param.value);
      route.registry_from_query = registry_from_query = true;
    } else if (auto bad = ParsePaging(std::string_view(param.key),
                                      std::string_view(param.value), route)) {
      return *bad;
    }
  }
  if (path == "/healthz") {
    route.kind = RouteKind::kHealth;
    return route;
  }
  if (path == "/v2" || path == kPrefix) {
    route.kind = RouteKind::kBase;
    return route;
  }
  if (path.substr(0, kPrefix.size()) != kPrefix) {
    return route;  // kOther
  }
  const std::string_view rest_of_path = path.substr(kPrefix.size());
  if (rest_of_path == "_catalog") {
    route.kind = RouteKind::kCatalog;
    return route;
  }
  std::string_view name;
  std::string_view rest;
  if (SplitAtMarker(rest_of_path, "/blobs/uploads", name, rest) &&
      (rest.empty() || rest.front() == '/')) {
    route.kind = RouteKind::kUpload;
    return WithName(std::move(route), name, registry_from_query);
  }
  constexpr std::string_view kTagsList = "/tags/list";
  if (rest_of_path.size() > kTagsList.size() &&
      rest_of_path.substr(rest_of_path.size() - kTagsList.size()) ==
          kTagsList) {
    route.kind = RouteKind::kTags;
    name = rest_of_path.substr(0, rest_of_path.size() - kTagsList.size());
    return WithName(std::move(route), name, registry_from_query);
  }
  for (const auto& [marker, kind] : {std::pair<std::string_view, RouteKind>{
                                         "/manifests/", RouteKind::kManifest},
                                     {"/blobs/", RouteKind::kBlob}}) {
    if (SplitAtMarker(rest_of_path, marker, name, rest) && !rest.empty() &&
        rest.find('/') == std::string_view::npos) {
      route.kind = kind;
      route.reference = std::string(rest);
      auto named = WithName(std::move(route), name, registry_from_query);
      if (std::holds_alternative<InvalidTarget>(named)) {
        return named;
      }
      Route& parsed = std::get<Route>(named);
      return kind == RouteKind::kManifest ? ParseManifest(std::move(parsed))
                                          : ParseBlob(std::move(parsed));
    }
  }
  return route;  // kOther: referrers, unknown paths.
}

}  // namespace tributary::frontend
