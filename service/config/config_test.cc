#include "service/config/config.h"

#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "service/config/duration.h"

namespace tributary::config {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kSource[] = "test.yaml";
constexpr char kShippedConfig[] = "deploy/config/tributary.yaml";

constexpr char kMinimal[] = R"yaml(
upstreams:
  - name: docker-hub
    url: https://registry-1.docker.io
)yaml";

// Every field set, none to its default.
constexpr char kFull[] = R"yaml(
server:
  listen_address: "[::]:6000"
  additional_listen_addresses: ["unix:///run/tributary/grpc.sock"]
  default_deadline: 1.5s
  shutdown_grace: 2m
  io_threads: 8
  keepalive_time: 30s
  keepalive_timeout: 5s
  max_connection_age: 1h
  max_connection_age_grace: 2m
  max_concurrent_streams: 100
  tls:
    cert_file: /etc/tributary/tls/server.pem
    key_file: /etc/tributary/tls/server.key
    client_ca_file: /etc/tributary/tls/clients.pem
metrics:
  listen_address: 127.0.0.1:0
  disabled: true
limits:
  max_manifest_bytes: 1048576
  max_tag_list_bytes: 2097152
  blob_chunk_bytes: 65536
  blob_chunk_max_bytes: 131072
  blob_chunk_budget_bytes: 4194304
  max_blob_streams: 32
  max_blob_attempts: 3
  blob_write_stall: 45s
  max_blob_streams_per_peer: 4
  max_unary_calls: 500
cache:
  disabled: true
  memory_bytes: 2097152
  manifest_ttl: 5s
  head_manifest_ttl: 6s
  head_blob_ttl: 7s
  tags_ttl: 8s
  stale_while_revalidate: 9s
  stale_if_error: 10s
  negative_ttl: 11s
  blob_directory: /srv/blobs
  blob_disk_bytes: 1073741824
default_registry: quay.io
upstreams:
  - name: mirror.internal
    url: http://mirror.internal:5000/
    registries: [docker.io, quay.io]
    api_prefix: /registry/v2
    connect_timeout: 250ms
    request_timeout: 1m30s
    library_rewrite: LIBRARY_REWRITE_ALWAYS
    max_idle_connections: 32
    max_connections: 48
    header_timeout: 3s
    retry:
      max_attempts: 4
      initial_backoff: 50ms
      max_backoff: 1s
      max_retry_after: 5s
      budget: 20s
    circuit_breaker:
      failure_threshold: 3
      open_duration: 1m
      disabled: true
    scope:
      include: ["library/*", "myorg/**"]
      exclude: [myorg/secret]
  - name: ghcr
    url: https://ghcr.io
    registries: ["ghcr.io"]
    enabled: false
    library_rewrite: LIBRARY_REWRITE_NEVER
    auth:
      basic:
        username: bot
        password_env: GHCR_PASSWORD
    tls:
      ca_file: /etc/ssl/private-ca.pem
      cert_file: /etc/tributary/client.pem
      key_file: /etc/tributary/client.key
)yaml";

