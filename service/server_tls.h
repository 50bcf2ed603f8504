#ifndef TRIBUTARY_SERVICE_SERVER_TLS_H_
#define TRIBUTARY_SERVICE_SERVER_TLS_H_

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "tributary/v1/config.pb.h"

namespace tributary {

// The gRPC server's credentials from server.tls: plaintext when absent, TLS
// with the certificate chain and key, and mutual TLS (a client certificate
// signed by client_ca_file required and verified) when client_ca_file is set.
// The files are read now; errors name the field and the file
// ("server.tls.key_file: cannot read /x: ...").
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> GrpcServerCredentials(
    const v1::ServerConfig& server);

}  // namespace tributary

#endif  // TRIBUTARY_SERVICE_SERVER_TLS_H_
