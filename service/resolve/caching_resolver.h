#ifndef TRIBUTARY_SERVICE_RESOLVE_CACHING_RESOLVER_H_
#define TRIBUTARY_SERVICE_RESOLVE_CACHING_RESOLVER_H_

#include <memory>

#include "service/cache/memory_cache.h"
#include "service/cache/read_through.h"
#include "service/metrics/metrics.h"
#include "service/registry/types.h"
#include "service/resolve/resolver.h"
#include "service/resolve/source_registries.h"
#include "service/util/clock.h"
#include "tributary/v1/config.pb.h"

namespace tributary::cache {
class BlobStore;
}  // namespace tributary::cache

namespace tributary::resolve {

class BlobCache;

// The Resolver behind the manifest/tag cache (config `cache`): answers by
// digest are kept until evicted, answers by tag, HEADs and tag pages for
// their TTLs, NOT_FOUND for the negative TTL; identical requests in flight
// share one fan-out (single-flight). With `cache.disabled` every call goes
// straight to the Resolver.
//
// A fan-out shared by identical requests belongs to all of them: it runs
// until the latest of the first caller's deadline and `fetch_timeout` from
// its start, so a first caller that cancels or has a short deadline does not
// fail the others; it is cancelled when the last caller waiting for it
// cancels. `done` runs exactly once (see cache::ReadThrough for on
// which thread). Thread-safe; `resolver`, `clock` and `metrics` must outlive
// it, and it must outlive every call.
class CachingResolver {
 public:
  // `blob_store` may be null (the disk store is off); it must outlive this.
  CachingResolver(Resolver& resolver, SourceRegistries registries,
                  const v1::CacheConfig& config, absl::Duration fetch_timeout,
                  const util::Clock& clock, metrics::Metrics& metrics,
                  cache::BlobStore* blob_store = nullptr);
  ~CachingResolver();

  // `cancel` (may be null) fires when the caller cancels or its deadline
  // passes: `done` gets CANCELLED at once, and the fan-out stops asking
  // upstreams unless another caller shares it (ReadThrough::Get).
  void GetManifest(registry::ManifestQuery query, CacheMode mode,
                   Done<registry::Manifest> done, CallCancel cancel = nullptr);
  void HeadManifest(registry::ManifestQuery query, CacheMode mode,
                    Done<registry::ManifestHead> done,
                    CallCancel cancel = nullptr);
  void HeadBlob(registry::BlobQuery query, CacheMode mode,
                Done<registry::BlobHead> done, CallCancel cancel = nullptr);
  void ListTags(registry::TagsQuery query, CacheMode mode,
                Done<registry::TagPage> done, CallCancel cancel = nullptr);

  // A GetBlob stream through the disk store (see blob_cache.h); call Start on
  // the handle once it is kept.
  std::shared_ptr<BlobStreamHandle> NewBlobStream(BlobRequest request,
                                                  CacheMode mode,
                                                  BlobConsumer* consumer);

  // For what the cache does not cover (upstream status).
  Resolver& resolver() { return resolver_; }
  // How api/ routes a request's source registry before calling here: every
  // query's source_registry is one this table returned (cache keys hold it).
  const SourceRegistries& registries() const { return registries_; }

 private:
  // The deadline of a fan-out that may be shared.
  absl::Time SharedDeadline(absl::Time caller_deadline) const;
  // The fetch behind a cache entry: `call` on the resolver with `query`, at
  // SharedDeadline (the fetch may answer several callers).
  template <class Query, class Value>
  typename cache::ReadThrough<Value>::Fetch SharedFetch(
      Query query, void (Resolver::*call)(Query, Done<Value>, CallCancel));
  // Policies for answers that expire after `ttl` (by tag, HEADs, tag pages).
  cache::Policy Expiring(const google::protobuf::Duration& ttl) const;
  cache::Policy ForReference(const oci::Reference& reference,
                             const google::protobuf::Duration& ttl) const;

  Resolver& resolver_;
  const SourceRegistries registries_;
  const v1::CacheConfig config_;
  const bool enabled_;
  const absl::Duration fetch_timeout_;
  cache::MemoryCache store_;
  cache::ReadThrough<registry::Manifest> manifests_;
  cache::ReadThrough<registry::ManifestHead> manifest_heads_;
  cache::ReadThrough<registry::BlobHead> blob_heads_;
  cache::ReadThrough<registry::TagPage> tags_;
  std::unique_ptr<BlobCache> blobs_;
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_CACHING_RESOLVER_H_
