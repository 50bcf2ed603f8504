// The real server in-process, fake upstreams on loopback: requests name their
// source registry, and only the upstreams serving it are asked.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "service/oci/digest.h"
#include "service/oci/media_types.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// library/nginx:latest on each registry: not the same image.
constexpr char kHubManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"annotations":{"from":"docker.io"}})";
constexpr char kGhcrManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"annotations":{"from":"ghcr.io"}})";
constexpr char kNginxPath[] = "/v2/library/nginx/manifests/latest";
constexpr char kBlob[] = "layer bytes only ghcr.io has";

std::string Sha256(const std::string& bytes) {
  return oci::ComputeDigest(oci::DigestAlgorithm::kSha256, bytes).str();
}

FakeResponse ManifestAnswer(const std::string& body, bool hold = false) {
  return {.headers = {{"Content-Type", std::string(oci::kOciManifest)},
                      {"Docker-Content-Digest", Sha256(body)}},
          .body = body,
          .hold = hold};
}

// hub serves docker.io (the default); mirror and ghcr serve ghcr.io, in that
// order.
class SourceRegistriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto running = RunningServer::Start(TestConfigYaml({
        {"hub", hub_.url(), "    registries: [docker.io]\n"},
        {"mirror", mirror_.url(), "    registries: [ghcr.io]\n"},
        {"ghcr", ghcr_.url(), "    registries: [ghcr.io]\n"},
    }));
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
  }

  grpc::Status GetManifest(const std::string& registry,
                           v1::GetManifestResponse* response) {
    v1::GetManifestRequest request;
    request.set_registry(registry);
    request.set_repository("library/nginx");
    request.set_reference("latest");
    auto context = ContextWithTimeout(absl::Seconds(10));
    return server_->resolver().GetManifest(context.get(), request, response);
  }

  // The whole blob `kBlob` of org/app from `registry`, or the stream's error.
  grpc::Status GetBlob(const std::string& registry, std::string* bytes) {
    v1::GetBlobRequest request;
    request.set_registry(registry);
    request.set_repository("org/app");
    request.set_digest(Sha256(kBlob));
    auto context = ContextWithTimeout(absl::Seconds(10));
    auto reader = server_->resolver().GetBlob(context.get(), request);
    v1::GetBlobResponse message;
    while (reader->Read(&message)) {
      *bytes += message.chunk();
    }
    return reader->Finish();
  }

  int Requests() {
    return static_cast<int>(hub_.requests().size() + mirror_.requests().size() +
                            ghcr_.requests().size());
  }

  FakeUpstream hub_;
  FakeUpstream mirror_;
  FakeUpstream ghcr_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(SourceRegistriesTest, TheSameRepositoryOnTwoRegistriesNeverMixes) {
  hub_.Route("GET", kNginxPath, ManifestAnswer(kHubManifest));
  ghcr_.Route("GET", kNginxPath, ManifestAnswer(kGhcrManifest));

  for (int round = 0; round < 2; ++round) {  // the second from the cache
    SCOPED_TRACE(round);
    v1::GetManifestResponse ghcr;
    ASSERT_TRUE(GetManifest("ghcr.io", &ghcr).ok());
    EXPECT_EQ(ghcr.content(), kGhcrManifest);
    EXPECT_EQ(ghcr.upstream().name(), "ghcr");
    EXPECT_EQ(ghcr.cache().hit(), round == 1);
    v1::GetManifestResponse hub;
    ASSERT_TRUE(GetManifest("docker.io", &hub).ok());
    EXPECT_EQ(hub.content(), kHubManifest);
    EXPECT_EQ(hub.upstream().name(), "hub");
    EXPECT_EQ(hub.cache().hit(), round == 1);
  }
  // No registry means the default, and shares its cache entry.
  v1::GetManifestResponse implicit;
  ASSERT_TRUE(GetManifest("", &implicit).ok());
  EXPECT_EQ(implicit.content(), kHubManifest);
  EXPECT_TRUE(implicit.cache().hit());
  EXPECT_EQ(hub_.request_count("GET", kNginxPath), 1);
  EXPECT_EQ(ghcr_.request_count("GET", kNginxPath), 1);
}

