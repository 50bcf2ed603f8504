#ifndef TRIBUTARY_TESTS_SUPPORT_SERVER_FIXTURE_H_
#define TRIBUTARY_TESTS_SUPPORT_SERVER_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "service/server.h"
#include "service/util/clock.h"
#include "tributary/v1/admin.grpc.pb.h"
#include "tributary/v1/config.pb.h"
#include "tributary/v1/resolver.grpc.pb.h"

namespace tributary::testing {

// One upstream entry of a test config.
struct TestUpstream {
  std::string name;
  std::string url;
  // Extra YAML lines for this upstream, indented by the caller (" api_prefix:
  // /x").
  std::string extra_yaml;
};

// YAML for a server on loopback port 0 asking `upstreams` in order;
// `extra_yaml` is appended at the top level. Metrics are off unless
// `extra_yaml` has a `metrics:` block.
std::string TestConfigYaml(const std::vector<TestUpstream>& upstreams,
                           const std::string& extra_yaml = "");

// The real server, started in-process from YAML through the real config loader,
// with stubs connected to it.
class RunningServer {
 public:
  // `clock` drives the circuit breakers, cache TTLs and bearer token refresh
  // (a util::FakeClock in tests that step through them); it must outlive the
  // server.
  static absl::StatusOr<std::unique_ptr<RunningServer>> Start(
      const std::string& yaml, const util::Clock& clock = util::RealClock());

  v1::ResolverService::Stub& resolver() { return *resolver_; }
  v1::AdminService::Stub& admin() { return *admin_; }
  grpc::Channel& channel() { return *channel_; }
  Server& server() { return *server_; }
  std::string grpc_address() const;
  // The text of /metrics (the config must turn metrics on: a `metrics:` block
  // with a listen_address).
  absl::StatusOr<std::string> ScrapeMetrics();
  // Waits until the server's metrics have the sample line `sample`
  // ("name{labels} value"), for a test that must order its steps after a
  // state only a metric shows (callers joined to a fetch in flight). Works
  // with the metrics endpoint disabled. False after `timeout`, a generous
  // bound that fails the test rather than orders it.
  bool AwaitMetric(absl::string_view sample,
                   absl::Duration timeout = absl::Seconds(10));

 private:
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ResolverService::Stub> resolver_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
};

// A client context with a deadline `timeout` from now.
std::unique_ptr<grpc::ClientContext> ContextWithTimeout(absl::Duration timeout);

}  // namespace tributary::testing

#endif  // TRIBUTARY_TESTS_SUPPORT_SERVER_FIXTURE_H_
