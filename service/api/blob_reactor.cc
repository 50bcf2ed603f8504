#include "service/api/blob_reactor.h"

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "service/api/blob_messages.h"
#include "service/api/requests.h"
#include "service/api/rpc_log.h"
#include "service/api/status.h"

namespace tributary::api {
namespace {

// One GetBlob call: the bridge between the gRPC writer and the producing
// coroutine in resolve/. Exactly one write is in flight; its completion
// (OnWriteDone) lets the producer read the next chunk, so a slow reader slows
// the upstream read instead of filling memory. The producer calls EndStream
// exactly once, and only after that does gRPC call OnDone.
class BlobReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                          public resolve::BlobConsumer {
 public:
  BlobReactor(grpc::CallbackServerContext* context,
              const v1::GetBlobRequest& request,
              resolve::CachingResolver& resolver, metrics::Metrics& metrics,
              StreamLimiter& limiter, WriteStallWatch& stall_watch)
      : metrics_(metrics),
        limiter_(limiter),
        stall_watch_(stall_watch),
        stall_([context] { context->TryCancel(); }),
        start_(absl::Now()),
        subject_(EscapeForLog(
            absl::StrCat(request.repository(), "@", request.digest()))),
        peer_(context->peer()),
        peer_address_(PeerAddress(peer_)) {
    absl::StatusOr<resolve::BlobRequest> blob =
        Routed(ToBlobRequest(request, CallDeadline(context)),
               request.registry(), resolver.registries());
    if (!blob.ok()) {
      EndStream(blob.status());
      return;
    }
    if (absl::Status admitted = limiter_.TryAcquire(peer_address_);
        !admitted.ok()) {
      EndStream(admitted);
      return;
    }
    admitted_ = true;
    stall_watch_.Add(&stall_);
    stream_ = resolver.NewBlobStream(*std::move(blob),
                                     ToCacheMode(request.cache_mode()), this);
    stream_->Start();
  }

  void SendDescriptor(const resolve::BlobDescriptorInfo& info) override {
    upstream_ = info.upstream;
    v1::BlobDescriptor blob;
    blob.set_digest(info.digest);
    blob.set_size(info.size);
    blob.set_media_type(info.media_type);
    blob.mutable_upstream()->set_name(info.upstream);
    SetCacheInfo(info.cache, *blob.mutable_cache());
    message_ = DescriptorMessage(blob);
    stall_.WriteStarted();
    StartWrite(&message_);
  }

  void SendChunk(util::Chunk data) override {
    message_ = ChunkMessage(std::move(data));
    stall_.WriteStarted();
    StartWrite(&message_);
  }

  void EndStream(const absl::Status& produced) override {
    absl::Status status = produced;
    if (stall_.stalled()) {
      status = absl::CancelledError(
          absl::StrCat("the caller accepted no bytes for ",
                       absl::FormatDuration(stall_watch_.stall()),
                       " (limits.blob_write_stall)"));
    }
    RecordRpc(metrics_, RpcRecord{
                            .rpc = metrics::Rpc::kGetBlob,
                            .status = status,
                            .upstream = upstream_,
                            .latency = absl::Now() - start_,
                            .subject = subject_,
                            .peer = peer_,
                        });
    Finish(ToGrpcStatus(status));
  }

  void OnWriteDone(bool ok) override {
    stall_.WriteDone();
    stream_->WriteDone(ok);
  }

  void OnCancel() override {
    if (stream_) {
      stream_->Cancel();
    }
  }

  void OnDone() override {
    if (admitted_) {
      stall_watch_.Remove(&stall_);
      limiter_.Release(peer_address_);
    }
    delete this;
  }

 private:
  // A blob stream has no default deadline: a large layer may take long. The
  // upstream reads are bounded by their own progress timeouts.
  static absl::Time CallDeadline(const grpc::CallbackServerContext* context) {
    const auto deadline = context->deadline();
    if (deadline == std::chrono::system_clock::time_point::max()) {
      return absl::InfiniteFuture();
    }
    return absl::FromChrono(deadline);
  }

  metrics::Metrics& metrics_;
  StreamLimiter& limiter_;
  WriteStallWatch& stall_watch_;
  WriteStallWatch::Stream stall_;
  const absl::Time start_;
  const std::string subject_;
  const std::string peer_;
  const std::string peer_address_;
  bool admitted_ = false;
  std::shared_ptr<resolve::BlobStreamHandle> stream_;
  std::string upstream_;      // set before the first write, read at the end
  grpc::ByteBuffer message_;  // the one write in flight
};

// A call whose request could not be parsed: finished at once.
class RefusedBlobStream final
    : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  void OnDone() override { delete this; }
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* StartBlobStream(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer& request,
    resolve::CachingResolver& resolver, metrics::Metrics& metrics,
    StreamLimiter& limiter, WriteStallWatch& stall_watch) {
  absl::StatusOr<v1::GetBlobRequest> parsed = ParseBlobRequest(request);
  if (!parsed.ok()) {
    auto* reactor = new RefusedBlobStream();
    reactor->Finish(ToGrpcStatus(parsed.status()));
    return reactor;
  }
  return new BlobReactor(context, *parsed, resolver, metrics, limiter,
                         stall_watch);
}

}  // namespace tributary::api
