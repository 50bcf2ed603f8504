#ifndef TRIBUTARY_CLIENT_FRONTEND_FRONTEND_H_
#define TRIBUTARY_CLIENT_FRONTEND_FRONTEND_H_

#include <memory>

#include "absl/status/statusor.h"
#include "client/frontend/config.h"

namespace tributary::frontend {

// tributary-frontend: an HTTP/1.1 server speaking the pull side of the OCI
// Distribution Spec v1.1, answering from Tributary's gRPC API (see
// README.md). Start validates the config, connects lazily to Tributary,
// listens and serves on its own threads until Shutdown or destruction.
// Thread-safe.
class Frontend {
 public:
  // Errors name the field (and file) that stopped it: a bad config, an
  // unreadable certificate or htpasswd file, an address it cannot bind.
  static absl::StatusOr<std::unique_ptr<Frontend>> Start(FrontendConfig config);
  ~Frontend();

  Frontend(const Frontend&) = delete;
  Frontend& operator=(const Frontend&) = delete;

  // The bound HTTP port (for listen_address port 0).
  int port() const;

  // Stops accepting, cancels the calls to Tributary in flight, closes every
  // connection and joins the threads. Idempotent.
  void Shutdown();

 private:
  struct Parts;
  explicit Frontend(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_FRONTEND_H_
