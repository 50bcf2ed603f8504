#include "service/config/validate.h"

#include <algorithm>
#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "service/config/addresses.h"
#include "service/config/duration.h"
#include "service/config/errors.h"
#include "service/config/security.h"
#include "service/oci/registry_host.h"
#include "service/oci/repository_glob.h"

namespace tributary::config::internal {
namespace {

// Bounds are there to catch typos ("5m" meant as "5s", a missing zero), not to
// police taste.
constexpr absl::Duration kMaxDefaultDeadline = absl::Hours(1);
constexpr absl::Duration kMaxShutdownGrace = absl::Minutes(10);
constexpr absl::Duration kMaxConnectTimeout = absl::Minutes(5);
constexpr absl::Duration kMaxRequestTimeout = absl::Hours(1);
constexpr int64_t kMaxIoThreads = 64;
// A Unix socket beside TCP is the use; more than a few is a mistake.
constexpr int kMaxAdditionalListenAddresses = 4;
constexpr int64_t kMaxIdleConnections = 1024;
constexpr int64_t kMaxConnections = 4096;
constexpr int64_t kMaxRetryAttempts = 10;
constexpr absl::Duration kMaxBackoff = absl::Minutes(5);
constexpr int64_t kMaxFailureThreshold = 1000;
constexpr int64_t kMinBodyLimit = int64_t{1} << 10;   // 1 KiB
constexpr int64_t kMaxBodyLimit = int64_t{64} << 20;  // 64 MiB
// Upstream names are metrics labels and log fields; 63 also fits a DNS label.
constexpr size_t kMaxNameLength = 63;

void CheckDuration(absl::string_view path,
                   const google::protobuf::Duration& value, absl::Duration max,
                   Errors& errors) {
  const absl::Duration duration = ToAbslDuration(value);
  const std::string got = Quote(absl::FormatDuration(duration));
  if (duration <= absl::ZeroDuration()) {
    errors.Add(path, absl::StrCat("must be positive (got ", got, ")"));
  } else if (duration > max) {
    errors.Add(path, absl::StrCat("must be at most ", absl::FormatDuration(max),
                                  " (got ", got, ")"));
  }
}

void CheckRange(absl::string_view path, int64_t value, int64_t min, int64_t max,
                Errors& errors) {
  if (value < min || value > max) {
    errors.Add(path, absl::StrCat("must be between ", min, " and ", max,
                                  " (got ", value, ")"));
  }
}

bool IsNameStart(char c) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c);
}
bool IsNameChar(char c) {
  return IsNameStart(c) || c == '_' || c == '.' || c == '-';
}

void CheckName(absl::string_view path, absl::string_view name, Errors& errors) {
  if (name.empty()) {
    errors.Add(path, "required");
  } else if (name.size() > kMaxNameLength) {
    errors.Add(path, absl::StrCat("must be at most ", kMaxNameLength,
                                  " characters (got ", name.size(), ")"));
  } else if (!IsNameStart(name[0]) ||
             !std::all_of(name.begin(), name.end(), IsNameChar)) {
    errors.Add(path, absl::StrCat("must match [a-z0-9][a-z0-9_.-]* (got ",
                                  Quote(name), ")"));
  }
}

void CheckApiPrefix(absl::string_view path, absl::string_view prefix,
                    Errors& errors) {
  const auto is_plain = [](char c) {
    return absl::ascii_isgraph(c) && c != '?' && c != '#';
  };
  if (!absl::StartsWith(prefix, "/")) {
    errors.Add(path,
               absl::StrCat("must start with '/' (got ", Quote(prefix), ")"));
  } else if (absl::EndsWith(prefix, "/")) {
    errors.Add(path,
               absl::StrCat("must not end with '/' (got ", Quote(prefix), ")"));
  } else if (absl::StrContains(prefix, "..")) {
    errors.Add(path, absl::StrCat("must not contain \"..\" (got ",
                                  Quote(prefix), ")"));
  } else if (!std::all_of(prefix.begin(), prefix.end(), is_plain)) {
    errors.Add(path, absl::StrCat("must be a plain path without '?', '#' or "
                                  "spaces (got ",
                                  Quote(prefix), ")"));
  }
}

