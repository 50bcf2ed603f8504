// The label values of the metric families: the names of the closed enums in
// metrics.h, and the outcome class of an upstream status.
#include "absl/status/status.h"
#include "service/metrics/metrics.h"

namespace tributary::metrics {
namespace {

// True for the values BreakerState names. BreakerState has no kCount sentinel
// (see metrics.h); -Wswitch flags a state missing here, and the static_assert
// a kBreakerStateCount that no longer counts every state.
constexpr bool IsBreakerState(int value) {
  switch (static_cast<BreakerState>(value)) {
    case BreakerState::kClosed:
    case BreakerState::kOpen:
    case BreakerState::kHalfOpen:
      return true;
  }
  return false;
}
static_assert(IsBreakerState(kBreakerStateCount - 1) &&
                  !IsBreakerState(kBreakerStateCount),
              "kBreakerStateCount must follow the last BreakerState");

}  // namespace

absl::string_view RpcName(Rpc rpc) {
  switch (rpc) {
    case Rpc::kGetManifest:
      return "GetManifest";
    case Rpc::kHeadManifest:
      return "HeadManifest";
    case Rpc::kHeadBlob:
      return "HeadBlob";
    case Rpc::kGetBlob:
      return "GetBlob";
    case Rpc::kListTags:
      return "ListTags";
    case Rpc::kListUpstreams:
      return "ListUpstreams";
    case Rpc::kCount:
      break;
  }
  return "unknown";
}

absl::string_view OutcomeName(UpstreamOutcome outcome) {
  switch (outcome) {
    case UpstreamOutcome::kOk:
      return "ok";
    case UpstreamOutcome::kNotFound:
      return "not_found";
    case UpstreamOutcome::kDenied:
      return "denied";
    case UpstreamOutcome::kRateLimited:
      return "rate_limited";
    case UpstreamOutcome::kUnavailable:
      return "unavailable";
    case UpstreamOutcome::kTimeout:
      return "timeout";
    case UpstreamOutcome::kBadContent:
      return "bad_content";
    case UpstreamOutcome::kError:
    case UpstreamOutcome::kCount:
      break;
  }
  return "error";
}

absl::string_view BreakerStateName(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

absl::string_view RetryReasonName(RetryReason reason) {
  switch (reason) {
    case RetryReason::kConnect:
      return "connect";
    case RetryReason::kTimeout:
      return "timeout";
    case RetryReason::kHttp408:
      return "http_408";
    case RetryReason::kHttp429:
      return "http_429";
    case RetryReason::kHttp500:
      return "http_500";
    case RetryReason::kHttp502:
      return "http_502";
    case RetryReason::kHttp503:
      return "http_503";
    case RetryReason::kHttp504:
      return "http_504";
    case RetryReason::kCount:
      break;
  }
  return "connect";
}

absl::string_view CacheKindName(CacheKind kind) {
  switch (kind) {
    case CacheKind::kManifest:
      return "manifest";
    case CacheKind::kManifestHead:
      return "manifest_head";
    case CacheKind::kBlobHead:
      return "blob_head";
    case CacheKind::kTags:
      return "tags";
    case CacheKind::kBlob:
      return "blob";
    case CacheKind::kCount:
      break;
  }
  return "unknown";
}

absl::string_view CacheResultName(CacheResult result) {
  switch (result) {
    case CacheResult::kHit:
      return "hit";
    case CacheResult::kStale:
      return "stale";
    case CacheResult::kStaleIfError:
      return "stale_if_error";
    case CacheResult::kNegative:
      return "negative";
    case CacheResult::kMiss:
      return "miss";
    case CacheResult::kCoalesced:
      return "coalesced";
    case CacheResult::kBypass:
      return "bypass";
    case CacheResult::kCount:
      break;
  }
  return "unknown";
}

absl::string_view CacheStoreName(CacheStore store) {
  switch (store) {
    case CacheStore::kMemory:
      return "memory";
    case CacheStore::kDisk:
    case CacheStore::kCount:
      break;
  }
  return "disk";
}

absl::string_view BlobSourceName(BlobSource source) {
  switch (source) {
    case BlobSource::kCache:
      return "cache";
    case BlobSource::kUpstream:
    case BlobSource::kCount:
      break;
  }
  return "upstream";
}

UpstreamOutcome ClassifyOutcome(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return UpstreamOutcome::kOk;
    case absl::StatusCode::kNotFound:
      return UpstreamOutcome::kNotFound;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnauthenticated:
      return UpstreamOutcome::kDenied;
    case absl::StatusCode::kResourceExhausted:
      return UpstreamOutcome::kRateLimited;
    case absl::StatusCode::kUnavailable:
      return UpstreamOutcome::kUnavailable;
    case absl::StatusCode::kDeadlineExceeded:
      return UpstreamOutcome::kTimeout;
    case absl::StatusCode::kDataLoss:
      return UpstreamOutcome::kBadContent;
    default:
      return UpstreamOutcome::kError;
  }
}

}  // namespace tributary::metrics
