#include "service/resolve/blob/blob_streamer.h"

#include <algorithm>
#include <exception>
#include <variant>

#include "absl/strings/str_cat.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/experimental/awaitable_operators.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "service/oci/digest.h"
#include "service/resolve/blob/blob_body_reads.h"
#include "service/resolve/blob/consumer_writes.h"
#include "service/resolve/fanout/attempt_loop.h"
#include "service/resolve/fanout/cancellation.h"
#include "service/resolve/fanout/exceptions.h"
#include "service/resolve/fanout/fall_through.h"

namespace tributary::resolve {
namespace {

namespace asio = boost::asio;
using asio::experimental::awaitable_operators::operator&&;

// What copying one upstream's body came to.
struct CopyResult {
  absl::Status status;      // OK: the wanted bytes all arrived
  bool progressed = false;  // some bytes arrived before a failure
  bool caller_gone = false;
};

class BlobStreamer final : public BlobStreamHandle,
                           public std::enable_shared_from_this<BlobStreamer> {
 public:
  BlobStreamer(asio::any_io_executor executor,
               const std::vector<std::unique_ptr<Upstream>>& upstreams,
               metrics::Metrics& metrics, BlobStreamOptions options,
               std::shared_ptr<const util::ChunkLease> chunks,
               BlobRequest request, BlobConsumer* consumer,
               std::optional<BlobContinuation> continuation)
      : strand_(asio::make_strand(executor)),
        upstreams_(upstreams),
        metrics_(metrics),
        options_(options),
        chunks_(std::move(chunks)),
        request_(std::move(request)),
        consumer_(consumer),
        cancellation_(strand_),
        writes_(strand_, consumer, cancellation_),
        verifying_(request_.offset == 0 && request_.length == 0),
        hasher_(request_.query.digest.algorithm()),
        position_(request_.offset),
        subject_(absl::StrCat(request_.query.repository, "@",
                              request_.query.digest.str())) {
    if (continuation.has_value()) {
      started_ = true;
      position_ = continuation->position;
      blob_size_ = continuation->blob_size;
      verifying_ = continuation->hasher.has_value();
      if (verifying_) {
        hasher_ = *std::move(continuation->hasher);
      }
    }
  }

  void Start() override {
    asio::co_spawn(strand_, Run(shared_from_this()),
                   [self = shared_from_this()](std::exception_ptr error) {
                     // Run ends the stream itself unless it threw past that.
                     if (error) {
                       self->writes_.EndIfOpen(StatusOfException(error));
                     }
                   });
  }

  void WriteDone(bool ok) override { writes_.Done(ok); }

  void Cancel() override {
    // Wakes an upstream request waiting for its answer, or a retry's backoff.
    cancellation_.Cancel();
    // The open upstream connection belongs to the strand; closing it there
    // makes the pending read fail at once.
    asio::post(strand_, [self = shared_from_this()] {
      if (self->active_ != nullptr) {
        self->active_->Cancel();
      }
    });
  }

 private:
  bool verifying() const { return verifying_; }
  int64_t chunk_bytes() const {
    return static_cast<int64_t>(chunks_->chunk_bytes());
  }

  // Keeps `self` alive until EndStream, the consumer's last call.
  static asio::awaitable<void> Run(std::shared_ptr<BlobStreamer> self) {
    absl::Status status = co_await CatchingExceptions(self->Pump());
    co_await self->writes_.Finish(std::move(status));
  }

  asio::awaitable<absl::Status> Pump();
  asio::awaitable<absl::Status> Begin(const registry::BlobBody& body,
                                      const std::string& upstream);
  asio::awaitable<CopyResult> Copy(registry::BlobBody& body);
  asio::awaitable<absl::Status> Complete();

  // Starts writing `chunk`; its completion is awaited before the next write.
  void StartChunk(util::Chunk chunk) {
    if (request_.to_caller) {
      metrics_.RecordBlobBytes(static_cast<int64_t>(chunk.size()));
    }
    writes_.StartChunk(std::move(chunk));
  }
  // Adds the held-back chunk to the digest, once. Inline on the strand, while
  // the next read and the previous write are in flight: a hand-off to a pool
  // per chunk doubled the stream's context switches and cost more CPU than it
  // overlapped (docs/benchmarks.md, issue 13).
  asio::awaitable<bool> HashPending() {
    if (verifying() && !pending_hashed_ && !pending_.empty()) {
      hasher_.Update(pending_.view());
    }
    pending_hashed_ = true;
    co_return true;
  }

  int64_t end() const {
    if (request_.length > 0) {
      const int64_t wanted = request_.offset + request_.length;
      return blob_size_ > 0 ? std::min(wanted, blob_size_) : wanted;
    }
    return blob_size_;  // 0 when unknown: read to the end of the body
  }

  const asio::strand<asio::any_io_executor> strand_;
  const std::vector<std::unique_ptr<Upstream>>& upstreams_;
  metrics::Metrics& metrics_;
  const BlobStreamOptions options_;
  // This stream's chunk size and where its chunks come from.
  const std::shared_ptr<const util::ChunkLease> chunks_;
  const BlobRequest request_;
  BlobConsumer* const consumer_;
  Cancellation cancellation_;
  ConsumerWrites writes_;

  // Strand-only state.
  bool verifying_;  // the whole blob passes here: its digest is checked
  registry::BodyReader* active_ = nullptr;
  oci::DigestHasher hasher_;
  int64_t position_;       // absolute offset of the next byte to deliver
  int64_t blob_size_ = 0;  // 0 until an upstream says it
  bool started_ = false;   // descriptor sent
  util::Chunk pending_;    // the chunk held back until the next one arrives
  bool pending_hashed_ = false;  // pending_ is already in the digest
  const std::string subject_;
};

asio::awaitable<absl::Status> BlobStreamer::Pump() {
  AttemptLoop loop(upstreams_, metrics_,
                   {.source_registry = request_.query.source_registry,
                    .repository = request_.query.repository,
                    .deadline = request_.query.deadline,
                    .max_requests = options_.max_attempts,
                    .cancellation = &cancellation_});
  std::optional<registry::BlobBody> body;
  const Exchange open =
      [&](registry::Registry& upstream) -> asio::awaitable<absl::Status> {
    const int64_t range_end = request_.length > 0 ? end() : 0;
    absl::StatusOr<registry::BlobBody> opened =
        co_await upstream.OpenBlob(request_.query, position_, range_end);
    if (!opened.ok()) {
      co_return opened.status();
    }
    body = *std::move(opened);
    co_return absl::OkStatus();
  };
  // Each pass opens the blob from the byte reached on the upstream the loop
  // offers; the digest names the content, so any upstream's bytes will do.
  while (Upstream* upstream = co_await loop.Next(open)) {
    absl::Status begun = co_await Begin(*body, upstream->name());
    if (!begun.ok()) {
      co_return begun;
    }
    active_ = body->reader.get();
    CopyResult copied = co_await Copy(*body);
    active_ = nullptr;
    if (copied.caller_gone || cancellation_.cancelled()) {
      co_return absl::CancelledError("the caller went away");
    }
    if (copied.status.ok()) {
      co_return co_await Complete();
    }
    loop.FailedAfterAnswer(copied.status, copied.progressed);
    metrics_.RecordBlobResume();
    body.reset();
  }
  if (loop.cancelled()) {
    co_return absl::CancelledError("cancelled");
  }
  if (!started_) {
    co_return CombineFailures(subject_, loop.failures());
  }
  co_return GaveUpMidBlob(subject_, position_, loop.requests(),
                          loop.failures());
}

asio::awaitable<absl::Status> BlobStreamer::Begin(
    const registry::BlobBody& body, const std::string& upstream) {
  if (body.blob_size.has_value()) {
    if (blob_size_ > 0 && *body.blob_size != blob_size_) {
      co_return absl::DataLossError(absl::StrCat(
          subject_, ": ", upstream, " says the blob has ", *body.blob_size,
          " bytes, an earlier answer said ", blob_size_));
    }
    blob_size_ = *body.blob_size;
  }
  if (started_) {
    co_return absl::OkStatus();
  }
  if (blob_size_ > 0 && request_.offset > blob_size_) {
    co_return absl::OutOfRangeError(
        absl::StrCat("offset ", request_.offset,
                     " is past the end of the blob (", blob_size_, " bytes)"));
  }
  started_ = true;
  BlobDescriptorInfo descriptor;
  descriptor.digest = request_.query.digest.str();
  descriptor.size = blob_size_;
  descriptor.media_type = body.media_type;
  descriptor.upstream = upstream;
  writes_.StartDescriptor(descriptor);
  const bool delivered = co_await writes_.Drain();
  if (!delivered) {
    co_return absl::CancelledError("the caller went away");
  }
  co_return absl::OkStatus();
}

asio::awaitable<CopyResult> BlobStreamer::Copy(registry::BlobBody& body) {
  CopyResult result;
  // A 200 to a ranged request: the upstream ignored the Range.
  absl::Status skipped =
      co_await SkipBytes(body, position_ - body.start, chunk_bytes());
  if (!skipped.ok()) {
    result.status = skipped;
    co_return result;
  }
  while (true) {
    int64_t want = chunk_bytes();
    if (end() > 0) {
      want = std::min(want, end() - position_);
    }
    if (want <= 0) {
      co_return result;
    }
    // A whole chunk (fewer, larger messages) unless the body ends first.
    // Three things overlap: the previous chunk's write, this read, and
    // hashing the held-back chunk. At most one of each, so a stream holds
    // three chunks at most.
    util::Chunk chunk = chunks_->pool().Take();
    auto [delivered, filled, hashed] = co_await (
        writes_.Drain() && FillChunk(body, chunk, static_cast<size_t>(want)) &&
        HashPending());
    if (!delivered) {
      result.caller_gone = true;
      co_return result;
    }
    if (!chunk.empty()) {
      position_ += static_cast<int64_t>(chunk.size());
      result.progressed = true;
      // The previous chunk goes out now that another one exists: whatever
      // is last stays here until the digest has been checked.
      if (!pending_.empty()) {
        StartChunk(std::move(pending_));
      }
      pending_ = std::move(chunk);
      pending_hashed_ = false;
    }
    if (!filled.status.ok()) {
      result.status = filled.status;
      co_return result;
    }
    if (filled.at_end) {
      if (end() > 0 && position_ < end()) {
        result.status = absl::UnavailableError(
            absl::StrCat("body ended at byte ", position_, " of ", end()));
      }
      co_return result;
    }
  }
}

asio::awaitable<absl::Status> BlobStreamer::Complete() {
  auto [delivered, hashed] = co_await (writes_.Drain() && HashPending());
  if (!delivered) {
    co_return absl::CancelledError("the caller went away");
  }
  if (verifying()) {
    const oci::Digest actual = hasher_.Finish();
    if (actual != request_.query.digest) {
      // The held-back last chunk is never sent: no caller sees a complete
      // wrong blob.
      co_return absl::DataLossError(
          absl::StrCat(subject_, ": the bytes hash to ", actual.str()));
    }
  }
  if (!pending_.empty()) {
    StartChunk(std::move(pending_));
    const bool last_delivered = co_await writes_.Drain();
    if (!last_delivered) {
      co_return absl::CancelledError("the caller went away");
    }
  }
  co_return absl::OkStatus();
}

}  // namespace

BlobStreams::BlobStreams(
    asio::any_io_executor executor,
    const std::vector<std::unique_ptr<Upstream>>& upstreams,
    metrics::Metrics& metrics, BlobStreamOptions options)
    : executor_(std::move(executor)),
      upstreams_(upstreams),
      metrics_(metrics),
      options_(std::move(options)),
      chunks_(util::ChunkBudget::Create({
          .min_chunk_bytes = static_cast<size_t>(options_.chunk_bytes),
          .max_chunk_bytes = static_cast<size_t>(
              std::max(options_.chunk_bytes, options_.max_chunk_bytes)),
          .budget_bytes = static_cast<size_t>(options_.chunk_budget_bytes),
      })) {}

std::shared_ptr<BlobStreamHandle> BlobStreams::New(
    BlobRequest request, BlobConsumer* consumer,
    std::optional<BlobContinuation> continuation,
    std::shared_ptr<const util::ChunkLease> chunks) const {
  if (chunks == nullptr) {
    chunks = chunks_->Acquire();
  }
  return std::make_shared<BlobStreamer>(
      executor_, upstreams_, metrics_, options_, std::move(chunks),
      std::move(request), consumer, std::move(continuation));
}

}  // namespace tributary::resolve