void CheckRetry(absl::string_view path, const v1::RetryConfig& retry,
                Errors& errors) {
  CheckRange(absl::StrCat(path, ".max_attempts"), retry.max_attempts(), 1,
             kMaxRetryAttempts, errors);
  CheckDuration(absl::StrCat(path, ".initial_backoff"), retry.initial_backoff(),
                kMaxBackoff, errors);
  CheckDuration(absl::StrCat(path, ".max_backoff"), retry.max_backoff(),
                kMaxBackoff, errors);
  if (ToAbslDuration(retry.max_backoff()) <
      ToAbslDuration(retry.initial_backoff())) {
    errors.Add(absl::StrCat(path, ".max_backoff"),
               absl::StrCat("must be at least initial_backoff (",
                            absl::FormatDuration(
                                ToAbslDuration(retry.initial_backoff())),
                            ")"));
  }
  CheckDuration(absl::StrCat(path, ".max_retry_after"), retry.max_retry_after(),
                kMaxRequestTimeout, errors);
  CheckDuration(absl::StrCat(path, ".budget"), retry.budget(),
                kMaxRequestTimeout, errors);
}

void CheckPatterns(absl::string_view path,
                   const google::protobuf::RepeatedPtrField<std::string>& list,
                   Errors& errors) {
  for (int i = 0; i < list.size(); ++i) {
    const absl::Status valid = oci::ValidateRepositoryGlob(list[i]);
    if (!valid.ok()) {
      errors.Add(absl::StrCat(path, "[", i, "]"), valid.message());
    }
  }
}

void CheckResilience(absl::string_view path, const v1::UpstreamConfig& upstream,
                     Errors& errors) {
  CheckDuration(absl::StrCat(path, ".header_timeout"),
                upstream.header_timeout(), kMaxRequestTimeout, errors);
  CheckRetry(absl::StrCat(path, ".retry"), upstream.retry(), errors);
  const v1::CircuitBreakerConfig& breaker = upstream.circuit_breaker();
  CheckRange(absl::StrCat(path, ".circuit_breaker.failure_threshold"),
             breaker.failure_threshold(), 1, kMaxFailureThreshold, errors);
  CheckDuration(absl::StrCat(path, ".circuit_breaker.open_duration"),
                breaker.open_duration(), kMaxRequestTimeout, errors);
  CheckPatterns(absl::StrCat(path, ".scope.include"),
                upstream.scope().include(), errors);
  CheckPatterns(absl::StrCat(path, ".scope.exclude"),
                upstream.scope().exclude(), errors);
}

void CheckUpstream(absl::string_view path, const v1::UpstreamConfig& upstream,
                   Errors& errors) {
  CheckName(absl::StrCat(path, ".name"), upstream.name(), errors);
  CheckUrl(absl::StrCat(path, ".url"), upstream.url(), errors);
  CheckApiPrefix(absl::StrCat(path, ".api_prefix"), upstream.api_prefix(),
                 errors);
  CheckDuration(absl::StrCat(path, ".connect_timeout"),
                upstream.connect_timeout(), kMaxConnectTimeout, errors);
  CheckDuration(absl::StrCat(path, ".request_timeout"),
                upstream.request_timeout(), kMaxRequestTimeout, errors);
  CheckRange(absl::StrCat(path, ".max_idle_connections"),
             upstream.max_idle_connections(), 1, kMaxIdleConnections, errors);
  CheckRange(absl::StrCat(path, ".max_connections"), upstream.max_connections(),
             1, kMaxConnections, errors);
  if (upstream.max_idle_connections() > upstream.max_connections() &&
      upstream.max_connections() >= 1) {
    errors.Add(absl::StrCat(path, ".max_idle_connections"),
               absl::StrCat("must not exceed max_connections (",
                            upstream.max_connections(),
                            "): idle connections count against it"));
  }
  CheckResilience(path, upstream, errors);
  CheckUpstreamSecurity(path, upstream, errors);
}

// The registries one upstream serves. The default registry, filled in for an
// upstream that names none, is checked once, at default_registry.
void CheckRegistries(absl::string_view path, const v1::Config& config,
                     const v1::UpstreamConfig& upstream, Errors& errors) {
  absl::flat_hash_map<std::string, int> first_index;
  for (int i = 0; i < upstream.registries_size(); ++i) {
    const std::string& name = upstream.registries(i);
    const std::string entry = absl::StrCat(path, ".registries[", i, "]");
    if (name != config.default_registry()) {
      if (absl::Status valid = oci::ValidateRegistryHost(name); !valid.ok()) {
        errors.Add(entry, valid.message());
        continue;
      }
    }
    const auto [it, inserted] = first_index.emplace(name, i);
    if (!inserted) {
      errors.Add(entry, absl::StrCat("duplicate registry ", Quote(name),
                                     " (also registries[", it->second, "])"));
    }
  }
}

