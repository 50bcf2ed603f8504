#ifndef TRIBUTARY_SERVICE_RESOLVE_BLOB_CACHED_BLOB_STREAM_INTERNAL_H_
#define TRIBUTARY_SERVICE_RESOLVE_BLOB_CACHED_BLOB_STREAM_INTERNAL_H_

// Internal to //service/resolve/blob: the stream behind NewCachedBlobStream,
// shared by cached_blob_stream.cc (stored files, the choice of path) and
// cached_blob_stream_fill.cc (following a shared fill).

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/as_tuple.hpp"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "service/cache/blob_store.h"
#include "service/cache/read_through.h"
#include "service/metrics/metrics.h"
#include "service/oci/digest.h"
#include "service/resolve/blob/blob_cache.h"
#include "service/resolve/blob/blob_fill.h"
#include "service/resolve/blob/consumer_writes.h"
#include "service/resolve/blob_stream.h"
#include "service/resolve/fanout/cancellation.h"
#include "service/resolve/fanout/exceptions.h"

namespace tributary::resolve::internal {

namespace asio = boost::asio;

// One GetBlob stream as BlobCache serves it (see cached_blob_stream.h). Runs on
// its own strand; WriteDone and Cancel may come from any thread.
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
                     if (error && !self->handed_over_) {
                       self->writes_.EndIfOpen(StatusOfException(error));
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
    absl::Status status = co_await CatchingExceptions(self->Serve());
    if (self->handed_over_) {
      co_return;  // the inner stream ends the call
    }
    co_await self->writes_.Finish(std::move(status));
  }

  asio::awaitable<absl::Status> Serve();
  asio::awaitable<absl::Status> ServeStored(const cache::BlobFile& file);
  // cached_blob_stream_fill.cc: follows a shared fill.
  asio::awaitable<absl::Status> ServeFill(BlobFill& fill,
                                          const cache::BlobFile& file);
  // Sends the fill's bytes as they reach the file, from byte 0.
  asio::awaitable<absl::Status> FollowFill(BlobFill& fill,
                                           const cache::BlobFile& file,
                                           int64_t blob_size);
  // Sends the fill's bytes at `position` once the previous chunk is written:
  // the producer's chunk when it is still at hand, else at most `want` bytes
  // read from the file into this stream's own chunks. The bytes sent, or why
  // none were.
  asio::awaitable<absl::StatusOr<size_t>> SendFillChunk(
      const BlobFill& fill, const cache::BlobFile& file, int64_t position,
      size_t want);
  // The store could not keep the blob: this caller's own upstream stream takes
  // over at `position`, the digest still covering every byte.
  asio::awaitable<absl::Status> HandOverAfterSpill(const cache::BlobFile& file,
                                                   int64_t position,
                                                   int64_t blob_size);
  // The error when reading the shared fill's file failed with `message`.
  absl::Status SharedReadFailed(absl::string_view message) const {
    return absl::UnavailableError(absl::StrCat(
        subject_, ": reading the shared download failed: ", message));
  }

  // Hashes the first `bytes` of `file` into `hasher` on the hash pool (a
  // whole file: too long for an I/O thread).
  asio::awaitable<absl::Status> Hash(const cache::BlobFile& file, int64_t bytes,
                                     oci::DigestHasher& hasher);
  // Whether a stored file still hashes to its digest.
  asio::awaitable<bool> Intact(const cache::BlobFile& file);
  // The start-up check of a stored copy, shared with every caller of the same
  // copy (copy_checks.h): whether it is intact; nullopt when the caller went
  // away while another caller hashed it.
  asio::awaitable<std::optional<bool>> CheckCopy(const cache::BlobFile& file);

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

  void StartChunk(util::Chunk chunk, metrics::BlobSource source) {
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
  const std::shared_ptr<Doorbell> doorbell_;
  const std::string digest_;
  const std::string subject_;
  // This stream's share of the chunk budget, taken when it first needs chunks
  // of its own (a reader keeping up with a fill sends the producer's).
  std::shared_ptr<const util::ChunkLease> own_chunks_;

  absl::Mutex mu_;
  std::shared_ptr<BlobStreamHandle> inner_ ABSL_GUARDED_BY(mu_);

  // Strand-only state.
  bool handed_over_ = false;
};

}  // namespace tributary::resolve::internal

#endif  // TRIBUTARY_SERVICE_RESOLVE_BLOB_CACHED_BLOB_STREAM_INTERNAL_H_
