// The real server in-process, fake upstreams on loopback: what the cache and
// single-flight save the upstreams, counted at the upstream.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "service/oci/digest.h"
#include "service/oci/media_types.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

constexpr char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}})";
constexpr char kTagPath[] = "/v2/demo/app/manifests/v1";

std::string Sha256(const std::string& bytes) {
  return oci::ComputeDigest(oci::DigestAlgorithm::kSha256, bytes).str();
}

class CacheTest : public ::testing::Test {
 protected:
  void StartServer(const std::string& extra_yaml = "") {
    auto running =
        RunningServer::Start(TestConfigYaml({{"hub", hub_.url()}}, extra_yaml));
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
  }
  // The manifest, answered once the test calls hub_.Release().
  void RouteHeldManifest() {
    hub_.Route("GET", kTagPath,
               {.headers = {{"Content-Type", std::string(oci::kOciManifest)},
                            {"Docker-Content-Digest", Sha256(kManifest)}},
                .body = kManifest,
                .hold = true});
  }
  // Whether `count` manifest requests joined the fetch in flight.
  bool AwaitCoalesced(int count) {
    return server_->AwaitMetric(
        absl::StrCat("tributary_cache_requests_total{kind=\"manifest\",result="
                     "\"coalesced\"} ",
                     count));
  }
  grpc::Status GetManifest(const std::string& reference,
                           v1::GetManifestResponse* response,
                           v1::CacheMode mode = v1::CACHE_MODE_UNSPECIFIED,
                           absl::Duration timeout = absl::Seconds(10)) {
    v1::GetManifestRequest request;
    request.set_repository("demo/app");
    request.set_reference(reference);
    request.set_cache_mode(mode);
    auto context = ContextWithTimeout(timeout);
    return server_->resolver().GetManifest(context.get(), request, response);
  }

  FakeUpstream hub_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(CacheTest, ARepeatedRequestIsAnsweredFromTheCacheWithItsAge) {
  hub_.RouteManifest(kTagPath, std::string(oci::kOciManifest), kManifest,
                     Sha256(kManifest));
  StartServer();
  v1::GetManifestResponse first;
  ASSERT_TRUE(GetManifest("v1", &first).ok());
  EXPECT_FALSE(first.cache().hit());
  v1::GetManifestResponse second;
  ASSERT_TRUE(GetManifest("v1", &second).ok());
  EXPECT_TRUE(second.cache().hit());
  EXPECT_FALSE(second.cache().stale());
  EXPECT_EQ(second.content(), kManifest);
  EXPECT_EQ(second.upstream().name(), "hub");
  EXPECT_EQ(hub_.request_count("GET", kTagPath), 1);
}

TEST_F(CacheTest, AManifestFetchedByTagIsCachedUnderItsDigestToo) {
  hub_.RouteManifest(kTagPath, std::string(oci::kOciManifest), kManifest,
                     Sha256(kManifest));
  StartServer();
  v1::GetManifestResponse by_tag;
  ASSERT_TRUE(GetManifest("v1", &by_tag).ok());
  v1::GetManifestResponse by_digest;
  ASSERT_TRUE(GetManifest(Sha256(kManifest), &by_digest).ok());
  EXPECT_TRUE(by_digest.cache().hit());
  EXPECT_EQ(hub_.requests().size(), 1u);
}

TEST_F(CacheTest, HundredConcurrentColdRequestsCostOneUpstreamRequest) {
  RouteHeldManifest();
  StartServer();
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 100; ++i) {
    callers.emplace_back([&] {
      v1::GetManifestResponse response;
      if (GetManifest("v1", &response).ok() &&
          response.content() == kManifest) {
        ++ok;
      }
    });
  }
  // Every caller arrives while the one fetch is in flight.
  EXPECT_TRUE(AwaitCoalesced(99));
  hub_.Release();
  for (std::thread& caller : callers) {
    caller.join();
  }
  EXPECT_EQ(ok.load(), 100);
  EXPECT_EQ(hub_.request_count("GET", kTagPath), 1);
}

