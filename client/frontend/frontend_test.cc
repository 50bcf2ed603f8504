// The pull side of the OCI Distribution Spec, as table tests against a real
// Frontend (plain HTTP and HTTPS, with and without Basic auth) in front of an
// in-process fake Tributary: statuses, headers, error bodies, Range, HEAD
// without a body, the Link format, and a body cut short on DATA_LOSS.

#include "client/frontend/frontend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/frontend/testing/fake_tributary.h"
#include "client/frontend/testing/raw_connection.h"
#include "nlohmann/json.hpp"
#include "tests/support/files.h"
#include "tests/support/loopback_http.h"
#include "tests/support/process.h"
#include "tests/support/test_ca.h"

namespace tributary::frontend {
namespace {

using ::testing::ElementsAre;
using testing::FakeTributary;
using ::testing::HasSubstr;
using testing::RawConnection;
using tributary::testing::HttpRequest;
using tributary::testing::HttpResponse;

class FrontendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto fake = FakeTributary::Start(/*chunk_size=*/1000);
    ASSERT_TRUE(fake.ok()) << fake.status();
    fake_ = fake->release();
    FrontendConfig config;
    config.listen_address = "127.0.0.1:0";
    config.plain_http = true;
    config.tributary.address = fake_->address();
    config.max_header_bytes = 4096;
    auto frontend = Frontend::Start(config);
    ASSERT_TRUE(frontend.ok()) << frontend.status();
    frontend_ = frontend->release();
  }

  static void TearDownTestSuite() {
    delete frontend_;
    delete fake_;
  }

  static absl::StatusOr<HttpResponse> Send(
      const std::string& method, const std::string& path,
      std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.headers = std::move(headers);
    return tributary::testing::SendHttpRequest(
        absl::StrCat("127.0.0.1:", frontend_->port()), request,
        absl::Seconds(10));
  }

  static HttpResponse MustSend(
      const std::string& method, const std::string& path,
      std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto response = Send(method, path, std::move(headers));
    EXPECT_TRUE(response.ok())
        << method << " " << path << ": " << response.status();
    return response.ok() ? *response : HttpResponse();
  }

  static std::string ErrorCode(const HttpResponse& response) {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.contains("errors")) {
      return "(not an error body: " + response.body + ")";
    }
    return body["errors"][0]["code"];
  }

  static std::string BlobPath(const std::string& repository) {
    return absl::StrCat("/v2/", repository, "/blobs/",
                        FakeTributary::blob_digest());
  }

  static FakeTributary* fake_;
  static Frontend* frontend_;
};

FakeTributary* FrontendTest::fake_ = nullptr;
Frontend* FrontendTest::frontend_ = nullptr;

TEST_F(FrontendTest, BaseAnswersEmptyJsonWithTheApiVersion) {
  const HttpResponse response = MustSend("GET", "/v2/");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{}");
  EXPECT_EQ(response.Header("docker-distribution-api-version"), "registry/2.0");
  EXPECT_EQ(response.Header("content-type"), "application/json");
}

TEST_F(FrontendTest, HealthzIsDistinctFromBase) {
  const HttpResponse response = MustSend("GET", "/healthz");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok\n");
}

TEST_F(FrontendTest, ManifestGetCarriesTypeDigestLengthAndExactBytes) {
  const HttpResponse response = MustSend("GET", "/v2/demo/app/manifests/v1");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, FakeTributary::manifest());
  EXPECT_EQ(response.Header("content-type"),
            FakeTributary::manifest_media_type());
  EXPECT_EQ(response.Header("docker-content-digest"),
            FakeTributary::manifest_digest());
  EXPECT_EQ(response.Header("content-length"),
            std::to_string(FakeTributary::manifest().size()));
}

TEST_F(FrontendTest, ManifestHeadHasTheGetsHeadersAndNoBody) {
  const HttpResponse response = MustSend("HEAD", "/v2/demo/app/manifests/v1");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "");
  EXPECT_EQ(response.Header("docker-content-digest"),
            FakeTributary::manifest_digest());
  EXPECT_EQ(response.Header("content-length"),
            std::to_string(FakeTributary::manifest().size()));
}

