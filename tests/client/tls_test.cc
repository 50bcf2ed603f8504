// tributaryctl and the library over TLS and mutual TLS, against the stub
// server with certificates made at test time.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "client/cli/tributaryctl.h"
#include "client/client.h"
#include "client/testing/stub_server.h"
#include "grpcpp/security/server_credentials.h"
#include "tests/client/test_certs.h"
#include "tests/support/files.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kServerName[] = "tributary.test";

struct CtlResult {
  int code;
  std::string out;
  std::string err;
};

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = MakeTempDir(TestTempDir(), "tls");
    ASSERT_TRUE(dir.ok());
    dir_ = *dir;
    auto server_cert = MakeSelfSignedCert(kServerName);
    auto client_cert = MakeSelfSignedCert("client.test");
    ASSERT_TRUE(server_cert.ok()) << server_cert.status();
    ASSERT_TRUE(client_cert.ok()) << client_cert.status();
    server_cert_ = *server_cert;
    client_cert_ = *client_cert;
    ASSERT_TRUE(WriteFile(Path("ca.pem"), server_cert_.cert_pem).ok());
    ASSERT_TRUE(WriteFile(Path("client.pem"), client_cert_.cert_pem).ok());
    ASSERT_TRUE(WriteFile(Path("client.key"), client_cert_.key_pem).ok());
  }

  // Starts the stub server with TLS; with `require_client_cert`, it demands
  // and verifies a client certificate signed by client_cert_.
  void StartServer(bool require_client_cert) {
    grpc::SslServerCredentialsOptions ssl(
        require_client_cert
            ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
            : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    ssl.pem_key_cert_pairs.push_back(
        {server_cert_.key_pem, server_cert_.cert_pem});
    if (require_client_cert) {
      ssl.pem_root_certs = client_cert_.cert_pem;
    }
    auto stub = client::StubServer::Start(
        {.credentials = grpc::SslServerCredentials(ssl)});
    ASSERT_TRUE(stub.ok()) << stub.status();
    stub_ = *std::move(stub);
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  CtlResult Ctl(std::vector<std::string> flags) {
    std::vector<std::string> args = {"--addr", stub_->address(), "--timeout",
                                     "5s"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"head-manifest", "demo/app:v1"});
    std::ostringstream out;
    std::ostringstream err;
    client::cli::Console console{.out = out, .err = err};
    const int code = client::cli::RunTributaryctl(args, console);
    return {code, out.str(), err.str()};
  }

  std::string dir_;
  TestCert server_cert_;
  TestCert client_cert_;
  std::unique_ptr<client::StubServer> stub_;
};

TEST_F(TlsTest, TheCaFileAndServerNameVerifyTheServer) {
  StartServer(/*require_client_cert=*/false);
  const CtlResult run =
      Ctl({"--tls-ca", Path("ca.pem"), "--tls-server-name", kServerName});
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("upstream: stub"));
}

TEST_F(TlsTest, TheLibraryConnectsWithTheSameOptions) {
  StartServer(/*require_client_cert=*/false);
  auto client = client::Client::Create({.address = stub_->address(),
                                        .ca_file = Path("ca.pem"),
                                        .server_name = kServerName},
                                       absl::Seconds(5));
  ASSERT_TRUE(client.ok()) << client.status();
  auto upstreams = (*client)->ListUpstreams();
  ASSERT_TRUE(upstreams.ok()) << upstreams.status();
  EXPECT_EQ(upstreams->upstreams(0).name(), "stub");
}

TEST_F(TlsTest, AnUntrustedServerIsUnavailable) {
  StartServer(/*require_client_cert=*/false);
  const CtlResult run = Ctl({"--tls", "--tls-server-name", kServerName});
  EXPECT_EQ(run.code, 14) << run.err;
}

TEST_F(TlsTest, AWrongServerNameIsUnavailable) {
  StartServer(/*require_client_cert=*/false);
  const CtlResult run =
      Ctl({"--tls-ca", Path("ca.pem"), "--tls-server-name", "other.test"});
  EXPECT_EQ(run.code, 14) << run.err;
}

TEST_F(TlsTest, PlaintextToATlsServerIsUnavailable) {
  StartServer(/*require_client_cert=*/false);
  EXPECT_EQ(Ctl({}).code, 14);
}

TEST_F(TlsTest, AClientCertificateSatisfiesMutualTls) {
  StartServer(/*require_client_cert=*/true);
  const CtlResult run =
      Ctl({"--tls-ca", Path("ca.pem"), "--tls-server-name", kServerName,
           "--tls-cert", Path("client.pem"), "--tls-key", Path("client.key")});
  EXPECT_EQ(run.code, 0) << run.err;
}

TEST_F(TlsTest, MutualTlsWithoutAClientCertificateIsUnavailable) {
  StartServer(/*require_client_cert=*/true);
  const CtlResult run =
      Ctl({"--tls-ca", Path("ca.pem"), "--tls-server-name", kServerName});
  EXPECT_EQ(run.code, 14) << run.err;
}

TEST_F(TlsTest, ACertificateWithoutItsKeyIsRefusedBeforeConnecting) {
  StartServer(/*require_client_cert=*/true);
  const CtlResult run = Ctl({"--tls-cert", Path("client.pem")});
  EXPECT_EQ(run.code, 3);
  EXPECT_THAT(run.err, HasSubstr("needs its key"));
}

}  // namespace
}  // namespace tributary::testing
