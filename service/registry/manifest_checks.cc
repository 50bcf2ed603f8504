#include "service/registry/manifest_checks.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "service/oci/media_types.h"

namespace tributary::registry {
namespace {

absl::Status CheckAgainst(absl::string_view what, const oci::Digest& expected,
                          absl::string_view content) {
  const oci::Digest actual = oci::ComputeDigest(
      expected.algorithm(), std::string_view(content.data(), content.size()));
  if (actual == expected) {
    return absl::OkStatus();
  }
  return absl::DataLossError(absl::StrCat("manifest bytes hash to ",
                                          actual.str(), ", not the ", what, " ",
                                          expected.str()));
}

}  // namespace

std::string MediaTypeOf(absl::string_view content_type) {
  absl::string_view type = content_type.substr(0, content_type.find(';'));
  type = absl::StripAsciiWhitespace(type);
  if (!type.empty() &&
      oci::ValidateMediaType(std::string_view(type.data(), type.size())).ok()) {
    return std::string(type);
  }
  return "";
}

std::string ManifestMediaType(absl::string_view content_type,
                              absl::string_view content) {
  if (std::string type = MediaTypeOf(content_type); !type.empty()) {
    return type;
  }
  auto json = nlohmann::json::parse(content.begin(), content.end(), nullptr,
                                    /*allow_exceptions=*/false);
  if (json.is_object() && json.contains("mediaType") &&
      json["mediaType"].is_string()) {
    const std::string declared = json["mediaType"].get<std::string>();
    if (oci::ValidateMediaType(declared).ok()) {
      return declared;
    }
  }
  return std::string(oci::kOciManifest);
}

absl::StatusOr<int64_t> ContentLength(const http::Response& response) {
  int64_t length = 0;
  if (!absl::SimpleAtoi(response.Header("Content-Length"), &length) ||
      length < 0) {
    return absl::UnknownError("answer has no valid Content-Length");
  }
  return length;
}

absl::StatusOr<Manifest> CheckedManifest(const ManifestQuery& query,
                                         http::Response response) {
  const oci::DigestAlgorithm algorithm =
      query.reference.is_digest() ? query.reference.digest()->algorithm()
                                  : oci::DigestAlgorithm::kSha256;
  if (query.reference.is_digest()) {
    if (absl::Status status = CheckAgainst(
            "requested digest", *query.reference.digest(), response.body);
        !status.ok()) {
      return status;
    }
  }
  const absl::string_view header = response.Header("Docker-Content-Digest");
  if (!header.empty()) {
    auto announced =
        oci::Digest::Parse(std::string_view(header.data(), header.size()));
    if (!announced.ok()) {
      return absl::DataLossError(absl::StrCat("bad Docker-Content-Digest: ",
                                              announced.status().message()));
    }
    if (absl::Status status =
            CheckAgainst("Docker-Content-Digest", *announced, response.body);
        !status.ok()) {
      return status;
    }
  }
  // A verified requested digest is the answer's digest; a tag's is sha256.
  oci::Digest digest = query.reference.is_digest()
                           ? *query.reference.digest()
                           : oci::ComputeDigest(algorithm, response.body);
  std::string media_type =
      ManifestMediaType(response.Header("Content-Type"), response.body);
  return Manifest{
      .content = std::move(response.body),
      .media_type = std::move(media_type),
      .digest = std::move(digest),
  };
}

}  // namespace tributary::registry
