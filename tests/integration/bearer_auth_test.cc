// The Bearer challenge flow through the real server, in-process, against a
// fake Docker-Hub-like registry and token server on loopback.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "service/util/fake_clock.h"
#include "tests/integration/fake_docker_hub.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/files.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}})";

// Library rewrite on: the fake registry stands in for Docker Hub, whose host
// the rewrite is otherwise decided by.
constexpr char kDockerHubLike[] =
    "    library_rewrite: LIBRARY_REWRITE_ALWAYS\n";

class BearerAuthTest : public ::testing::Test {
 protected:
  void Start(const std::string& upstream_yaml = kDockerHubLike) {
    StartWith({{"hub", hub_->registry_url(), upstream_yaml}});
  }
  void StartWith(const std::vector<TestUpstream>& upstreams,
                 const std::string& extra_yaml = "") {
    auto running =
        RunningServer::Start(TestConfigYaml(upstreams, extra_yaml), clock_);
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
  }

  grpc::Status GetManifest(const std::string& repository,
                           const std::string& reference,
                           v1::GetManifestResponse* response = nullptr,
                           v1::CacheMode mode = v1::CACHE_MODE_UNSPECIFIED) {
    v1::GetManifestResponse ignored;
    v1::GetManifestRequest request;
    request.set_repository(repository);
    request.set_reference(reference);
    request.set_cache_mode(mode);
    auto context = ContextWithTimeout(absl::Seconds(10));
    return server_->resolver().GetManifest(
        context.get(), request, response == nullptr ? &ignored : response);
  }

  std::string Path(const std::string& tag) const {
    return "/v2/library/alpine/manifests/" + tag;
  }

  // Token refresh times are read from it; outlives the server.
  util::FakeClock clock_;
  std::unique_ptr<FakeDockerHub> hub_ = std::make_unique<FakeDockerHub>();
  std::unique_ptr<RunningServer> server_;
};

TEST_F(BearerAuthTest, AnAnonymousTokenLetsAPublicManifestThrough) {
  hub_->AddManifest("library/alpine", "3.20", kManifest);
  Start();
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest("alpine", "3.20", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.content(), kManifest);
  EXPECT_EQ(hub_->tokens_issued(), 1);

  const auto requests = hub_->registry().requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Header("Authorization"), "");
  EXPECT_EQ(requests[1].Header("Authorization"), "Bearer fake-token-1");
  const auto token_requests = hub_->token_server().requests();
  ASSERT_EQ(token_requests.size(), 1u);
  EXPECT_EQ(token_requests[0].Header("Authorization"), "");
  EXPECT_THAT(token_requests[0].target, HasSubstr("service=registry.fake"));
  EXPECT_THAT(token_requests[0].target,
              HasSubstr("scope=repository:library/alpine:pull"));
}

TEST_F(BearerAuthTest, ATokenIsReusedUntilShortlyBeforeItExpires) {
  hub_ = std::make_unique<FakeDockerHub>(
      FakeDockerHubOptions{.token_lifetime = absl::Seconds(2)});
  for (const char* tag : {"a", "b", "c", "d"}) {
    hub_->AddManifest("library/alpine", tag, kManifest);
  }
  Start();
  ASSERT_TRUE(GetManifest("alpine", "a").ok());
  ASSERT_TRUE(GetManifest("alpine", "b").ok());
  ASSERT_TRUE(GetManifest("alpine", "c").ok());
  EXPECT_EQ(hub_->tokens_issued(), 1);
  // The cached token went along from the start: no second 401.
  EXPECT_EQ(hub_->registry().request_count("GET", Path("b")), 1);
  EXPECT_EQ(hub_->registry().request_count("GET", Path("c")), 1);

  // Refreshed a quarter of its lifetime early (1.5 s into 2 s).
  clock_.Advance(absl::Milliseconds(1600));
  ASSERT_TRUE(GetManifest("alpine", "d").ok());
  EXPECT_EQ(hub_->tokens_issued(), 2);
}