constexpr char kFullProto[] = R"pb(
  server {
    listen_address: "[::]:6000"
    additional_listen_addresses: "unix:///run/tributary/grpc.sock"
    default_deadline { seconds: 1 nanos: 500000000 }
    shutdown_grace { seconds: 120 }
    io_threads: 8
    keepalive_time { seconds: 30 }
    keepalive_timeout { seconds: 5 }
    max_connection_age { seconds: 3600 }
    max_connection_age_grace { seconds: 120 }
    max_concurrent_streams: 100
    tls {
      cert_file: "/etc/tributary/tls/server.pem"
      key_file: "/etc/tributary/tls/server.key"
      client_ca_file: "/etc/tributary/tls/clients.pem"
    }
  }
  metrics { listen_address: "127.0.0.1:0" disabled: true }
  limits {
    max_manifest_bytes: 1048576
    max_tag_list_bytes: 2097152
    blob_chunk_bytes: 65536
    blob_chunk_max_bytes: 131072
    blob_chunk_budget_bytes: 4194304
    max_blob_streams: 32
    max_blob_attempts: 3
    blob_write_stall { seconds: 45 }
    max_blob_streams_per_peer: 4
    max_unary_calls: 500
  }
  cache {
    disabled: true
    memory_bytes: 2097152
    manifest_ttl { seconds: 5 }
    head_manifest_ttl { seconds: 6 }
    head_blob_ttl { seconds: 7 }
    tags_ttl { seconds: 8 }
    stale_while_revalidate { seconds: 9 }
    stale_if_error { seconds: 10 }
    negative_ttl { seconds: 11 }
    blob_directory: "/srv/blobs"
    blob_disk_bytes: 1073741824
  }
  default_registry: "quay.io"
  upstreams {
    name: "mirror.internal"
    url: "http://mirror.internal:5000/"
    registries: "docker.io"
    registries: "quay.io"
    api_prefix: "/registry/v2"
    enabled: true
    connect_timeout { nanos: 250000000 }
    request_timeout { seconds: 90 }
    library_rewrite: LIBRARY_REWRITE_ALWAYS
    max_idle_connections: 32
    max_connections: 48
    header_timeout { seconds: 3 }
    retry {
      max_attempts: 4
      initial_backoff { nanos: 50000000 }
      max_backoff { seconds: 1 }
      max_retry_after { seconds: 5 }
      budget { seconds: 20 }
    }
    circuit_breaker {
      failure_threshold: 3
      open_duration { seconds: 60 }
      disabled: true
    }
    scope { include: "library/*" include: "myorg/**" exclude: "myorg/secret" }
  }
  upstreams {
    name: "ghcr"
    url: "https://ghcr.io"
    registries: "ghcr.io"
    api_prefix: "/v2"
    enabled: false
    connect_timeout { seconds: 5 }
    request_timeout { seconds: 30 }
    library_rewrite: LIBRARY_REWRITE_NEVER
    max_idle_connections: 8
    max_connections: 64
    header_timeout { seconds: 10 }
    retry {
      max_attempts: 3
      initial_backoff { nanos: 100000000 }
      max_backoff { seconds: 2 }
      max_retry_after { seconds: 10 }
      budget { seconds: 10 }
    }
    circuit_breaker {
      failure_threshold: 5
      open_duration { seconds: 30 }
    }
    auth { basic { username: "bot" password_env: "GHCR_PASSWORD" } }
    tls {
      ca_file: "/etc/ssl/private-ca.pem"
      cert_file: "/etc/tributary/client.pem"
      key_file: "/etc/tributary/client.key"
    }
  }
)pb";

