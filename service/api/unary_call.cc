#include "service/api/unary_call.h"

#include <chrono>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "service/api/rpc_log.h"
#include "service/api/status.h"

namespace tributary::api {
namespace {

absl::Time CallDeadline(const grpc::CallbackServerContext* context,
                        absl::Duration default_deadline) {
  const auto deadline = context->deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return absl::Now() + default_deadline;
  }
  return absl::FromChrono(deadline);
}

// The reactor of every unary call. gRPC's DefaultReactor() cannot say that
// the caller cancelled; this one fires the call's cancel signal, so the
// fan-out the call started stops asking upstreams for nobody.
class CancellableReactor final : public grpc::ServerUnaryReactor {
 public:
  explicit CancellableReactor(std::shared_ptr<util::CancelSignal> cancel)
      : cancel_(std::move(cancel)) {}

  void OnCancel() override { cancel_->Cancel(); }
  void OnDone() override { delete this; }

 private:
  const std::shared_ptr<util::CancelSignal> cancel_;
};

}  // namespace

UnaryCall::UnaryCall(grpc::CallbackServerContext* context,
                     metrics::Metrics& metrics, metrics::Rpc rpc,
                     std::string subject, absl::Duration default_deadline,
                     CallLimiter* limiter)
    : cancel_(std::make_shared<util::CancelSignal>()),
      reactor_(new CancellableReactor(cancel_)),
      metrics_(&metrics),
      rpc_(rpc),
      // The subject is unvalidated caller input: escaped, it cannot forge log
      // lines.
      subject_(EscapeForLog(subject)),
      peer_(context->peer()),
      start_(absl::Now()),
      deadline_(CallDeadline(context, default_deadline)),
      limiter_(limiter) {
  if (limiter_ != nullptr && !limiter_->TryAcquire()) {
    limiter_ = nullptr;
    admission_ = absl::ResourceExhaustedError(
        absl::StrCat("already serving ", limiter->max_calls(),
                     " calls (limits.max_unary_calls)"));
  }
}

UnaryCall::UnaryCall(UnaryCall&& other) noexcept
    : cancel_(std::move(other.cancel_)),
      reactor_(std::exchange(other.reactor_, nullptr)),
      metrics_(other.metrics_),
      rpc_(other.rpc_),
      subject_(std::move(other.subject_)),
      peer_(std::move(other.peer_)),
      start_(other.start_),
      deadline_(other.deadline_),
      limiter_(std::exchange(other.limiter_, nullptr)),
      admission_(other.admission_),
      finished_(std::exchange(other.finished_, true)) {}

UnaryCall::~UnaryCall() {
  if (limiter_ != nullptr) {
    limiter_->Release();
  }
}

grpc::ServerUnaryReactor* UnaryCall::Finish(const absl::Status& status,
                                            absl::string_view upstream) {
  if (finished_) {
    return reactor_;
  }
  finished_ = true;
  if (limiter_ != nullptr) {
    limiter_->Release();
    limiter_ = nullptr;
  }
  RecordRpc(*metrics_, RpcRecord{
                           .rpc = rpc_,
                           .status = status,
                           .upstream = std::string(upstream),
                           .latency = absl::Now() - start_,
                           .subject = subject_,
                           .peer = peer_,
                       });
  reactor_->Finish(ToGrpcStatus(status));
  return reactor_;
}

}  // namespace tributary::api
