#include "service/resolve/caching_resolver.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/config/duration.h"
#include "service/resolve/blob/blob_cache.h"

namespace tributary::resolve {
namespace {

// Keys name everything that can change the answer: the source registry
// ("library/nginx" on docker.io is not "library/nginx" on ghcr.io), and for
// manifests the accepted media types (content negotiation). The same keys
// are the single-flight keys: only identical requests share a fan-out.
std::string ManifestKey(const registry::ManifestQuery& query,
                        absl::string_view reference) {
  return absl::StrCat(query.source_registry, "\n", query.repository, "\n",
                      reference, "\n", absl::StrJoin(query.accept, ","));
}

int64_t ManifestBytes(const registry::Manifest& manifest) {
  return static_cast<int64_t>(manifest.content.size() +
                              manifest.media_type.size()) +
         80;
}
int64_t ManifestHeadBytes(const registry::ManifestHead& head) {
  return static_cast<int64_t>(head.media_type.size() + head.digest.size()) + 8;
}
int64_t BlobHeadBytes(const registry::BlobHead&) { return 8; }
int64_t TagPageBytes(const registry::TagPage& page) {
  int64_t bytes =
      static_cast<int64_t>(page.name.size() + page.next_last.size());
  for (const std::string& tag : page.tags) {
    bytes += static_cast<int64_t>(tag.size()) + 32;
  }
  return bytes;
}

template <class T>
using Fetch = typename cache::ReadThrough<T>::Fetch;

template <class T>
void Uncached(cache::CacheMode mode, Done<T>& done, const Fetch<T>& fetch,
              CallCancel& cancel) {
  if (mode == cache::CacheMode::kOnlyIfCached) {
    done(absl::FailedPreconditionError(
        "not in the cache: the cache is turned off (cache.disabled)"));
    return;
  }
  fetch(std::move(done), std::move(cancel));
}

}  // namespace

CachingResolver::CachingResolver(Resolver& resolver,
                                 SourceRegistries registries,
                                 const v1::CacheConfig& config,
                                 absl::Duration fetch_timeout,
                                 const util::Clock& clock,
                                 metrics::Metrics& metrics,
                                 cache::BlobStore* blob_store)
    : resolver_(resolver),
      registries_(std::move(registries)),
      config_(config),
      enabled_(!config.disabled()),
      fetch_timeout_(fetch_timeout),
      store_(config.memory_bytes(), &metrics),
      manifests_(metrics::CacheKind::kManifest, store_, clock, metrics,
                 &ManifestBytes),
      manifest_heads_(metrics::CacheKind::kManifestHead, store_, clock, metrics,
                      &ManifestHeadBytes),
      blob_heads_(metrics::CacheKind::kBlobHead, store_, clock, metrics,
                  &BlobHeadBytes),
      tags_(metrics::CacheKind::kTags, store_, clock, metrics, &TagPageBytes),
      blobs_(std::make_unique<BlobCache>(
          resolver.blob_streams(), enabled_ ? blob_store : nullptr, metrics)) {}

CachingResolver::~CachingResolver() = default;

std::shared_ptr<BlobStreamHandle> CachingResolver::NewBlobStream(
    BlobRequest request, CacheMode mode, BlobConsumer* consumer) {
  return blobs_->NewBlobStream(std::move(request), mode, consumer);
}

absl::Time CachingResolver::SharedDeadline(absl::Time caller_deadline) const {
  // Deadlines are real time (the fan-out compares them with absl::Now()).
  return std::max(caller_deadline, absl::Now() + fetch_timeout_);
}

cache::Policy CachingResolver::Expiring(
    const google::protobuf::Duration& ttl) const {
  return cache::Policy{
      .fresh_for = config::ToAbslDuration(ttl),
      .stale_while_revalidate =
          config::ToAbslDuration(config_.stale_while_revalidate()),
      .stale_if_error = config::ToAbslDuration(config_.stale_if_error()),
      .negative_for = config::ToAbslDuration(config_.negative_ttl()),
  };
}

cache::Policy CachingResolver::ForReference(
    const oci::Reference& reference,
    const google::protobuf::Duration& ttl) const {
  cache::Policy policy = Expiring(ttl);
  if (reference.is_digest()) {
    // Content addressed by digest never changes.
    policy.fresh_for = absl::InfiniteDuration();
  }
  return policy;
}

template <class Query, class Value>
typename cache::ReadThrough<Value>::Fetch CachingResolver::SharedFetch(
    Query query, void (Resolver::*call)(Query, Done<Value>, CallCancel)) {
  return [this, query = std::move(query), call](
             Done<Value> fetched, CallCancel fetch_cancel) mutable {
    query.deadline = SharedDeadline(query.deadline);
    (resolver_.*call)(query, std::move(fetched), std::move(fetch_cancel));
  };
}

void CachingResolver::GetManifest(registry::ManifestQuery query,
                                  cache::CacheMode mode,
                                  Done<registry::Manifest> done,
                                  CallCancel cancel) {
  Fetch<registry::Manifest> fetch = SharedFetch(query, &Resolver::GetManifest);
  if (!enabled_) {
    Uncached(mode, done, fetch, cancel);
    return;
  }
  const std::string key = ManifestKey(query, query.reference.str());
  const cache::Policy policy =
      ForReference(query.reference, config_.manifest_ttl());
  if (!query.reference.is_digest()) {
    // A manifest fetched by tag is also the answer for its digest.
    done = [this, query, done = std::move(done)](
               absl::StatusOr<Resolved<registry::Manifest>> result) {
      if (result.ok() && !result->cache.from_cache) {
        manifests_.Put(ManifestKey(query, result->value.digest.str()), *result);
      }
      done(std::move(result));
    };
  }
  manifests_.Get(key, mode, policy, std::move(fetch), std::move(done),
                 std::move(cancel));
}

void CachingResolver::HeadManifest(registry::ManifestQuery query,
                                   cache::CacheMode mode,
                                   Done<registry::ManifestHead> done,
                                   CallCancel cancel) {
  Fetch<registry::ManifestHead> fetch =
      SharedFetch(query, &Resolver::HeadManifest);
  if (!enabled_) {
    Uncached(mode, done, fetch, cancel);
    return;
  }
  manifest_heads_.Get(
      ManifestKey(query, query.reference.str()), mode,
      ForReference(query.reference, config_.head_manifest_ttl()),
      std::move(fetch), std::move(done), std::move(cancel));
}

void CachingResolver::HeadBlob(registry::BlobQuery query, cache::CacheMode mode,
                               Done<registry::BlobHead> done,
                               CallCancel cancel) {
  Fetch<registry::BlobHead> fetch = SharedFetch(query, &Resolver::HeadBlob);
  if (!enabled_) {
    Uncached(mode, done, fetch, cancel);
    return;
  }
  // Whether a repository holds a blob can change (it may be deleted or
  // pushed), so even by digest the answer expires.
  blob_heads_.Get(absl::StrCat(query.source_registry, "\n", query.repository,
                               "\n", query.digest.str()),
                  mode, Expiring(config_.head_blob_ttl()), std::move(fetch),
                  std::move(done), std::move(cancel));
}

void CachingResolver::ListTags(registry::TagsQuery query, cache::CacheMode mode,
                               Done<registry::TagPage> done,
                               CallCancel cancel) {
  Fetch<registry::TagPage> fetch = SharedFetch(query, &Resolver::ListTags);
  if (!enabled_) {
    Uncached(mode, done, fetch, cancel);
    return;
  }
  tags_.Get(absl::StrCat(query.source_registry, "\n", query.repository, "\n",
                         query.page_size, "\n", query.last),
            mode, Expiring(config_.tags_ttl()), std::move(fetch),
            std::move(done), std::move(cancel));
}

}  // namespace tributary::resolve
