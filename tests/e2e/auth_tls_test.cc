// End to end against real registries (docker-registry) guarded by htpasswd
// Basic auth and by TLS (certificates from a test CA made with openssl at test
// time), with Tributary's real server in-process: the credentials and TLS
// settings of an upstream, and what fails without them.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/e2e/registry_harness.h"
#include "tests/support/server_fixture.h"
#include "tests/support/test_ca.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kUser[] = "puller";
constexpr char kPassword[] = "e2e-Pa55word";

// Registries and images shared by every test: starting them is the slow part.
struct World {
  std::string work_dir;
  std::unique_ptr<RealRegistry> plain;     // images are pushed here
  std::unique_ptr<RealRegistry> htpasswd;  // the same storage, Basic auth
  std::unique_ptr<RealRegistry> tls;       // the same storage, HTTPS
  std::unique_ptr<RealRegistry> mutual;    // HTTPS wanting client certs
  std::optional<TestCa> ca;
  CertFiles client;
  PushedImage image;
};
World* world = nullptr;

absl::Status StartWorld() {
  world = new World();
  auto dir = MakeTempDir(TestTempDir(), "auth-tls");
  if (!dir.ok()) return dir.status();
  world->work_dir = *dir;
  auto plain = RealRegistry::Start(world->work_dir);
  if (!plain.ok()) return plain.status();
  world->plain = *std::move(plain);
  auto image = BuildAndPushImage(world->work_dir, world->plain->host_port(),
                                 "demo/app", "v1");
  if (!image.ok()) return image.status();
  world->image = *std::move(image);

  auto htpasswd = MakeHtpasswd(world->work_dir, kUser, kPassword);
  if (!htpasswd.ok()) return htpasswd.status();
  auto guarded = RealRegistry::Start(
      world->work_dir,
      {.storage_dir = world->plain->storage_dir(), .htpasswd_file = *htpasswd});
  if (!guarded.ok()) return guarded.status();
  world->htpasswd = *std::move(guarded);

  auto ca = TestCa::Create(world->work_dir, "Tributary E2E CA");
  if (!ca.ok()) return ca.status();
  world->ca.emplace(*std::move(ca));
  // Issued to the IP address only: https://localhost:PORT is another name.
  auto server_cert = world->ca->Issue("registry", {"127.0.0.1"});
  if (!server_cert.ok()) return server_cert.status();
  auto client_cert = world->ca->Issue("tributary", {"tributary.test"});
  if (!client_cert.ok()) return client_cert.status();
  world->client = *client_cert;
  auto tls = RealRegistry::Start(
      world->work_dir,
      {.storage_dir = world->plain->storage_dir(), .tls = *server_cert});
  if (!tls.ok()) return tls.status();
  world->tls = *std::move(tls);
  auto mutual = RealRegistry::Start(world->work_dir,
                                    {.storage_dir = world->plain->storage_dir(),
                                     .tls = *server_cert,
                                     .client_ca_file = world->ca->ca_file()});
  if (!mutual.ok()) return mutual.status();
  world->mutual = *std::move(mutual);
  return absl::OkStatus();
}

std::string BasicAuth(const std::string& password_env) {
  return absl::StrCat("    auth:\n      basic:\n        username: ", kUser,
                      "\n        password_env: ", password_env, "\n");
}

class AuthTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::Status started = StartWorld();
    ASSERT_TRUE(started.ok()) << started;
    setenv("TRIBUTARY_E2E_PASSWORD", kPassword, 1);
    setenv("TRIBUTARY_E2E_WRONG_PASSWORD", "not-the-password", 1);
  }

  void SetUp() override { ASSERT_NE(world, nullptr); }

  void Start(const std::vector<TestUpstream>& upstreams) {
    auto running = RunningServer::Start(TestConfigYaml(upstreams));
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

  // Pulls the image's layer through GetBlob; returns its digest as received.
  absl::StatusOr<std::string> PullLayer() {
    v1::GetBlobRequest request;
    request.set_repository("demo/app");
    request.set_digest(world->image.layer_digests.at(0));
    auto context = ContextWithTimeout(absl::Seconds(20));
    auto reader = server_->resolver().GetBlob(context.get(), request);
    std::string bytes;
    v1::GetBlobResponse message;
    while (reader->Read(&message)) {
      bytes += message.chunk();
    }
    const grpc::Status status = reader->Finish();
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return Sha256Digest(bytes);
  }

  std::unique_ptr<RunningServer> server_;
};

