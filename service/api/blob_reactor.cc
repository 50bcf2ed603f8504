#include "service/api/blob_reactor.h"

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
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
class BlobReactor final : public grpc::ServerWriteReactor<v1::GetBlobResponse>,
                          public resolve::BlobConsumer {
 public:
  BlobReactor(grpc::CallbackServerContext* context,
              const v1::GetBlobRequest& request,
              resolve::CachingResolver& resolver, metrics::Metrics& metrics,
              StreamLimiter& limiter)
      : metrics_(metrics),
        limiter_(limiter),
        start_(absl::Now()),
        subject_(EscapeForLog(
            absl::StrCat(request.repository(), "@", request.digest()))),
        peer_(context->peer()) {
    absl::StatusOr<resolve::BlobRequest> blob =
        Routed(ToBlobRequest(request, CallDeadline(context)),
               request.registry(), resolver.registries());
    if (!blob.ok()) {
      EndStream(blob.status());
      return;
    }
    if (!limiter_.TryAcquire()) {
      EndStream(absl::ResourceExhaustedError(
          absl::StrCat("already serving ", limiter_.max_streams(),
                       " blob streams (limits.max_blob_streams)")));
      return;
    }
    admitted_ = true;
    stream_ = resolver.NewBlobStream(*std::move(blob),
                                     ToCacheMode(request.cache_mode()), this);
    stream_->Start();
  }

  void SendDescriptor(const resolve::BlobDescriptorInfo& info) override {
    upstream_ = info.upstream;
    message_.Clear();
    v1::BlobDescriptor* blob = message_.mutable_blob();
    blob->set_digest(info.digest);
    blob->set_size(info.size);
    blob->set_media_type(info.media_type);
    blob->mutable_upstream()->set_name(info.upstream);
    SetCacheInfo(info.cache, *blob->mutable_cache());
    StartWrite(&message_);
  }

  void SendChunk(std::string data) override {
    message_.Clear();
    message_.set_chunk(std::move(data));
    StartWrite(&message_);
  }

  void EndStream(const absl::Status& status) override {
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

  void OnWriteDone(bool ok) override { stream_->WriteDone(ok); }

  void OnCancel() override {
    if (stream_) {
      stream_->Cancel();
    }
  }

  void OnDone() override {
    if (admitted_) {
      limiter_.Release();
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
  const absl::Time start_;
  const std::string subject_;
  const std::string peer_;
  bool admitted_ = false;
  std::shared_ptr<resolve::BlobStreamHandle> stream_;
  std::string upstream_;         // set before the first write, read at the end
  v1::GetBlobResponse message_;  // the one write in flight
};

}  // namespace

grpc::ServerWriteReactor<v1::GetBlobResponse>* StartBlobStream(
    grpc::CallbackServerContext* context, const v1::GetBlobRequest& request,
    resolve::CachingResolver& resolver, metrics::Metrics& metrics,
    StreamLimiter& limiter) {
  return new BlobReactor(context, request, resolver, metrics, limiter);
}

}  // namespace tributary::api
