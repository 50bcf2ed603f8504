// End to end: the real tributary binary against two real registries
// (docker-registry, images built by umoci and pushed by skopeo), called over
// gRPC and by a real reflection client (buf curl).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/registry_harness.h"
#include "tests/support/loopback_http.h"
#include "tributary/v1/admin.grpc.pb.h"
#include "tributary/v1/resolver.grpc.pb.h"

namespace tributary::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Shared by every test: starting registries and pushing images is the slow
// part.
struct World {
  std::string work_dir;
  std::unique_ptr<RealRegistry> empty_registry;  // first upstream: has nothing
  std::unique_ptr<RealRegistry> registry;  // second upstream: has demo/app
  PushedImage v1;
  PushedImage v2;
  std::optional<ChildProcess> tributary;
  std::string grpc_address;
  std::string tributary_log;
};
World* world = nullptr;

std::string BufPath() {
  const char* path = std::getenv("TRIBUTARY_BUF");
  return path == nullptr ? "buf" : path;
}

absl::Status WaitForGrpc(const std::string& address) {
  auto channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(
          absl::ToChronoTime(absl::Now() + absl::Seconds(15)))) {
    return absl::UnavailableError("tributary did not come up on " + address);
  }
  return absl::OkStatus();
}

// More tags than one page holds, pushed out of order: demo/tags has one image
// under the tags a..h and v1 (the registry lists them in storage order).
absl::Status TagManyTimes() {
  const std::string host_port = world->registry->host_port();
  auto image = BuildAndPushImage(world->work_dir, host_port, "demo/tags", "v1");
  if (!image.ok()) return image.status();
  for (const char* tag : {"h", "f", "a", "c", "b", "g", "e", "d"}) {
    HttpRequest put;
    put.method = "PUT";
    put.path = absl::StrCat("/v2/demo/tags/manifests/", tag);
    put.headers = {{"Content-Type", image->manifest_media_type}};
    put.body = image->manifest_bytes;
    auto answer = SendHttpRequest(host_port, put, absl::Seconds(10));
    if (!answer.ok()) return answer.status();
    if (answer->status != 201) {
      return absl::UnknownError(absl::StrCat(
          "tagging ", tag, ": HTTP ", answer->status, " ", answer->body));
    }
  }
  return absl::OkStatus();
}

absl::Status StartWorld() {
  world = new World();
  auto dir = MakeTempDir(TestTempDir(), "e2e");
  if (!dir.ok()) return dir.status();
  world->work_dir = *dir;
  auto empty = RealRegistry::Start(world->work_dir);
  if (!empty.ok()) return empty.status();
  world->empty_registry = *std::move(empty);
  auto full = RealRegistry::Start(world->work_dir);
  if (!full.ok()) return full.status();
  world->registry = *std::move(full);
  auto v1 = BuildAndPushImage(world->work_dir, world->registry->host_port(),
                              "demo/app", "v1");
  if (!v1.ok()) return v1.status();
  world->v1 = *std::move(v1);
  auto v2 = BuildAndPushImage(world->work_dir, world->registry->host_port(),
                              "demo/app", "v2");
  if (!v2.ok()) return v2.status();
  world->v2 = *std::move(v2);
  if (absl::Status tagged = TagManyTimes(); !tagged.ok()) return tagged;

  const int grpc_port = PickFreeLoopbackPort();
  const int metrics_port = PickFreeLoopbackPort();
  world->grpc_address = absl::StrCat("127.0.0.1:", grpc_port);
  const std::string config_path = world->work_dir + "/tributary.yaml";
  absl::Status written = WriteFile(
      config_path,
      absl::StrCat("server:\n  listen_address: \"", world->grpc_address,
                   "\"\n  shutdown_grace: 2s\n"
                   "metrics:\n  listen_address: \"127.0.0.1:",
                   metrics_port,
                   "\"\n"
                   "cache:\n  blob_directory: ",
                   world->work_dir,
                   "/blobs\n"
                   "upstreams:\n"
                   "  - name: empty\n    url: ",
                   world->empty_registry->url(),
                   "\n"
                   "  - name: local\n    url: ",
                   world->registry->url(), "\n"));
  if (!written.ok()) return written;
  world->tributary_log = world->work_dir + "/tributary.log";
  auto process = ChildProcess::Start(
      {"service/tributary", "--config", config_path}, world->tributary_log);
  if (!process.ok()) return process.status();
  world->tributary.emplace(*std::move(process));
  return WaitForGrpc(world->grpc_address);
}

class EndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::Status started = StartWorld();
    ASSERT_TRUE(started.ok()) << started;
  }

  void SetUp() override {
    ASSERT_NE(world, nullptr);
    ASSERT_TRUE(world->tributary.has_value());
    channel_ = grpc::CreateChannel(world->grpc_address,
                                   grpc::InsecureChannelCredentials());
    resolver_ = v1::ResolverService::NewStub(channel_);
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    return context;
  }

  absl::StatusOr<CommandResult> BufCurl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {BufPath(), "curl", "--protocol", "grpc",
                                     "--http2-prior-knowledge"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommandWithEnv(argv, {{"HOME", world->work_dir}},
                             absl::Seconds(60));
  }

  std::string Url(const std::string& method) {
    return absl::StrCat("http://", world->grpc_address, "/", method);
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ResolverService::Stub> resolver_;
};

TEST_F(EndToEndTest, GetManifestByTagReturnsWhatTheRegistryServes) {
  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("v1");
  v1::GetManifestResponse response;
  auto context = Context();
  ASSERT_TRUE(resolver_->GetManifest(context.get(), request, &response).ok());
  EXPECT_EQ(response.content(), world->v1.manifest_bytes);
  EXPECT_EQ(response.digest(), world->v1.manifest_digest);
  EXPECT_EQ(response.media_type(), world->v1.manifest_media_type);
  EXPECT_EQ(response.size(),
            static_cast<int64_t>(world->v1.manifest_bytes.size()));
  EXPECT_EQ(response.upstream().name(), "local");
}

TEST_F(EndToEndTest, GetManifestByDigestReturnsTheSameBytes) {
  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference(world->v2.manifest_digest);
  v1::GetManifestResponse response;
  auto context = Context();
  ASSERT_TRUE(resolver_->GetManifest(context.get(), request, &response).ok());
  EXPECT_EQ(response.content(), world->v2.manifest_bytes);
  EXPECT_EQ(response.digest(), world->v2.manifest_digest);
}

TEST_F(EndToEndTest, HeadManifestAgreesWithTheRegistry) {
  v1::HeadManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("v2");
  v1::HeadManifestResponse response;
  auto context = Context();
  ASSERT_TRUE(resolver_->HeadManifest(context.get(), request, &response).ok());
  EXPECT_EQ(response.digest(), world->v2.manifest_digest);
  EXPECT_EQ(response.size(),
            static_cast<int64_t>(world->v2.manifest_bytes.size()));
  EXPECT_EQ(response.media_type(), world->v2.manifest_media_type);
  EXPECT_EQ(response.upstream().name(), "local");
}

TEST_F(EndToEndTest, HeadBlobReportsEveryLayerSize) {
  ASSERT_FALSE(world->v1.layer_digests.empty());
  for (size_t i = 0; i < world->v1.layer_digests.size(); ++i) {
    v1::HeadBlobRequest request;
    request.set_repository("demo/app");
    request.set_digest(world->v1.layer_digests[i]);
    v1::HeadBlobResponse response;
    auto context = Context();
    ASSERT_TRUE(resolver_->HeadBlob(context.get(), request, &response).ok());
    EXPECT_EQ(response.size(), world->v1.layer_sizes[i]);
    EXPECT_EQ(response.upstream().name(), "local");
  }
}

TEST_F(EndToEndTest, ListTagsPagesThroughTheRegistrysTags) {
  v1::ListTagsRequest request;
  request.set_repository("demo/app");
  request.set_page_size(1);
  v1::ListTagsResponse page;
  auto context = Context();
  ASSERT_TRUE(resolver_->ListTags(context.get(), request, &page).ok());
  EXPECT_EQ(page.name(), "demo/app");
  EXPECT_THAT(page.tags(), ElementsAre("v1"));
  EXPECT_EQ(page.next_last(), "v1");

  request.set_last(page.next_last());
  auto next_context = Context();
  ASSERT_TRUE(resolver_->ListTags(next_context.get(), request, &page).ok());
  EXPECT_THAT(page.tags(), ElementsAre("v2"));
}

