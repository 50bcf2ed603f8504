// tributaryctl, run in-process (RunTributaryctl) against the real server with a
// fake upstream, and against the stub server for pull-blob.

#include "client/cli/tributaryctl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <sstream>

#include "client/status.h"
#include "client/testing/stub_server.h"
#include "nlohmann/json.hpp"
#include "tests/client/demo_world.h"
#include "tests/support/files.h"

namespace tributary::testing {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// What one run printed and returned.
struct CtlRun {
  int code;
  std::string out;
  std::string err;

  nlohmann::json Json() const {
    return nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  }
};

CtlRun Ctl(std::vector<std::string> args, const std::string& env_addr = "") {
  std::ostringstream out;
  std::ostringstream err;
  client::cli::Console console{
      .out = out, .err = err, .addr_from_env = env_addr};
  const int code = client::cli::RunTributaryctl(args, console);
  return {code, out.str(), err.str()};
}

bool Exists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

// One line on stderr, prefixed, nothing on stdout.
void ExpectOneErrorLine(const CtlRun& run, const std::string& part) {
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(run.err, StartsWith("tributaryctl: "));
  EXPECT_THAT(run.err, HasSubstr(part));
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
}

class TributaryctlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto world = DemoWorld::Start();
    ASSERT_TRUE(world.ok()) << world.status();
    world_ = world->release();
  }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }

  // Runs against the demo server.
  CtlRun Demo(std::vector<std::string> args) {
    args.insert(args.begin(), {"--addr", world_->address()});
    return Ctl(args);
  }

  static DemoWorld* world_;
};

DemoWorld* TributaryctlTest::world_ = nullptr;

