// The client library against the real server in-process (fake upstream), and
// blob downloads against the stub server (the real GetBlob is still being
// built).

#include "client/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "client/channel.h"
#include "client/testing/stub_server.h"
#include "tests/client/demo_world.h"
#include "tests/support/files.h"

namespace tributary::testing {
namespace {

using client::CallOptions;
using client::Client;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

bool Exists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto world = DemoWorld::Start();
    ASSERT_TRUE(world.ok()) << world.status();
    world_ = *std::move(world);
    auto created =
        Client::Create({.address = world_->address()}, absl::Seconds(10));
    ASSERT_TRUE(created.ok()) << created.status();
    client_ = *std::move(created);
  }

  std::unique_ptr<DemoWorld> world_;
  std::unique_ptr<Client> client_;
};

TEST_F(ClientTest, GetManifestReturnsTheUpstreamsBytes) {
  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("v1");
  auto manifest = client_->GetManifest(request);
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_EQ(manifest->content(), kDemoManifest);
  EXPECT_EQ(manifest->digest(), DemoWorld::manifest_digest());
  EXPECT_EQ(manifest->media_type(), kDemoMediaType);
  EXPECT_EQ(manifest->upstream().name(), "local");
}

TEST_F(ClientTest, HeadManifestReturnsDigestAndSize) {
  v1::HeadManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("v1");
  auto head = client_->HeadManifest(request);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->digest(), DemoWorld::manifest_digest());
  EXPECT_EQ(head->size(), static_cast<int64_t>(sizeof(kDemoManifest) - 1));
}

TEST_F(ClientTest, HeadBlobReturnsTheSize) {
  v1::HeadBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(DemoWorld::blob_digest());
  auto head = client_->HeadBlob(request);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->size(), static_cast<int64_t>(sizeof(kDemoBlob) - 1));
}

TEST_F(ClientTest, ListTagsReturnsOnePage) {
  v1::ListTagsRequest request;
  request.set_repository("demo/app");
  request.set_page_size(2);
  auto page = client_->ListTags(request);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->tags(), ElementsAre("v1", "v2"));
  EXPECT_EQ(page->next_last(), "v2");
}

TEST_F(ClientTest, ListAllTagsFollowsEveryPage) {
  auto all = client_->ListAllTags("demo/app", 2);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(all->tags, ElementsAre("v1", "v2", "v3"));
  EXPECT_EQ(all->pages, 2);
  EXPECT_EQ(all->name, "demo/app");
  EXPECT_EQ(all->upstream, "local");
}

TEST_F(ClientTest, ListUpstreamsNamesTheConfiguredUpstream) {
  auto upstreams = client_->ListUpstreams();
  ASSERT_TRUE(upstreams.ok()) << upstreams.status();
  ASSERT_EQ(upstreams->upstreams_size(), 1);
  EXPECT_EQ(upstreams->upstreams(0).name(), "local");
}