TEST_F(EndToEndTest, ListTagsPagesInLexicalOrderWhateverTheRegistrysOrder) {
  v1::ListTagsRequest request;
  request.set_repository("demo/tags");
  request.set_page_size(3);
  request.set_last("b");
  v1::ListTagsResponse page;
  auto context = Context();
  ASSERT_TRUE(resolver_->ListTags(context.get(), request, &page).ok());
  EXPECT_THAT(page.tags(), ElementsAre("c", "d", "e"));
  EXPECT_EQ(page.next_last(), "e");
}

TEST_F(EndToEndTest, PagingThroughEveryTagSeesEachOnceInOrder) {
  v1::ListTagsRequest request;
  request.set_repository("demo/tags");
  request.set_page_size(3);
  std::vector<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    v1::ListTagsResponse page;
    auto context = Context();
    ASSERT_TRUE(resolver_->ListTags(context.get(), request, &page).ok());
    seen.insert(seen.end(), page.tags().begin(), page.tags().end());
    if (page.next_last().empty()) {
      break;
    }
    request.set_last(page.next_last());
  }
  EXPECT_THAT(seen, ElementsAre("a", "b", "c", "d", "e", "f", "g", "h", "v1"));
}

TEST_F(EndToEndTest, ListTagsWithoutPageSizeReturnsAllTags) {
  v1::ListTagsRequest request;
  request.set_repository("demo/app");
  v1::ListTagsResponse page;
  auto context = Context();
  ASSERT_TRUE(resolver_->ListTags(context.get(), request, &page).ok());
  EXPECT_THAT(page.tags(), ElementsAre("v1", "v2"));
  EXPECT_EQ(page.next_last(), "");
}

TEST_F(EndToEndTest, MissingTagIsNotFoundNamingBothUpstreams) {
  v1::GetManifestRequest request;
  request.set_repository("demo/app");
  request.set_reference("nope");
  v1::GetManifestResponse response;
  auto context = Context();
  const grpc::Status status =
      resolver_->GetManifest(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("empty: NOT_FOUND"));
  EXPECT_THAT(status.error_message(), HasSubstr("local: NOT_FOUND"));
}

TEST_F(EndToEndTest, BufCurlListsServicesOverReflection) {
  auto result = BufCurl({"--list-services", Url("")});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->exit_code, 0) << result->output;
  EXPECT_THAT(result->output, HasSubstr("tributary.v1.ResolverService"));
  EXPECT_THAT(result->output, HasSubstr("tributary.v1.AdminService"));
  EXPECT_THAT(result->output, HasSubstr("grpc.health.v1.Health"));
}

TEST_F(EndToEndTest, BufCurlCallsGetManifestOverReflection) {
  auto result = BufCurl({"-d", R"({"repository":"demo/app","reference":"v1"})",
                         Url("tributary.v1.ResolverService/GetManifest")});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->exit_code, 0) << result->output;
  auto json = nlohmann::json::parse(result->output, nullptr, false);
  ASSERT_TRUE(json.is_object()) << result->output;
  EXPECT_EQ(json.value("digest", ""), world->v1.manifest_digest);
  EXPECT_EQ(json["upstream"].value("name", ""), "local");
}

TEST_F(EndToEndTest, HealthServiceAnswersServing) {
  auto result = BufCurl({Url("grpc.health.v1.Health/Check")});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->exit_code, 0) << result->output;
  EXPECT_THAT(result->output, HasSubstr("\"SERVING\""));
}

TEST_F(EndToEndTest, ListUpstreamsOverReflectionShowsNoSurprises) {
  auto result = BufCurl({Url("tributary.v1.AdminService/ListUpstreams")});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->exit_code, 0) << result->output;
  auto json = nlohmann::json::parse(result->output, nullptr, false);
  ASSERT_TRUE(json.is_object()) << result->output;
  ASSERT_EQ(json["upstreams"].size(), 2u);
  EXPECT_EQ(json["upstreams"][0].value("name", ""), "empty");
  EXPECT_EQ(json["upstreams"][1].value("url", ""), world->registry->url());
}

