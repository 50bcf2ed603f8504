#ifndef TRIBUTARY_SERVICE_API_BLOB_REACTOR_H_
#define TRIBUTARY_SERVICE_API_BLOB_REACTOR_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/server_callback.h"
#include "service/api/stream_limiter.h"
#include "service/api/write_stall_watch.h"
#include "service/metrics/metrics.h"
#include "service/resolve/caching_resolver.h"
#include "tributary/v1/resolver.grpc.pb.h"

namespace tributary::api {

// Starts one GetBlob stream (the raw method: `request` is a serialized
// GetBlobRequest, each response written as bytes, see blob_messages.h) and
// returns its reactor (which frees itself in OnDone). Bad requests end with
// INVALID_ARGUMENT, streams past the limiter's cap with RESOURCE_EXHAUSTED,
// both before any network I/O.
grpc::ServerWriteReactor<grpc::ByteBuffer>* StartBlobStream(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer& request,
    resolve::CachingResolver& resolver, metrics::Metrics& metrics,
    StreamLimiter& limiter, WriteStallWatch& stall_watch);

}  // namespace tributary::api

#endif  // TRIBUTARY_SERVICE_API_BLOB_REACTOR_H_