TEST_F(ClientTest, AMissingManifestIsNotFoundWithTheServersMessage) {
  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("nope");
  auto manifest = client_->GetManifest(request);
  EXPECT_EQ(manifest.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(manifest.status().message(), HasSubstr("local: NOT_FOUND"));
}

TEST_F(ClientTest, ACallOptionTimeoutOverridesTheDefault) {
  world_->upstream().Route("GET", "/v2/demo/app/manifests/slow",
                           {.delay = absl::Seconds(3)});
  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("slow");
  auto manifest = client_->GetManifest(
      request, CallOptions{.timeout = absl::Milliseconds(200)});
  EXPECT_EQ(manifest.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(ClientTest, ResponsesSayWhetherTheCacheAnswered) {
  v1::HeadManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("v1");
  auto first = client_->HeadManifest(request);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->cache().hit());
  auto second = client_->HeadManifest(request);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->cache().hit());
  EXPECT_FALSE(second->cache().stale());
}

TEST_F(ClientTest, ACallOptionCacheModeReplacesTheRequests) {
  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("v1");
  request.set_cache_mode(v1::CACHE_MODE_REFRESH);
  auto manifest = client_->GetManifest(
      request, CallOptions{.cache_mode = v1::CACHE_MODE_ONLY_IF_CACHED});
  EXPECT_EQ(manifest.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(world_->upstream().requests().empty());
}

TEST_F(ClientTest, RefreshAsksTheUpstreamEvenWhenCached) {
  v1::ListTagsRequest request;
  request.set_repository("demo/app");
  ASSERT_TRUE(client_->ListTags(request).ok());
  auto page = client_->ListTags(
      request, CallOptions{.cache_mode = v1::CACHE_MODE_REFRESH});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_FALSE(page->cache().hit());
  EXPECT_EQ(world_->upstream().requests().size(), 2u);
}

TEST_F(ClientTest, ListAllTagsIsACacheHitOnlyWhenEveryPageIs) {
  auto first = client_->ListAllTags("demo/app", 2);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->cache.hit());
  auto second = client_->ListAllTags("demo/app", 2);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->cache.hit());
  auto refreshed = client_->ListAllTags(
      "demo/app", 2, CallOptions{.cache_mode = v1::CACHE_MODE_REFRESH});
  ASSERT_TRUE(refreshed.ok()) << refreshed.status();
  EXPECT_FALSE(refreshed->cache.hit());
}

