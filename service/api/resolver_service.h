#ifndef TRIBUTARY_SERVICE_API_RESOLVER_SERVICE_H_
#define TRIBUTARY_SERVICE_API_RESOLVER_SERVICE_H_

#include "absl/time/time.h"
#include "service/api/stream_limiter.h"
#include "service/api/write_stall_watch.h"
#include "service/metrics/metrics.h"
#include "service/resolve/caching_resolver.h"
#include "service/resolve/resolver.h"
#include "tributary/v1/resolver.grpc.pb.h"

namespace tributary::api {

// What the service admits (server.default_deadline and limits.* in the
// config).
struct ServiceLimits {
  absl::Duration default_deadline = absl::Seconds(30);
  int max_unary_calls = 1024;
  int max_blob_streams = 256;
  int max_blob_streams_per_peer = 256;
  absl::Duration blob_write_stall = absl::Minutes(1);
};

// The gRPC face of the resolver (callback API). Validates every request before
// handing a plain query to resolve/; converts statuses only at the edge.
// Unary calls go through the cache; blob streams to the resolver behind it.
// Thread-safe; `resolver` and `metrics` must outlive the server.
class ResolverService final
    : public v1::ResolverService::WithRawCallbackMethod_GetBlob<
          v1::ResolverService::CallbackService> {
 public:
  ResolverService(resolve::CachingResolver& resolver, metrics::Metrics& metrics,
                  const ServiceLimits& limits);

  grpc::ServerUnaryReactor* GetManifest(
      grpc::CallbackServerContext* context,
      const v1::GetManifestRequest* request,
      v1::GetManifestResponse* response) override;
  grpc::ServerUnaryReactor* HeadManifest(
      grpc::CallbackServerContext* context,
      const v1::HeadManifestRequest* request,
      v1::HeadManifestResponse* response) override;
  grpc::ServerUnaryReactor* HeadBlob(grpc::CallbackServerContext* context,
                                     const v1::HeadBlobRequest* request,
                                     v1::HeadBlobResponse* response) override;
  // Raw: blob bytes go out as slices of the chunks they were read into.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* GetBlob(
      grpc::CallbackServerContext* context,
      const grpc::ByteBuffer* request) override;
  grpc::ServerUnaryReactor* ListTags(grpc::CallbackServerContext* context,
                                     const v1::ListTagsRequest* request,
                                     v1::ListTagsResponse* response) override;

 private:
  resolve::CachingResolver& resolver_;
  metrics::Metrics& metrics_;
  const ServiceLimits limits_;
  CallLimiter unary_calls_;
  StreamLimiter blob_streams_;
  WriteStallWatch stall_watch_;
};

}  // namespace tributary::api

#endif  // TRIBUTARY_SERVICE_API_RESOLVER_SERVICE_H_
