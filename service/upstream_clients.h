#ifndef TRIBUTARY_SERVICE_UPSTREAM_CLIENTS_H_
#define TRIBUTARY_SERVICE_UPSTREAM_CLIENTS_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "service/http/client.h"
#include "service/metrics/metrics.h"
#include "service/registry/registry_client.h"
#include "service/util/clock.h"
#include "tributary/v1/config.pb.h"

namespace tributary {

// The clients of a config's upstreams, in config order: one HTTP client per
// upstream (its own TLS settings and idle-connection limit) and the registry
// client that uses it with the upstream's credentials. `registries[i]` uses
// `http[i]`, so keep `http` alive longer.
struct UpstreamClients {
  std::vector<std::unique_ptr<http::Client>> http;
  std::vector<std::unique_ptr<registry::RegistryClient>> registries;
};

// Reads every upstream's credentials and TLS files. Errors name the field and
// the file or variable, never a secret ("upstreams[1].tls: CA file /etc/ca.pem:
// cannot read: ..."). Warns once per upstream that skips TLS verification or
// sends credentials over plain http. `clock` (bearer token lifetimes) and
// `metrics` (waits for a connection at max_connections) must outlive the
// clients.
absl::StatusOr<UpstreamClients> MakeUpstreamClients(const v1::Config& config,
                                                    const util::Clock& clock,
                                                    metrics::Metrics& metrics);

}  // namespace tributary

#endif  // TRIBUTARY_SERVICE_UPSTREAM_CLIENTS_H_
