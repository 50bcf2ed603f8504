#ifndef TRIBUTARY_CLIENT_TESTING_STUB_SERVER_H_
#define TRIBUTARY_CLIENT_TESTING_STUB_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"

namespace tributary::client {

// What a StubServer serves. Plain value type.
struct StubServerOptions {
  // Where to listen; port 0 picks a free port.
  std::string address = "127.0.0.1:0";
  // Plaintext unless set (TLS tests pass grpc::SslServerCredentials).
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // The one blob GetBlob and HeadBlob know, under its own sha256 digest.
  std::string blob = "stub blob: the quick brown fox jumps over the lazy dog\n";
  // GetBlob sends the blob in chunks of this many bytes.
  size_t chunk_size = 16;
  // GetBlob flips a bit of the last byte it sends (the descriptor keeps the
  // true digest), so clients see a digest mismatch.
  bool corrupt_blob = false;
};

// A trivial in-process Tributary: ResolverService and AdminService answered
// from memory, immediately, with no upstream and no I/O. It measures what the
// client side (tributary-loadgen, tributaryctl) can do on its own, and gives
// client tests a GetBlob stream to download.
//
// Answers: repositories whose name starts with "missing" are NOT_FOUND for
// every RPC; GetManifest/HeadManifest return one fixed OCI manifest for any
// other repository and reference; ListTags pages through "v1", "v2", "v3";
// HeadBlob/GetBlob know `blob` only; ListUpstreams names one upstream "stub".
// Every answer names upstream "stub".
//
// Thread-safe; the destructor shuts the server down.
class StubServer {
 public:
  static absl::StatusOr<std::unique_ptr<StubServer>> Start(
      const StubServerOptions& options = {});
  ~StubServer();

  StubServer(const StubServer&) = delete;
  StubServer& operator=(const StubServer&) = delete;

  int port() const;
  std::string address() const;  // "127.0.0.1:PORT"
  // The manifest GetManifest returns and its digest.
  static const std::string& manifest();
  static std::string manifest_digest();
  // The sha256 digest of options.blob.
  const std::string& blob_digest() const;

 private:
  struct Parts;
  explicit StubServer(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace tributary::client

#endif  // TRIBUTARY_CLIENT_TESTING_STUB_SERVER_H_
