#include "service/api/admin_service.h"

#include "service/api/unary_call.h"

namespace tributary::api {

AdminService::AdminService(std::vector<v1::UpstreamStatus> upstreams,
                           metrics::Metrics& metrics)
    : upstreams_(std::move(upstreams)), metrics_(metrics) {}

grpc::ServerUnaryReactor* AdminService::ListUpstreams(
    grpc::CallbackServerContext* context,
    const v1::ListUpstreamsRequest* /*request*/,
    v1::ListUpstreamsResponse* response) {
  UnaryCall call(context, metrics_, metrics::Rpc::kListUpstreams, "",
                 absl::Seconds(1));
  for (const v1::UpstreamStatus& upstream : upstreams_) {
    *response->add_upstreams() = upstream;
  }
  return call.Finish(absl::OkStatus());
}

}  // namespace tributary::api
