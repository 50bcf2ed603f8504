#include "client/channel.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "service/util/files.h"

namespace tributary::client {
namespace {

absl::StatusOr<std::string> ReadPem(const char* what, const std::string& path) {
  absl::StatusOr<std::string> contents = util::ReadFileToString(path);
  if (!contents.ok()) {
    return absl::Status(
        contents.status().code(),
        absl::StrCat("cannot read ", what, " ", contents.status().message()));
  }
  if (contents->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", path, " is empty"));
  }
  return contents;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TlsCredentials(
    const ChannelOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(
        "a TLS client certificate needs its key, and a key its certificate");
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.ca_file.empty()) {
    absl::StatusOr<std::string> roots = ReadPem("CA file", options.ca_file);
    if (!roots.ok()) {
      return roots.status();
    }
    ssl.pem_root_certs = *std::move(roots);
  }
  if (!options.cert_file.empty()) {
    absl::StatusOr<std::string> cert =
        ReadPem("certificate file", options.cert_file);
    if (!cert.ok()) {
      return cert.status();
    }
    absl::StatusOr<std::string> key = ReadPem("key file", options.key_file);
    if (!key.ok()) {
      return key.status();
    }
    ssl.pem_cert_chain = *std::move(cert);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> CreateChannel(
    const ChannelOptions& options, grpc::ChannelArguments args) {
  if (options.address.empty()) {
    return absl::InvalidArgumentError("the server address is empty");
  }
  // gRPC would only log an unknown name and fall back to pick_first.
  const std::string& policy = options.load_balancing_policy;
  if (!policy.empty() && policy != "pick_first" && policy != "round_robin") {
    return absl::InvalidArgumentError(
        absl::StrCat("load_balancing_policy: unknown policy \"", policy,
                     "\" (want pick_first or round_robin)"));
  }
  if (!policy.empty()) {
    args.SetLoadBalancingPolicyName(policy);
  }
  if (!options.UsesTls()) {
    return grpc::CreateCustomChannel(options.address,
                                     grpc::InsecureChannelCredentials(), args);
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      TlsCredentials(options);
  if (!credentials.ok()) {
    return credentials.status();
  }
  if (!options.server_name.empty()) {
    args.SetSslTargetNameOverride(options.server_name);
  }
  return grpc::CreateCustomChannel(options.address, *credentials, args);
}

}  // namespace tributary::client