TEST_F(CacheTest, ACallerWhoGivesUpDoesNotFailTheOthersSharingItsFetch) {
  RouteHeldManifest();
  StartServer();
  // The first caller leads the shared fetch and gives up before it ends.
  std::thread impatient([&] {
    v1::GetManifestResponse response;
    EXPECT_EQ(GetManifest("v1", &response, v1::CACHE_MODE_UNSPECIFIED,
                          absl::Milliseconds(100))
                  .error_code(),
              grpc::StatusCode::DEADLINE_EXCEEDED);
  });
  EXPECT_TRUE(hub_.WaitForRequests(1));  // it leads
  std::vector<std::thread> patient;
  std::atomic<int> ok{0};
  for (int i = 0; i < 3; ++i) {
    patient.emplace_back([&] {
      v1::GetManifestResponse response;
      if (GetManifest("v1", &response).ok()) {
        ++ok;
      }
    });
  }
  EXPECT_TRUE(AwaitCoalesced(3));
  impatient.join();
  hub_.Release();
  for (std::thread& caller : patient) {
    caller.join();
  }
  EXPECT_EQ(ok.load(), 3);
  EXPECT_EQ(hub_.request_count("GET", kTagPath), 1);
}

TEST_F(CacheTest, NotFoundIsRememberedSoAStormCostsOneRequest) {
  StartServer();
  for (int i = 0; i < 5; ++i) {
    v1::GetManifestResponse response;
    EXPECT_EQ(GetManifest("missing", &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(hub_.request_count("GET", "/v2/demo/app/manifests/missing"), 1);
}

TEST_F(CacheTest, OnlyIfCachedNeverAsksAnUpstream) {
  hub_.RouteManifest(kTagPath, std::string(oci::kOciManifest), kManifest,
                     Sha256(kManifest));
  StartServer();
  v1::GetManifestResponse response;
  EXPECT_EQ(
      GetManifest("v1", &response, v1::CACHE_MODE_ONLY_IF_CACHED).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(hub_.requests().size(), 0u);
  ASSERT_TRUE(GetManifest("v1", &response).ok());
  ASSERT_TRUE(GetManifest("v1", &response, v1::CACHE_MODE_ONLY_IF_CACHED).ok());
  EXPECT_TRUE(response.cache().hit());
  EXPECT_EQ(hub_.request_count("GET", kTagPath), 1);
}

TEST_F(CacheTest, RefreshAsksTheUpstreamEvenWhenCached) {
  hub_.RouteManifest(kTagPath, std::string(oci::kOciManifest), kManifest,
                     Sha256(kManifest));
  StartServer();
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest("v1", &response).ok());
  ASSERT_TRUE(GetManifest("v1", &response, v1::CACHE_MODE_REFRESH).ok());
  EXPECT_FALSE(response.cache().hit());
  EXPECT_EQ(hub_.request_count("GET", kTagPath), 2);
}

TEST_F(CacheTest, HeadBlobAndListTagsAreCachedToo) {
  const std::string digest = Sha256("layer");
  const std::string blob_path = "/v2/demo/app/blobs/" + digest;
  hub_.Route("HEAD", blob_path, {.headers = {{"Content-Length", "5"}}});
  hub_.Route("GET", "/v2/demo/app/tags/list",
             {.headers = {{"Content-Type", "application/json"}},
              .body = R"({"name":"demo/app","tags":["v1","v2"]})"});
  StartServer();
  for (int i = 0; i < 2; ++i) {
    v1::HeadBlobRequest head;
    head.set_repository("demo/app");
    head.set_digest(digest);
    v1::HeadBlobResponse head_response;
    auto context = ContextWithTimeout(absl::Seconds(10));
    ASSERT_TRUE(
        server_->resolver().HeadBlob(context.get(), head, &head_response).ok());
    EXPECT_EQ(head_response.cache().hit(), i == 1);

    v1::ListTagsRequest tags;
    tags.set_repository("demo/app");
    v1::ListTagsResponse tags_response;
    auto tags_context = ContextWithTimeout(absl::Seconds(10));
    ASSERT_TRUE(server_->resolver()
                    .ListTags(tags_context.get(), tags, &tags_response)
                    .ok());
    EXPECT_EQ(tags_response.cache().hit(), i == 1);
  }
  EXPECT_EQ(hub_.request_count("HEAD", blob_path), 1);
  EXPECT_EQ(hub_.requests().size(), 2u);
}

TEST_F(CacheTest, ATurnedOffCacheAsksEveryTime) {
  hub_.RouteManifest(kTagPath, std::string(oci::kOciManifest), kManifest,
                     Sha256(kManifest));
  StartServer("cache:\n  disabled: true\n");
  v1::GetManifestResponse response;
  ASSERT_TRUE(GetManifest("v1", &response).ok());
  ASSERT_TRUE(GetManifest("v1", &response).ok());
  EXPECT_FALSE(response.cache().hit());
  EXPECT_EQ(hub_.request_count("GET", kTagPath), 2);
}

}  // namespace
}  // namespace tributary::testing
