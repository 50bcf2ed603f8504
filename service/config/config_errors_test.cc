// Every way a config can be wrong, and what the error says about it.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/config/config.h"

namespace tributary::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSource[] = "test.yaml";
constexpr char kHub[] =
    "upstreams:\n"
    "  - name: hub\n"
    "    url: https://registry-1.docker.io\n";

// kHub with more lines for its upstream (indented four spaces).
std::string HubWith(absl::string_view upstream_lines) {
  return absl::StrCat(kHub, upstream_lines);
}

std::string UpstreamUrl(absl::string_view url) {
  return absl::StrCat("upstreams:\n  - name: hub\n    url: ", url, "\n");
}

struct ErrorCase {
  std::string name;  // The test's name: a sentence.
  std::string yaml;
  std::vector<std::string> message_parts;
};

class ConfigErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrorTest, NamesSourceFieldAndReason) {
  const absl::StatusOr<v1::Config> config =
      ParseConfig(GetParam().yaml, kSource);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(config.status().message());
  EXPECT_TRUE(absl::StartsWith(message, kSource)) << message;
  for (const std::string& part : GetParam().message_parts) {
    EXPECT_THAT(message, HasSubstr(part));
  }
}

const ErrorCase kErrorCases[] = {
    // Structure and YAML.
    {"RejectsEmptyFile", "", {"test.yaml: config is empty"}},
    {"RejectsCommentOnlyFile", "# nothing\n", {"test.yaml: config is empty"}},
    {"RejectsYamlSyntaxError",
     "upstreams:\n  - name: [hub\n",
     {"test.yaml:3:1: invalid YAML: "}},
    {"RejectsScalarDocument",
     "hello\n",
     {"expected a mapping of config fields at the top level (got \"hello\")"}},
    {"RejectsSecondYamlDocument",
     absl::StrCat(kHub, "---\n", kHub),
     {"test.yaml:5:1: expected one YAML document, found 2"}},
    {"RejectsUnknownTopLevelField",
     absl::StrCat(kHub, "colour: blue\n"),
     {"test.yaml: colour: unknown field; expected one of server, metrics, "
      "upstreams, limits"}},
    {"RejectsUnknownNestedField",
     HubWith("    timeout: 5s\n"),
     {"upstreams[0].timeout: unknown field; expected one of name, url"}},
    {"SuggestsSnakeCaseForCamelCaseField",
     absl::StrCat(kHub, "server:\n  defaultDeadline: 5s\n"),
     {"server.defaultDeadline: unknown field; did you mean "
      "\"default_deadline\"?"}},
    // Found by config_fuzz (corpus: testdata/config/invalid_utf8_string):
    // nlohmann's dump threw on the bytes and the exception ended the process.
    {"RejectsAStringThatIsNotUtf8NamingTheField",
     "upstreams:\n  - name: \"hub\xe9\"\n    url: https://r.example\n",
     {"upstreams[0].name: is not valid UTF-8"}},
    // Found by config_fuzz (corpus:
    // testdata/config/stray_comma_loops_yaml_cpp):
    // yaml-cpp 0.7's LoadAll loops forever on it, adding a null document a
    // turn.
    {"RejectsAStrayCommaRatherThanLoopingForever",
     ",0b~~/\n",
     {"test.yaml: config is empty"}},
    {"RejectsRepeatedKey",
     absl::StrCat(kHub, "server:\n  io_threads: 2\n  io_threads: 3\n"),
     {"server.io_threads: set more than once"}},
    {"RejectsListWhereMappingBelongs",
     absl::StrCat(kHub, "server: [1, 2]\n"),
     {"server: expected a mapping (got a list)"}},
    {"RejectsMappingWhereListBelongs",
     "upstreams:\n  name: hub\n",
     {"upstreams: expected a list (got a mapping)"}},
    // Scalar types.
    {"RejectsWordForInteger",
     absl::StrCat(kHub, "server:\n  io_threads: many\n"),
     {"server.io_threads: expected an integer (got \"many\")"}},
    {"RejectsIntegerOverflow",
     absl::StrCat(kHub, "server:\n  io_threads: 3000000000\n"),
     {"server.io_threads: expected an integer that fits int32"}},
    {"RejectsQuotedBoolean",
     HubWith("    enabled: \"true\"\n"),
     {"upstreams[0].enabled: expected true or false (got \"true\")"}},
    {"RejectsUnknownEnumValue",
     HubWith("    library_rewrite: SOMETIMES\n"),
     {"upstreams[0].library_rewrite: expected one of "
      "LIBRARY_REWRITE_UNSPECIFIED, LIBRARY_REWRITE_ALWAYS, "
      "LIBRARY_REWRITE_NEVER (got \"SOMETIMES\")"}},
    {"RejectsUnparsableDuration",
     HubWith("    connect_timeout: 5 parsecs\n"),
     {"upstreams[0].connect_timeout: expected a duration such as \"2s\"",
      "(got \"5 parsecs\")"}},
    {"RejectsDurationWithoutUnit",
     absl::StrCat(kHub, "server:\n  shutdown_grace: 20\n"),
     {"server.shutdown_grace: expected a duration", "(got \"20\")"}},
    // Durations and ranges.
    {"RejectsNegativeDuration",
     absl::StrCat(kHub, "server:\n  default_deadline: -5s\n"),
     {"server.default_deadline: must be positive (got \"-5s\")"}},
    {"RejectsZeroDuration",
     HubWith("    request_timeout: 0s\n"),
     {"upstreams[0].request_timeout: must be positive (got \"0\")"}},
    {"RejectsConnectTimeoutOverFiveMinutes",
     HubWith("    connect_timeout: 10m\n"),
     {"upstreams[0].connect_timeout: must be at most 5m (got \"10m\")"}},
    {"RejectsTooManyIoThreads",
     absl::StrCat(kHub, "server:\n  io_threads: 65\n"),
     {"server.io_threads: must be between 1 and 64 (got 65)"}},
    {"RejectsNegativeIdleConnections",
     HubWith("    max_idle_connections: -1\n"),
     {"upstreams[0].max_idle_connections: must be between 1 and 1024 "
      "(got -1)"}},
    {"RejectsNegativeConnections",
     HubWith("    max_connections: -1\n"),
     {"upstreams[0].max_connections: must be between 1 and 4096 (got -1)"}},
    {"RejectsMoreIdleConnectionsThanConnections",
     HubWith("    max_connections: 4\n    max_idle_connections: 8\n"),
     {"upstreams[0].max_idle_connections: must not exceed max_connections "
      "(4): idle connections count against it"}},
    {"RejectsARelativeUnixSocket",
     absl::StrCat(kHub, "server:\n  listen_address: unix:grpc.sock\n"),
     {"server.listen_address: a Unix socket must be an absolute path"}},
    {"RejectsAPerPeerCapAboveTheGlobalOne",
     absl::StrCat(kHub,
                  "limits:\n  max_blob_streams: 8\n"
                  "  max_blob_streams_per_peer: 9\n"),
     {"limits.max_blob_streams_per_peer: must be between 1 and 8 (got 9)"}},
    {"RejectsALargestChunkBelowTheSmallest",
     absl::StrCat(kHub,
                  "limits:\n  blob_chunk_bytes: 524288\n"
                  "  blob_chunk_max_bytes: 262144\n"),
     {"limits.blob_chunk_max_bytes: must be between 524288 and 2097152 "
      "(got 262144)"}},
    {"RejectsALargestChunkPastTwoMiB",
     absl::StrCat(kHub, "limits:\n  blob_chunk_max_bytes: 4194304\n"),
     {"limits.blob_chunk_max_bytes: must be between 262144 and 2097152 "
      "(got 4194304)"}},
    {"RejectsANegativeChunkBudget",
     absl::StrCat(kHub, "limits:\n  blob_chunk_budget_bytes: -1\n"),
     {"limits.blob_chunk_budget_bytes: must be between 1048576 and "
      "68719476736 (got -1)"}},
    {"RejectsAZeroWriteStall",
     absl::StrCat(kHub, "limits:\n  blob_write_stall: 0s\n"),
     {"limits.blob_write_stall: must be positive (got \"0\")"}},
    {"RejectsTooManyConcurrentStreams",
     absl::StrCat(kHub, "server:\n  max_concurrent_streams: 100001\n"),
     {"server.max_concurrent_streams: must be between 1 and 100000 "
      "(got 100001)"}},
    {"RejectsTinyManifestLimit",
     absl::StrCat(kHub, "limits:\n  max_manifest_bytes: 100\n"),
     {"limits.max_manifest_bytes: must be between 1024 and 67108864 "
      "(got 100)"}},
    // Listen addresses.
    {"RejectsListenAddressWithoutPort",
     absl::StrCat(kHub, "server:\n  listen_address: 0.0.0.0\n"),
     {"server.listen_address: must be host:port"}},
    {"RejectsListenPortOutOfRange",
     absl::StrCat(kHub, "metrics:\n  listen_address: 0.0.0.0:70000\n"),
     {"metrics.listen_address: port must be a number from 0 to 65535 "
      "(got \"70000\")"}},
    {"RejectsUnbracketedIpv6ListenAddress",
     absl::StrCat(kHub, "server:\n  listen_address: \"::1:50051\"\n"),
     {"server.listen_address: an IPv6 host must be in brackets"}},
    {"RejectsMetricsOnTheServerAddress",
     absl::StrCat(kHub,
                  "server:\n  listen_address: 0.0.0.0:50051\n"
                  "metrics:\n  listen_address: 0.0.0.0:50051\n"),
     {"metrics.listen_address: must differ from server.listen_address"}},
    // The default server address "[::]:50051" takes IPv4 too.
    {"RejectsMetricsOnTheServerPortOfTheOtherFamily",
     absl::StrCat(kHub, "metrics:\n  listen_address: 0.0.0.0:50051\n"),
     {"metrics.listen_address: must differ from server.listen_address "
      "(\"0.0.0.0:50051\" and \"[::]:50051\" take the same port)"}},
    {"RejectsMetricsOnOneHostOfAWildcardServer",
     absl::StrCat(kHub, "metrics:\n  listen_address: 127.0.0.1:50051\n"),
     {"metrics.listen_address: must differ from server.listen_address"}},
    // Additional gRPC listen addresses (a frontend's Unix socket beside TCP).
    {"RejectsARelativeAdditionalUnixSocket",
     absl::StrCat(kHub,
                  "server:\n  additional_listen_addresses: [unix:grpc.sock]\n"),
     {"server.additional_listen_addresses[0]: a Unix socket must be an "
      "absolute path"}},
    {"RejectsAnAdditionalAddressOnTheServerPort",
     absl::StrCat(kHub,
                  "server:\n  additional_listen_addresses: "
                  "[\"0.0.0.0:50051\"]\n"),
     {"server.additional_listen_addresses[0]: must differ from "
      "server.listen_address (\"0.0.0.0:50051\" and \"[::]:50051\" take "
      "the same address)"}},
    {"RejectsTheServerUnixSocketSpelledAnotherWay",
     absl::StrCat(
         kHub,
         "server:\n  listen_address: unix:///run/t/grpc.sock\n"
         "  additional_listen_addresses: [\"unix:/run/t/grpc.sock\"]\n"),
     {"server.additional_listen_addresses[0]: must differ from "
      "server.listen_address"}},
    {"RejectsTheSameAdditionalAddressTwice",
     absl::StrCat(kHub,
                  "server:\n  additional_listen_addresses:\n"
                  "    - unix:///run/t/grpc.sock\n"
                  "    - unix:///run/t/grpc.sock\n"),
     {"server.additional_listen_addresses[1]: must differ from "
      "server.additional_listen_addresses[0]"}},
    {"RejectsMoreThanFourAdditionalAddresses",
     absl::StrCat(kHub,
                  "server:\n  additional_listen_addresses: [\"unix:///a\", "
                  "\"unix:///b\", \"unix:///c\", \"unix:///d\", "
                  "\"unix:///e\"]\n"),
     {"server.additional_listen_addresses: at most 4 (got 5)"}},
    {"RejectsMetricsOnAnAdditionalAddress",
     absl::StrCat(kHub,
                  "server:\n  additional_listen_addresses: "
                  "[\"127.0.0.1:9090\"]\n"),
     {"metrics.listen_address: must differ from "
      "server.additional_listen_addresses[0] (\"0.0.0.0:9090\" and "
      "\"127.0.0.1:9090\" take the same port)"}},
    // Upstreams.
    {"RejectsMissingUpstreams",
     "server:\n  io_threads: 4\n",
     {"test.yaml: upstreams: at least one upstream is required"}},
    {"RejectsEmptyUpstreamList",
     "upstreams: []\n",
     {"upstreams: at least one upstream is required"}},
    {"RejectsAllUpstreamsDisabled",
     HubWith("    enabled: false\n"),
     {"upstreams: every upstream is disabled"}},
    {"RejectsMissingUpstreamName",
     "upstreams:\n  - url: https://registry-1.docker.io\n",
     {"upstreams[0].name: required"}},
    {"RejectsUppercaseUpstreamName",
     "upstreams:\n  - name: Hub\n    url: https://registry-1.docker.io\n",
     {"upstreams[0].name: must match [a-z0-9][a-z0-9_.-]* (got \"Hub\")"}},
    {"RejectsOverlongUpstreamName",
     absl::StrCat("upstreams:\n  - name: ", std::string(64, 'a'),
                  "\n    url: https://registry-1.docker.io\n"),
     {"upstreams[0].name: must be at most 63 characters (got 64)"}},
    {"RejectsDuplicateUpstreamNames",
     absl::StrCat(kHub,
                  "  - name: quay\n    url: https://quay.io\n"
                  "  - name: hub\n    url: https://mirror.gcr.io\n"),
     {"test.yaml: upstreams[2].name: duplicate upstream name \"hub\" (also "
      "upstreams[0])"}},
    {"RejectsMissingUrl",
     "upstreams:\n  - name: hub\n",
     {"upstreams[0].url: required"}},
    {"RejectsUrlWithoutScheme",
     UpstreamUrl("registry-1.docker.io"),
     {"upstreams[0].url: must be an absolute URL such as "
      "\"https://registry-1.docker.io\" (got \"registry-1.docker.io\")"}},
    {"RejectsFtpScheme",
     absl::StrCat(kHub, "  - name: mirror\n    url: ftp://mirror.example\n"),
     {"test.yaml: upstreams[1].url: scheme must be http or https (got "
      "\"ftp\")"}},
    {"RejectsUrlWithoutHost",
     UpstreamUrl("https:///v2"),
     {"upstreams[0].url: must have a host"}},
    {"RejectsCredentialsInUrl",
     UpstreamUrl("https://bob:s3cret@registry.example"),
     {"upstreams[0].url: must not contain credentials"}},
    {"RejectsUrlPortOutOfRange",
     UpstreamUrl("https://registry.example:99999"),
     {"upstreams[0].url: port must be a number from 1 to 65535 "
      "(got \"99999\")"}},
    {"RejectsUrlWithPath",
     UpstreamUrl("https://ghcr.io/v2"),
     {"upstreams[0].url: must not have a path (got \"/v2\"); set api_prefix "
      "instead"}},
    {"RejectsUrlWithQuery",
     UpstreamUrl("https://ghcr.io/?x=1"),
     {"upstreams[0].url: must not have a query"}},
    {"RejectsUrlWithFragment",
     UpstreamUrl("https://ghcr.io/#top"),
     {"upstreams[0].url: must not have a fragment"}},
    {"RejectsApiPrefixWithoutLeadingSlash",
     HubWith("    api_prefix: v2\n"),
     {"upstreams[0].api_prefix: must start with '/' (got \"v2\")"}},
    {"RejectsApiPrefixWithTrailingSlash",
     HubWith("    api_prefix: /v2/\n"),
     {"upstreams[0].api_prefix: must not end with '/'"}},
    {"RejectsApiPrefixWithDotDot",
     HubWith("    api_prefix: /mirror/../v2\n"),
     {"upstreams[0].api_prefix: must not contain \"..\""}},
    // Resilience: timeouts, retries, circuit breaker, scope.
    {"RejectsZeroHeaderTimeout",
     HubWith("    header_timeout: 0s\n"),
     {"upstreams[0].header_timeout: must be positive (got \"0\")"}},
    {"RejectsZeroRetryAttempts",
     HubWith("    retry:\n      max_attempts: -1\n"),
     {"upstreams[0].retry.max_attempts: must be between 1 and 10 (got -1)"}},
    {"RejectsTooManyRetryAttempts",
     HubWith("    retry:\n      max_attempts: 11\n"),
     {"upstreams[0].retry.max_attempts: must be between 1 and 10 (got 11)"}},
    {"RejectsMaxBackoffBelowInitialBackoff",
     HubWith("    retry:\n      initial_backoff: 3s\n      max_backoff: 1s\n"),
     {"upstreams[0].retry.max_backoff: must be at least initial_backoff "
      "(3s)"}},
    {"RejectsBackoffOverFiveMinutes",
     HubWith(
         "    retry:\n      initial_backoff: 10m\n      max_backoff: 10m\n"),
     {"upstreams[0].retry.initial_backoff: must be at most 5m (got \"10m\")"}},
    {"RejectsNegativeRetryBudget",
     HubWith("    retry:\n      budget: -1s\n"),
     {"upstreams[0].retry.budget: must be positive (got \"-1s\")"}},
    {"RejectsZeroMaxRetryAfter",
     HubWith("    retry:\n      max_retry_after: 0s\n"),
     {"upstreams[0].retry.max_retry_after: must be positive"}},
    {"RejectsUnknownRetryField",
     HubWith("    retry:\n      attempts: 3\n"),
     {"upstreams[0].retry.attempts: unknown field; expected one of "
      "max_attempts"}},
    {"RejectsZeroBreakerThreshold",
     HubWith("    circuit_breaker:\n      failure_threshold: -2\n"),
     {"upstreams[0].circuit_breaker.failure_threshold: must be between 1 and "
      "1000 (got -2)"}},
    {"RejectsBreakerOpenForADay",
     HubWith("    circuit_breaker:\n      open_duration: 24h\n"),
     {"upstreams[0].circuit_breaker.open_duration: must be at most 1h"}},
    {"RejectsScopePatternWithUpperCase",
     HubWith("    scope:\n      include: [library/*, MyOrg/*]\n"),
     {"upstreams[0].scope.include[1]: pattern \"MyOrg/*\": character 'M' is "
      "not allowed"}},
    {"RejectsScopePatternWithGlobStarInsideAComponent",
     HubWith("    scope:\n      exclude: [\"my**\"]\n"),
     {"upstreams[0].scope.exclude[0]: pattern \"my**\": \"**\" must be a "
      "whole path component"}},
    {"RejectsEmptyScopePattern",
     HubWith("    scope:\n      include: [\"\"]\n"),
     {"upstreams[0].scope.include[0]: pattern is empty"}},
    // Credentials and TLS.
    {"RejectsAnInlinePassword",
     HubWith("    auth:\n      basic:\n        username: bob\n"
             "        password: hunter2\n"),
     {"upstreams[0].auth.basic.password: unknown field; expected one of "
      "username, username_file, username_env, password_file, password_env"}},
    {"RejectsAnInlineToken",
     HubWith("    auth:\n      bearer:\n        token: abc\n"),
     {"upstreams[0].auth.bearer.token: unknown field; expected one of "
      "token_file, token_env"}},
    {"RejectsBasicAuthWithoutAPassword",
     HubWith("    auth:\n      basic:\n        username: bob\n"),
     {"upstreams[0].auth.basic: the password needs one of password_file, "
      "password_env"}},
    {"RejectsBasicAuthWithoutAUserName",
     HubWith("    auth:\n      basic:\n        password_env: HUB_PASSWORD\n"),
     {"upstreams[0].auth.basic: the user name needs one of username, "
      "username_file, username_env"}},
    {"RejectsAPasswordFromTwoPlaces",
     HubWith("    auth:\n      basic:\n        username: bob\n"
             "        password_env: P\n        password_file: /p\n"),
     {"upstreams[0].auth.basic: the password is set more than once "
      "(password_file and password_env); keep one"}},
    {"RejectsAColonInTheUserName",
     HubWith("    auth:\n      basic:\n        username: \"bob:x\"\n"
             "        password_env: P\n"),
     {"upstreams[0].auth.basic.username: must not contain ':'"}},
    {"RejectsABadEnvironmentVariableName",
     HubWith("    auth:\n      bearer:\n        token_env: 1-TOKEN\n"),
     {"upstreams[0].auth.bearer.token_env: must be an environment variable "
      "name ([A-Za-z_][A-Za-z0-9_]*), got \"1-TOKEN\""}},
    {"RejectsBasicAndBearerTogether",
     HubWith("    auth:\n      basic:\n        username: bob\n"
             "        password_env: P\n      bearer:\n        token_env: T\n"),
     {"upstreams[0].auth.bearer: cannot be set together with \"basic\"; "
      "keep one"}},
    {"RejectsABearerBlockWithoutAToken",
     HubWith("    auth:\n      bearer: {}\n"),
     {"upstreams[0].auth.bearer: the token needs one of token_file, "
      "token_env"}},
    {"RejectsAClientCertificateWithoutItsKey",
     HubWith("    tls:\n      cert_file: /c.pem\n"),
     {"upstreams[0].tls: cert_file and key_file go together"}},
    {"RejectsTlsSettingsForAnHttpUpstream",
     absl::StrCat(kHub,
                  "  - name: mirror\n    url: http://mirror:5000\n"
                  "    tls:\n      ca_file: /ca.pem\n"),
     {"upstreams[1].tls: TLS settings need an https:// url"}},
    {"RejectsSkipVerifyWithACaFile",
     HubWith("    tls:\n      ca_file: /ca.pem\n"
             "      insecure_skip_verify: true\n"),
     {"upstreams[0].tls: insecure_skip_verify ignores ca_file"}},
    {"RejectsServerTlsWithoutAKey",
     absl::StrCat(kHub, "server:\n  tls:\n    cert_file: /s.pem\n"),
     {"server.tls: needs cert_file and key_file"}},
    {"RejectsServerClientCaWithoutACertificate",
     absl::StrCat(kHub, "server:\n  tls:\n    client_ca_file: /ca.pem\n"),
     {"server.tls: needs cert_file and key_file"}},
    // Source registries.
    {"RejectsAnIllFormedRegistryNamingItsIndex",
     HubWith("    registries: [docker.io, Quay.io]\n"),
     {"upstreams[0].registries[1]: registry \"Quay.io\": upper-case"}},
    {"RejectsARegistryWithAScheme",
     HubWith("    registries: [\"https://ghcr.io\"]\n"),
     {"upstreams[0].registries[0]: registry \"https://ghcr.io\""}},
    {"RejectsARegistryListedTwiceByOneUpstream",
     HubWith("    registries: [docker.io, ghcr.io, docker.io]\n"),
     {"upstreams[0].registries[2]: duplicate registry \"docker.io\" (also "
      "registries[0])"}},
    {"RejectsAnIllFormedDefaultRegistry",
     absl::StrCat(kHub, "default_registry: docker.io/library\n"),
     {"test.yaml: default_registry: registry \"docker.io/library\""}},
    {"RejectsADefaultRegistryNoUpstreamServes",
     absl::StrCat(HubWith("    registries: [docker.io]\n"),
                  "  - name: ghcr\n    url: https://ghcr.io\n"
                  "    registries: [ghcr.io]\n"
                  "default_registry: quay.io\n"),
     {"default_registry: \"quay.io\" is served by no upstream",
      "(docker.io, ghcr.io)"}},
    // Cache.
    {"RejectsAZeroCacheTtl",
     absl::StrCat(kHub, "cache:\n  manifest_ttl: 0s\n"),
     {"cache.manifest_ttl: must be positive (got \"0\")"}},
    {"RejectsATinyCacheMemory",
     absl::StrCat(kHub, "cache:\n  memory_bytes: 1000\n"),
     {"cache.memory_bytes: must be between 1048576 and"}},
    {"RejectsAnUnknownCacheField",
     absl::StrCat(kHub, "cache:\n  ttl: 5s\n"),
     {"cache", "ttl"}},
};

INSTANTIATE_TEST_SUITE_P(Config, ConfigErrorTest,
                         ::testing::ValuesIn(kErrorCases),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) {
                           return info.param.name;
                         });

TEST(ConfigErrorsTest, ReportsEveryBrokenRuleOnItsOwnLine) {
  const absl::StatusOr<v1::Config> config =
      ParseConfig(absl::StrCat(kHub,
                               "server:\n  io_threads: 100\n"
                               "limits:\n  max_tag_list_bytes: -1\n"),
                  kSource);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            "test.yaml: server.io_threads: must be between 1 and 64 (got 100)\n"
            "test.yaml: limits.max_tag_list_bytes: must be between 1024 and "
            "67108864 (got -1)");
}

TEST(ConfigErrorsTest, NeverEchoesCredentialsFromAUrl) {
  for (const char* url : {"https://bob:s3cret@registry.example/v2",
                          "bob:s3cret@registry.example"}) {
    const absl::StatusOr<v1::Config> config =
        ParseConfig(UpstreamUrl(url), kSource);
    ASSERT_FALSE(config.ok()) << url;
    EXPECT_THAT(std::string(config.status().message()),
                Not(HasSubstr("s3cret")));
  }
}

}  // namespace
}  // namespace tributary::config
