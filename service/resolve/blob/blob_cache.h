#ifndef TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_CACHE_H_
#define TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_CACHE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "service/cache/blob_store.h"
#include "service/cache/read_through.h"
#include "service/metrics/metrics.h"
#include "service/resolve/blob/blob_fill.h"
#include "service/resolve/blob/blob_streamer.h"
#include "service/resolve/blob/copy_checks.h"
#include "service/resolve/blob_stream.h"

namespace tributary::resolve {

// GetBlob in front of the disk store (config `cache.blob_directory`). A
// stored blob is served from its file without asking an upstream (a file
// found at start is hashed once before its first use, however many callers
// want it meanwhile: copy_checks.h). A whole cold blob is
// fetched once into the store while every concurrent caller of the digest
// reads the bytes as they land (single-flight). Ranged requests for blobs not
// stored, and every request when the store is off or cannot take the blob,
// stream from the upstreams directly. Thread-safe; everything passed in must
// outlive it, and it must outlive every stream.
class BlobCache {
 public:
  // `store` may be null: the disk store is off.
  BlobCache(const BlobStreams& streams, cache::BlobStore* store,
            metrics::Metrics& metrics);
  ~BlobCache();

  // A stream feeding `consumer` (see blob_stream.h); call Start on the handle
  // once it is kept.
  std::shared_ptr<BlobStreamHandle> NewBlobStream(BlobRequest request,
                                                  cache::CacheMode mode,
                                                  BlobConsumer* consumer);

  // For the streams.
  struct Joined {
    std::shared_ptr<BlobFill> fill;
    std::unique_ptr<cache::BlobFile> file;  // the reader's own descriptor
    bool started = false;                   // this caller started the fill
  };
  // Joins the fill of `query.digest` in flight, or starts one; nullopt when
  // the store is off or cannot take the blob.
  std::optional<Joined> JoinFill(const registry::BlobQuery& query,
                                 std::shared_ptr<Doorbell> doorbell)
      ABSL_LOCKS_EXCLUDED(mu_);
  cache::BlobStore* store() const { return store_; }
  // Null when the store is off.
  CopyChecks* checks() const { return checks_.get(); }
  const BlobStreams& streams() const { return streams_; }
  metrics::Metrics& metrics() const { return metrics_; }

 private:
  void Forget(const std::string& digest, const BlobFill* fill)
      ABSL_LOCKS_EXCLUDED(mu_);

  const BlobStreams& streams_;
  cache::BlobStore* const store_;
  const std::unique_ptr<CopyChecks> checks_;
  metrics::Metrics& metrics_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<BlobFill>> fills_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_CACHE_H_
