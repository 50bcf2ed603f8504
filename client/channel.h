#ifndef TRIBUTARY_CLIENT_CHANNEL_H_
#define TRIBUTARY_CLIENT_CHANNEL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/channel_arguments.h"

namespace tributary::client {

// How to reach a Tributary server. Plain value type.
struct ChannelOptions {
  // gRPC target: "localhost:50051", "dns:///tributary.ns.svc:50051", ...
  std::string address = "localhost:50051";
  // TLS is on when `tls` is set or any file below is given; else plaintext.
  bool tls = false;
  // PEM roots to verify the server with; empty means the system roots.
  std::string ca_file;
  // PEM client certificate chain and private key, for mutual TLS; both or
  // neither.
  std::string cert_file;
  std::string key_file;
  // Name checked against the server's certificate instead of the address's
  // host (e.g. when dialing an IP).
  std::string server_name;
  // gRPC load-balancing policy: "round_robin" spreads calls over every address
  // the target resolves to (a Kubernetes headless Service: one per ready
  // pod); empty keeps gRPC's default, "pick_first" (one connection, to the
  // first address that answers).
  std::string load_balancing_policy;

  bool UsesTls() const {
    return tls || !ca_file.empty() || !cert_file.empty() || !key_file.empty() ||
           !server_name.empty();
  }
};

// Creates a channel (it connects lazily). Errors: InvalidArgument for an empty
// address, a certificate without its key or a load-balancing policy other than
// "pick_first" or "round_robin"; the file's own error (NotFound,
// PermissionDenied) when a PEM file cannot be read. `args` are passed on (the
// load generator uses them to get separate connections).
absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateChannel(
    const ChannelOptions& options,
    grpc::ChannelArguments args = grpc::ChannelArguments());

}  // namespace tributary::client

#endif  // TRIBUTARY_CLIENT_CHANNEL_H_
