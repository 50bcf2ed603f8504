#ifndef TRIBUTARY_SERVICE_API_UNARY_CALL_H_
#define TRIBUTARY_SERVICE_API_UNARY_CALL_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "service/api/stream_limiter.h"
#include "service/metrics/metrics.h"
#include "service/util/cancel_signal.h"

namespace tributary::api {

// One unary RPC in flight: its reactor, its deadline, its cancel signal, and
// the bookkeeping done when it finishes (metrics, one log line). Move-only, so
// exactly one object can finish the call: Finish acts once, and a moved-from
// call does nothing. Not thread-safe; a completion callback that must be
// copyable holds it through a shared_ptr.
class UnaryCall {
 public:
  // `subject` names what was asked ("library/alpine:3.20") for the log line.
  // The call counts against `limiter` (when given) from here to Finish.
  UnaryCall(grpc::CallbackServerContext* context, metrics::Metrics& metrics,
            metrics::Rpc rpc, std::string subject,
            absl::Duration default_deadline, CallLimiter* limiter = nullptr);

  UnaryCall(UnaryCall&& other) noexcept;
  // A call destroyed unfinished (its completion dropped at shutdown) still
  // gives its limiter slot back.
  ~UnaryCall();
  UnaryCall(const UnaryCall&) = delete;
  UnaryCall& operator=(const UnaryCall&) = delete;
  // Assigning over a call that has not finished would leave its RPC hanging.
  UnaryCall& operator=(UnaryCall&&) = delete;

  // RESOURCE_EXHAUSTED when the limiter was full: finish the call with it
  // before doing anything else.
  absl::Status admission() const { return admission_; }

  // The caller's deadline, or `default_deadline` from now when it sent none.
  absl::Time deadline() const { return deadline_; }

  // The call's reactor, to return from the handler; null once the call was
  // moved from.
  grpc::ServerUnaryReactor* reactor() const { return reactor_; }

  // Fires when the caller cancels or its deadline passes (gRPC's OnCancel),
  // for the work the call started; null once the call was moved from. Take it
  // before moving the call.
  const std::shared_ptr<util::CancelSignal>& cancel() const { return cancel_; }

  // Records the call and finishes its reactor with `status`; returns the
  // reactor. Only the first Finish of a call acts; later ones, and any on a
  // moved-from call, do nothing.
  grpc::ServerUnaryReactor* Finish(const absl::Status& status,
                                   absl::string_view upstream = "");

 private:
  // Before reactor_: the reactor is built holding it.
  std::shared_ptr<util::CancelSignal> cancel_;
  // Deletes itself when gRPC is done with the call (OnDone).
  grpc::ServerUnaryReactor* reactor_;
  metrics::Metrics* metrics_;
  metrics::Rpc rpc_;
  std::string subject_;
  std::string peer_;
  absl::Time start_;
  absl::Time deadline_;
  CallLimiter* limiter_;  // null once released or when not admitted
  absl::Status admission_;
  bool finished_ = false;
};

}  // namespace tributary::api

#endif  // TRIBUTARY_SERVICE_API_UNARY_CALL_H_
