#ifndef TRIBUTARY_SERVICE_API_STATUS_H_
#define TRIBUTARY_SERVICE_API_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace tributary::api {

// The one place an absl::Status becomes a grpc::Status (the codes share
// numbers).
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace tributary::api

#endif  // TRIBUTARY_SERVICE_API_STATUS_H_
