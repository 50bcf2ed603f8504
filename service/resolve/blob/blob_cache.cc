#include "service/resolve/blob/blob_cache.h"

#include <utility>

#include "service/resolve/blob/cached_blob_stream.h"

namespace tributary::resolve {

BlobCache::BlobCache(const BlobStreams& streams, cache::BlobStore* store,
                     metrics::Metrics& metrics)
    : streams_(streams),
      store_(store),
      checks_(store != nullptr ? std::make_unique<CopyChecks>(*store)
                               : nullptr),
      metrics_(metrics) {}

BlobCache::~BlobCache() {
  // Fills still in the map were cut off by shutdown (their coroutines are
  // gone with the I/O context).
  absl::MutexLock lock(&mu_);
  for (auto& [digest, fill] : fills_) {
    fill->Orphan();
  }
}

std::shared_ptr<BlobStreamHandle> BlobCache::NewBlobStream(
    BlobRequest request, cache::CacheMode mode, BlobConsumer* consumer) {
  return NewCachedBlobStream(*this, std::move(request), mode, consumer);
}

std::optional<BlobCache::Joined> BlobCache::JoinFill(
    const registry::BlobQuery& query, std::shared_ptr<Doorbell> doorbell) {
  if (store_ == nullptr) {
    return std::nullopt;
  }
  const std::string& digest = query.digest.str();
  Joined joined;
  {
    absl::MutexLock lock(&mu_);
    auto it = fills_.find(digest);
    if (it != fills_.end()) {
      std::unique_ptr<cache::BlobFile> file = it->second->Attach(doorbell);
      if (file != nullptr) {
        return Joined{.fill = it->second, .file = std::move(file)};
      }
      // That fill is ending and takes no more readers; a new one replaces it.
    }
    absl::StatusOr<std::unique_ptr<cache::BlobWriter>> writer =
        store_->Create(query.digest);
    if (!writer.ok()) {
      return std::nullopt;  // the store counted and logged why
    }
    auto fill = std::make_shared<BlobFill>(streams_, query, *std::move(writer));
    fill->SetFinished(
        [this, digest, raw = fill.get()] { Forget(digest, raw); });
    std::unique_ptr<cache::BlobFile> file = fill->Attach(std::move(doorbell));
    if (file == nullptr) {
      return std::nullopt;
    }
    fills_[digest] = fill;
    joined = Joined{.fill = fill, .file = std::move(file), .started = true};
  }
  // Outside the lock: Begin may run the transfer to its end before it
  // returns (when every upstream is passed over without I/O, e.g. their
  // circuits are open), and the end calls Forget, which takes the lock.
  // Others may attach meanwhile; this caller's reader keeps the fill alive.
  joined.fill->Begin();
  return joined;
}

void BlobCache::Forget(const std::string& digest, const BlobFill* fill) {
  absl::MutexLock lock(&mu_);
  auto it = fills_.find(digest);
  if (it != fills_.end() && it->second.get() == fill) {
    fills_.erase(it);
  }
}

}  // namespace tributary::resolve
