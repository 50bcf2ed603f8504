#include "service/resolve/blob/cached_blob_stream.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "service/resolve/blob/blob_file_reads.h"
#include "service/resolve/blob/cached_blob_stream_internal.h"
#include "spdlog/spdlog.h"

namespace tributary::resolve {
namespace internal {

using metrics::BlobSource;
using metrics::CacheKind;
using metrics::CacheResult;

asio::awaitable<absl::Status> CachedBlobStream::Serve() {
  cache::BlobStore* store = cache_.store();
  if (store != nullptr && mode_ != cache::CacheMode::kRefresh) {
    std::unique_ptr<cache::BlobFile> file = store->Find(request_.query.digest);
    if (file != nullptr && !file->verified()) {
      const std::optional<bool> intact = co_await CheckCopy(*file);
      if (!intact.has_value()) {
        co_return Gone();
      }
      if (!*intact) {
        file.reset();  // removed by whoever hashed it; fetched again below
      }
    }
    if (file != nullptr) {
      metrics_.RecordCacheResult(CacheKind::kBlob, CacheResult::kHit);
      absl::Status served = co_await ServeStored(*file);
      co_return served;
    }
  }
  if (mode_ == cache::CacheMode::kOnlyIfCached) {
    co_return absl::FailedPreconditionError(absl::StrCat(
        subject_, " is not in the disk store (cache_mode ONLY_IF_CACHED)"));
  }
  const CacheResult fetched = mode_ == cache::CacheMode::kRefresh
                                  ? CacheResult::kBypass
                                  : CacheResult::kMiss;
  if (request_.offset == 0 && request_.length == 0) {
    std::optional<BlobCache::Joined> joined =
        cache_.JoinFill(request_.query, doorbell_);
    if (joined.has_value()) {
      metrics_.RecordCacheResult(
          CacheKind::kBlob,
          joined->started ? fetched : CacheResult::kCoalesced);
      absl::Status served = co_await ServeFill(*joined->fill, *joined->file);
      joined->fill->Detach(doorbell_);
      co_return served;
    }
  }
  metrics_.RecordCacheResult(CacheKind::kBlob, fetched);
  HandOver(std::nullopt);
  co_return absl::OkStatus();
}

asio::awaitable<absl::Status> CachedBlobStream::ServeStored(
    const cache::BlobFile& file) {
  const int64_t size = file.size();
  if (request_.offset > size) {
    co_return absl::OutOfRangeError(
        absl::StrCat("offset ", request_.offset,
                     " is past the end of the blob (", size, " bytes)"));
  }
  BlobDescriptorInfo descriptor;
  descriptor.digest = digest_;
  descriptor.size = size;
  // Registries serve every blob as an octet stream; the store keeps no type.
  descriptor.media_type = "application/octet-stream";
  descriptor.cache = {.from_cache = true,
                      .age = absl::Now() - file.stored_at()};
  const bool described = co_await SendDescriptor(descriptor);
  if (!described) {
    co_return Gone();
  }
  const int64_t end = End(size);
  const std::shared_ptr<const util::ChunkLease> chunks =
      cache_.streams().chunks().Acquire();
  const auto chunk_bytes = static_cast<int64_t>(chunks->chunk_bytes());
  for (int64_t position = request_.offset; position < end;) {
    const size_t want =
        static_cast<size_t>(std::min(chunk_bytes, end - position));
    // Read while the previous chunk is being written.
    absl::StatusOr<util::Chunk> chunk =
        ReadChunk(file, position, want, chunks->pool());
    if (!chunk.ok()) {
      spdlog::warn("blob store: {} unreadable: {}; removed", digest_,
                   chunk.status().ToString());
      metrics_.RecordCacheDiskError();
      cache_.store()->Remove(request_.query.digest, file.generation());
      co_return absl::UnavailableError(absl::StrCat(
          subject_, ": the stored copy is unreadable (",
          chunk.status().message(), "); the next request fetches it again"));
    }
    const bool delivered = co_await writes_.Drain();
    if (!delivered) {
      co_return Gone();
    }
    position += static_cast<int64_t>(chunk->size());
    StartChunk(*std::move(chunk), BlobSource::kCache);
  }
  co_return absl::OkStatus();
}

asio::awaitable<absl::Status> CachedBlobStream::Hash(
    const cache::BlobFile& file, int64_t bytes, oci::DigestHasher& hasher) {
  absl::Status status;
  auto work = [&]() -> asio::awaitable<void> {
    status = HashFilePrefix(file, bytes, hasher);
    co_return;
  };
  if (options_.hash_executor) {
    co_await asio::co_spawn(options_.hash_executor, work, asio::use_awaitable);
  } else {
    co_await work();
  }
  co_return status;
}

namespace {

// Reports the check this caller started when it leaves scope, also when
// hashing threw: the callers waiting for the verdict must not wait forever.
struct CheckReport {
  CopyChecks& checks;
  const oci::Digest& digest;
  const cache::BlobFile& file;
  bool intact = false;
  ~CheckReport() { checks.Finish(digest, file, intact); }
};

}  // namespace

asio::awaitable<std::optional<bool>> CachedBlobStream::CheckCopy(
    const cache::BlobFile& file) {
  CopyChecks::Joined joined =
      cache_.checks()->Join(request_.query.digest, file, doorbell_);
  if (joined.mine) {
    CheckReport report{.checks = *cache_.checks(),
                       .digest = request_.query.digest,
                       .file = file};
    report.intact = co_await Intact(file);
    if (!report.intact) {
      spdlog::warn(
          "blob store: {} does not match its digest on disk; "
          "removed, fetching it again",
          digest_);
      metrics_.RecordCacheDiskError();
    }
    co_return report.intact;
  }
  while (true) {
    if (std::optional<bool> verdict = joined.check->verdict()) {
      co_return verdict;
    }
    const bool rung = co_await Ring();
    if (!rung) {
      co_return std::nullopt;
    }
  }
}

asio::awaitable<bool> CachedBlobStream::Intact(const cache::BlobFile& file) {
  oci::DigestHasher hasher(request_.query.digest.algorithm());
  absl::Status hashed = co_await Hash(file, file.size(), hasher);
  if (!hashed.ok()) {
    co_return false;
  }
  co_return hasher.Finish() == request_.query.digest;
}

}  // namespace internal

std::shared_ptr<BlobStreamHandle> NewCachedBlobStream(BlobCache& cache,
                                                      BlobRequest request,
                                                      cache::CacheMode mode,
                                                      BlobConsumer* consumer) {
  return std::make_shared<internal::CachedBlobStream>(cache, std::move(request),
                                                      mode, consumer);
}

}  // namespace tributary::resolve
