// The real server in-process, fake upstreams on loopback: the fan-out rules.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "service/oci/digest.h"
#include "service/oci/media_types.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/loopback_http.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}})";

std::string Sha256(const std::string& bytes) {
  return oci::ComputeDigest(oci::DigestAlgorithm::kSha256, bytes).str();
}

// A URL nothing listens on: the port of an upstream that has gone away.
std::string DeadUrl() {
  FakeUpstream gone;
  return gone.url();
}

class FanOutTest : public ::testing::Test {
 protected:
  void StartServer(const std::vector<TestUpstream>& upstreams,
                   const std::string& extra_yaml = "") {
    auto running = RunningServer::Start(TestConfigYaml(upstreams, extra_yaml));
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
  }
  void StartWithTwo() {
    StartServer({{"first", first_.url()}, {"second", second_.url()}});
  }

  grpc::Status GetManifest(const std::string& repository,
                           const std::string& reference,
                           v1::GetManifestResponse* response) {
    v1::GetManifestRequest request;
    request.set_repository(repository);
    request.set_reference(reference);
    auto context = ContextWithTimeout(absl::Seconds(10));
    return server_->resolver().GetManifest(context.get(), request, response);
  }

  FakeUpstream first_;
  FakeUpstream second_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(FanOutTest, FallsThroughToNextUpstreamOn404) {
  second_.RouteManifest("/v2/demo/app/manifests/v1",
                        std::string(oci::kOciManifest), kManifest,
                        Sha256(kManifest));
  StartWithTwo();
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest("demo/app", "v1", &response).ok());
  EXPECT_EQ(response.content(), kManifest);
  EXPECT_EQ(response.digest(), Sha256(kManifest));
  EXPECT_EQ(response.size(), static_cast<int64_t>(sizeof(kManifest) - 1));
  EXPECT_EQ(response.media_type(), oci::kOciManifest);
  EXPECT_EQ(response.upstream().name(), "second");
  EXPECT_EQ(first_.request_count("GET", "/v2/demo/app/manifests/v1"), 1);
}

TEST_F(FanOutTest, FallsThroughToNextUpstreamOn500) {
  first_.Route("GET", "/v2/demo/app/manifests/v1", {.status = 500});
  second_.RouteManifest("/v2/demo/app/manifests/v1",
                        std::string(oci::kOciManifest), kManifest,
                        Sha256(kManifest));
  StartWithTwo();
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest("demo/app", "v1", &response).ok());
  EXPECT_EQ(response.upstream().name(), "second");
}

TEST_F(FanOutTest, StopsAtFirstUpstreamThatHasTheManifest) {
  first_.RouteManifest("/v2/demo/app/manifests/v1",
                       std::string(oci::kOciManifest), kManifest,
                       Sha256(kManifest));
  StartWithTwo();
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest("demo/app", "v1", &response).ok());
  EXPECT_EQ(response.upstream().name(), "first");
  EXPECT_TRUE(second_.requests().empty());
}

TEST_F(FanOutTest, AllNotFoundIsNotFound) {
  StartWithTwo();
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest("demo/app", "v1", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("first: NOT_FOUND"));
  EXPECT_THAT(status.error_message(), HasSubstr("second: NOT_FOUND"));
}

