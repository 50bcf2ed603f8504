#include "service/api/admin_service.h"

#include <optional>

#include "service/api/unary_call.h"

namespace tributary::api {
namespace {

// The Timestamp of `time`, or nullopt when it is infinite (never happened),
// so the field can stay unset.
std::optional<google::protobuf::Timestamp> ToTimestamp(absl::Time time) {
  if (time == absl::InfinitePast() || time == absl::InfiniteFuture()) {
    return std::nullopt;
  }
  google::protobuf::Timestamp timestamp;
  const int64_t seconds = absl::ToUnixSeconds(time);
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(
      (time - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return timestamp;
}

v1::BreakerState ToProto(metrics::BreakerState state) {
  switch (state) {
    case metrics::BreakerState::kClosed:
      return v1::BREAKER_STATE_CLOSED;
    case metrics::BreakerState::kOpen:
      return v1::BREAKER_STATE_OPEN;
    case metrics::BreakerState::kHalfOpen:
      return v1::BREAKER_STATE_HALF_OPEN;
  }
  return v1::BREAKER_STATE_UNSPECIFIED;
}

void SetHealth(const resolve::UpstreamSnapshot& health,
               v1::UpstreamStatus& status) {
  status.set_breaker_state(ToProto(health.state));
  if (auto since = ToTimestamp(health.state_since)) {
    *status.mutable_breaker_state_since() = *since;
  }
  if (auto next_probe = ToTimestamp(health.open_until);
      next_probe && health.state == metrics::BreakerState::kOpen) {
    *status.mutable_next_probe_time() = *next_probe;
  }
  status.set_consecutive_failures(health.consecutive_failures);
  status.set_last_error(health.last_error);
  if (auto error_time = ToTimestamp(health.last_error_time)) {
    *status.mutable_last_error_time() = *error_time;
  }
  if (auto success_time = ToTimestamp(health.last_success_time)) {
    *status.mutable_last_success_time() = *success_time;
  }
  status.set_request_count(health.requests);
  status.set_failure_count(health.failures);
}

}  // namespace

AdminService::AdminService(std::vector<v1::UpstreamStatus> upstreams,
                           const resolve::Resolver& resolver,
                           metrics::Metrics& metrics)
    : upstreams_(std::move(upstreams)),
      resolver_(resolver),
      metrics_(metrics) {}

grpc::ServerUnaryReactor* AdminService::ListUpstreams(
    grpc::CallbackServerContext* context,
    const v1::ListUpstreamsRequest* /*request*/,
    v1::ListUpstreamsResponse* response) {
  UnaryCall call(context, metrics_, metrics::Rpc::kListUpstreams, "",
                 absl::Seconds(1));
  const std::vector<resolve::UpstreamSnapshot> health =
      resolver_.UpstreamSnapshots();
  for (size_t i = 0; i < upstreams_.size(); ++i) {
    v1::UpstreamStatus* status = response->add_upstreams();
    *status = upstreams_[i];
    if (i < health.size()) {
      SetHealth(health[i], *status);
    }
  }
  return call.Finish(absl::OkStatus());
}

}  // namespace tributary::api
