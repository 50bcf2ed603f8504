#include "service/http/tls_context.h"

#include <openssl/ssl.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/files.h"
#include "tests/support/test_ca.h"

namespace tributary::http {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using ::tributary::testing::CertFiles;
using ::tributary::testing::TestCa;

class TlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = testing::MakeTempDir(testing::TestTempDir(), "tls-context-");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    auto ca = TestCa::Create(dir_, "Test CA");
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_.emplace(*std::move(ca));
    auto client = ca_->Issue("client", {"client.test"});
    auto other = ca_->Issue("other", {"other.test"});
    ASSERT_TRUE(client.ok()) << client.status();
    ASSERT_TRUE(other.ok()) << other.status();
    client_ = *client;
    other_ = *other;
  }

  absl::Status Configure(const TlsOptions& options) {
    return ConfigureTlsContext(options, context_);
  }

  std::string Garbage() {
    const std::string path = dir_ + "/garbage.pem";
    EXPECT_TRUE(testing::WriteFile(path, "not a certificate\n").ok());
    return path;
  }

  std::string dir_;
  std::optional<TestCa> ca_;
  CertFiles client_;
  CertFiles other_;
  asio::ssl::context context_{asio::ssl::context::tls_client};
};

TEST_F(TlsContextTest, VerifiesPeersByDefault) {
  ASSERT_TRUE(Configure({}).ok());
  EXPECT_EQ(SSL_CTX_get_verify_mode(context_.native_handle()), SSL_VERIFY_PEER);
}

TEST_F(TlsContextTest, SkipVerifyTurnsVerificationOff) {
  ASSERT_TRUE(Configure({.insecure_skip_verify = true}).ok());
  EXPECT_EQ(SSL_CTX_get_verify_mode(context_.native_handle()), SSL_VERIFY_NONE);
}

TEST_F(TlsContextTest, LoadsACaFileAndAClientCertificate) {
  const absl::Status status = Configure({.ca_file = ca_->ca_file(),
                                         .cert_file = client_.cert_file,
                                         .key_file = client_.key_file});
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_NE(SSL_CTX_get0_certificate(context_.native_handle()), nullptr);
}

TEST_F(TlsContextTest, AMissingCaFileIsNotFoundAndNamed) {
  const absl::Status status = Configure({.ca_file = dir_ + "/missing.pem"});
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("CA file " + dir_ + "/missing.pem"));
}

TEST_F(TlsContextTest, ACaFileThatIsNotPemIsInvalidAndNamed) {
  const std::string garbage = Garbage();
  const absl::Status status = Configure({.ca_file = garbage});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("CA file " + garbage));
}

TEST_F(TlsContextTest, AClientKeyThatIsNotPemIsInvalidAndNamed) {
  const std::string garbage = Garbage();
  const absl::Status status =
      Configure({.cert_file = client_.cert_file, .key_file = garbage});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("client key " + garbage));
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("not a certificate")));
}

TEST_F(TlsContextTest, AKeyOfAnotherCertificateIsRefused) {
  const absl::Status status =
      Configure({.cert_file = client_.cert_file, .key_file = other_.key_file});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("does not match the certificate"));
}

}  // namespace
}  // namespace tributary::http
