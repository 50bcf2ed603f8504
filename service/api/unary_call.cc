#include "service/api/unary_call.h"

#include <chrono>

#include "absl/strings/escaping.h"
#include "service/api/status.h"
#include "spdlog/spdlog.h"

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

}  // namespace

UnaryCall::UnaryCall(grpc::CallbackServerContext* context,
                     metrics::Metrics& metrics, metrics::Rpc rpc,
                     std::string subject, absl::Duration default_deadline)
    : reactor_(context->DefaultReactor()),
      metrics_(&metrics),
      rpc_(rpc),
      // The subject is unvalidated caller input: escaped, it cannot forge log lines.
      subject_(absl::CHexEscape(subject)),
      peer_(context->peer()),
      start_(absl::Now()),
      deadline_(CallDeadline(context, default_deadline)) {}

grpc::ServerUnaryReactor* UnaryCall::Finish(const absl::Status& status,
                                            absl::string_view upstream) {
  const absl::Duration latency = absl::Now() - start_;
  metrics_->RecordRpc(rpc_, static_cast<int>(status.code()), latency);
  const std::string method(metrics::RpcName(rpc_));
  const std::string code = absl::StatusCodeToString(status.code());
  spdlog::info(
      "rpc method={} code={} upstream=\"{}\" duration_ms={:.1f} subject=\"{}\" "
      "peer=\"{}\" message=\"{}\"",
      method, code, std::string(upstream), absl::ToDoubleMilliseconds(latency),
      subject_, peer_, std::string(status.message()));
  reactor_->Finish(ToGrpcStatus(status));
  return reactor_;
}

}  // namespace tributary::api