TEST_F(FrontendTest, PassesTheClientsAcceptListOn) {
  MustSend(
      "GET", "/v2/demo/app/manifests/v1",
      {{"Accept", "application/vnd.oci.image.index.v1+json;q=0.9, */*"},
       {"Accept", "application/vnd.docker.distribution.manifest.v2+json"}});
  EXPECT_THAT(fake_->last_manifest_request().accepted_media_types(),
              ElementsAre("application/vnd.oci.image.index.v1+json",
                          "application/vnd.docker.distribution.manifest.v2+"
                          "json"));
}

TEST_F(FrontendTest, BlobGetStreamsTheWholeBlobWithItsHeaders) {
  const HttpResponse response = MustSend("GET", BlobPath("demo/app"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, FakeTributary::blob());
  EXPECT_EQ(response.Header("docker-content-digest"),
            FakeTributary::blob_digest());
  EXPECT_EQ(response.Header("accept-ranges"), "bytes");
  EXPECT_EQ(response.Header("content-length"),
            std::to_string(FakeTributary::blob().size()));
}

TEST_F(FrontendTest, BlobHeadHasTheSizeAndNoBody) {
  const HttpResponse response = MustSend("HEAD", BlobPath("demo/app"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "");
  EXPECT_EQ(response.Header("content-length"),
            std::to_string(FakeTributary::blob().size()));
  EXPECT_EQ(response.Header("docker-content-digest"),
            FakeTributary::blob_digest());
}

struct RangeCase {
  std::string range;
  int status;
  std::string content_range;
  int64_t first;
  int64_t length;
};

TEST_F(FrontendTest, RangeAnswers206WithContentRangeOr416) {
  const std::string& blob = FakeTributary::blob();
  const RangeCase cases[] = {
      {"bytes=0-9", 206, "bytes 0-9/10000", 0, 10},
      {"bytes=9990-", 206, "bytes 9990-9999/10000", 9990, 10},
      {"bytes=-5", 206, "bytes 9995-9999/10000", 9995, 5},
      {"bytes=1500-3499", 206, "bytes 1500-3499/10000", 1500, 2000},
      {"bytes=10000-", 416, "bytes */10000", 0, 0},
      {"bytes=0-1,5-6", 200, "", 0, 10000},
  };
  for (const RangeCase& c : cases) {
    const HttpResponse response =
        MustSend("GET", BlobPath("demo/app"), {{"Range", c.range}});
    EXPECT_EQ(response.status, c.status) << c.range;
    EXPECT_EQ(response.Header("content-range"), c.content_range) << c.range;
    if (c.status != 416) {
      EXPECT_EQ(response.body, blob.substr(c.first, c.length)) << c.range;
    } else {
      EXPECT_EQ(ErrorCode(response), "RANGE_INVALID");
    }
  }
}

TEST_F(FrontendTest, DataLossMidBlobAbortsTheConnectionWithAShortBody) {
  auto response = Send("GET", BlobPath("broken/blob"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDataLoss)
      << response.status();
  EXPECT_THAT(std::string(response.status().message()),
              HasSubstr("Content-Length 10000"));
}

TEST_F(FrontendTest, TagListPagesWithALinkToTheNextPage) {
  HttpResponse response = MustSend("GET", "/v2/demo/app/tags/list?n=2");
  EXPECT_EQ(response.status, 200);
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["name"], "demo/app");
  EXPECT_EQ(body["tags"], nlohmann::json::array({"a", "b"}));
  EXPECT_EQ(response.Header("link"),
            "</v2/demo/app/tags/list?n=2&last=b>; rel=\"next\"");
  response = MustSend("GET", "/v2/demo/app/tags/list?n=2&last=d");
  EXPECT_EQ(nlohmann::json::parse(response.body)["tags"],
            nlohmann::json::array({"e"}));
  EXPECT_EQ(response.Header("link"), "");
}

struct ErrorCase {
  std::string method;
  std::string path;
  int status;
  std::string code;
};

TEST_F(FrontendTest, AnswersErrorsWithTheSpecsStatusAndCode) {
  const std::string blob = FakeTributary::blob_digest();
  const ErrorCase cases[] = {
      {"GET", "/v2/missing/app/manifests/v1", 404, "MANIFEST_UNKNOWN"},
      {"GET", "/v2/missing/app/blobs/" + blob, 404, "BLOB_UNKNOWN"},
      {"GET", "/v2/demo/app/blobs/sha256:" + std::string(64, '0'), 404,
       "BLOB_UNKNOWN"},
      {"GET", "/v2/missing/app/tags/list", 404, "NAME_UNKNOWN"},
      {"GET", "/v2/Demo/App/manifests/v1", 400, "NAME_INVALID"},
      {"GET", "/v2/demo/app/manifests/-v1", 400, "TAG_INVALID"},
      {"GET", "/v2/demo/app/blobs/sha256:abc", 400, "DIGEST_INVALID"},
      {"GET", "/v2/demo/app/tags/list?n=x", 400, "PAGINATION_NUMBER_INVALID"},
      {"PUT", "/v2/demo/app/manifests/v1", 405, "UNSUPPORTED"},
      {"DELETE", "/v2/demo/app/manifests/v1", 405, "UNSUPPORTED"},
      {"DELETE", "/v2/demo/app/blobs/" + blob, 405, "UNSUPPORTED"},
      {"POST", "/v2/demo/app/blobs/uploads/", 405, "UNSUPPORTED"},
      {"PATCH", "/v2/demo/app/blobs/uploads/abc", 405, "UNSUPPORTED"},
      {"GET", "/v2/_catalog", 404, "UNSUPPORTED"},
      {"GET", "/v2/demo/app/referrers/" + blob, 404, "UNSUPPORTED"},
      {"GET", "/v2/err/unavailable/manifests/v1", 503, "UNAVAILABLE"},
      {"GET", "/v2/err/deadline_exceeded/tags/list", 504, "UNAVAILABLE"},
      {"GET", "/v2/err/permission_denied/blobs/" + blob, 403, "DENIED"},
      {"GET", "/v2/err/resource_exhausted/manifests/v1", 429,
       "TOOMANYREQUESTS"},
      {"GET", "/v2/err/internal/manifests/v1", 500, "UNKNOWN"},
  };
  for (const ErrorCase& c : cases) {
    const HttpResponse response = MustSend(c.method, c.path);
    EXPECT_EQ(response.status, c.status) << c.method << " " << c.path;
    EXPECT_EQ(ErrorCode(response), c.code) << c.method << " " << c.path;
    EXPECT_EQ(response.Header("content-type"), "application/json");
    EXPECT_EQ(response.Header("docker-distribution-api-version"),
              "registry/2.0");
    if (c.status == 405) {
      EXPECT_EQ(response.Header("allow"), "GET, HEAD");
    }
    if (c.status == 429) {
      EXPECT_EQ(response.Header("retry-after"), "5");
    }
  }
}

TEST_F(FrontendTest, HeadOfAnErrorHasNoBody) {
  const HttpResponse response = MustSend("HEAD", BlobPath("missing/app"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "");
}

TEST_F(FrontendTest, RefusesOversizedHeadersWith431) {
  const HttpResponse response =
      MustSend("GET", "/v2/", {{"X-Padding", std::string(8000, 'x')}});
  EXPECT_EQ(response.status, 431);
}

// Basic auth from an htpasswd -B file, over HTTPS from a test CA (curl).
class SecuredFrontendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fake = FakeTributary::Start();
    ASSERT_TRUE(fake.ok()) << fake.status();
    fake_ = *std::move(fake);
    auto dir = tributary::testing::MakeTempDir(
        tributary::testing::TestTempDir(), "secured");
    ASSERT_TRUE(dir.ok());
    auto ca = tributary::testing::TestCa::Create(*dir, "frontend-ca");
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_file_ = ca->ca_file();
    auto cert = ca->Issue("frontend", {"localhost", "127.0.0.1"});
    ASSERT_TRUE(cert.ok()) << cert.status();
    const std::string htpasswd = *dir + "/htpasswd";
    auto made = tributary::testing::RunCommand(
        {"htpasswd", "-B", "-b", "-c", htpasswd, "puller", "s3cret"},
        absl::Seconds(20));
    ASSERT_TRUE(made.ok() && made->exit_code == 0);
    FrontendConfig config;
    config.listen_address = "127.0.0.1:0";
    config.cert_file = cert->cert_file;
    config.key_file = cert->key_file;
    config.htpasswd_file = htpasswd;
    config.tributary.address = fake_->address();
    auto frontend = Frontend::Start(config);
    ASSERT_TRUE(frontend.ok()) << frontend.status();
    frontend_ = *std::move(frontend);
  }

  // curl's status line and headers (-i), or its error.
  std::string Curl(const std::string& path,
                   const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {
        "curl",   "-sS",
        "-i",     "--cacert",
        ca_file_, absl::StrCat("https://127.0.0.1:", frontend_->port(), path)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto result = tributary::testing::RunCommand(argv, absl::Seconds(20));
    return result.ok() ? result->output : result.status().ToString();
  }

  std::unique_ptr<FakeTributary> fake_;
  std::unique_ptr<Frontend> frontend_;
  std::string ca_file_;
};

TEST_F(SecuredFrontendTest, AsksForBasicAuthOverHttps) {
  const std::string answer = Curl("/v2/");
  EXPECT_THAT(answer, HasSubstr("HTTP/1.1 401"));
  EXPECT_THAT(answer, HasSubstr("WWW-Authenticate: Basic realm=\"tributary\""));
  EXPECT_THAT(answer, HasSubstr("UNAUTHORIZED"));
  EXPECT_THAT(Curl("/v2/", {"-u", "puller:wrong"}), HasSubstr("HTTP/1.1 401"));
}

TEST_F(SecuredFrontendTest, ServesTheRightUserOverHttps) {
  EXPECT_THAT(Curl("/v2/", {"-u", "puller:s3cret"}), HasSubstr("HTTP/1.1 200"));
  const std::string blob =
      Curl(absl::StrCat("/v2/demo/app/blobs/", FakeTributary::blob_digest()),
           {"-u", "puller:s3cret"});
  EXPECT_THAT(blob, HasSubstr("HTTP/1.1 200"));
  EXPECT_THAT(blob, HasSubstr(FakeTributary::blob().substr(0, 100)));
}

TEST_F(SecuredFrontendTest, HealthzNeedsNoCredentials) {
  EXPECT_THAT(Curl("/healthz"), HasSubstr("HTTP/1.1 200"));
}

class FrontendTimeoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fake = FakeTributary::Start();
    ASSERT_TRUE(fake.ok()) << fake.status();
    fake_ = *std::move(fake);
    FrontendConfig config;
    config.listen_address = "127.0.0.1:0";
    config.plain_http = true;
    config.tributary.address = fake_->address();
    config.header_timeout = absl::Milliseconds(300);
    config.idle_timeout = absl::Milliseconds(300);
    auto frontend = Frontend::Start(config);
    ASSERT_TRUE(frontend.ok()) << frontend.status();
    frontend_ = *std::move(frontend);
  }

  std::unique_ptr<FakeTributary> fake_;
  std::unique_ptr<Frontend> frontend_;
};