TEST_F(AuthTlsTest, TheRightHtpasswdCredentialsServeManifestAndBlob) {
  Start({{"guarded", world->htpasswd->url(),
          BasicAuth("TRIBUTARY_E2E_PASSWORD")}});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.digest(), world->image.manifest_digest);
  EXPECT_EQ(response.upstream().name(), "guarded");
  EXPECT_EQ(PullLayer().value_or(""), world->image.layer_digests[0]);
}

TEST_F(AuthTlsTest,
       WrongHtpasswdCredentialsArePermissionDeniedNamingTheUpstream) {
  Start({{"guarded", world->htpasswd->url(),
          BasicAuth("TRIBUTARY_E2E_WRONG_PASSWORD")}});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("guarded: PERMISSION_DENIED: HTTP 401 UNAUTHORIZED"));
  EXPECT_THAT(status.error_message(), ::testing::Not(HasSubstr(kPassword)));
}

TEST_F(AuthTlsTest, AfterWrongHtpasswdCredentialsTheNextUpstreamIsAsked) {
  Start({{"guarded", world->htpasswd->url(),
          BasicAuth("TRIBUTARY_E2E_WRONG_PASSWORD")},
         {"plain", world->plain->url()}});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.upstream().name(), "plain");
}

TEST_F(AuthTlsTest, AnHtpasswdRegistryWithoutCredentialsIsPermissionDenied) {
  Start({{"guarded", world->htpasswd->url()}});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("asks for Basic credentials; none are configured"));
}

TEST_F(AuthTlsTest, HttpsWithTheTestCaConfiguredWorks) {
  Start({{"tls", world->tls->url(),
          absl::StrCat("    tls:\n      ca_file: ", world->ca->ca_file(),
                       "\n")}});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.digest(), world->image.manifest_digest);
  EXPECT_EQ(PullLayer().value_or(""), world->image.layer_digests[0]);
}

TEST_F(AuthTlsTest, HttpsWithoutTheCaIsUnavailableAndSaysTls) {
  Start({{"tls", world->tls->url()}});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("tls: UNAVAILABLE: TLS"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("unable to get local issuer certificate"));
  // A refused certificate is refused again: not retried.
  EXPECT_THAT(status.error_message(), Not(HasSubstr("attempts")));
}

TEST_F(AuthTlsTest, ACertificateForAnotherHostNameIsRefused) {
  Start({{"tls", absl::StrCat("https://localhost:", world->tls->port()),
          absl::StrCat("    tls:\n      ca_file: ", world->ca->ca_file(),
                       "\n")}});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("TLS"));
  EXPECT_THAT(status.error_message(), HasSubstr("hostname mismatch"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("attempts")));
}

TEST_F(AuthTlsTest, SkipVerifyAcceptsAnUntrustedCertificate) {
  Start({{"tls", world->tls->url(),
          "    tls:\n      insecure_skip_verify: true\n"}});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.digest(), world->image.manifest_digest);
}

TEST_F(AuthTlsTest, MutualTlsWorksWithTheClientCertificate) {
  Start({{"mutual", world->mutual->url(),
          absl::StrCat("    tls:\n      ca_file: ", world->ca->ca_file(),
                       "\n      cert_file: ", world->client.cert_file,
                       "\n      key_file: ", world->client.key_file, "\n")}});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(PullLayer().value_or(""), world->image.layer_digests[0]);
}

TEST_F(AuthTlsTest, MutualTlsWithoutAClientCertificateIsUnavailable) {
  Start({{"mutual", world->mutual->url(),
          absl::StrCat("    tls:\n      ca_file: ", world->ca->ca_file(),
                       "\n")}});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest(&response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("mutual: UNAVAILABLE"));
}

}  // namespace
}  // namespace tributary::testing
