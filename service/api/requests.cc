#include "service/api/requests.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "service/oci/media_types.h"
#include "service/oci/names.h"

namespace tributary::api {
namespace {

// Prefixes the field name so a caller knows which field to fix.
absl::Status InField(absl::string_view field, const absl::Status& status) {
  if (status.ok()) {
    return status;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", status.message()));
}

constexpr int kMaxAcceptedMediaTypes = 32;
constexpr int kMaxPageSize = 10000;

}  // namespace

absl::StatusOr<resolve::ManifestQuery> ToManifestQuery(
    const std::string& repository, const std::string& reference,
    const google::protobuf::RepeatedPtrField<std::string>& accepted_media_types,
    absl::Time deadline) {
  // oci/ errors already name what they checked: `repository "Foo": ...`.
  if (absl::Status status = oci::ValidateRepository(repository); !status.ok()) {
    return status;
  }
  absl::StatusOr<oci::Reference> parsed = oci::Reference::Parse(reference);
  if (!parsed.ok()) {
    return InField("reference", parsed.status());
  }
  if (accepted_media_types.size() > kMaxAcceptedMediaTypes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "accepted_media_types: at most ", kMaxAcceptedMediaTypes, " entries"));
  }
  std::vector<std::string> accept;
  for (int i = 0; i < accepted_media_types.size(); ++i) {
    if (absl::Status status = oci::ValidateMediaType(accepted_media_types[i]);
        !status.ok()) {
      return InField(absl::StrCat("accepted_media_types[", i, "]"), status);
    }
    accept.push_back(accepted_media_types[i]);
  }
  if (accept.empty()) {
    accept = oci::DefaultManifestMediaTypes();
  }
  return resolve::ManifestQuery{
      .repository = repository,
      .reference = *std::move(parsed),
      .accept = std::move(accept),
      .deadline = deadline,
  };
}

absl::StatusOr<resolve::BlobQuery> ToBlobQuery(const std::string& repository,
                                               const std::string& digest,
                                               absl::Time deadline) {
  // oci/ errors already name what they checked: `repository "Foo": ...`.
  if (absl::Status status = oci::ValidateRepository(repository); !status.ok()) {
    return status;
  }
  absl::StatusOr<oci::Digest> parsed = oci::Digest::Parse(digest);
  if (!parsed.ok()) {
    return parsed.status();
  }
  return resolve::BlobQuery{
      .repository = repository,
      .digest = *std::move(parsed),
      .deadline = deadline,
  };
}

absl::StatusOr<resolve::BlobRequest> ToBlobRequest(
    const v1::GetBlobRequest& request, absl::Time deadline) {
  absl::StatusOr<resolve::BlobQuery> query =
      ToBlobQuery(request.repository(), request.digest(), deadline);
  if (!query.ok()) {
    return query.status();
  }
  if (request.offset() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "offset: must not be negative (got ", request.offset(), ")"));
  }
  if (request.length() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "length: must not be negative (got ", request.length(), ")"));
  }
  if (request.length() > 0 &&
      request.offset() >
          std::numeric_limits<int64_t>::max() - request.length()) {
    return absl::InvalidArgumentError(
        absl::StrCat("offset + length: ", request.offset(), " + ",
                     request.length(), " is past the largest byte offset"));
  }
  return resolve::BlobRequest{
      .query = *std::move(query),
      .offset = request.offset(),
      .length = request.length(),
  };
}

absl::StatusOr<resolve::TagsQuery> ToTagsQuery(
    const v1::ListTagsRequest& request, absl::Time deadline) {
  if (absl::Status status = oci::ValidateRepository(request.repository());
      !status.ok()) {
    return status;
  }
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be between 0 and ", kMaxPageSize,
                     " (got ", request.page_size(), ")"));
  }
  if (!request.last().empty()) {
    if (absl::Status status = oci::ValidateTag(request.last()); !status.ok()) {
      return InField("last", status);
    }
  }
  return resolve::TagsQuery{
      .repository = request.repository(),
      .page_size = request.page_size(),
      .last = request.last(),
      .deadline = deadline,
  };
}

resolve::CacheMode ToCacheMode(v1::CacheMode mode) {
  switch (mode) {
    case v1::CACHE_MODE_REFRESH:
      return resolve::CacheMode::kRefresh;
    case v1::CACHE_MODE_ONLY_IF_CACHED:
      return resolve::CacheMode::kOnlyIfCached;
    default:
      return resolve::CacheMode::kDefault;
  }
}

void SetCacheInfo(const resolve::Provenance& provenance, v1::CacheInfo& info) {
  info.set_hit(provenance.from_cache);
  info.set_stale(provenance.stale);
  const int64_t nanos = absl::ToInt64Nanoseconds(provenance.age);
  info.mutable_age()->set_seconds(nanos / 1'000'000'000);
  info.mutable_age()->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
}

}  // namespace tributary::api