TEST(ParseConfigTest, FillsEveryDefault) {
  const absl::StatusOr<v1::Config> config = ParseConfig(kMinimal, kSource);
  ASSERT_TRUE(config.ok()) << config.status();

  EXPECT_EQ(config->server().listen_address(), "[::]:50051");
  EXPECT_THAT(config->server().additional_listen_addresses(), IsEmpty());
  EXPECT_EQ(ToAbslDuration(config->server().default_deadline()),
            absl::Seconds(30));
  EXPECT_EQ(ToAbslDuration(config->server().shutdown_grace()),
            absl::Seconds(20));
  EXPECT_EQ(config->server().io_threads(), 2);
  EXPECT_EQ(config->metrics().listen_address(), "0.0.0.0:9090");
  EXPECT_FALSE(config->cache().disabled());
  EXPECT_EQ(config->cache().memory_bytes(), int64_t{64} << 20);
  EXPECT_EQ(ToAbslDuration(config->cache().manifest_ttl()), absl::Seconds(60));
  EXPECT_EQ(ToAbslDuration(config->cache().negative_ttl()), absl::Seconds(10));
  EXPECT_EQ(ToAbslDuration(config->cache().stale_if_error()), absl::Hours(1));
  EXPECT_FALSE(config->metrics().disabled());
  EXPECT_EQ(config->limits().max_manifest_bytes(), 4 << 20);
  EXPECT_EQ(config->limits().max_tag_list_bytes(), 8 << 20);
  EXPECT_EQ(config->limits().blob_chunk_bytes(), 256 << 10);
  EXPECT_EQ(config->limits().blob_chunk_max_bytes(), 1 << 20);
  EXPECT_EQ(config->limits().blob_chunk_budget_bytes(), 24 << 20);
  EXPECT_EQ(config->limits().max_blob_streams(), 256);
  EXPECT_EQ(config->limits().max_blob_attempts(), 5);
  EXPECT_EQ(ToAbslDuration(config->limits().blob_write_stall()),
            absl::Minutes(1));
  EXPECT_EQ(config->limits().max_blob_streams_per_peer(), 256)
      << "no separate per-peer cap unless configured";
  EXPECT_EQ(config->limits().max_unary_calls(), 1024);
  EXPECT_EQ(ToAbslDuration(config->server().keepalive_time()),
            absl::Minutes(1));
  EXPECT_EQ(ToAbslDuration(config->server().max_connection_age()),
            absl::Minutes(30));
  EXPECT_EQ(config->server().max_concurrent_streams(), 1000);
  EXPECT_EQ(config->default_registry(), "docker.io");

  ASSERT_EQ(config->upstreams_size(), 1);
  const v1::UpstreamConfig& upstream = config->upstreams(0);
  EXPECT_EQ(upstream.api_prefix(), "/v2");
  EXPECT_TRUE(upstream.has_enabled());
  EXPECT_TRUE(upstream.enabled());
  EXPECT_EQ(ToAbslDuration(upstream.connect_timeout()), absl::Seconds(5));
  EXPECT_EQ(ToAbslDuration(upstream.request_timeout()), absl::Seconds(30));
  EXPECT_EQ(upstream.max_idle_connections(), 8);
  EXPECT_EQ(upstream.max_connections(), 64);
  EXPECT_EQ(upstream.library_rewrite(), v1::LIBRARY_REWRITE_UNSPECIFIED);
  EXPECT_EQ(ToAbslDuration(upstream.header_timeout()), absl::Seconds(10));
  EXPECT_EQ(upstream.retry().max_attempts(), 3);
  EXPECT_EQ(ToAbslDuration(upstream.retry().initial_backoff()),
            absl::Milliseconds(100));
  EXPECT_EQ(ToAbslDuration(upstream.retry().max_backoff()), absl::Seconds(2));
  EXPECT_EQ(ToAbslDuration(upstream.retry().max_retry_after()),
            absl::Seconds(10));
  EXPECT_EQ(ToAbslDuration(upstream.retry().budget()), absl::Seconds(10));
  EXPECT_EQ(upstream.circuit_breaker().failure_threshold(), 5);
  EXPECT_EQ(ToAbslDuration(upstream.circuit_breaker().open_duration()),
            absl::Seconds(30));
  EXPECT_FALSE(upstream.circuit_breaker().disabled());
  EXPECT_TRUE(upstream.scope().include().empty());
  EXPECT_TRUE(upstream.scope().exclude().empty());
  EXPECT_THAT(upstream.registries(), ElementsAre("docker.io"));
}

TEST(ParseConfigTest, GivesAnUpstreamWithoutRegistriesTheDefaultRegistry) {
  const absl::StatusOr<v1::Config> config = ParseConfig(R"yaml(
default_registry: registry.internal:5000
upstreams:
  - name: local
    url: http://10.0.0.5:5000
  - name: ghcr
    url: https://ghcr.io
    registries: [ghcr.io]
)yaml",
                                                        kSource);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(config->upstreams(0).registries(),
              ElementsAre("registry.internal:5000"));
  EXPECT_THAT(config->upstreams(1).registries(), ElementsAre("ghcr.io"));
}