TEST_F(TributaryctlTest, ManifestPrintsThePrettyManifest) {
  const CtlRun run = Demo({"manifest", "demo/app:v1"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, StartsWith("{\n  \"schemaVersion\": 2,\n"));
  EXPECT_EQ(nlohmann::json::parse(run.out),
            nlohmann::json::parse(kDemoManifest));
  // Where the answer came from goes to stderr, keeping stdout the manifest.
  EXPECT_THAT(run.err, StartsWith("tributaryctl: cache: "));
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
}

TEST_F(TributaryctlTest, ManifestRawPrintsTheExactBytes) {
  const CtlRun run = Demo({"manifest", "--raw", "demo/app:v1"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, kDemoManifest);
}

TEST_F(TributaryctlTest, ManifestByDigestAsJsonCarriesItsMetadata) {
  const std::string ref = "demo/app@" + DemoWorld::manifest_digest();
  const CtlRun run = Demo({"--output", "json", "manifest", ref});
  ASSERT_EQ(run.code, 0) << run.err;
  const nlohmann::json json = run.Json();
  ASSERT_TRUE(json.is_object()) << run.out;
  EXPECT_EQ(json["repository"], "demo/app");
  EXPECT_EQ(json["reference"], DemoWorld::manifest_digest());
  EXPECT_EQ(json["digest"], DemoWorld::manifest_digest());
  EXPECT_EQ(json["media_type"], kDemoMediaType);
  EXPECT_EQ(json["size"], sizeof(kDemoManifest) - 1);
  EXPECT_EQ(json["upstream"], "local");
  EXPECT_EQ(json["manifest"]["schemaVersion"], 2);
  EXPECT_TRUE(json["cache"]["hit"].is_boolean()) << run.out;
  EXPECT_TRUE(json["cache"]["stale"].is_boolean()) << run.out;
  EXPECT_TRUE(json["cache"]["age"].is_string()) << run.out;
}

TEST_F(TributaryctlTest, ManifestAcceptNarrowsTheMediaTypesAsked) {
  const CtlRun run =
      Demo({"manifest", "demo/app:v1", "--accept", kDemoMediaType});
  ASSERT_EQ(run.code, 0) << run.err;
  const std::vector<RecordedRequest> requests = world_->upstream().requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().Header("Accept"), kDemoMediaType);
}

TEST_F(TributaryctlTest, HeadManifestPrintsKeyValueLines) {
  const CtlRun run = Demo({"head-manifest", "demo/app:v1"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out,
              HasSubstr("digest: " + DemoWorld::manifest_digest() + "\n"));
  EXPECT_THAT(run.out,
              HasSubstr(std::string("media_type: ") + kDemoMediaType + "\n"));
  EXPECT_THAT(run.out, HasSubstr("upstream: local\n"));
  EXPECT_THAT(run.out, HasSubstr("\ncache: "));
}

TEST_F(TributaryctlTest, HeadManifestAsJson) {
  const CtlRun run = Demo({"head-manifest", "demo/app:v1", "--output=json"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.Json()["digest"], DemoWorld::manifest_digest());
  EXPECT_EQ(run.Json()["size"], sizeof(kDemoManifest) - 1);
  EXPECT_TRUE(run.Json()["cache"].is_object()) << run.out;
}

TEST_F(TributaryctlTest, HeadBlobPrintsSizeAndUpstream) {
  const CtlRun run = Demo({"head-blob", "demo/app", DemoWorld::blob_digest()});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(
      run.out,
      HasSubstr("size: " + std::to_string(sizeof(kDemoBlob) - 1) + "\n"));
  const CtlRun json = Demo(
      {"--output", "json", "head-blob", "demo/app", DemoWorld::blob_digest()});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(json.Json()["upstream"], "local");
}

TEST_F(TributaryctlTest, TagsPrintsOnePageAndSaysHowToGetTheNext) {
  const CtlRun run = Demo({"tags", "demo/app", "--page-size", "2"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out, "v1\nv2\n");
  EXPECT_THAT(run.err, HasSubstr("--last v2"));
  const CtlRun next =
      Demo({"tags", "demo/app", "--page-size", "2", "--last", "v2"});
  EXPECT_EQ(next.out, "v3\n");
  EXPECT_THAT(next.err, StartsWith("tributaryctl: cache: "));
  EXPECT_THAT(next.err, Not(HasSubstr("--last")));
}

TEST_F(TributaryctlTest, TagsAllFollowsEveryPage) {
  const CtlRun run =
      Demo({"--output", "json", "tags", "demo/app", "--page-size=2", "--all"});
  ASSERT_EQ(run.code, 0) << run.err;
  const nlohmann::json json = run.Json();
  EXPECT_EQ(json["tags"], nlohmann::json({"v1", "v2", "v3"}));
  EXPECT_EQ(json["pages"], 2);
  EXPECT_EQ(json["name"], "demo/app");
}

TEST_F(TributaryctlTest, UpstreamsListsTheConfiguredOrder) {
  const CtlRun text = Demo({"upstreams"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_THAT(text.out, StartsWith("ORDER"));
  EXPECT_THAT(text.out, HasSubstr(world_->upstream().url()));
  const CtlRun json = Demo({"upstreams", "--output", "json"});
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(json.Json()["upstreams"][0]["name"], "local");
  EXPECT_EQ(json.Json()["upstreams"][0]["order"], 0);
}

TEST_F(TributaryctlTest, UpstreamsShowsEachCircuitAndItsCounts) {
  const CtlRun text = Demo({"upstreams"});
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("CIRCUIT"));
  EXPECT_THAT(text.out, HasSubstr("closed"));
  const CtlRun json = Demo({"upstreams", "--output", "json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const nlohmann::json upstream = json.Json()["upstreams"][0];
  EXPECT_EQ(upstream["breaker_state"], "closed");
  EXPECT_EQ(upstream["consecutive_failures"], 0);
  EXPECT_TRUE(upstream.contains("request_count"));
  EXPECT_TRUE(upstream.contains("last_error"));
  EXPECT_EQ(upstream["scope"]["include"], nlohmann::json::array());
}

TEST_F(TributaryctlTest, ASecondManifestByDigestPrintsACacheHit) {
  const std::string ref = "demo/app@" + DemoWorld::manifest_digest();
  const CtlRun first = Demo({"--cache-mode", "refresh", "manifest", ref});
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.err, "tributaryctl: cache: miss\n");
  const CtlRun second = Demo({"manifest", ref});
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_THAT(second.err, StartsWith("tributaryctl: cache: hit (age "));
  EXPECT_EQ(nlohmann::json::parse(second.out),
            nlohmann::json::parse(kDemoManifest));
}

TEST_F(TributaryctlTest, ASecondHeadBlobPrintsACacheHitAmongItsLines) {
  const std::vector<std::string> args = {"head-blob", "demo/app",
                                         DemoWorld::blob_digest()};
  ASSERT_EQ(Demo(args).code, 0);
  const CtlRun run = Demo(args);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("upstream: local\ncache: hit (age "));
}

TEST_F(TributaryctlTest, OnlyIfCachedWithNothingCachedExitsNine) {
  world_->upstream().RouteManifest("/v2/demo/app/manifests/cold",
                                   kDemoMediaType, kDemoManifest,
                                   DemoWorld::manifest_digest());
  const int before = static_cast<int>(world_->upstream().requests().size());
  const CtlRun run = Demo(
      {"--cache-mode", "only-if-cached", "head-manifest", "demo/app:cold"});
  EXPECT_EQ(run.code, 9);
  ExpectOneErrorLine(run, "FAILED_PRECONDITION: ");
  EXPECT_EQ(static_cast<int>(world_->upstream().requests().size()), before);
}

TEST_F(TributaryctlTest, AMissingManifestExitsFiveWithOneErrorLine) {
  const CtlRun run = Demo({"manifest", "demo/app:nope"});
  EXPECT_EQ(run.code, 5);
  ExpectOneErrorLine(run, "NOT_FOUND: ");
  EXPECT_THAT(run.err, HasSubstr("local: NOT_FOUND"));
}

TEST_F(TributaryctlTest, ABadReferenceExitsThreeBeforeAnyCall) {
  const int before = static_cast<int>(world_->upstream().requests().size());
  const CtlRun run = Demo({"manifest", "Demo/App:v1"});
  EXPECT_EQ(run.code, 3);
  ExpectOneErrorLine(run, "INVALID_ARGUMENT: invalid image reference");
  EXPECT_EQ(static_cast<int>(world_->upstream().requests().size()), before);
}

TEST_F(TributaryctlTest, TheServersInvalidArgumentExitsThree) {
  const CtlRun run = Demo({"head-blob", "demo/app", "sha256:short"});
  EXPECT_EQ(run.code, 3);
  ExpectOneErrorLine(run, "INVALID_ARGUMENT: ");
}

TEST_F(TributaryctlTest, AnUnreachableServerExitsFourteen) {
  const CtlRun run = Ctl({"--addr", "127.0.0.1:1", "upstreams"});
  EXPECT_EQ(run.code, 14);
  ExpectOneErrorLine(run, "UNAVAILABLE: ");
}

TEST_F(TributaryctlTest, AnUnreachableUpstreamExitsFourteen) {
  auto server = DemoWorld::StartWithDeadUpstream();
  ASSERT_TRUE(server.ok()) << server.status();
  const CtlRun run = Ctl(
      {"--addr", (*server)->grpc_address(), "head-manifest", "demo/app:v1"});
  EXPECT_EQ(run.code, 14);
  ExpectOneErrorLine(run, "gone: UNAVAILABLE");
}

TEST_F(TributaryctlTest, ADeadlineExitsFour) {
  world_->upstream().Route("GET", "/v2/demo/app/manifests/slow",
                           {.delay = absl::Seconds(3)});
  const CtlRun run = Demo({"--timeout", "200ms", "manifest", "demo/app:slow"});
  EXPECT_EQ(run.code, 4);
  ExpectOneErrorLine(run, "DEADLINE_EXCEEDED");
}

TEST_F(TributaryctlTest, ARegistryHostRoutesTheRequestToThatRegistry) {
  const CtlRun run = Demo({"head-manifest", "localhost:5000/demo/app:v1"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("upstream: local"));
  EXPECT_EQ(run.err, "");
  const CtlRun tags = Demo({"tags", "docker.io/demo/app", "--all"});
  ASSERT_EQ(tags.code, 0) << tags.err;
  EXPECT_EQ(tags.out, "v1\nv2\nv3\n");
  const CtlRun blob = Demo({"head-blob", "localhost:5000/demo/app",
                            DemoWorld::blob_digest(), "--output", "json"});
  ASSERT_EQ(blob.code, 0) << blob.err;
  EXPECT_EQ(blob.Json()["upstream"], "local");
}

TEST_F(TributaryctlTest, ARegistryNoUpstreamServesExitsFive) {
  const CtlRun run = Demo({"manifest", "ghcr.io/demo/app:v1"});
  EXPECT_EQ(run.code, 5);
  ExpectOneErrorLine(run, "registry \"ghcr.io\": no upstream serves it");
}

TEST_F(TributaryctlTest, AnIllFormedRegistryHostExitsThreeBeforeAnyCall) {
  const CtlRun run = Demo({"manifest", "ghcr.io:99999/demo/app:v1"});
  EXPECT_EQ(run.code, 3);
  ExpectOneErrorLine(run, "port");
}

TEST_F(TributaryctlTest, IgnoreRegistryHostDropsTheHostAndSaysSo) {
  const CtlRun run = Demo({"--ignore-registry-host", "head-manifest",
                           "localhost:5000/demo/app:v1"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("ignoring registry host \"localhost:5000\""));
  EXPECT_THAT(run.out, HasSubstr("upstream: local"));
  const CtlRun tags =
      Demo({"--ignore-registry-host", "tags", "ghcr.io/demo/app", "--all"});
  ASSERT_EQ(tags.code, 0) << tags.err;
  EXPECT_EQ(tags.out, "v1\nv2\nv3\n");
}

TEST_F(TributaryctlTest, TheAddressComesFromTributaryAddr) {
  const CtlRun run = Ctl({"upstreams", "--output", "json"}, world_->address());
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.Json()["upstreams"][0]["name"], "local");
}

TEST_F(TributaryctlTest, TheAddrFlagWinsOverTributaryAddr) {
  const CtlRun run =
      Ctl({"--addr", world_->address(), "upstreams"}, "127.0.0.1:1");
  EXPECT_EQ(run.code, 0) << run.err;
}

TEST(TributaryctlUsageTest, CommandLineMistakesExitSixtyFour) {
  const std::vector<std::vector<std::string>> mistakes = {
      {},
      {"frobnicate"},
      {"manifest"},
      {"manifest", "a", "b"},
      {"manifest", "a", "--nope"},
      {"tags", "a", "--raw"},
      {"--output", "yaml", "upstreams"},
      {"--timeout", "soon", "upstreams"},
      {"--timeout", "-1s", "upstreams"},
      {"--cache-mode", "sometimes", "upstreams"},
      {"--cache-mode"},
      {"tags", "a", "--page-size", "many"},
      {"tags", "a", "--all", "--last", "x"},
      {"pull-blob", "a", "sha256:x"},
      {"--addr"},
  };
  for (const auto& args : mistakes) {
    const CtlRun run = Ctl(args);
    EXPECT_EQ(run.code, client::kUsageExitCode)
        << ::testing::PrintToString(args);
    EXPECT_THAT(run.err, StartsWith("tributaryctl: "));
    EXPECT_THAT(run.err, EndsWith("\n"));
  }
}

TEST(TributaryctlUsageTest, ABadCacheModeIsAUsageErrorNamingTheAllowedValues) {
  const CtlRun run =
      Ctl({"--cache-mode", "sometimes", "head-manifest", "demo/app:v1"});
  EXPECT_EQ(run.code, client::kUsageExitCode);
  ExpectOneErrorLine(run,
                     "--cache-mode must be \"default\", \"refresh\" or "
                     "\"only-if-cached\", not \"sometimes\"");
}

TEST(TributaryctlUsageTest, HelpListsEveryCommandAndTheExitCodes) {
  const CtlRun run = Ctl({"--help"});
  EXPECT_EQ(run.code, 0);
  for (const char* command : {"manifest", "head-manifest", "head-blob",
                              "pull-blob", "tags", "upstreams"}) {
    EXPECT_THAT(run.out, HasSubstr(std::string("\n  ") + command));
  }
  EXPECT_THAT(run.out, HasSubstr("Exit codes"));
  EXPECT_THAT(run.out,
              HasSubstr("--cache-mode default|refresh|only-if-cached"));
}

TEST_F(TributaryctlTest, PullBlobThroughTheServerWritesTheVerifiedBlob) {
  auto dir = MakeTempDir(TestTempDir(), "pull");
  ASSERT_TRUE(dir.ok());
  const std::string path = *dir + "/blob";
  const CtlRun run =
      Demo({"pull-blob", "demo/app", DemoWorld::blob_digest(), "-o", path});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(*ReadFile(path), kDemoBlob);
  EXPECT_THAT(run.out, HasSubstr("upstream: local"));
}

TEST_F(TributaryctlTest, PullBlobOfACorruptUpstreamBlobExitsFifteen) {
  auto dir = MakeTempDir(TestTempDir(), "pull");
  ASSERT_TRUE(dir.ok());
  const std::string path = *dir + "/blob";
  const CtlRun run = Demo(
      {"pull-blob", "demo/app", DemoWorld::corrupt_blob_digest(), "-o", path});
  EXPECT_EQ(run.code, 15) << run.err;
  ExpectOneErrorLine(run, "DATA_LOSS");
  EXPECT_FALSE(Exists(path));
}

class PullBlobTest : public ::testing::Test {
 protected:
  void Start(client::StubServerOptions options = {}) {
    auto stub = client::StubServer::Start(options);
    ASSERT_TRUE(stub.ok()) << stub.status();
    stub_ = *std::move(stub);
    auto dir = MakeTempDir(TestTempDir(), "pull");
    ASSERT_TRUE(dir.ok());
    path_ = *dir + "/layer.tar";
  }

  CtlRun Pull(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "--addr",   stub_->address(),     "pull-blob",
        "demo/app", stub_->blob_digest(), "-o",
        path_};
    args.insert(args.end(), extra.begin(), extra.end());
    return Ctl(args);
  }

  std::unique_ptr<client::StubServer> stub_;
  std::string path_;
};

TEST_F(PullBlobTest, WritesTheVerifiedBlobAndReportsIt) {
  Start();
  const CtlRun run = Pull();
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(*ReadFile(path_), client::StubServerOptions().blob);
  EXPECT_THAT(run.out, HasSubstr("digest: " + stub_->blob_digest()));
  EXPECT_THAT(run.out, HasSubstr("file: " + path_));
  EXPECT_EQ(run.err, "");  // Not a terminal: no progress bar.
}

TEST_F(PullBlobTest, ReportsAsJson) {
  Start();
  const CtlRun run = Pull({"--output", "json"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.Json()["size"], client::StubServerOptions().blob.size());
  EXPECT_EQ(run.Json()["upstream"], "stub");
}

TEST_F(PullBlobTest, ACorruptBlobExitsFifteenAndLeavesNoFile) {
  Start({.corrupt_blob = true});
  const CtlRun run = Pull();
  EXPECT_EQ(run.code, 15);
  ExpectOneErrorLine(run, "DATA_LOSS: digest mismatch");
  EXPECT_FALSE(Exists(path_));
}

TEST_F(PullBlobTest, AMissingBlobExitsFive) {
  Start();
  const CtlRun run = Ctl({"--addr", stub_->address(), "pull-blob",
                          "missing/app", stub_->blob_digest(), "-o", path_});
  EXPECT_EQ(run.code, 5);
  EXPECT_FALSE(Exists(path_));
}

}  // namespace
}  // namespace tributary::testing
