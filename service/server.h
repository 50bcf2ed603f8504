#ifndef TRIBUTARY_SERVICE_SERVER_H_
#define TRIBUTARY_SERVICE_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "service/util/clock.h"
#include "tributary/v1/config.pb.h"

namespace tributary {

// The whole service, wired from a loaded config: the upstream I/O threads, the
// resolver, the gRPC server (resolver, admin, health, reflection) and the
// Prometheus endpoint. main() and the integration tests both run it. Start and
// Shutdown are called from one thread; the running server is thread-safe.
class Server {
 public:
  // Binds every listener (port 0 picks a free port) and starts serving.
  // `clock` drives the circuit breakers, upstream status, cache TTLs and
  // bearer token refresh (tests pass a fake one); it must outlive the server.
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      v1::Config config, const util::Clock& clock = util::RealClock());
  ~Server();  // Shuts down if still running.

  int grpc_port() const;
  // 0 when metrics are disabled.
  int metrics_port() const;
  // The metrics as /metrics shows them (Prometheus text format), also when the
  // endpoint is disabled: lets in-process tests see a state only a metric
  // shows (how many callers joined a fetch in flight).
  std::string MetricsText() const;

  // Drains: health turns NOT_SERVING, new calls are refused, in-flight calls
  // get the configured grace period, then upstream I/O stops. Idempotent.
  void Shutdown();

 private:
  struct Parts;
  explicit Server(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace tributary

#endif  // TRIBUTARY_SERVICE_SERVER_H_