TEST_F(BearerAuthTest, FiftyConcurrentColdRequestsShareOneTokenFetch) {
  hub_ = std::make_unique<FakeDockerHub>(
      FakeDockerHubOptions{.hold_tokens = true});
  for (int i = 0; i < 50; ++i) {
    hub_->AddManifest("library/alpine", absl::StrCat("t", i), kManifest);
  }
  Start();
  std::vector<grpc::Status> statuses(50);
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([this, i, &statuses] {
      statuses[i] = GetManifest("alpine", absl::StrCat("t", i));
    });
  }
  // Every caller has had its 401, and so wants the token, before the one
  // token fetch is answered.
  EXPECT_TRUE(hub_->registry().WaitForRequests(50));
  hub_->token_server().Release();
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (const grpc::Status& status : statuses) {
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(hub_->tokens_issued(), 1);
  EXPECT_EQ(hub_->token_server().requests().size(), 1u);
}

TEST_F(BearerAuthTest, TokenFetchesAreCountedByOutcomeButCachedTokensAreNot) {
  hub_->AddManifest("library/alpine", "3.20", kManifest);
  StartWith({{"hub", hub_->registry_url(), kDockerHubLike}},
            "metrics:\n  listen_address: \"127.0.0.1:0\"\n");
  ASSERT_TRUE(GetManifest("alpine", "3.20").ok());
  ASSERT_TRUE(GetManifest("alpine", "3.20", nullptr, v1::CACHE_MODE_REFRESH)
                  .ok());  // the cached token again
  absl::StatusOr<std::string> metrics = server_->ScrapeMetrics();
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_THAT(*metrics,
              HasSubstr("tributary_upstream_token_fetches_total{outcome=\"ok\","
                        "upstream=\"hub\"} 1"));
}

TEST_F(BearerAuthTest, ARevokedTokenIsDroppedAndFetchedOnceMore) {
  hub_->AddManifest("library/alpine", "a", kManifest);
  hub_->AddManifest("library/alpine", "b", kManifest);
  Start();
  ASSERT_TRUE(GetManifest("alpine", "a").ok());
  hub_->RevokeTokens();

  const grpc::Status status = GetManifest("alpine", "b");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(hub_->tokens_issued(), 2);
  const auto requests = hub_->registry().requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[2].Header("Authorization"), "Bearer fake-token-1");
  EXPECT_EQ(requests[3].Header("Authorization"), "Bearer fake-token-2");
}

TEST_F(BearerAuthTest, ATokenTheRegistryKeepsRefusingIsPermissionDenied) {
  // Tokens for another repository: the registry says insufficient_scope.
  hub_->registry().Handle("GET", Path("x"), [this](const RecordedRequest&) {
    FakeResponse denied;
    denied.status = 401;
    denied.headers = {
        {"WWW-Authenticate",
         absl::StrCat("Bearer realm=\"", hub_->realm(),
                      "\",service=\"registry.fake\",scope=\"repository:"
                      "library/alpine:pull\",error=\"insufficient_scope\"")}};
    return denied;
  });
  Start();
  const grpc::Status status = GetManifest("alpine", "x");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("hub"));
  EXPECT_THAT(status.error_message(), HasSubstr("credentials refused"));
  EXPECT_EQ(hub_->registry().request_count("GET", Path("x")), 2);
}

TEST_F(BearerAuthTest, ATokenServerThatIsDownIsUnavailableAndNamed) {
  std::string realm;
  {
    FakeUpstream gone;
    realm = gone.url() + "/token";
  }
  hub_ = std::make_unique<FakeDockerHub>(FakeDockerHubOptions{.realm = realm});
  hub_->AddManifest("library/alpine", "3.20", kManifest);
  Start();
  const grpc::Status status = GetManifest("alpine", "3.20");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("hub"));
  EXPECT_THAT(status.error_message(), HasSubstr("token server " + realm));
}