// A request without a registry must have somewhere to go.
void CheckDefaultRegistry(const v1::Config& config, Errors& errors) {
  const std::string& name = config.default_registry();
  if (absl::Status valid = oci::ValidateRegistryHost(name); !valid.ok()) {
    errors.Add("default_registry", valid.message());
    return;
  }
  std::vector<std::string> served;
  for (const v1::UpstreamConfig& upstream : config.upstreams()) {
    for (const std::string& registry : upstream.registries()) {
      if (registry == name) {
        return;
      }
      if (std::find(served.begin(), served.end(), registry) == served.end()) {
        served.push_back(registry);
      }
    }
  }
  if (served.empty()) {
    return;  // no upstreams: reported at "upstreams"
  }
  errors.Add("default_registry",
             absl::StrCat(Quote(name),
                          " is served by no upstream; add it to an upstream's "
                          "registries or choose one that is served (",
                          absl::StrJoin(served, ", "), ")"));
}

void CheckUpstreams(const v1::Config& config, Errors& errors) {
  if (config.upstreams().empty()) {
    errors.Add("upstreams", "at least one upstream is required");
    return;
  }
  absl::flat_hash_map<std::string, int> first_index;
  bool any_enabled = false;
  for (int i = 0; i < config.upstreams_size(); ++i) {
    const v1::UpstreamConfig& upstream = config.upstreams(i);
    const std::string path = absl::StrCat("upstreams[", i, "]");
    CheckUpstream(path, upstream, errors);
    CheckRegistries(path, config, upstream, errors);
    const auto [it, inserted] = first_index.emplace(upstream.name(), i);
    if (!inserted && !upstream.name().empty()) {
      errors.Add(
          absl::StrCat(path, ".name"),
          absl::StrCat("duplicate upstream name ", Quote(upstream.name()),
                       " (also upstreams[", it->second, "])"));
    }
    any_enabled = any_enabled || upstream.enabled();
  }
  if (!any_enabled) {
    errors.Add("upstreams", "every upstream is disabled; enable at least one");
  }
}

// Each additional address is a gRPC listen address of its own: not one the
// server (or an earlier entry) already takes, or the server fails to bind.
void CheckAdditionalListenAddresses(const v1::ServerConfig& server,
                                    Errors& errors) {
  const auto& addresses = server.additional_listen_addresses();
  if (addresses.size() > kMaxAdditionalListenAddresses) {
    errors.Add("server.additional_listen_addresses",
               absl::StrCat("at most ", kMaxAdditionalListenAddresses, " (got ",
                            addresses.size(), ")"));
    return;
  }
  for (int i = 0; i < addresses.size(); ++i) {
    const std::string path =
        absl::StrCat("server.additional_listen_addresses[", i, "]");
    CheckGrpcListenAddress(path, addresses[i], errors);
    std::string field;
    absl::string_view other;
    if (GrpcListenAddressesCollide(addresses[i], server.listen_address())) {
      field = "server.listen_address";
      other = server.listen_address();
    }
    for (int j = 0; j < i && field.empty(); ++j) {
      if (GrpcListenAddressesCollide(addresses[i], addresses[j])) {
        field = absl::StrCat("server.additional_listen_addresses[", j, "]");
        other = addresses[j];
      }
    }
    if (!field.empty()) {
      errors.Add(path, absl::StrCat("must differ from ", field, " (",
                                    Quote(addresses[i]), " and ", Quote(other),
                                    " take the same address)"));
    }
  }
}

void CheckServer(const v1::ServerConfig& server, Errors& errors) {
  CheckGrpcListenAddress("server.listen_address", server.listen_address(),
                         errors);
  CheckAdditionalListenAddresses(server, errors);
  CheckDuration("server.default_deadline", server.default_deadline(),
                kMaxDefaultDeadline, errors);
  CheckDuration("server.shutdown_grace", server.shutdown_grace(),
                kMaxShutdownGrace, errors);
  CheckRange("server.io_threads", server.io_threads(), 1, kMaxIoThreads,
             errors);
  CheckDuration("server.keepalive_time", server.keepalive_time(),
                absl::Hours(24), errors);
  CheckDuration("server.keepalive_timeout", server.keepalive_timeout(),
                absl::Minutes(10), errors);
  CheckDuration("server.max_connection_age", server.max_connection_age(),
                absl::Hours(24 * 7), errors);
  CheckDuration("server.max_connection_age_grace",
                server.max_connection_age_grace(), absl::Hours(24), errors);
  CheckRange("server.max_concurrent_streams", server.max_concurrent_streams(),
             1, 100000, errors);
  CheckServerTls(server, errors);
}

