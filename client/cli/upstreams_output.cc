#include "client/cli/upstreams_output.h"

#include <iomanip>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"

namespace tributary::client::cli {
namespace {

const char* YesNo(bool value) { return value ? "yes" : "no"; }

const char* BreakerName(v1::BreakerState state) {
  switch (state) {
    case v1::BREAKER_STATE_CLOSED:
      return "closed";
    case v1::BREAKER_STATE_OPEN:
      return "open";
    case v1::BREAKER_STATE_HALF_OPEN:
      return "half_open";
    default:
      return "unknown";
  }
}

std::string TimeText(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) {
    return "";
  }
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

const char* AuthMethodName(v1::AuthMethod method) {
  switch (method) {
    case v1::AUTH_METHOD_ANONYMOUS:
      return "anonymous";
    case v1::AUTH_METHOD_BASIC:
      return "basic";
    case v1::AUTH_METHOD_BEARER:
      return "bearer";
    default:
      return "unknown";
  }
}

// null for an http:// upstream.
Record TlsRecord(const v1::UpstreamStatus& upstream) {
  if (!upstream.has_tls()) {
    return nullptr;
  }
  return Record{
      {"extra_ca", upstream.tls().extra_ca()},
      {"client_certificate", upstream.tls().client_certificate()},
      {"insecure_skip_verify", upstream.tls().insecure_skip_verify()},
  };
}

std::string CircuitText(const v1::UpstreamStatus& upstream) {
  std::string text = BreakerName(upstream.breaker_state());
  if (upstream.breaker_state() == v1::BREAKER_STATE_OPEN) {
    absl::StrAppend(&text, " (probe at ", TimeText(upstream.next_probe_time()),
                    ")");
  }
  return text;
}

}  // namespace

Record UpstreamRecord(const v1::UpstreamStatus& upstream) {
  Record scope = {{"include", Record::array()}, {"exclude", Record::array()}};
  for (const std::string& pattern : upstream.scope_include()) {
    scope["include"].push_back(pattern);
  }
  for (const std::string& pattern : upstream.scope_exclude()) {
    scope["exclude"].push_back(pattern);
  }
  Record registries = Record::array();
  for (const std::string& registry : upstream.registries()) {
    registries.push_back(registry);
  }
  return Record{
      {"order", upstream.order()},
      {"name", upstream.name()},
      {"url", upstream.url()},
      {"registries", registries},
      {"api_prefix", upstream.api_prefix()},
      {"enabled", upstream.enabled()},
      {"library_rewrite", upstream.library_rewrite()},
      {"auth",
       {{"method", AuthMethodName(upstream.auth().method())},
        {"username", upstream.auth().username()}}},
      {"tls", TlsRecord(upstream)},
      {"breaker_state", BreakerName(upstream.breaker_state())},
      {"breaker_state_since", TimeText(upstream.breaker_state_since())},
      {"next_probe_time", TimeText(upstream.next_probe_time())},
      {"consecutive_failures", upstream.consecutive_failures()},
      {"last_error", upstream.last_error()},
      {"last_error_time", TimeText(upstream.last_error_time())},
      {"last_success_time", TimeText(upstream.last_success_time())},
      {"request_count", upstream.request_count()},
      {"failure_count", upstream.failure_count()},
      {"scope", scope},
  };
}

void PrintUpstreamsTable(std::ostream& out,
                         const v1::ListUpstreamsResponse& list) {
  out << std::left << std::setw(6) << "ORDER" << std::setw(20) << "NAME"
      << std::setw(40) << "URL" << std::setw(12) << "API_PREFIX" << std::setw(8)
      << "ENABLED" << std::setw(16) << "LIBRARY_REWRITE"
      << "CIRCUIT\n";
  for (const v1::UpstreamStatus& upstream : list.upstreams()) {
    out << std::setw(6) << upstream.order() << std::setw(20) << upstream.name()
        << std::setw(40) << upstream.url() << std::setw(12)
        << upstream.api_prefix() << std::setw(8) << YesNo(upstream.enabled())
        << std::setw(16) << YesNo(upstream.library_rewrite())
        << CircuitText(upstream) << "\n";
    if (!upstream.last_error().empty()) {
      out << "      last error at " << TimeText(upstream.last_error_time())
          << ": " << upstream.last_error() << "\n";
    }
    if (!upstream.registries().empty()) {
      out << "      serves " << absl::StrJoin(upstream.registries(), ", ")
          << "\n";
    }
  }
}

}  // namespace tributary::client::cli
