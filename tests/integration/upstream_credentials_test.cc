// Basic and static bearer credentials through the real server, in-process:
// which requests carry them, that they never follow a redirect to another
// origin, and that no secret or token reaches logs, metrics, errors or
// ListUpstreams.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "service/oci/digest.h"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"
#include "tests/integration/fake_docker_hub.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/files.h"
#include "tests/support/loopback_http.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}})";
constexpr char kManifestType[] = "application/vnd.oci.image.manifest.v1+json";
constexpr char kPath[] = "/v2/demo/app/manifests/v1";
constexpr char kPassword[] = "pw-SECRET-1234";
constexpr char kToken[] = "tok-SECRET-5678";

std::string Digest(const std::string& bytes) {
  return oci::ComputeDigest(oci::DigestAlgorithm::kSha256, bytes).str();
}

// A registry that wants Basic credentials bob:kPassword.
FakeResponse BasicProtected(const RecordedRequest& request) {
  if (request.Header("Authorization") !=
      "Basic " + absl::Base64Escape(absl::StrCat("bob:", kPassword))) {
    FakeResponse denied;
    denied.status = 401;
    denied.headers = {{"WWW-Authenticate", "Basic realm=\"Registry Realm\""}};
    return denied;
  }
  FakeResponse ok;
  ok.headers = {{"Content-Type", kManifestType},
                {"Docker-Content-Digest", Digest(kManifest)}};
  ok.body = kManifest;
  return ok;
}

std::string BasicAuthYaml(const std::string& password_env) {
  return absl::StrCat(
      "    auth:\n      basic:\n        username: bob\n        password_env: ",
      password_env, "\n");
}

class UpstreamCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TRIBUTARY_TEST_RIGHT_PASSWORD", kPassword, 1);
    setenv("TRIBUTARY_TEST_WRONG_PASSWORD", "wrong", 1);
    const std::string token_file = TestTempDir() + "/static-token";
    ASSERT_TRUE(WriteFile(token_file, absl::StrCat(kToken, "\n")).ok());
    bearer_yaml_ = absl::StrCat(
        "    auth:\n      bearer:\n        token_file: ", token_file, "\n");
  }

  void Start(const std::vector<TestUpstream>& upstreams,
             const std::string& extra_yaml = "") {
    auto running = RunningServer::Start(TestConfigYaml(upstreams, extra_yaml));
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
  }

  grpc::Status GetManifest(v1::GetManifestResponse* response = nullptr) {
    v1::GetManifestResponse ignored;
    v1::GetManifestRequest request;
    request.set_repository("demo/app");
    request.set_reference("v1");
    auto context = ContextWithTimeout(absl::Seconds(10));
    return server_->resolver().GetManifest(
        context.get(), request, response == nullptr ? &ignored : response);
  }

  FakeUpstream registry_;
  std::string bearer_yaml_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(UpstreamCredentialsTest,
       ABasicChallengeIsAnsweredOnceThenCredentialsGoAlong) {
  registry_.Handle("GET", kPath, BasicProtected);
  registry_.Handle("GET", "/v2/demo/app/manifests/v2", BasicProtected);
  Start({{"private", registry_.url(),
          BasicAuthYaml("TRIBUTARY_TEST_RIGHT_PASSWORD")}});
  ASSERT_TRUE(GetManifest().ok());
  const auto requests = registry_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Header("Authorization"), "");
  EXPECT_THAT(requests[1].Header("Authorization"), HasSubstr("Basic "));

  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("v2");
  v1::GetManifestResponse response;
  auto context = ContextWithTimeout(absl::Seconds(10));
  ASSERT_TRUE(
      server_->resolver().GetManifest(context.get(), request, &response).ok());
  // The upstream asked for Basic once; now the credentials go at once.
  EXPECT_EQ(registry_.request_count("GET", "/v2/demo/app/manifests/v2"), 1);
  EXPECT_THAT(registry_.requests().back().Header("Authorization"),
              HasSubstr("Basic "));
}

TEST_F(UpstreamCredentialsTest,
       WrongBasicCredentialsArePermissionDeniedNamingTheUpstream) {
  registry_.Handle("GET", kPath, BasicProtected);
  Start({{"private", registry_.url(),
          BasicAuthYaml("TRIBUTARY_TEST_WRONG_PASSWORD")}});
  const grpc::Status status = GetManifest();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("private: PERMISSION_DENIED: HTTP 401"));
  EXPECT_THAT(status.error_message(), HasSubstr("(credentials refused)"));
}

TEST_F(UpstreamCredentialsTest,
       AnAnonymousUpstreamAskedForBasicSaysNoneAreConfigured) {
  registry_.Handle("GET", kPath, BasicProtected);
  Start({{"private", registry_.url()}});
  const grpc::Status status = GetManifest();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("asks for Basic credentials; none are configured"));
  EXPECT_EQ(registry_.request_count("GET", kPath), 1);
}

TEST_F(UpstreamCredentialsTest, AStaticBearerTokenGoesWithEveryRequest) {
  registry_.RouteManifest(kPath, kManifestType, kManifest, Digest(kManifest));
  Start({{"private", registry_.url(), bearer_yaml_}});
  ASSERT_TRUE(GetManifest().ok());
  ASSERT_EQ(registry_.requests().size(), 1u);
  EXPECT_EQ(registry_.requests()[0].Header("Authorization"),
            absl::StrCat("Bearer ", kToken));
}

