#ifndef TRIBUTARY_SERVICE_RESOLVE_RESOLVER_H_
#define TRIBUTARY_SERVICE_RESOLVE_RESOLVER_H_

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "service/cache/read_through.h"
#include "service/registry/types.h"
#include "service/resolve/blob_stream.h"
#include "service/resolve/upstream_snapshot.h"
#include "service/util/cancel_signal.h"

namespace tributary::resolve {

class BlobStreams;

// The plain requests and answers of resolve/'s API (validated by api/).
using registry::BlobHead;
using registry::BlobQuery;
using registry::Manifest;
using registry::ManifestHead;
using registry::ManifestQuery;
using registry::TagPage;
using registry::TagsQuery;
// How a call uses the cache, and where its answer came from.
using cache::CacheMode;
using cache::Provenance;

// An answer, the upstream that gave it and whether it came from the cache.
template <class T>
using Resolved = cache::Answer<T>;

template <class T>
using Done = std::function<void(absl::StatusOr<Resolved<T>>)>;

// Fires when nobody waits for a call's answer any more (its caller cancelled
// or its deadline passed); null when the call cannot be cancelled.
using CallCancel = std::shared_ptr<util::CancelSignal>;

// The ordered fan-out: asks each enabled upstream in configured order until one
// succeeds (fanout/attempt_loop.h says how each is asked, fanout/fall_through.h
// what moves on and what the final error is). The callback API keeps Asio out
// of callers (built by MakeResolver, make_resolver.h); `done` runs exactly
// once, on an I/O thread. Thread-safe.
class Resolver {
 public:
  class Impl;
  explicit Resolver(std::unique_ptr<Impl> impl);
  ~Resolver();

  // When `cancel` fires, the fan-out stops: a request in flight is cut off
  // (its connection closed), no retry or further upstream is tried, and
  // `done` gets CANCELLED.
  void GetManifest(ManifestQuery query, Done<Manifest> done,
                   CallCancel cancel = nullptr);
  void HeadManifest(ManifestQuery query, Done<ManifestHead> done,
                    CallCancel cancel = nullptr);
  void HeadBlob(BlobQuery query, Done<BlobHead> done,
                CallCancel cancel = nullptr);
  void ListTags(TagsQuery query, Done<TagPage> done,
                CallCancel cancel = nullptr);

  // A blob stream feeding `consumer` (see blob_stream.h); call Start on the
  // handle once it is kept.
  std::shared_ptr<BlobStreamHandle> NewBlobStream(BlobRequest request,
                                                  BlobConsumer* consumer);
  // For the disk-store path, which starts streams of its own.
  const BlobStreams& blob_streams() const;

  // Every upstream's health, in configured order.
  std::vector<UpstreamSnapshot> UpstreamSnapshots() const;

 private:
  const std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_RESOLVER_H_