TEST_F(SourceRegistriesTest, ARequestInFlightIsNotSharedWithAnotherRegistry) {
  hub_.Route("GET", kNginxPath, ManifestAnswer(kHubManifest, /*hold=*/true));
  ghcr_.Route("GET", kNginxPath, ManifestAnswer(kGhcrManifest));
  v1::GetManifestResponse hub;
  grpc::Status hub_status;
  std::thread held([&] { hub_status = GetManifest("docker.io", &hub); });
  ASSERT_TRUE(hub_.WaitForRequests(1));

  // Answered while docker.io's fetch still waits: it did not join it.
  v1::GetManifestResponse ghcr;
  ASSERT_TRUE(GetManifest("ghcr.io", &ghcr).ok());
  EXPECT_EQ(ghcr.content(), kGhcrManifest);
  hub_.Release();
  held.join();
  ASSERT_TRUE(hub_status.ok()) << hub_status.error_message();
  EXPECT_EQ(hub.content(), kHubManifest);
}

TEST_F(SourceRegistriesTest, AsksOnlyTheUpstreamsServingTheRegistryInOrder) {
  ghcr_.Route("GET", kNginxPath, ManifestAnswer(kGhcrManifest));
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest("ghcr.io", &response).ok());
  EXPECT_EQ(response.upstream().name(), "ghcr");
  EXPECT_EQ(mirror_.request_count("GET", kNginxPath), 1);  // 404, then ghcr
  EXPECT_TRUE(hub_.requests().empty());
}

TEST_F(SourceRegistriesTest, NotFoundOnEveryServingUpstreamNamesOnlyThose) {
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest("ghcr.io", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(),
              HasSubstr("ghcr.io/library/nginx:latest: mirror: NOT_FOUND"));
  EXPECT_THAT(status.error_message(), HasSubstr("ghcr: NOT_FOUND"));
  EXPECT_THAT(status.error_message(), ::testing::Not(HasSubstr("hub")));
}

TEST_F(SourceRegistriesTest, ARegistryNoUpstreamServesIsNotFoundWithoutIo) {
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest("quay.io", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(),
              HasSubstr("registry \"quay.io\": no upstream serves it (served: "
                        "docker.io, ghcr.io)"));
  std::string bytes;
  EXPECT_EQ(GetBlob("quay.io", &bytes).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Requests(), 0);
}

TEST_F(SourceRegistriesTest, AnIllFormedRegistryIsInvalidArgument) {
  v1::GetManifestResponse response;
  const grpc::Status status = GetManifest("GHCR.io", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("registry \"GHCR.io\""));
  std::string bytes;
  EXPECT_EQ(GetBlob("ghcr.io/org", &bytes).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Requests(), 0);
}

TEST_F(SourceRegistriesTest, BlobsAndTheirHeadsComeFromTheRequestsRegistry) {
  const std::string path = absl::StrCat("/v2/org/app/blobs/", Sha256(kBlob));
  for (const char* method : {"HEAD", "GET"}) {
    ghcr_.Route(method, path,
                {.headers = {{"Content-Type", "application/octet-stream"}},
                 .body = kBlob});
  }
  std::string bytes;
  const grpc::Status found = GetBlob("ghcr.io", &bytes);
  ASSERT_TRUE(found.ok()) << found.error_message();
  EXPECT_EQ(bytes, kBlob);
  std::string none;
  EXPECT_EQ(GetBlob("", &none).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::HeadBlobRequest head;
  head.set_registry("ghcr.io");
  head.set_repository("org/app");
  head.set_digest(Sha256(kBlob));
  v1::HeadBlobResponse size;
  auto context = ContextWithTimeout(absl::Seconds(10));
  ASSERT_TRUE(server_->resolver().HeadBlob(context.get(), head, &size).ok());
  EXPECT_EQ(size.size(), static_cast<int64_t>(sizeof(kBlob) - 1));
  EXPECT_EQ(size.upstream().name(), "ghcr");
}

TEST_F(SourceRegistriesTest, ListUpstreamsShowsEachUpstreamsRegistries) {
  v1::ListUpstreamsResponse list;
  auto context = ContextWithTimeout(absl::Seconds(10));
  ASSERT_TRUE(
      server_->admin()
          .ListUpstreams(context.get(), v1::ListUpstreamsRequest(), &list)
          .ok());
  ASSERT_EQ(list.upstreams_size(), 3);
  EXPECT_THAT(list.upstreams(0).registries(), ElementsAre("docker.io"));
  EXPECT_THAT(list.upstreams(2).registries(), ElementsAre("ghcr.io"));
}

}  // namespace
}  // namespace tributary::testing