void CheckMetrics(const v1::Config& config, Errors& errors) {
  const std::string& address = config.metrics().listen_address();
  CheckListenAddress("metrics.listen_address", address, errors);
  const std::string& server = config.server().listen_address();
  if (config.metrics().disabled()) {
    return;
  }
  if (ListenAddressesOverlap(address, server)) {
    errors.Add(
        "metrics.listen_address",
        absl::StrCat("must differ from server.listen_address (", Quote(address),
                     " and ", Quote(server), " take the same port)"));
  }
  const auto& additional = config.server().additional_listen_addresses();
  for (int i = 0; i < additional.size(); ++i) {
    if (ListenAddressesOverlap(address, additional[i])) {
      errors.Add("metrics.listen_address",
                 absl::StrCat("must differ from "
                              "server.additional_listen_addresses[",
                              i, "] (", Quote(address), " and ",
                              Quote(additional[i]), " take the same port)"));
    }
  }
}

void CheckLimits(const v1::LimitsConfig& limits, Errors& errors) {
  CheckRange("limits.max_manifest_bytes", limits.max_manifest_bytes(),
             kMinBodyLimit, kMaxBodyLimit, errors);
  CheckRange("limits.max_tag_list_bytes", limits.max_tag_list_bytes(),
             kMinBodyLimit, kMaxBodyLimit, errors);
  // gRPC refuses messages over 4 MiB by default; a chunk stays well below.
  CheckRange("limits.blob_chunk_bytes", limits.blob_chunk_bytes(),
             int64_t{4} << 10, int64_t{2} << 20, errors);
  CheckRange("limits.blob_chunk_max_bytes", limits.blob_chunk_max_bytes(),
             limits.blob_chunk_bytes(), int64_t{2} << 20, errors);
  CheckRange("limits.blob_chunk_budget_bytes", limits.blob_chunk_budget_bytes(),
             int64_t{1} << 20, int64_t{64} << 30, errors);
  CheckRange("limits.max_blob_streams", limits.max_blob_streams(), 1, 100000,
             errors);
  CheckRange("limits.max_blob_attempts", limits.max_blob_attempts(), 1, 20,
             errors);
  CheckDuration("limits.blob_write_stall", limits.blob_write_stall(),
                absl::Hours(1), errors);
  CheckRange("limits.max_blob_streams_per_peer",
             limits.max_blob_streams_per_peer(), 1, limits.max_blob_streams(),
             errors);
  CheckRange("limits.max_unary_calls", limits.max_unary_calls(), 1, 100000,
             errors);
}

// A TTL of "0s" would make the cache useless rather than off; `disabled` is
// the switch.
void CheckCache(const v1::CacheConfig& cache, Errors& errors) {
  CheckRange("cache.memory_bytes", cache.memory_bytes(), int64_t{1} << 20,
             int64_t{64} << 30, errors);
  const absl::Duration max_ttl = absl::Hours(24 * 7);
  CheckDuration("cache.manifest_ttl", cache.manifest_ttl(), max_ttl, errors);
  CheckDuration("cache.head_manifest_ttl", cache.head_manifest_ttl(), max_ttl,
                errors);
  CheckDuration("cache.head_blob_ttl", cache.head_blob_ttl(), max_ttl, errors);
  CheckDuration("cache.tags_ttl", cache.tags_ttl(), max_ttl, errors);
  CheckDuration("cache.stale_while_revalidate", cache.stale_while_revalidate(),
                max_ttl, errors);
  CheckDuration("cache.stale_if_error", cache.stale_if_error(), max_ttl,
                errors);
  CheckDuration("cache.negative_ttl", cache.negative_ttl(), max_ttl, errors);
  CheckRange("cache.blob_disk_bytes", cache.blob_disk_bytes(), int64_t{1} << 20,
             int64_t{1} << 50, errors);
}

}  // namespace

std::vector<std::string> Validate(const v1::Config& config) {
  Errors errors;
  CheckServer(config.server(), errors);
  CheckMetrics(config, errors);
  CheckUpstreams(config, errors);
  CheckDefaultRegistry(config, errors);
  CheckLimits(config.limits(), errors);
  CheckCache(config.cache(), errors);
  return std::move(errors).Take();
}

}  // namespace tributary::config::internal
