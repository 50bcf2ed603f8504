#include "tests/e2e/registry_harness.h"

#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr absl::Duration kHttpTimeout = absl::Seconds(10);
constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";

absl::StatusOr<HttpResponse> Fetch(const RealRegistry& registry,
                                   const std::string& method,
                                   const std::string& path) {
  HttpRequest request;
  request.method = method;
  request.path = path;
  request.headers = {{"Accept", kManifestAcceptHeader}};
  return SendHttpRequest(registry.host_port(), request, kHttpTimeout);
}

// Digest of `bytes` as computed by coreutils, independent of the harness.
std::string Sha256SumDigest(const std::string& bytes) {
  absl::StatusOr<std::string> dir = MakeTempDir(TestTempDir(), "sha-");
  EXPECT_TRUE(dir.ok()) << dir.status();
  const std::string path = absl::StrCat(*dir, "/bytes");
  EXPECT_TRUE(WriteFile(path, bytes).ok());
  absl::StatusOr<CommandResult> result =
      RunCommand({"sha256sum", path}, absl::Seconds(10));
  EXPECT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0) << result->output;
  return absl::StrCat("sha256:", result->output.substr(0, 64));
}

// One registry with demo/app:v1 pushed, shared by the tests of the suite.
class RegistryHarnessTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const absl::Time start = absl::Now();
    absl::StatusOr<std::unique_ptr<RealRegistry>> registry =
        RealRegistry::Start(TestTempDir());
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = registry->release();
    const absl::Time started = absl::Now();
    absl::StatusOr<PushedImage> image = BuildAndPushImage(
        TestTempDir(), registry_->host_port(), "demo/app", "v1");
    ASSERT_TRUE(image.ok()) << image.status();
    v1_ = new PushedImage(*std::move(image));
    std::cerr << "registry start took " << (started - start)
              << ", build+push took " << (absl::Now() - started) << "\n";
  }

  static void TearDownTestSuite() {
    delete v1_;
    v1_ = nullptr;
    delete registry_;
    registry_ = nullptr;
  }

  void SetUp() override {
    // SetUpTestSuite's ASSERTs do not stop the tests; this does.
    ASSERT_NE(registry_, nullptr);
    ASSERT_NE(v1_, nullptr);
  }

  static RealRegistry* registry_;
  static PushedImage* v1_;
};

RealRegistry* RegistryHarnessTest::registry_ = nullptr;
PushedImage* RegistryHarnessTest::v1_ = nullptr;

TEST_F(RegistryHarnessTest, AddressesNameTheLoopbackPort) {
  EXPECT_GT(registry_->port(), 0);
  EXPECT_EQ(registry_->host_port(),
            absl::StrCat("127.0.0.1:", registry_->port()));
  EXPECT_EQ(registry_->url(), absl::StrCat("http://", registry_->host_port()));
}

TEST_F(RegistryHarnessTest, PushedImageDescribesAnOciManifest) {
  EXPECT_EQ(v1_->manifest_media_type, kOciManifest);
  EXPECT_THAT(v1_->manifest_digest, StartsWith("sha256:"));
  EXPECT_THAT(v1_->config_digest, StartsWith("sha256:"));
  ASSERT_THAT(v1_->layer_digests, SizeIs(1));
  ASSERT_THAT(v1_->layer_sizes, SizeIs(1));
  EXPECT_GT(v1_->layer_sizes[0], 0);
}

TEST_F(RegistryHarnessTest, ManifestByTagHasTheRecordedDigest) {
  absl::StatusOr<HttpResponse> response =
      Fetch(*registry_, "GET", "/v2/demo/app/manifests/v1");
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(response->body, v1_->manifest_bytes);
  EXPECT_EQ(Sha256SumDigest(response->body), v1_->manifest_digest);
  EXPECT_EQ(response->Header("Docker-Content-Digest"), v1_->manifest_digest);
  EXPECT_EQ(response->Header("Content-Type"), kOciManifest);
}

TEST_F(RegistryHarnessTest, ManifestByDigestIsTheSameBytes) {
  absl::StatusOr<HttpResponse> response = Fetch(
      *registry_, "GET", "/v2/demo/app/manifests/" + v1_->manifest_digest);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(response->body, v1_->manifest_bytes);
}

