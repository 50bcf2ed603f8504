// The gRPC server over TLS and mutual TLS (server.tls), reached with the
// client library; certificates from test CAs made with openssl at test time.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "client/client.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/files.h"
#include "tests/support/server_fixture.h"
#include "tests/support/test_ca.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kServerName[] = "tributary.test";

class GrpcTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto dir = MakeTempDir(TestTempDir(), "grpc-tls-");
    ASSERT_TRUE(dir.ok()) << dir.status();
    auto server_ca = TestCa::Create(*dir, "Server CA");
    auto client_ca = TestCa::Create(*dir, "Client CA");
    auto stranger_ca = TestCa::Create(*dir, "Stranger CA");
    ASSERT_TRUE(server_ca.ok()) << server_ca.status();
    ASSERT_TRUE(client_ca.ok()) << client_ca.status();
    ASSERT_TRUE(stranger_ca.ok()) << stranger_ca.status();
    auto server = server_ca->Issue("server", {kServerName, "127.0.0.1"});
    auto client = client_ca->Issue("client", {"frontend.test"});
    auto stranger = stranger_ca->Issue("stranger", {"frontend.test"});
    ASSERT_TRUE(server.ok() && client.ok() && stranger.ok());
    files_ = new Files{server_ca->ca_file(), client_ca->ca_file(), *server,
                       *client, *stranger};
  }

  // Starts the server with TLS; with `client_ca`, mutual TLS.
  void Start(const std::string& client_ca = "") {
    std::string tls = absl::StrCat(
        "server:\n  tls:\n    cert_file: ", files_->server.cert_file,
        "\n    key_file: ", files_->server.key_file, "\n");
    if (!client_ca.empty()) {
      absl::StrAppend(&tls, "    client_ca_file: ", client_ca, "\n");
    }
    // TestConfigYaml writes its own server block; the TLS lines join it.
    std::string yaml = TestConfigYaml({{"local", upstream_.url()}});
    yaml.insert(yaml.find("upstreams:"), tls.substr(tls.find("  tls:")));
    auto running = RunningServer::Start(yaml);
    ASSERT_TRUE(running.ok()) << running.status() << "\n" << yaml;
    server_ = *std::move(running);
  }

  absl::Status ListUpstreams(client::ChannelOptions options) {
    options.address = server_->grpc_address();
    auto made = client::Client::Create(options, absl::Seconds(5));
    if (!made.ok()) {
      return made.status();
    }
    return (*made)->ListUpstreams().status();
  }

  client::ChannelOptions Verified() const {
    return {.ca_file = files_->server_ca, .server_name = kServerName};
  }

  struct Files {
    std::string server_ca;
    std::string client_ca;
    CertFiles server;
    CertFiles client;
    CertFiles stranger;
  };
  static Files* files_;
  FakeUpstream upstream_;
  std::unique_ptr<RunningServer> server_;
};

GrpcTlsTest::Files* GrpcTlsTest::files_ = nullptr;

TEST_F(GrpcTlsTest, TheClientLibraryConnectsOverTls) {
  Start();
  const absl::Status status = ListUpstreams(Verified());
  EXPECT_TRUE(status.ok()) << status;
}

TEST_F(GrpcTlsTest, AClientThatDoesNotTrustTheServerCaIsRefused) {
  Start();
  client::ChannelOptions options = Verified();
  options.ca_file = files_->client_ca;
  EXPECT_EQ(ListUpstreams(options).code(), absl::StatusCode::kUnavailable);
}

TEST_F(GrpcTlsTest, APlaintextClientIsRefused) {
  Start();
  EXPECT_EQ(ListUpstreams({}).code(), absl::StatusCode::kUnavailable);
}

TEST_F(GrpcTlsTest, MutualTlsAcceptsAClientCertificateFromTheClientCa) {
  Start(files_->client_ca);
  client::ChannelOptions options = Verified();
  options.cert_file = files_->client.cert_file;
  options.key_file = files_->client.key_file;
  const absl::Status status = ListUpstreams(options);
  EXPECT_TRUE(status.ok()) << status;
}

TEST_F(GrpcTlsTest, MutualTlsRefusesAClientWithoutACertificate) {
  Start(files_->client_ca);
  EXPECT_EQ(ListUpstreams(Verified()).code(), absl::StatusCode::kUnavailable);
}

TEST_F(GrpcTlsTest, MutualTlsRefusesACertificateFromAnotherCa) {
  Start(files_->client_ca);
  client::ChannelOptions options = Verified();
  options.cert_file = files_->stranger.cert_file;
  options.key_file = files_->stranger.key_file;
  EXPECT_EQ(ListUpstreams(options).code(), absl::StatusCode::kUnavailable);
}

TEST_F(GrpcTlsTest, AKeyThatDoesNotMatchTheCertificateStopsTheStart) {
  std::string yaml = TestConfigYaml({{"local", upstream_.url()}});
  yaml.insert(yaml.find("upstreams:"),
              absl::StrCat("  tls:\n    cert_file: ", files_->server.cert_file,
                           "\n    key_file: ", files_->client.key_file, "\n"));
  auto running = RunningServer::Start(yaml);
  ASSERT_FALSE(running.ok());
  EXPECT_THAT(running.status().message(),
              HasSubstr("server.tls.key_file: " + files_->client.key_file +
                        " does not match the certificate"));
}

TEST_F(GrpcTlsTest, AMissingCertificateFileStopsTheStartNamingIt) {
  std::string yaml = TestConfigYaml({{"local", upstream_.url()}});
  yaml.insert(yaml.find("upstreams:"),
              "  tls:\n    cert_file: /nonexistent/server.pem\n"
              "    key_file: /nonexistent/server.key\n");
  auto running = RunningServer::Start(yaml);
  ASSERT_FALSE(running.ok());
  EXPECT_THAT(running.status().message(),
              HasSubstr("server.tls.cert_file: cannot read "
                        "/nonexistent/server.pem"));
}

}  // namespace
}  // namespace tributary::testing
