#include "service/config/defaults.h"

#include <algorithm>
#include <string>

#include "service/config/duration.h"

namespace tributary::config {
namespace {

void DefaultString(std::string_view value, std::string& field) {
  if (field.empty()) {
    field = std::string(value);
  }
}

void DefaultDuration(absl::Duration value, google::protobuf::Duration* field,
                     bool has_field) {
  if (!has_field) {
    *field = ToProtoDuration(value);
  }
}

void ApplyServerDefaults(v1::ServerConfig& server) {
  DefaultString(kDefaultServerListenAddress, *server.mutable_listen_address());
  if (!server.has_default_deadline()) {
    *server.mutable_default_deadline() = ToProtoDuration(kDefaultDeadline);
  }
  if (!server.has_shutdown_grace()) {
    *server.mutable_shutdown_grace() = ToProtoDuration(kDefaultShutdownGrace);
  }
  if (server.io_threads() == 0) {
    server.set_io_threads(kDefaultIoThreads);
  }
  DefaultDuration(kDefaultKeepaliveTime, server.mutable_keepalive_time(),
                  server.has_keepalive_time());
  DefaultDuration(kDefaultKeepaliveTimeout, server.mutable_keepalive_timeout(),
                  server.has_keepalive_timeout());
  DefaultDuration(kDefaultMaxConnectionAge, server.mutable_max_connection_age(),
                  server.has_max_connection_age());
  DefaultDuration(kDefaultMaxConnectionAgeGrace,
                  server.mutable_max_connection_age_grace(),
                  server.has_max_connection_age_grace());
  if (server.max_concurrent_streams() == 0) {
    server.set_max_concurrent_streams(kDefaultMaxConcurrentStreams);
  }
}

void ApplyLimitsDefaults(v1::LimitsConfig& limits) {
  if (limits.max_manifest_bytes() == 0) {
    limits.set_max_manifest_bytes(kDefaultMaxManifestBytes);
  }
  if (limits.max_tag_list_bytes() == 0) {
    limits.set_max_tag_list_bytes(kDefaultMaxTagListBytes);
  }
  if (limits.blob_chunk_bytes() == 0) {
    limits.set_blob_chunk_bytes(kDefaultBlobChunkBytes);
  }
  if (limits.blob_chunk_max_bytes() == 0) {
    // A config that raised blob_chunk_bytes keeps loading.
    limits.set_blob_chunk_max_bytes(
        std::max(kDefaultBlobChunkMaxBytes, limits.blob_chunk_bytes()));
  }
  if (limits.blob_chunk_budget_bytes() == 0) {
    limits.set_blob_chunk_budget_bytes(kDefaultBlobChunkBudgetBytes);
  }
  if (limits.max_blob_streams() == 0) {
    limits.set_max_blob_streams(kDefaultMaxBlobStreams);
  }
  if (limits.max_blob_attempts() == 0) {
    limits.set_max_blob_attempts(kDefaultMaxBlobAttempts);
  }
  DefaultDuration(kDefaultBlobWriteStall, limits.mutable_blob_write_stall(),
                  limits.has_blob_write_stall());
  if (limits.max_blob_streams_per_peer() == 0) {
    limits.set_max_blob_streams_per_peer(limits.max_blob_streams());
  }
  if (limits.max_unary_calls() == 0) {
    limits.set_max_unary_calls(kDefaultMaxUnaryCalls);
  }
}

void ApplyRetryDefaults(v1::RetryConfig& retry) {
  if (retry.max_attempts() == 0) {
    retry.set_max_attempts(kDefaultRetryMaxAttempts);
  }
  if (!retry.has_initial_backoff()) {
    *retry.mutable_initial_backoff() = ToProtoDuration(kDefaultInitialBackoff);
  }
  if (!retry.has_max_backoff()) {
    *retry.mutable_max_backoff() = ToProtoDuration(kDefaultMaxBackoff);
  }
  if (!retry.has_max_retry_after()) {
    *retry.mutable_max_retry_after() = ToProtoDuration(kDefaultMaxRetryAfter);
  }
  if (!retry.has_budget()) {
    *retry.mutable_budget() = ToProtoDuration(kDefaultRetryBudget);
  }
}

void ApplyBreakerDefaults(v1::CircuitBreakerConfig& breaker) {
  if (breaker.failure_threshold() == 0) {
    breaker.set_failure_threshold(kDefaultBreakerFailureThreshold);
  }
  if (!breaker.has_open_duration()) {
    *breaker.mutable_open_duration() =
        ToProtoDuration(kDefaultBreakerOpenDuration);
  }
}

void ApplyUpstreamDefaults(std::string_view default_registry,
                           v1::UpstreamConfig& upstream) {
  DefaultString(kDefaultApiPrefix, *upstream.mutable_api_prefix());
  if (upstream.registries().empty()) {
    upstream.add_registries(std::string(default_registry));
  }
  if (!upstream.has_enabled()) {
    upstream.set_enabled(true);
  }
  if (!upstream.has_connect_timeout()) {
    *upstream.mutable_connect_timeout() =
        ToProtoDuration(kDefaultConnectTimeout);
  }
  if (!upstream.has_request_timeout()) {
    *upstream.mutable_request_timeout() =
        ToProtoDuration(kDefaultRequestTimeout);
  }
  if (upstream.max_idle_connections() == 0) {
    upstream.set_max_idle_connections(kDefaultMaxIdleConnections);
  }
  if (upstream.max_connections() == 0) {
    upstream.set_max_connections(kDefaultMaxConnections);
  }
  if (!upstream.has_header_timeout()) {
    *upstream.mutable_header_timeout() = ToProtoDuration(kDefaultHeaderTimeout);
  }
  ApplyRetryDefaults(*upstream.mutable_retry());
  ApplyBreakerDefaults(*upstream.mutable_circuit_breaker());
}

void ApplyCacheDefaults(v1::CacheConfig& cache) {
  if (cache.memory_bytes() == 0) {
    cache.set_memory_bytes(kDefaultCacheMemoryBytes);
  }
  if (cache.blob_disk_bytes() == 0) {
    cache.set_blob_disk_bytes(kDefaultBlobDiskBytes);
  }
  DefaultDuration(kDefaultManifestTtl, cache.mutable_manifest_ttl(),
                  cache.has_manifest_ttl());
  DefaultDuration(kDefaultHeadManifestTtl, cache.mutable_head_manifest_ttl(),
                  cache.has_head_manifest_ttl());
  DefaultDuration(kDefaultHeadBlobTtl, cache.mutable_head_blob_ttl(),
                  cache.has_head_blob_ttl());
  DefaultDuration(kDefaultTagsTtl, cache.mutable_tags_ttl(),
                  cache.has_tags_ttl());
  DefaultDuration(kDefaultStaleWhileRevalidate,
                  cache.mutable_stale_while_revalidate(),
                  cache.has_stale_while_revalidate());
  DefaultDuration(kDefaultStaleIfError, cache.mutable_stale_if_error(),
                  cache.has_stale_if_error());
  DefaultDuration(kDefaultNegativeTtl, cache.mutable_negative_ttl(),
                  cache.has_negative_ttl());
}

}  // namespace

void ApplyDefaults(v1::Config& config) {
  ApplyServerDefaults(*config.mutable_server());
  DefaultString(kDefaultMetricsListenAddress,
                *config.mutable_metrics()->mutable_listen_address());
  ApplyLimitsDefaults(*config.mutable_limits());
  ApplyCacheDefaults(*config.mutable_cache());
  DefaultString(kDefaultRegistry, *config.mutable_default_registry());
  for (v1::UpstreamConfig& upstream : *config.mutable_upstreams()) {
    ApplyUpstreamDefaults(config.default_registry(), upstream);
  }
}

}  // namespace tributary::config
