#ifndef TRIBUTARY_SERVICE_CONFIG_DEFAULTS_H_
#define TRIBUTARY_SERVICE_CONFIG_DEFAULTS_H_

// The default of every config field that has one, in one place. ParseConfig()
// fills these into the Config it returns; code reading a loaded Config never
// needs them.
//
// proto3 cannot tell an explicit 0 or "" from an unset scalar, so those are
// treated as unset and get the default. Durations are messages, so an explicit
// "0s" is kept (and then rejected by validation).

#include <cstdint>
#include <string_view>

#include "absl/time/time.h"
#include "tributary/v1/config.pb.h"

namespace tributary::config {

// server: "[::]" is gRPC's wildcard for both families (one dual-stack socket;
// IPv4 alone where the host has no IPv6), so IPv6-primary clusters reach it.
inline constexpr std::string_view kDefaultServerListenAddress = "[::]:50051";
inline constexpr absl::Duration kDefaultDeadline = absl::Seconds(30);
inline constexpr absl::Duration kDefaultShutdownGrace = absl::Seconds(20);
inline constexpr int32_t kDefaultIoThreads = 2;
inline constexpr absl::Duration kDefaultKeepaliveTime = absl::Minutes(1);
inline constexpr absl::Duration kDefaultKeepaliveTimeout = absl::Seconds(20);
inline constexpr absl::Duration kDefaultMaxConnectionAge = absl::Minutes(30);
inline constexpr absl::Duration kDefaultMaxConnectionAgeGrace =
    absl::Minutes(10);
inline constexpr int32_t kDefaultMaxConcurrentStreams = 1000;

// metrics (enabled unless `disabled: true`). IPv4 only: Debian 12's civetweb,
// which serves prometheus-cpp's Exposer, is built without IPv6, and "[::]:9090"
// fails at start ("null context when constructing CivetServer").
inline constexpr std::string_view kDefaultMetricsListenAddress = "0.0.0.0:9090";

// limits
inline constexpr int64_t kDefaultMaxManifestBytes = int64_t{4} << 20;  // 4 MiB
inline constexpr int64_t kDefaultMaxTagListBytes = int64_t{8} << 20;   // 8 MiB
inline constexpr int64_t kDefaultBlobChunkBytes = int64_t{256}
                                                  << 10;  // 256 KiB
inline constexpr int64_t kDefaultBlobChunkMaxBytes = int64_t{1} << 20;
inline constexpr int64_t kDefaultBlobChunkBudgetBytes = int64_t{24} << 20;
inline constexpr int32_t kDefaultMaxBlobStreams = 256;
inline constexpr int32_t kDefaultMaxBlobAttempts = 5;
inline constexpr absl::Duration kDefaultBlobWriteStall = absl::Minutes(1);
inline constexpr int32_t kDefaultMaxUnaryCalls = 1024;

// default_registry; an upstream without `registries` serves the default
// registry (filled in), so configs written before source registries existed
// keep their meaning.
inline constexpr std::string_view kDefaultRegistry = "docker.io";

// upstreams[*] (`enabled` defaults to true; library_rewrite UNSPECIFIED is
// kept: the registry layer then decides by host)
inline constexpr std::string_view kDefaultApiPrefix = "/v2";
inline constexpr absl::Duration kDefaultConnectTimeout = absl::Seconds(5);
inline constexpr absl::Duration kDefaultRequestTimeout = absl::Seconds(30);
inline constexpr int32_t kDefaultMaxIdleConnections = 8;
inline constexpr int32_t kDefaultMaxConnections = 64;
inline constexpr absl::Duration kDefaultHeaderTimeout = absl::Seconds(10);

// upstreams[*].retry
inline constexpr int32_t kDefaultRetryMaxAttempts = 3;
inline constexpr absl::Duration kDefaultInitialBackoff =
    absl::Milliseconds(100);
inline constexpr absl::Duration kDefaultMaxBackoff = absl::Seconds(2);
inline constexpr absl::Duration kDefaultMaxRetryAfter = absl::Seconds(10);
inline constexpr absl::Duration kDefaultRetryBudget = absl::Seconds(10);

// upstreams[*].circuit_breaker (on unless `disabled: true`)
inline constexpr int32_t kDefaultBreakerFailureThreshold = 5;
inline constexpr absl::Duration kDefaultBreakerOpenDuration = absl::Seconds(30);

// cache (on unless `disabled: true`)
inline constexpr int64_t kDefaultCacheMemoryBytes = int64_t{64} << 20;
inline constexpr int64_t kDefaultBlobDiskBytes = int64_t{8} << 30;
inline constexpr absl::Duration kDefaultManifestTtl = absl::Seconds(60);
inline constexpr absl::Duration kDefaultHeadManifestTtl = absl::Seconds(60);
inline constexpr absl::Duration kDefaultHeadBlobTtl = absl::Minutes(10);
inline constexpr absl::Duration kDefaultTagsTtl = absl::Seconds(30);
inline constexpr absl::Duration kDefaultStaleWhileRevalidate = absl::Minutes(5);
inline constexpr absl::Duration kDefaultStaleIfError = absl::Hours(1);
inline constexpr absl::Duration kDefaultNegativeTtl = absl::Seconds(10);

// Sets every unset field above to its default; fields already set are kept.
void ApplyDefaults(v1::Config& config);

}  // namespace tributary::config

#endif  // TRIBUTARY_SERVICE_CONFIG_DEFAULTS_H_
