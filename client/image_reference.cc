#include "client/image_reference.h"

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "service/oci/digest.h"
#include "service/oci/names.h"
#include "service/oci/quote.h"
#include "service/oci/registry_host.h"

namespace tributary::client {
namespace {

constexpr char kDefaultTag[] = "latest";

// `reason` is absl::string_view: Debian's Abseil keeps it distinct from
// std::string_view, and status messages come as the former.
absl::Status Invalid(const char* kind, std::string_view text,
                     absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid ", kind, " ", oci::QuoteForError(text), ": ", reason));
}

bool HasUpper(std::string_view text) {
  for (char c : text) {
    if (absl::ascii_isupper(c)) {
      return true;
    }
  }
  return false;
}

// Docker's rule (distribution/reference splitDockerDomain).
bool LooksLikeHost(std::string_view component) {
  return component.find_first_of(".:") != std::string_view::npos ||
         component == "localhost" || HasUpper(component);
}

// Splits "host/name" into its parts and validates both.
absl::StatusOr<RepositoryName> SplitName(const char* kind,
                                         std::string_view whole,
                                         std::string_view name) {
  RepositoryName result;
  const std::size_t slash = name.find('/');
  if (slash != std::string_view::npos && LooksLikeHost(name.substr(0, slash))) {
    // Checked as the server checks it: lower case only. "UPPER/app" is a host
    // by Docker's rule, and more likely a mistyped repository than a registry
    // to lower-case and ask.
    const std::string_view host = name.substr(0, slash);
    if (absl::Status valid = oci::ValidateRegistryHost(host); !valid.ok()) {
      return Invalid(kind, whole, valid.message());
    }
    result.registry_host = std::string(host);
    name.remove_prefix(slash + 1);
  }
  if (absl::Status valid = oci::ValidateRepository(name); !valid.ok()) {
    return Invalid(kind, whole, valid.message());
  }
  result.repository = std::string(name);
  return result;
}

// The ':' that starts a tag: the last one after the last '/', so the port in
// "localhost:5000/app" is not taken for a tag.
std::size_t FindTagColon(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  const std::size_t slash = text.rfind('/');
  if (colon == std::string_view::npos ||
      (slash != std::string_view::npos && colon < slash)) {
    return std::string_view::npos;
  }
  return colon;
}

}  // namespace

std::string ImageReference::ToString() const {
  std::string text = repository;
  if (!tag.empty()) {
    absl::StrAppend(&text, ":", tag);
  }
  if (!digest.empty()) {
    absl::StrAppend(&text, "@", digest);
  }
  return text;
}

absl::StatusOr<ImageReference> ParseImageReference(std::string_view text) {
  constexpr char kKind[] = "image reference";
  if (text.empty()) {
    return Invalid(kKind, text, "it is empty");
  }
  ImageReference result;
  std::string_view rest = text;
  if (const std::size_t at = rest.find('@'); at != std::string_view::npos) {
    absl::StatusOr<oci::Digest> digest =
        oci::Digest::Parse(rest.substr(at + 1));
    if (!digest.ok()) {
      return Invalid(kKind, text, digest.status().message());
    }
    result.digest = digest->str();
    rest = rest.substr(0, at);
  }
  if (const std::size_t colon = FindTagColon(rest);
      colon != std::string_view::npos) {
    const std::string_view tag = rest.substr(colon + 1);
    if (absl::Status valid = oci::ValidateTag(tag); !valid.ok()) {
      return Invalid(kKind, text, valid.message());
    }
    result.tag = std::string(tag);
    rest = rest.substr(0, colon);
  }
  absl::StatusOr<RepositoryName> name = SplitName(kKind, text, rest);
  if (!name.ok()) {
    return name.status();
  }
  result.registry_host = std::move(name->registry_host);
  result.repository = std::move(name->repository);
  if (result.tag.empty() && result.digest.empty()) {
    result.tag = kDefaultTag;
  }
  return result;
}

absl::StatusOr<RepositoryName> ParseRepositoryName(std::string_view text) {
  constexpr char kKind[] = "repository";
  if (text.find('@') != std::string_view::npos ||
      FindTagColon(text) != std::string_view::npos) {
    return Invalid(kKind, text,
                   "a repository takes no tag or digest (write NAME, not "
                   "NAME:TAG or NAME@DIGEST)");
  }
  return SplitName(kKind, text, text);
}

}  // namespace tributary::client
