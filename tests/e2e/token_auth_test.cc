// End to end against docker-registry in its token auth mode: a real registry
// that verifies JWTs from a test token issuer, with Tributary's real server
// in-process answering the registry's Bearer challenges.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/e2e/registry_harness.h"
#include "tests/e2e/token_issuer.h"
#include "tests/support/server_fixture.h"
#include "tests/support/test_ca.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kUser[] = "puller";
constexpr char kPassword[] = "token-e2e-pass";

struct World {
  std::string work_dir;
  std::unique_ptr<RealRegistry> plain;  // images are pushed here
  std::optional<TestCa> ca;
  CertFiles signer;
  PushedImage image;
};
World* world = nullptr;

absl::Status StartWorld() {
  world = new World();
  auto dir = MakeTempDir(TestTempDir(), "token-auth");
  if (!dir.ok()) return dir.status();
  world->work_dir = *dir;
  auto plain = RealRegistry::Start(world->work_dir);
  if (!plain.ok()) return plain.status();
  world->plain = *std::move(plain);
  auto image = BuildAndPushImage(world->work_dir, world->plain->host_port(),
                                 "demo/app", "v1");
  if (!image.ok()) return image.status();
  world->image = *std::move(image);
  auto ca = TestCa::Create(world->work_dir, "Token CA");
  if (!ca.ok()) return ca.status();
  world->ca.emplace(*std::move(ca));
  auto signer = world->ca->Issue("token-signer", {"token-issuer.test"});
  if (!signer.ok()) return signer.status();
  world->signer = *signer;
  return absl::OkStatus();
}

class TokenAuthTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::Status started = StartWorld();
    ASSERT_TRUE(started.ok()) << started;
    setenv("TRIBUTARY_TOKEN_E2E_PASSWORD", kPassword, 1);
    setenv("TRIBUTARY_TOKEN_E2E_WRONG", "not-it", 1);
  }

  // A token issuer signing with `signer` (default: a key the test CA
  // certified) and a registry in token mode, trusting the test CA, serving the
  // pushed images.
  void StartRegistry(TokenIssuerOptions options,
                     const CertFiles* signer = nullptr) {
    ASSERT_NE(world, nullptr);
    auto issuer = TokenIssuer::Create(
        signer == nullptr ? world->signer : *signer, std::move(options));
    ASSERT_TRUE(issuer.ok()) << issuer.status();
    issuer_ = *std::move(issuer);
    auto registry = RealRegistry::Start(
        world->work_dir, {.storage_dir = world->plain->storage_dir(),
                          .token = {.realm = issuer_->realm(),
                                    .service = issuer_->options().service,
                                    .issuer = issuer_->options().issuer,
                                    .root_cert_file = world->ca->ca_file()}});
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = *std::move(registry);
  }

  void StartTributary(const std::string& upstream_yaml = "") {
    auto running = RunningServer::Start(
        TestConfigYaml({{"tokens", registry_->url(), upstream_yaml}}));
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
  }

  grpc::Status GetManifest(v1::GetManifestResponse* response) {
    v1::GetManifestRequest request;
    request.set_repository("demo/app");
    request.set_reference("v1");
    auto context = ContextWithTimeout(absl::Seconds(20));
    return server_->resolver().GetManifest(context.get(), request, response);
  }

  grpc::Status HeadBlob() {
    v1::HeadBlobRequest request;
    request.set_repository("demo/app");
    request.set_digest(world->image.layer_digests.at(0));
    v1::HeadBlobResponse response;
    auto context = ContextWithTimeout(absl::Seconds(20));
    return server_->resolver().HeadBlob(context.get(), request, &response);
  }

  std::unique_ptr<TokenIssuer> issuer_;
  std::unique_ptr<RealRegistry> registry_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(TokenAuthTest, AnonymousTokensFromTheIssuerServeTheImage) {
  StartRegistry({});
  StartTributary();
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.digest(), world->image.manifest_digest);
  const grpc::Status blob = HeadBlob();
  ASSERT_TRUE(blob.ok()) << blob.error_message();
  // One token for the repository's pull scope served both calls.
  EXPECT_EQ(issuer_->token_requests(), 1);
  EXPECT_THAT(issuer_->server().requests()[0].target,
              HasSubstr("scope=repository:demo/app:pull"));
}

TEST_F(TokenAuthTest, BasicCredentialsGetATokenFromAnIssuerThatChecksThem) {
  StartRegistry({.username = kUser, .password = kPassword});
  StartTributary(
      absl::StrCat("    auth:\n      basic:\n        username: ", kUser,
                   "\n        password_env: TRIBUTARY_TOKEN_E2E_PASSWORD\n"));
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.digest(), world->image.manifest_digest);
}

TEST_F(TokenAuthTest, WrongCredentialsAtTheIssuerArePermissionDenied) {
  StartRegistry({.username = kUser, .password = kPassword});
  StartTributary(
      absl::StrCat("    auth:\n      basic:\n        username: ", kUser,
                   "\n        password_env: TRIBUTARY_TOKEN_E2E_WRONG\n"));
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(
      status.error_message(),
      HasSubstr("tokens: PERMISSION_DENIED: token server " + issuer_->realm()));
  EXPECT_THAT(status.error_message(),
              HasSubstr("the Basic credentials were refused"));
}

TEST_F(TokenAuthTest, AnIssuerTheRegistryDoesNotTrustGivesPermissionDenied) {
  // Tokens signed by a key from a CA the registry does not know.
  auto other_ca = TestCa::Create(world->work_dir, "Other CA");
  ASSERT_TRUE(other_ca.ok());
  auto other_signer = other_ca->Issue("other-signer", {"other.test"});
  ASSERT_TRUE(other_signer.ok());
  StartRegistry({}, &*other_signer);
  StartTributary();
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("credentials refused"));
  EXPECT_EQ(issuer_->token_requests(), 1);
}

}  // namespace
}  // namespace tributary::testing
