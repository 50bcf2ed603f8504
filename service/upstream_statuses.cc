#include "service/upstream_statuses.h"

#include "absl/strings/match.h"
#include "service/registry/url_builder.h"

namespace tributary {
namespace {

v1::UpstreamAuth AuthOf(const v1::UpstreamConfig& upstream) {
  v1::UpstreamAuth auth;
  switch (upstream.auth().method_case()) {
    case v1::UpstreamAuthConfig::kBasic:
      auth.set_method(v1::AUTH_METHOD_BASIC);
      auth.set_username(upstream.auth().basic().username());
      break;
    case v1::UpstreamAuthConfig::kBearer:
      auth.set_method(v1::AUTH_METHOD_BEARER);
      break;
    default:
      auth.set_method(v1::AUTH_METHOD_ANONYMOUS);
  }
  return auth;
}

}  // namespace

std::vector<v1::UpstreamStatus> UpstreamStatuses(const v1::Config& config) {
  std::vector<v1::UpstreamStatus> statuses;
  for (int i = 0; i < config.upstreams_size(); ++i) {
    const v1::UpstreamConfig& upstream = config.upstreams(i);
    v1::UpstreamStatus& status = statuses.emplace_back();
    status.set_name(upstream.name());
    status.set_url(upstream.url());
    status.set_order(i);
    status.set_enabled(!upstream.has_enabled() || upstream.enabled());
    status.set_api_prefix(upstream.api_prefix());
    status.set_library_rewrite(registry::LibraryRewriteApplies(upstream));
    *status.mutable_registries() = upstream.registries();
    *status.mutable_scope_include() = upstream.scope().include();
    *status.mutable_scope_exclude() = upstream.scope().exclude();
    *status.mutable_auth() = AuthOf(upstream);
    if (absl::StartsWithIgnoreCase(upstream.url(), "https://")) {
      v1::UpstreamTls& tls = *status.mutable_tls();
      tls.set_extra_ca(!upstream.tls().ca_file().empty());
      tls.set_client_certificate(!upstream.tls().cert_file().empty());
      tls.set_insecure_skip_verify(upstream.tls().insecure_skip_verify());
    }
  }
  return statuses;
}

}  // namespace tributary