TEST_F(BearerAuthTest, BasicCredentialsFromAFileGetATokenAtTheTokenServer) {
  hub_ = std::make_unique<FakeDockerHub>(
      FakeDockerHubOptions{.username = "bob", .password = "right-password"});
  hub_->AddManifest("library/alpine", "3.20", kManifest);
  const std::string password = TestTempDir() + "/hub-password";
  ASSERT_TRUE(WriteFile(password, "right-password\n").ok());
  Start(absl::StrCat(kDockerHubLike,
                     "    auth:\n      basic:\n        username: bob\n"
                     "        password_file: ",
                     password, "\n"));
  const grpc::Status status = GetManifest("alpine", "3.20");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(hub_->token_server().requests()[0].Header("Authorization"),
              StartsWith("Basic "));
  // The registry itself never sees the password, only the token.
  for (const RecordedRequest& request : hub_->registry().requests()) {
    EXPECT_THAT(request.Header("Authorization"),
                ::testing::Not(StartsWith("Basic")));
  }
}

TEST_F(BearerAuthTest,
       WrongCredentialsArePermissionDeniedAndTheNextUpstreamIsAsked) {
  hub_ = std::make_unique<FakeDockerHub>(
      FakeDockerHubOptions{.username = "bob", .password = "right-password"});
  const std::string digest =
      hub_->AddManifest("library/alpine", "3.20", kManifest);
  setenv("TRIBUTARY_TEST_HUB_PASSWORD", "wrong-password", 1);
  const std::string auth =
      "    auth:\n      basic:\n        username: bob\n"
      "        password_env: TRIBUTARY_TEST_HUB_PASSWORD\n";
  StartWith(
      {{"hub", hub_->registry_url(), absl::StrCat(kDockerHubLike, auth)}});
  grpc::Status status = GetManifest("alpine", "3.20");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("hub"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("the Basic credentials were refused"));

  FakeUpstream mirror;
  mirror.RouteManifest(Path("3.20"),
                       "application/vnd.oci.image.manifest.v1+json", kManifest,
                       digest);
  StartWith({{"hub", hub_->registry_url(), absl::StrCat(kDockerHubLike, auth)},
             {"mirror", mirror.url(), kDockerHubLike}});
  v1::GetManifestResponse response;
  status = GetManifest("alpine", "3.20", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.upstream().name(), "mirror");
}

TEST_F(BearerAuthTest,
       TheShippedDefaultConfigWorksAgainstADockerHubLikeServer) {
  hub_->AddManifest("library/alpine", "3.20", kManifest);
  std::ifstream file("deploy/config/tributary.yaml");
  std::stringstream shipped;
  shipped << file.rdbuf();
  ASSERT_THAT(shipped.str(), HasSubstr("url: https://registry-1.docker.io"));
  ASSERT_THAT(shipped.str(), HasSubstr("listen_address: \"[::]:50051\""));
  // The same config, pointed at loopback: the URL, the listen addresses, and
  // the library/ rewrite that Docker Hub's host name would have switched on;
  // no disk store outside the test's own directories.
  const std::string yaml = absl::StrReplaceAll(
      shipped.str(),
      {{"url: https://registry-1.docker.io", "url: " + hub_->registry_url()},
       {"\"[::]:50051\"", "\"127.0.0.1:0\""},
       {"blob_directory: /var/cache/tributary", "blob_directory: \"\""},
       {"disabled: false", "disabled: true"},
       {"LIBRARY_REWRITE_UNSPECIFIED", "LIBRARY_REWRITE_ALWAYS"}});
  auto running = RunningServer::Start(yaml);
  ASSERT_TRUE(running.ok()) << running.status();
  server_ = *std::move(running);

  const grpc::Status status = GetManifest("alpine", "3.20");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(hub_->tokens_issued(), 1);
}

}  // namespace
}  // namespace tributary::testing