TEST_F(ClientTest, DownloadBlobPassesTheCacheMode) {
  client::CallbackSink sink([](absl::string_view) { return absl::OkStatus(); });
  auto blob =
      client_->DownloadBlob("demo/app", DemoWorld::blob_digest(), sink, nullptr,
                            {.cache_mode = v1::CACHE_MODE_ONLY_IF_CACHED});
  EXPECT_EQ(blob.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(world_->upstream().requests().empty());
}

class DownloadTest : public ::testing::Test {
 protected:
  void Start(client::StubServerOptions options = {}) {
    auto stub = client::StubServer::Start(options);
    ASSERT_TRUE(stub.ok()) << stub.status();
    stub_ = *std::move(stub);
    auto created = Client::Create({.address = stub_->address()});
    ASSERT_TRUE(created.ok()) << created.status();
    client_ = *std::move(created);
    auto dir = MakeTempDir(TestTempDir(), "download");
    ASSERT_TRUE(dir.ok());
    path_ = *dir + "/blob";
  }

  std::unique_ptr<client::StubServer> stub_;
  std::unique_ptr<Client> client_;
  std::string path_;
};

TEST_F(DownloadTest, DownloadsAVerifiedBlobIntoAFile) {
  Start();
  auto sink = client::FileSink::Create(path_);
  ASSERT_TRUE(sink.ok());
  std::vector<int64_t> progress;
  auto blob = client_->DownloadBlob(
      "demo/app", stub_->blob_digest(), **sink,
      [&](int64_t received, int64_t) { progress.push_back(received); });
  ASSERT_TRUE(blob.ok()) << blob.status();
  EXPECT_EQ(blob->digest(), stub_->blob_digest());
  EXPECT_EQ(blob->upstream().name(), "stub");
  EXPECT_EQ(*ReadFile(path_), client::StubServerOptions().blob);
  ASSERT_FALSE(progress.empty());
  EXPECT_GT(progress.size(), 1u);  // 16-byte chunks.
  EXPECT_EQ(progress.back(), blob->size());
}

TEST_F(DownloadTest, ACorruptBlobIsDataLossAndLeavesNoFile) {
  Start({.corrupt_blob = true});
  auto sink = client::FileSink::Create(path_);
  ASSERT_TRUE(sink.ok());
  auto blob = client_->DownloadBlob("demo/app", stub_->blob_digest(), **sink);
  EXPECT_EQ(blob.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(blob.status().message(), HasSubstr("digest mismatch"));
  EXPECT_FALSE(Exists(path_));
  EXPECT_FALSE(Exists((*sink)->partial_path()));
}

TEST_F(DownloadTest, AMissingBlobIsNotFoundAndLeavesNoFile) {
  Start();
  auto sink = client::FileSink::Create(path_);
  ASSERT_TRUE(sink.ok());
  auto blob =
      client_->DownloadBlob("missing/app", stub_->blob_digest(), **sink);
  EXPECT_EQ(blob.status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(Exists((*sink)->partial_path()));
}

TEST_F(DownloadTest, AMalformedDigestIsInvalidArgumentBeforeAnyCall) {
  Start();
  absl::Status ended;
  client::CallbackSink sink(
      [](absl::string_view) { return absl::OkStatus(); },
      [&](const absl::Status& status) { ended = status; });
  auto blob = client_->DownloadBlob("demo/app", "sha256:abc", sink);
  EXPECT_EQ(blob.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ended.code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(DownloadTest, ACallbackSinkStopsTheDownloadWhenItFails) {
  Start({.blob = std::string(4096, 'x'), .chunk_size = 64});
  int calls = 0;
  client::CallbackSink sink([&](absl::string_view) {
    return ++calls == 3 ? absl::ResourceExhaustedError("enough")
                        : absl::OkStatus();
  });
  const std::string digest = stub_->blob_digest();
  auto blob = client_->DownloadBlob("demo/app", digest, sink);
  EXPECT_EQ(blob.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(calls, 3);
}

TEST(ChannelOptionsTest, ACertificateWithoutItsKeyIsInvalid) {
  auto client = Client::Create({.address = "127.0.0.1:1", .cert_file = "c"});
  EXPECT_EQ(client.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ChannelOptionsTest, AMissingCaFileIsNotFoundNamingIt) {
  auto client =
      Client::Create({.address = "127.0.0.1:1", .ca_file = "/no/such/ca.pem"});
  EXPECT_EQ(client.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(client.status().message(), HasSubstr("/no/such/ca.pem"));
}

TEST(ChannelOptionsTest, AnEmptyAddressIsInvalid) {
  EXPECT_EQ(Client::Create({.address = ""}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// The recommended path to a headless Service: round_robin over its addresses.
TEST(ChannelOptionsTest, TheLoadBalancingPolicyReachesTheChannel) {
  auto first = client::StubServer::Start();
  auto second = client::StubServer::Start();
  ASSERT_TRUE(first.ok() && second.ok());
  const std::string target =
      "ipv4:" + (*first)->address() + "," + (*second)->address();
  auto channel = client::CreateChannel(
      {.address = target, .load_balancing_policy = "round_robin"});
  ASSERT_TRUE(channel.ok()) << channel.status();
  Client client(*channel, absl::Seconds(10));
  ASSERT_TRUE(client.ListUpstreams().ok());
  EXPECT_EQ((*channel)->GetLoadBalancingPolicyName(), "round_robin");
}

TEST(ChannelOptionsTest, WithoutAPolicyTheChannelPicksTheFirstAddress) {
  auto stub = client::StubServer::Start();
  ASSERT_TRUE(stub.ok());
  auto channel = client::CreateChannel({.address = (*stub)->address()});
  ASSERT_TRUE(channel.ok()) << channel.status();
  Client client(*channel, absl::Seconds(10));
  ASSERT_TRUE(client.ListUpstreams().ok());
  EXPECT_EQ((*channel)->GetLoadBalancingPolicyName(), "pick_first");
}

TEST(ChannelOptionsTest, AnUnknownLoadBalancingPolicyIsInvalidNamingIt) {
  auto client = Client::Create(
      {.address = "127.0.0.1:1", .load_balancing_policy = "least_busy"});
  EXPECT_EQ(client.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      client.status().message(),
      HasSubstr("load_balancing_policy: unknown policy \"least_busy\""));
}

TEST(UnreachableServerTest, CallsAreUnavailable) {
  auto client = Client::Create({.address = "127.0.0.1:1"}, absl::Seconds(5));
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->ListUpstreams().status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace tributary::testing