TEST_F(UpstreamCredentialsTest, ARefusedStaticTokenIsPermissionDenied) {
  registry_.Route("GET", kPath, {.status = 401});
  Start({{"private", registry_.url(), bearer_yaml_}});
  const grpc::Status status = GetManifest();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("the configured bearer token was refused"));
}

TEST_F(UpstreamCredentialsTest, TokensNeverFollowABlobRedirectToAnotherOrigin) {
  FakeDockerHub hub;
  FakeUpstream storage;  // object storage: another origin
  const std::string digest = Digest("layer");
  storage.Route("HEAD", "/blobs/layer?signature=abc",
                {.headers = {{"Content-Length", "5"}}});
  hub.AddBlobRedirect("demo/app", digest,
                      storage.url() + "/blobs/layer?signature=abc");
  Start({{"hub", hub.registry_url()}});

  v1::HeadBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(digest);
  v1::HeadBlobResponse response;
  auto context = ContextWithTimeout(absl::Seconds(10));
  const grpc::Status status =
      server_->resolver().HeadBlob(context.get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.size(), 5);
  EXPECT_EQ(hub.registry().requests().back().Header("Authorization"),
            "Bearer fake-token-1");
  ASSERT_EQ(storage.requests().size(), 1u);
  EXPECT_EQ(storage.requests()[0].Header("Authorization"), "");
}

TEST_F(UpstreamCredentialsTest,
       NoSecretReachesLogsMetricsErrorsOrListUpstreams) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  FakeDockerHub hub(
      FakeDockerHubOptions{.username = "bob", .password = kPassword});
  hub.AddManifest("demo/app", "v1", kManifest);
  FakeUpstream refusing;
  refusing.Route("GET", kPath, {.status = 401});
  registry_.Handle("GET", kPath, BasicProtected);
  // Refused Basic, refused static token, then a token flow that works.
  Start({{"basic", registry_.url(),
          BasicAuthYaml("TRIBUTARY_TEST_WRONG_PASSWORD")},
         {"static", refusing.url(), bearer_yaml_},
         {"hub", hub.registry_url(),
          BasicAuthYaml("TRIBUTARY_TEST_RIGHT_PASSWORD")}},
        "metrics:\n  listen_address: \"127.0.0.1:0\"\n");
  v1::GetManifestResponse manifest;
  const grpc::Status ok = GetManifest(&manifest);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(manifest.upstream().name(), "hub");
  // Everything fails: errors of all three upstreams.
  hub.RevokeTokens();
  registry_.Handle("GET", "/v2/demo/app/manifests/v2", BasicProtected);
  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("v2");
  auto context = ContextWithTimeout(absl::Seconds(10));
  const grpc::Status failed =
      server_->resolver().GetManifest(context.get(), request, &manifest);
  ASSERT_FALSE(failed.ok());

  v1::ListUpstreamsResponse upstreams;
  auto admin_context = ContextWithTimeout(absl::Seconds(5));
  ASSERT_TRUE(
      server_->admin().ListUpstreams(admin_context.get(), {}, &upstreams).ok());
  auto metrics = SendHttpRequest(
      absl::StrCat("127.0.0.1:", server_->server().metrics_port()),
      {.path = "/metrics"}, absl::Seconds(5));
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  server_.reset();
  spdlog::set_default_logger(previous);

  std::vector<std::string> secrets = {
      kPassword, kToken, absl::Base64Escape(absl::StrCat("bob:", kPassword)),
      absl::Base64Escape("bob:wrong"), "fake-token-"};
  const std::vector<std::pair<std::string, std::string>> places = {
      {"log", log.str()},
      {"error", failed.error_message()},
      {"ListUpstreams", upstreams.DebugString()},
      {"metrics", metrics->body}};
  for (const auto& [place, text] : places) {
    for (const std::string& secret : secrets) {
      EXPECT_THAT(text, Not(HasSubstr(secret))) << place;
    }
  }
  // The failures were logged and reported, just without secrets.
  EXPECT_THAT(failed.error_message(), HasSubstr("credentials"));
  EXPECT_THAT(log.str(), HasSubstr("PERMISSION_DENIED"));
}

TEST_F(UpstreamCredentialsTest,
       AMissingSecretFileStopsTheStartNamingFieldAndFile) {
  auto running = RunningServer::Start(
      TestConfigYaml({{"private", registry_.url(),
                       "    auth:\n      basic:\n        username: bob\n"
                       "        password_file: /nonexistent/password\n"}}));
  ASSERT_FALSE(running.ok());
  EXPECT_THAT(running.status().message(),
              HasSubstr("upstreams[0].auth.basic.password_file: cannot read "
                        "/nonexistent/password"));
}

TEST_F(UpstreamCredentialsTest, SkippingTlsVerificationIsWarnedAboutAtStart) {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  Start({{"lab", "https://registry.lab.example",
          "    tls:\n      insecure_skip_verify: true\n"}});
  server_.reset();
  spdlog::set_default_logger(previous);
  EXPECT_THAT(log.str(), HasSubstr("[warning] upstream=lab "
                                   "tls.insecure_skip_verify is on"));
}

TEST_F(UpstreamCredentialsTest, AMissingCaFileStopsTheStartNamingFieldAndFile) {
  auto running = RunningServer::Start(
      TestConfigYaml({{"private", "https://registry.example",
                       "    tls:\n      ca_file: /nonexistent/ca.pem\n"}}));
  ASSERT_FALSE(running.ok());
  EXPECT_EQ(running.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(running.status().message(),
              HasSubstr("upstreams[0].tls: CA file /nonexistent/ca.pem: "
                        "cannot read"));
}

}  // namespace
}  // namespace tributary::testing
