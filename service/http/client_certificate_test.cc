#include <future>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/use_future.hpp"
#include "gtest/gtest.h"
#include "service/http/client.h"
#include "service/http/testing/tls_server.h"
#include "tests/support/files.h"
#include "tests/support/test_ca.h"

namespace tributary::http {
namespace {

using ::tributary::testing::CertFiles;
using ::tributary::testing::TestCa;

// An upstream configured with a client certificate must present it to its
// own origin only: a blob redirect to a CDN or a token realm on another host
// learns nothing about the client's identity.
class ClientCertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::MakeTempDir(testing::TestTempDir(), "client-cert-");
    ASSERT_TRUE(dir.ok()) << dir.status();
    auto ca = TestCa::Create(*dir, "Test CA");
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_.emplace(*std::move(ca));
    auto server = ca_->Issue("server", {"127.0.0.1"});
    auto client = ca_->Issue("client", {"client.test"});
    ASSERT_TRUE(server.ok()) << server.status();
    ASSERT_TRUE(client.ok()) << client.status();
    server_ = *server;
    client_ = *client;
  }

  // A client holding the certificate for `upstream_url`'s origin.
  std::unique_ptr<Client> ClientFor(const std::string& upstream_url) {
    ClientOptions options;
    options.tls = {.ca_file = ca_->ca_file(),
                   .cert_file = client_.cert_file,
                   .key_file = client_.key_file,
                   .cert_origin = upstream_url};
    auto client = Client::Create(options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  absl::StatusOr<Response> Get(Client& client, const std::string& url) {
    RequestOptions options;
    options.max_redirects = 1;
    auto result =
        boost::asio::co_spawn(io_, client.Send(Request{.url = url}, options),
                              boost::asio::use_future);
    io_.run();
    io_.restart();
    return result.get();
  }

  std::optional<TestCa> ca_;
  CertFiles server_;
  CertFiles client_;
  boost::asio::io_context io_;
};

TEST_F(ClientCertificateTest, IsPresentedToTheUpstreamsOwnOrigin) {
  TlsServer upstream(server_, RawResponse("200 OK"));
  std::unique_ptr<Client> client = ClientFor(upstream.url());
  ASSERT_NE(client, nullptr);

  absl::StatusOr<Response> response = Get(*client, upstream.url() + "/v2/");

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(upstream.handshakes(), 1);
  EXPECT_EQ(upstream.handshakes_with_certificate(), 1);
}

TEST_F(ClientCertificateTest, IsNotPresentedToARedirectTargetOnAnotherOrigin) {
  TlsServer cdn(server_, RawResponse("200 OK"));
  TlsServer upstream(server_,
                     RawResponse("307 Temporary Redirect",
                                 "Location: " + cdn.url() + "/blob\r\n"));
  std::unique_ptr<Client> client = ClientFor(upstream.url());
  ASSERT_NE(client, nullptr);

  absl::StatusOr<Response> response =
      Get(*client, upstream.url() + "/v2/app/blobs/sha256:ab");

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(upstream.handshakes_with_certificate(), 1);
  EXPECT_EQ(cdn.handshakes(), 1);
  EXPECT_EQ(cdn.handshakes_with_certificate(), 0);
}

TEST_F(ClientCertificateTest, IsNotPresentedToATokenRealmOnAnotherOrigin) {
  TlsServer upstream(server_, RawResponse("200 OK"));
  TlsServer realm(server_, RawResponse("200 OK"));
  std::unique_ptr<Client> client = ClientFor(upstream.url());
  ASSERT_NE(client, nullptr);

  absl::StatusOr<Response> response = Get(*client, realm.url() + "/token");

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(realm.handshakes(), 1);
  EXPECT_EQ(realm.handshakes_with_certificate(), 0);
}

}  // namespace
}  // namespace tributary::http