TEST_F(RegistryHarnessTest, EveryBlobAnswersHeadWithItsSize) {
  for (size_t i = 0; i < v1_->layer_digests.size(); ++i) {
    absl::StatusOr<HttpResponse> response = Fetch(
        *registry_, "HEAD", "/v2/demo/app/blobs/" + v1_->layer_digests[i]);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->status, 200) << v1_->layer_digests[i];
    EXPECT_EQ(response->Header("Content-Length"),
              absl::StrCat(v1_->layer_sizes[i]));
  }
  absl::StatusOr<HttpResponse> config =
      Fetch(*registry_, "HEAD", "/v2/demo/app/blobs/" + v1_->config_digest);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->status, 200);
}

TEST_F(RegistryHarnessTest, LayerBytesHashToTheLayerDigest) {
  absl::StatusOr<HttpResponse> response =
      Fetch(*registry_, "GET", "/v2/demo/app/blobs/" + v1_->layer_digests[0]);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->status, 200);
  EXPECT_EQ(Sha256Digest(response->body), v1_->layer_digests[0]);
}

TEST_F(RegistryHarnessTest, UnknownTagIsNotFound) {
  absl::StatusOr<HttpResponse> response =
      Fetch(*registry_, "GET", "/v2/demo/app/manifests/no-such-tag");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 404);
}

TEST_F(RegistryHarnessTest, EachTagGetsItsOwnImage) {
  absl::StatusOr<PushedImage> v2 = BuildAndPushImage(
      TestTempDir(), registry_->host_port(), "demo/app", "v2");
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_NE(v2->manifest_digest, v1_->manifest_digest);
  EXPECT_NE(v2->layer_digests, v1_->layer_digests);
}

TEST(RealRegistryTest, DestructorStopsTheRegistry) {
  absl::StatusOr<std::unique_ptr<RealRegistry>> registry =
      RealRegistry::Start(TestTempDir());
  ASSERT_TRUE(registry.ok()) << registry.status();
  const std::string host_port = (*registry)->host_port();
  registry->reset();
  HttpRequest request;
  request.path = "/v2/";
  absl::StatusOr<HttpResponse> response =
      SendHttpRequest(host_port, request, kHttpTimeout);
  EXPECT_TRUE(absl::IsUnavailable(response.status())) << response.status();
}

TEST(RealRegistryTest, TwoRegistriesGetDistinctPortsAndStorage) {
  absl::StatusOr<std::unique_ptr<RealRegistry>> a =
      RealRegistry::Start(TestTempDir());
  absl::StatusOr<std::unique_ptr<RealRegistry>> b =
      RealRegistry::Start(TestTempDir());
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_NE((*a)->port(), (*b)->port());
  EXPECT_NE((*a)->storage_dir(), (*b)->storage_dir());
  EXPECT_NE((*a)->log_path(), (*b)->log_path());
}

TEST(RunCommandTest, CapturesStdoutStderrAndExitCode) {
  absl::StatusOr<CommandResult> result = RunCommand(
      {"sh", "-c", "echo out; echo err >&2; exit 3"}, absl::Seconds(10));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->output, "out\nerr\n");
}

TEST(RunCommandTest, PassesArgumentsWithoutAShell) {
  absl::StatusOr<CommandResult> result =
      RunCommand({"echo", "$HOME; `id`"}, absl::Seconds(10));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->output, "$HOME; `id`\n");
}

TEST(RunCommandTest, AppliesEnvironmentOverrides) {
  absl::StatusOr<CommandResult> result =
      RunCommandWithEnv({"sh", "-c", "echo \"$TRIBUTARY_X\""},
                        {{"TRIBUTARY_X", "y z"}}, absl::Seconds(10));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->output, "y z\n");
}

TEST(RunCommandTest, KillsACommandThatOutlivesItsTimeout) {
  const absl::Time start = absl::Now();
  absl::StatusOr<CommandResult> result =
      RunCommand({"sh", "-c", "echo started; sleep 30"}, absl::Seconds(1));
  EXPECT_TRUE(absl::IsDeadlineExceeded(result.status())) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("started"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST(RunCommandTest, ReportsAMissingProgram) {
  absl::StatusOr<CommandResult> result =
      RunCommand({"tributary-no-such-program"}, absl::Seconds(10));
  EXPECT_TRUE(absl::IsNotFound(result.status())) << result.status();
}

TEST(RunCommandTest, ReportsTheSignalThatEndedACommand) {
  absl::StatusOr<CommandResult> result =
      RunCommand({"sh", "-c", "kill -TERM $$"}, absl::Seconds(10));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 128 + 15);
}

TEST(PickFreeLoopbackPortTest, ReturnsABindablePort) {
  EXPECT_GT(PickFreeLoopbackPort(), 0);
}

}  // namespace
}  // namespace tributary::testing