TEST_F(EndToEndTest, PullsEveryLayerThroughTributaryctlAndSha256sumAgrees) {
  std::vector<std::string> blobs = world->v1.layer_digests;
  blobs.push_back(world->v1.config_digest);
  for (const std::string& digest : blobs) {
    const std::string file =
        absl::StrCat(world->work_dir, "/pulled-", digest.substr(7, 12));
    auto pulled =
        RunCommand({"client/cli/tributaryctl", "--addr", world->grpc_address,
                    "pull-blob", "demo/app", digest, "-o", file},
                   absl::Seconds(60));
    ASSERT_TRUE(pulled.ok()) << pulled.status();
    ASSERT_EQ(pulled->exit_code, 0) << pulled->output;
    auto summed = RunCommand({"sha256sum", file}, absl::Seconds(30));
    ASSERT_TRUE(summed.ok()) << summed.status();
    EXPECT_EQ(absl::StrCat("sha256:", summed->output.substr(0, 64)), digest);
  }
}

TEST_F(EndToEndTest, GetBlobStreamsALayerWithItsDescriptorFirst) {
  v1::GetBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(world->v1.layer_digests[0]);
  // From the registry, even if an earlier test left the layer in the store.
  request.set_cache_mode(v1::CACHE_MODE_REFRESH);
  auto context = Context();
  auto reader = resolver_->GetBlob(context.get(), request);
  v1::GetBlobResponse message;
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_TRUE(message.has_blob());
  EXPECT_EQ(message.blob().digest(), world->v1.layer_digests[0]);
  EXPECT_EQ(message.blob().size(), world->v1.layer_sizes[0]);
  EXPECT_EQ(message.blob().upstream().name(), "local");
  int64_t received = 0;
  while (reader->Read(&message)) {
    received += static_cast<int64_t>(message.chunk().size());
  }
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(received, world->v1.layer_sizes[0]);
}

TEST_F(EndToEndTest, ServesAStoredLayerWhileTheRegistryIsDown) {
  const std::string digest = world->v1.layer_digests[0];
  const std::string file = world->work_dir + "/stored-layer";
  auto warm =
      RunCommand({"client/cli/tributaryctl", "--addr", world->grpc_address,
                  "pull-blob", "demo/app", digest, "-o", file},
                 absl::Seconds(60));
  ASSERT_TRUE(warm.ok()) << warm.status();
  ASSERT_EQ(warm->exit_code, 0) << warm->output;

  world->registry->Stop();
  v1::GetBlobRequest request;
  request.set_repository("demo/app");
  request.set_digest(digest);
  auto context = Context();
  auto reader = resolver_->GetBlob(context.get(), request);
  v1::GetBlobResponse message;
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_TRUE(message.has_blob());
  EXPECT_TRUE(message.blob().cache().hit());
  std::string bytes;
  while (reader->Read(&message)) {
    bytes += message.chunk();
  }
  const grpc::Status status = reader->Finish();
  absl::Status restarted = world->registry->Restart();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(restarted.ok()) << restarted;
  auto pulled = ReadFile(file);
  ASSERT_TRUE(pulled.ok());
  EXPECT_EQ(bytes, *pulled);
  EXPECT_EQ(static_cast<int64_t>(bytes.size()), world->v1.layer_sizes[0]);
}

// Runs last (gtest keeps file order): the drain on SIGTERM ends the process.
TEST_F(EndToEndTest, SigtermDrainsAndExitsZero) {
  const int exit_code = world->tributary->Stop(absl::Seconds(10));
  EXPECT_EQ(exit_code, 0);
  auto log = ReadFile(world->tributary_log);
  ASSERT_TRUE(log.ok());
  EXPECT_THAT(*log, HasSubstr("draining"));
  EXPECT_THAT(*log, HasSubstr("method=GetManifest code=OK upstream=\"local\""));
}

}  // namespace
}  // namespace tributary::testing
