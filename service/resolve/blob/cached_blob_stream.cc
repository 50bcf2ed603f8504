#include "service/resolve/blob/cached_blob_stream.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/experimental/concurrent_channel.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "service/resolve/blob/blob_file_reads.h"
#include "service/resolve/blob/blob_fill.h"
#include "service/resolve/blob/consumer_writes.h"
#include "service/resolve/fanout/cancellation.h"
#include "service/resolve/fanout/exceptions.h"
#include "spdlog/spdlog.h"

namespace tributary::resolve {
namespace {

namespace asio = boost::asio;
using metrics::BlobSource;
using metrics::CacheKind;
using metrics::CacheResult;

class CachedBlobStream final
    : public BlobStreamHandle,
      public std::enable_shared_from_this<CachedBlobStream> {
 public:
  CachedBlobStream(BlobCache& cache, BlobRequest request, cache::CacheMode mode,
                   BlobConsumer* consumer)
      : cache_(cache),
        metrics_(cache.metrics()),
        options_(cache.streams().options()),
        request_(std::move(request)),
        mode_(mode),
        consumer_(consumer),
        strand_(asio::make_strand(cache.streams().executor())),
        cancellation_(strand_),
        writes_(strand_, consumer, cancellation_),
        doorbell_(std::make_shared<Doorbell>(strand_, 1)),
        digest_(request_.query.digest.str()),
        subject_(absl::StrCat(request_.query.repository, "@", digest_)) {}

  void Start() override {
    asio::co_spawn(strand_, Run(shared_from_this()),
                   [self = shared_from_this()](std::exception_ptr error) {
                     // Run ends the stream itself unless it threw past that.
                     if (error && !self->ended_ && !self->handed_over_) {
                       self->End(StatusOfException(error));
                     }
                   });
  }

  void WriteDone(bool ok) override {
    // After a hand-over every write is the inner stream's.
    std::shared_ptr<BlobStreamHandle> inner = Inner();
    if (inner != nullptr) {
      inner->WriteDone(ok);
      return;
    }
    writes_.Done(ok);
  }

  void Cancel() override {
    cancellation_.Cancel();
    std::shared_ptr<BlobStreamHandle> inner = Inner();
    if (inner != nullptr) {
      inner->Cancel();
    }
    doorbell_->try_send(boost::system::error_code());
  }

 private:
  // Keeps `self` alive until EndStream (or the hand-over).
  static asio::awaitable<void> Run(std::shared_ptr<CachedBlobStream> self) {
    absl::Status status;
    try {
      status = co_await self->Serve();
    } catch (const std::exception& error) {
      // The call still ends (and frees its stream slot) instead of hanging.
      status = StatusOfException(std::current_exception());
    }
    if (self->handed_over_) {
      co_return;  // the inner stream ends the call
    }
    co_await self->writes_.Drain();
    if (self->cancellation_.cancelled() && !status.ok()) {
      status = absl::CancelledError("the caller cancelled the stream");
    }
    self->End(status);
  }

  void End(const absl::Status& status) {
    ended_ = true;
    consumer_->EndStream(status);
  }

  asio::awaitable<absl::Status> Serve();
  asio::awaitable<absl::Status> ServeStored(const cache::BlobFile& file);
  asio::awaitable<absl::Status> ServeFill(BlobFill& fill,
                                          const cache::BlobFile& file);
  // Hashes the first `bytes` of `file` into `hasher` on the hash pool.
  asio::awaitable<absl::Status> Hash(const cache::BlobFile& file, int64_t bytes,
                                     oci::DigestHasher& hasher);
  // Whether a stored file still hashes to its digest.
  asio::awaitable<bool> Intact(const cache::BlobFile& file);

  // Streams the rest from the upstreams directly, on the same consumer.
  void HandOver(std::optional<BlobContinuation> continuation) {
    std::shared_ptr<BlobStreamHandle> inner =
        cache_.streams().New(request_, consumer_, std::move(continuation));
    {
      absl::MutexLock lock(&mu_);
      inner_ = inner;
    }
    handed_over_ = true;
    inner->Start();
    if (cancellation_.cancelled()) {
      inner->Cancel();
    }
  }

  std::shared_ptr<BlobStreamHandle> Inner() {
    absl::MutexLock lock(&mu_);
    return inner_;
  }

  asio::awaitable<bool> SendDescriptor(const BlobDescriptorInfo& descriptor) {
    writes_.StartDescriptor(descriptor);
    const bool delivered = co_await writes_.Drain();
    co_return delivered;
  }

  void StartChunk(std::string chunk, BlobSource source) {
    metrics_.RecordBlobBytes(static_cast<int64_t>(chunk.size()), source);
    writes_.StartChunk(std::move(chunk));
  }

  // Waits until the fill makes progress; false when the caller is gone.
  asio::awaitable<bool> Ring() {
    auto [ec] =
        co_await doorbell_->async_receive(asio::as_tuple(asio::use_awaitable));
    co_return !ec && !cancellation_.cancelled();
  }

  int64_t End(int64_t size) const {
    if (request_.length > 0) {
      return std::min(request_.offset + request_.length, size);
    }
    return size;
  }

  absl::Status Gone() const {
    return absl::CancelledError("the caller went away");
  }

  BlobCache& cache_;
  metrics::Metrics& metrics_;
  const BlobStreamOptions options_;
  const BlobRequest request_;
  const cache::CacheMode mode_;
  BlobConsumer* const consumer_;
  const asio::strand<asio::any_io_executor> strand_;
  Cancellation cancellation_;
  ConsumerWrites writes_;
  bool ended_ = false;  // EndStream was called (or the inner stream owns it)
  const std::shared_ptr<Doorbell> doorbell_;
  const std::string digest_;
  const std::string subject_;

  absl::Mutex mu_;
  std::shared_ptr<BlobStreamHandle> inner_ ABSL_GUARDED_BY(mu_);

  // Strand-only state.
  bool handed_over_ = false;
};

asio::awaitable<absl::Status> CachedBlobStream::Serve() {
  cache::BlobStore* store = cache_.store();
  if (store != nullptr && mode_ != cache::CacheMode::kRefresh) {
    std::unique_ptr<cache::BlobFile> file = store->Find(request_.query.digest);
    if (file != nullptr && !file->verified()) {
      const bool intact = co_await Intact(*file);
      if (intact) {
        store->MarkVerified(request_.query.digest);
      } else {
        spdlog::warn(
            "blob store: {} does not match its digest on disk; "
            "removed, fetching it again",
            digest_);
        metrics_.RecordCacheDiskError();
        store->Remove(request_.query.digest);
        file.reset();
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
  for (int64_t position = request_.offset; position < end;) {
    const size_t want =
        static_cast<size_t>(std::min(options_.chunk_bytes, end - position));
    // Read while the previous chunk is being written.
    absl::StatusOr<std::string> chunk = ReadChunk(file, position, want);
    if (!chunk.ok()) {
      spdlog::warn("blob store: {} unreadable: {}; removed", digest_,
                   chunk.status().ToString());
      metrics_.RecordCacheDiskError();
      cache_.store()->Remove(request_.query.digest);
      co_return absl::UnavailableError(absl::StrCat(
          subject_, ": the stored copy is unreadable (",
          chunk.status().message(), "); the next request fetches it again"));
    }
    const bool delivered = co_await writes_.Drain();
    if (!delivered) {
      co_return Gone();
    }
    position += static_cast<int64_t>(want);
    StartChunk(*std::move(chunk), BlobSource::kCache);
  }
  co_return absl::OkStatus();
}

asio::awaitable<absl::Status> CachedBlobStream::ServeFill(
    BlobFill& fill, const cache::BlobFile& file) {
  FillProgress progress = fill.Progress();
  while (!progress.descriptor.has_value()) {
    if (progress.spill_failed) {
      HandOver(std::nullopt);
      co_return absl::OkStatus();
    }
    if (progress.done) {
      co_return progress.status;
    }
    const bool rung = co_await Ring();
    if (!rung) {
      co_return Gone();
    }
    progress = fill.Progress();
  }
  const BlobDescriptorInfo descriptor = *progress.descriptor;
  const bool described = co_await SendDescriptor(descriptor);
  if (!described) {
    co_return Gone();
  }
  int64_t position = 0;
  while (true) {
    progress = fill.Progress();
    const int64_t available = progress.written - position;
    const bool complete = progress.done && progress.status.ok();
    // Whole chunks while the fill runs; what is left once it ends.
    if (available >= options_.chunk_bytes ||
        (available > 0 && (complete || progress.spill_failed))) {
      const size_t want =
          static_cast<size_t>(std::min(options_.chunk_bytes, available));
      absl::StatusOr<std::string> chunk = ReadChunk(file, position, want);
      if (!chunk.ok()) {
        co_return absl::UnavailableError(
            absl::StrCat(subject_, ": reading the shared download failed: ",
                         chunk.status().message()));
      }
      const bool delivered = co_await writes_.Drain();
      if (!delivered) {
        co_return Gone();
      }
      position += static_cast<int64_t>(want);
      StartChunk(*std::move(chunk), BlobSource::kUpstream);
      continue;
    }
    if (complete) {
      co_return absl::OkStatus();
    }
    if (progress.spill_failed) {
      // The store could not keep the blob: this caller's own upstream stream
      // takes over where the file ends, the digest still covering every byte.
      const bool drained = co_await writes_.Drain();
      if (!drained) {
        co_return Gone();
      }
      BlobContinuation continuation{.position = position,
                                    .blob_size = descriptor.size};
      continuation.hasher.emplace(request_.query.digest.algorithm());
      absl::Status hashed = co_await Hash(file, position, *continuation.hasher);
      if (!hashed.ok()) {
        co_return absl::UnavailableError(absl::StrCat(
            subject_,
            ": reading the shared download failed: ", hashed.message()));
      }
      HandOver(std::move(continuation));
      co_return absl::OkStatus();
    }
    if (progress.done) {
      co_return progress.status;  // the upstream transfer failed
    }
    const bool rung = co_await Ring();
    if (!rung) {
      co_return Gone();
    }
  }
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

asio::awaitable<bool> CachedBlobStream::Intact(const cache::BlobFile& file) {
  oci::DigestHasher hasher(request_.query.digest.algorithm());
  absl::Status hashed = co_await Hash(file, file.size(), hasher);
  if (!hashed.ok()) {
    co_return false;
  }
  co_return hasher.Finish() == request_.query.digest;
}

}  // namespace

std::shared_ptr<BlobStreamHandle> NewCachedBlobStream(BlobCache& cache,
                                                      BlobRequest request,
                                                      cache::CacheMode mode,
                                                      BlobConsumer* consumer) {
  return std::make_shared<CachedBlobStream>(cache, std::move(request), mode,
                                            consumer);
}

}  // namespace tributary::resolve
