#include "tests/support/server_fixture.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "service/config/config.h"
#include "tests/support/loopback_http.h"

namespace tributary::testing {

std::string TestConfigYaml(const std::vector<TestUpstream>& upstreams,
                           const std::string& extra_yaml) {
  std::string yaml =
      "server:\n"
      "  listen_address: \"127.0.0.1:0\"\n"
      "  shutdown_grace: 1s\n"
      "upstreams:\n";
  for (const TestUpstream& upstream : upstreams) {
    absl::StrAppend(&yaml, "  - name: ", upstream.name, "\n", "    url: \"",
                    upstream.url, "\"\n", "    connect_timeout: 1s\n",
                    "    request_timeout: 5s\n", upstream.extra_yaml);
    if (!upstream.extra_yaml.empty() && upstream.extra_yaml.back() != '\n') {
      yaml += "\n";
    }
  }
  // Stopping the metrics endpoint (civetweb) takes about 2 s, so tests get it
  // only when they ask for it with a `metrics:` block of their own.
  if (extra_yaml.find("metrics:") == std::string::npos) {
    yaml += "metrics:\n  disabled: true\n";
  }
  return yaml + extra_yaml;
}

absl::StatusOr<std::unique_ptr<RunningServer>> RunningServer::Start(
    const std::string& yaml, const util::Clock& clock) {
  absl::StatusOr<v1::Config> config = config::ParseConfig(yaml, "test.yaml");
  if (!config.ok()) {
    return config.status();
  }
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Start(*std::move(config), clock);
  if (!server.ok()) {
    return server.status();
  }
  auto running = std::unique_ptr<RunningServer>(new RunningServer());
  running->server_ = *std::move(server);
  running->channel_ = grpc::CreateChannel(running->grpc_address(),
                                          grpc::InsecureChannelCredentials());
  running->resolver_ = v1::ResolverService::NewStub(running->channel_);
  running->admin_ = v1::AdminService::NewStub(running->channel_);
  return running;
}

std::string RunningServer::grpc_address() const {
  return absl::StrCat("127.0.0.1:", server_->grpc_port());
}

std::unique_ptr<grpc::ClientContext> ContextWithTimeout(
    absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

bool RunningServer::AwaitMetric(absl::string_view sample,
                                absl::Duration timeout) {
  const std::string line = absl::StrCat("\n", sample, "\n");
  const absl::Time give_up = absl::Now() + timeout;
  // Polled: the metrics have no way to signal a change.
  while (!absl::StrContains(absl::StrCat("\n", server_->MetricsText()), line)) {
    if (absl::Now() >= give_up) {
      return false;
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  return true;
}

absl::StatusOr<std::string> RunningServer::ScrapeMetrics() {
  absl::StatusOr<HttpResponse> scraped =
      SendHttpRequest(absl::StrCat("127.0.0.1:", server_->metrics_port()),
                      {.path = "/metrics"}, absl::Seconds(5));
  if (!scraped.ok()) {
    return scraped.status();
  }
  return scraped->body;
}

}  // namespace tributary::testing