TEST(ParseConfigTest, RaisesTheLargestChunkToALargerSmallestChunk) {
  const absl::StatusOr<v1::Config> config = ParseConfig(
      absl::StrCat(kMinimal, "limits:\n  blob_chunk_bytes: 2097152\n"),
      kSource);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->limits().blob_chunk_max_bytes(), 2 << 20)
      << "a config that raised blob_chunk_bytes before the budget existed "
         "must still load";
}

TEST(ParseConfigTest, ReadsEveryFieldOfAFullConfig) {
  v1::Config expected;
  ASSERT_TRUE(
      google::protobuf::TextFormat::ParseFromString(kFullProto, &expected));

  const absl::StatusOr<v1::Config> config = ParseConfig(kFull, kSource);
  ASSERT_TRUE(config.ok()) << config.status();

  std::string difference;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&difference);
  EXPECT_TRUE(differencer.Compare(expected, *config)) << difference;
}

TEST(ParseConfigTest, RoundTripsAFullConfigThroughProtoJson) {
  const absl::StatusOr<v1::Config> config = ParseConfig(kFull, kSource);
  ASSERT_TRUE(config.ok()) << config.status();
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  ASSERT_TRUE(
      google::protobuf::util::MessageToJsonString(*config, &json, options)
          .ok());

  // JSON is YAML, so what the config holds can be loaded back as it is.
  const absl::StatusOr<v1::Config> reloaded = ParseConfig(json, "json");
  ASSERT_TRUE(reloaded.ok()) << reloaded.status() << "\n" << json;
  EXPECT_TRUE(MessageDifferencer::Equals(*config, *reloaded)) << json;
}

TEST(ParseConfigTest, TakesAnyScalarAsAString) {
  const absl::StatusOr<v1::Config> config = ParseConfig(
      "upstreams:\n  - name: 2024\n    url: https://ghcr.io\n", kSource);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->upstreams(0).name(), "2024");
}

TEST(ParseConfigTest, TreatsNullAsUnset) {
  const absl::StatusOr<v1::Config> config = ParseConfig(
      absl::StrCat(kMinimal, "server:\n  io_threads: ~\nmetrics:\n"), kSource);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server().io_threads(), 2);
}

TEST(LoadConfigFileTest, NamesTheMissingFile) {
  const std::string path = "/nonexistent/tributary.yaml";
  const absl::StatusOr<v1::Config> config = LoadConfigFile(path);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StartsWith(config.status().message(), path))
      << config.status();
}

TEST(LoadConfigFileTest, StartsErrorsWithThePath) {
  const std::string path = ::testing::TempDir() + "/bad.yaml";
  std::ofstream(path) << "upstreams:\n  - name: hub\n    url: ftp://x\n";
  const absl::StatusOr<v1::Config> config = LoadConfigFile(path);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()),
              HasSubstr(path + ": upstreams[0].url: scheme must be http or "
                               "https (got \"ftp\")"));
}

TEST(LoadConfigFileTest, LoadsTheShippedConfig) {
  const absl::StatusOr<v1::Config> config = LoadConfigFile(kShippedConfig);
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->upstreams_size(), 1);
  EXPECT_EQ(config->upstreams(0).name(), "docker-hub");
  EXPECT_EQ(config->upstreams(0).url(), "https://registry-1.docker.io");
}

TEST(LoadConfigFileTest, ShippedConfigSpellsOutOnlyDefaults) {
  absl::StatusOr<v1::Config> shipped = LoadConfigFile(kShippedConfig);
  const absl::StatusOr<v1::Config> minimal = ParseConfig(kMinimal, kSource);
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  ASSERT_TRUE(minimal.ok()) << minimal.status();
  // The one choice it makes: the disk store is on (it has no default place).
  EXPECT_EQ(shipped->cache().blob_directory(), "/var/cache/tributary");
  shipped->mutable_cache()->clear_blob_directory();
  EXPECT_TRUE(MessageDifferencer::Equals(*shipped, *minimal));
}

}  // namespace
}  // namespace tributary::config
