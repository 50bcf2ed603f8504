#include "service/upstream_clients.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace tributary {
namespace {

http::ClientOptions HttpOptions(const v1::UpstreamConfig& upstream) {
  http::ClientOptions options;
  options.max_idle_per_origin = upstream.max_idle_connections();
  options.max_connections_per_origin = upstream.max_connections();
  options.tls.ca_file = upstream.tls().ca_file();
  options.tls.cert_file = upstream.tls().cert_file();
  options.tls.key_file = upstream.tls().key_file();
  options.tls.cert_origin = upstream.url();
  options.tls.insecure_skip_verify = upstream.tls().insecure_skip_verify();
  return options;
}

absl::Status WithPrefix(absl::string_view prefix, const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat(prefix, ": ", status.message()));
}

void WarnAboutWeakSettings(const v1::UpstreamConfig& upstream) {
  if (upstream.tls().insecure_skip_verify()) {
    spdlog::warn(
        "upstream={} tls.insecure_skip_verify is on: its certificate is not "
        "checked, anyone on the network path can impersonate it",
        upstream.name());
  }
  const bool has_credentials =
      upstream.auth().has_basic() || upstream.auth().has_bearer();
  if (has_credentials &&
      absl::StartsWithIgnoreCase(upstream.url(), "http://")) {
    spdlog::warn(
        "upstream={} credentials are configured for a plain http URL: they "
        "cross the network unencrypted",
        upstream.name());
  }
}

}  // namespace

absl::StatusOr<UpstreamClients> MakeUpstreamClients(const v1::Config& config,
                                                    const util::Clock& clock,
                                                    metrics::Metrics& metrics) {
  UpstreamClients clients;
  for (int i = 0; i < config.upstreams_size(); ++i) {
    const v1::UpstreamConfig& upstream = config.upstreams(i);
    const std::string path = absl::StrCat("upstreams[", i, "]");
    http::ClientOptions options = HttpOptions(upstream);
    options.connection_waited = [&metrics, i](absl::Duration waited,
                                              absl::StatusCode outcome) {
      metrics.RecordConnectionWait(i, outcome, waited);
    };
    absl::StatusOr<std::unique_ptr<http::Client>> http =
        http::Client::Create(std::move(options));
    if (!http.ok()) {
      return WithPrefix(absl::StrCat(path, ".tls"), http.status());
    }
    absl::StatusOr<registry::Credentials> credentials =
        registry::LoadCredentials(upstream, path);
    if (!credentials.ok()) {
      return credentials.status();
    }
    WarnAboutWeakSettings(upstream);
    clients.registries.push_back(std::make_unique<registry::RegistryClient>(
        upstream, config.limits(), **http, *std::move(credentials), clock));
    clients.http.push_back(*std::move(http));
  }
  return clients;
}

}  // namespace tributary