TEST_F(FrontendTimeoutTest, ServesSeveralRequestsOnOneKeptAliveConnection) {
  RawConnection connection(frontend_->port());
  ASSERT_TRUE(connection.connected());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(connection.Send("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_THAT(connection.ReadUntil("{}"), HasSubstr("HTTP/1.1 200 OK"));
  }
}

TEST_F(FrontendTimeoutTest, ClosesAConnectionWhoseHeadersNeverFinish) {
  RawConnection connection(frontend_->port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Send("GET /v2/ HTTP/1.1\r\nHost: x\r\n"));
  const absl::Time start = absl::Now();
  EXPECT_TRUE(connection.ClosedByPeer());
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));
}

TEST_F(FrontendTimeoutTest, ClosesAnIdleKeptAliveConnection) {
  RawConnection connection(frontend_->port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_THAT(connection.ReadUntil("ok\n"), HasSubstr("200"));
  const absl::Time start = absl::Now();
  EXPECT_TRUE(connection.ClosedByPeer());
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));
}

TEST(FrontendStartTest, RefusesAnUnreadableKeyNamingTheField) {
  FrontendConfig config;
  config.listen_address = "127.0.0.1:0";
  config.cert_file = "/dev/null";
  config.key_file = "/dev/null";
  config.tributary.address = "127.0.0.1:1";
  auto frontend = Frontend::Start(config);
  ASSERT_FALSE(frontend.ok());
  EXPECT_THAT(std::string(frontend.status().message()),
              HasSubstr("cert_file /dev/null"));
}

}  // namespace
}  // namespace tributary::frontend