TEST_F(FanOutTest, AllDownIsUnavailableNamingEveryUpstream) {
  StartServer({{"first", DeadUrl()}, {"second", DeadUrl()}});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest("demo/app", "v1", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("first: UNAVAILABLE: connect"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("second: UNAVAILABLE: connect"));
}

TEST_F(FanOutTest, NotFoundAndDownIsUnavailable) {
  StartServer({{"first", first_.url()}, {"second", DeadUrl()}});
  v1::GetManifestResponse response;
  EXPECT_EQ(GetManifest("demo/app", "v1", &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(FanOutTest, DeniedUpstreamIsRememberedAsPermissionDenied) {
  first_.Route("GET", "/v2/demo/app/manifests/v1", {.status = 401});
  StartWithTwo();
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest("demo/app", "v1", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(),
              HasSubstr("first: PERMISSION_DENIED: HTTP 401"));
}

TEST_F(FanOutTest, DigestMismatchOnFirstUpstreamFallsThrough) {
  const std::string digest = Sha256(kManifest);
  const std::string path = "/v2/demo/app/manifests/" + digest;
  first_.RouteManifest(path, std::string(oci::kOciManifest), "{\"tampered\":1}",
                       digest);
  second_.RouteManifest(path, std::string(oci::kOciManifest), kManifest,
                        digest);
  StartWithTwo();
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest("demo/app", digest, &response).ok());
  EXPECT_EQ(response.upstream().name(), "second");
  EXPECT_EQ(response.content(), kManifest);
}

TEST_F(FanOutTest, DockerContentDigestThatDisagreesWithBytesFallsThrough) {
  first_.RouteManifest("/v2/demo/app/manifests/v1",
                       std::string(oci::kOciManifest), kManifest,
                       Sha256("something else"));
  StartServer({{"first", first_.url()}});
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest("demo/app", "v1", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS);
  EXPECT_THAT(status.error_message(), HasSubstr("Docker-Content-Digest"));
}

TEST_F(FanOutTest, RefusesOversizeManifest) {
  first_.RouteManifest("/v2/demo/app/manifests/v1",
                       std::string(oci::kOciManifest), std::string(4096, 'x'),
                       Sha256(std::string(4096, 'x')));
  StartServer({{"first", first_.url()}},
              "limits:\n  max_manifest_bytes: 2048\n");
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest("demo/app", "v1", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("exceeds the limit of 2048"));
}

TEST_F(FanOutTest, SendsTheDefaultAcceptListInOrder) {
  StartServer({{"first", first_.url()}});
  v1::GetManifestResponse response;
  GetManifest("demo/app", "v1", &response);
  ASSERT_EQ(first_.requests().size(), 1u);
  EXPECT_EQ(first_.requests()[0].Header("Accept"),
            "application/vnd.oci.image.manifest.v1+json, "
            "application/vnd.oci.image.index.v1+json, "
            "application/vnd.docker.distribution.manifest.v2+json, "
            "application/vnd.docker.distribution.manifest.list.v2+json, "
            "application/vnd.docker.distribution.manifest.v1+json");
}

TEST_F(FanOutTest, SendsTheCallersAcceptList) {
  StartServer({{"first", first_.url()}});
  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("v1");
  request.add_accepted_media_types(std::string(oci::kDockerManifestV2));
  v1::GetManifestResponse response;
  auto context = ContextWithTimeout(absl::Seconds(5));
  server_->resolver().GetManifest(context.get(), request, &response);
  ASSERT_EQ(first_.requests().size(), 1u);
  EXPECT_EQ(first_.requests()[0].Header("Accept"), oci::kDockerManifestV2);
}

TEST_F(FanOutTest, RejectsBadRequestsBeforeAnyNetworkIo) {
  StartServer({{"first", first_.url()}});
  v1::GetManifestResponse response;
  for (const char* repository :
       {"Demo/app", "demo/../etc", "demo\r\napp", ""}) {
    const grpc::Status status = GetManifest(repository, "v1", &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << repository;
    EXPECT_THAT(status.error_message(), HasSubstr("repository")) << repository;
  }
  EXPECT_EQ(GetManifest("demo/app", "sha256:abc", &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(first_.requests().empty());
}

TEST_F(FanOutTest, RewritesToLibraryWhenConfigured) {
  first_.RouteManifest("/v2/library/alpine/manifests/3.20",
                       std::string(oci::kOciManifest), kManifest,
                       Sha256(kManifest));
  StartServer({{"first", first_.url(),
                "    library_rewrite: LIBRARY_REWRITE_ALWAYS\n"}});
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest("alpine", "3.20", &response).ok());
}

TEST_F(FanOutTest, UsesTheUpstreamsApiPrefix) {
  first_.RouteManifest("/mirror/v2/demo/app/manifests/v1",
                       std::string(oci::kOciManifest), kManifest,
                       Sha256(kManifest));
  StartServer({{"first", first_.url(), "    api_prefix: /mirror/v2\n"}});
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest("demo/app", "v1", &response).ok());
}

TEST_F(FanOutTest, SkipsDisabledUpstreams) {
  second_.RouteManifest("/v2/demo/app/manifests/v1",
                        std::string(oci::kOciManifest), kManifest,
                        Sha256(kManifest));
  StartServer({{"first", first_.url(), "    enabled: false\n"},
               {"second", second_.url()}});
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest("demo/app", "v1", &response).ok());
  EXPECT_TRUE(first_.requests().empty());
}

TEST_F(FanOutTest, HonoursTheCallersDeadline) {
  first_.Route("GET", "/v2/demo/app/manifests/v1",
               {.status = 404, .delay = absl::Seconds(3)});
  StartServer({{"first", first_.url()}});
  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("v1");
  v1::GetManifestResponse response;
  auto context = ContextWithTimeout(absl::Milliseconds(300));
  const absl::Time start = absl::Now();
  const grpc::Status status =
      server_->resolver().GetManifest(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST_F(FanOutTest, HeadManifestReportsDigestSizeAndType) {
  first_.RouteManifest("/v2/demo/app/manifests/v1",
                       std::string(oci::kOciManifest), kManifest,
                       Sha256(kManifest));
  StartServer({{"first", first_.url()}});
  v1::HeadManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("v1");
  v1::HeadManifestResponse response;
  auto context = ContextWithTimeout(absl::Seconds(5));
  ASSERT_TRUE(
      server_->resolver().HeadManifest(context.get(), request, &response).ok());
  EXPECT_EQ(response.digest(), Sha256(kManifest));
  EXPECT_EQ(response.size(), static_cast<int64_t>(sizeof(kManifest) - 1));
  EXPECT_EQ(response.media_type(), oci::kOciManifest);
  EXPECT_EQ(first_.request_count("HEAD", "/v2/demo/app/manifests/v1"), 1);
  EXPECT_EQ(first_.request_count("GET", "/v2/demo/app/manifests/v1"), 0);
}

TEST_F(FanOutTest, HeadBlobFallsThroughAndReportsSize) {
  const std::string digest = Sha256("layer");
  second_.Route("HEAD", "/v2/demo/app/blobs/" + digest,
                {.headers = {{"Content-Length", "5"},
                             {"Docker-Content-Digest", digest}}});
  StartWithTwo();
  v1::HeadBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(digest);
  v1::HeadBlobResponse response;
  auto context = ContextWithTimeout(absl::Seconds(5));
  ASSERT_TRUE(
      server_->resolver().HeadBlob(context.get(), request, &response).ok());
  EXPECT_EQ(response.size(), 5);
  EXPECT_EQ(response.upstream().name(), "second");
}

TEST_F(FanOutTest, ListTagsReturnsNextPageFromLinkHeader) {
  first_.Route(
      "GET", "/v2/demo/app/tags/list?n=2",
      {.headers = {{"Content-Type", "application/json"},
                   {"Link",
                    "</v2/demo/app/tags/list?last=b&n=2>; rel=\"next\""}},
       .body = R"({"name":"demo/app","tags":["a","b"]})"});
  first_.Route("GET", "/v2/demo/app/tags/list?n=2&last=b",
               {.headers = {{"Content-Type", "application/json"}},
                .body = R"({"name":"demo/app","tags":["c"]})"});
  StartServer({{"first", first_.url()}});
  v1::ListTagsRequest request;
  request.set_repository("demo/app");
  request.set_page_size(2);
  v1::ListTagsResponse page;
  auto context = ContextWithTimeout(absl::Seconds(5));
  ASSERT_TRUE(server_->resolver().ListTags(context.get(), request, &page).ok());
  EXPECT_THAT(page.tags(), ::testing::ElementsAre("a", "b"));
  EXPECT_EQ(page.next_last(), "b");

  request.set_last(page.next_last());
  auto next_context = ContextWithTimeout(absl::Seconds(5));
  ASSERT_TRUE(
      server_->resolver().ListTags(next_context.get(), request, &page).ok());
  EXPECT_THAT(page.tags(), ::testing::ElementsAre("c"));
  EXPECT_EQ(page.next_last(), "");
}

TEST_F(FanOutTest, UpstreamStringsThatAreNotValidNeverReachTheAnswer) {
  // Not UTF-8 (a client could not parse a reply carrying it), not a name.
  first_.Route("GET", "/v2/demo/app/tags/list?n=2",
               {.headers = {{"Content-Type", "application/json"},
                            {"Link",
                             "</v2/demo/app/tags/list?last=%FF%FE&n=2>; "
                             "rel=\"next\""}},
                .body = R"({"name":"Not A Repo!","tags":["a","b"]})"});
  StartServer({{"first", first_.url()}});
  v1::ListTagsRequest request;
  request.set_repository("demo/app");
  request.set_page_size(2);
  v1::ListTagsResponse page;
  auto context = ContextWithTimeout(absl::Seconds(5));
  grpc::Status status =
      server_->resolver().ListTags(context.get(), request, &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(page.tags(), ::testing::ElementsAre("a", "b"));
  EXPECT_EQ(page.name(), "");        // dropped: not a repository name
  EXPECT_EQ(page.next_last(), "b");  // the page's last tag instead
}

TEST_F(FanOutTest, ListUpstreamsShowsConfiguredOrder) {
  StartWithTwo();
  v1::ListUpstreamsResponse response;
  auto context = ContextWithTimeout(absl::Seconds(5));
  ASSERT_TRUE(
      server_->admin()
          .ListUpstreams(context.get(), v1::ListUpstreamsRequest(), &response)
          .ok());
  ASSERT_EQ(response.upstreams_size(), 2);
  EXPECT_EQ(response.upstreams(0).name(), "first");
  EXPECT_EQ(response.upstreams(0).order(), 0);
  EXPECT_EQ(response.upstreams(1).name(), "second");
  EXPECT_EQ(response.upstreams(1).url(), second_.url());
  EXPECT_TRUE(response.upstreams(1).enabled());
  EXPECT_EQ(response.upstreams(1).api_prefix(), "/v2");
}

TEST_F(FanOutTest, ExportsMetricsWithoutRepositoryLabels) {
  second_.RouteManifest("/v2/demo/app/manifests/v1",
                        std::string(oci::kOciManifest), kManifest,
                        Sha256(kManifest));
  StartServer({{"first", first_.url()}, {"second", second_.url()}},
              "metrics:\n  listen_address: \"127.0.0.1:0\"\n");
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest("demo/app", "v1", &response).ok());
  absl::StatusOr<std::string> scraped = server_->ScrapeMetrics();
  ASSERT_TRUE(scraped.ok()) << scraped.status();
  EXPECT_THAT(*scraped,
              HasSubstr("tributary_rpc_requests_total{code=\"OK\",method="
                        "\"GetManifest\"} 1"));
  EXPECT_THAT(
      *scraped,
      HasSubstr("tributary_upstream_requests_total{outcome=\"not_found\","
                "upstream=\"first\"} 1"));
  EXPECT_THAT(*scraped, ::testing::Not(HasSubstr("demo/app")));
}

}  // namespace
}  // namespace tributary::testing
