#ifndef TRIBUTARY_SERVICE_API_ADMIN_SERVICE_H_
#define TRIBUTARY_SERVICE_API_ADMIN_SERVICE_H_

#include <vector>

#include "service/metrics/metrics.h"
#include "service/resolve/resolver.h"
#include "tributary/v1/admin.grpc.pb.h"

namespace tributary::api {

// Shows operators the upstreams in fan-out order: what the config says (built
// once; the config holds no secrets) and each one's health, read from
// `resolver` at every call. Thread-safe; `resolver` must outlive it.
class AdminService final : public v1::AdminService::CallbackService {
 public:
  AdminService(std::vector<v1::UpstreamStatus> upstreams,
               const resolve::Resolver& resolver, metrics::Metrics& metrics);

  grpc::ServerUnaryReactor* ListUpstreams(
      grpc::CallbackServerContext* context,
      const v1::ListUpstreamsRequest* request,
      v1::ListUpstreamsResponse* response) override;

 private:
  const std::vector<v1::UpstreamStatus> upstreams_;
  const resolve::Resolver& resolver_;
  metrics::Metrics& metrics_;
};

}  // namespace tributary::api

#endif  // TRIBUTARY_SERVICE_API_ADMIN_SERVICE_H_
