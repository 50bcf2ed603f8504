// Scope rules and disabled upstreams through the real server: an upstream
// whose scope excludes a repository, or that is disabled, is never contacted.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>

#include "absl/strings/str_cat.h"
#include "service/oci/digest.h"
#include "service/oci/media_types.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{}})";

std::string Sha256(const std::string& bytes) {
  return oci::ComputeDigest(oci::DigestAlgorithm::kSha256, bytes).str();
}

// Routes `repository`'s manifest "v1" on `upstream`.
void Serve(FakeUpstream& upstream, const std::string& upstream_repository) {
  upstream.RouteManifest(
      absl::StrCat("/v2/", upstream_repository, "/manifests/v1"),
      std::string(oci::kOciManifest), kManifest, Sha256(kManifest));
}

struct ScopeCase {
  std::string test_name;
  std::string scope_yaml;  // the first upstream's scope block
  std::string repository;
  bool first_asked;
};

void PrintTo(const ScopeCase& c, std::ostream* out) { *out << c.test_name; }

class ScopeTest : public ::testing::TestWithParam<ScopeCase> {
 protected:
  FakeUpstream first_;
  FakeUpstream second_;
};

TEST_P(ScopeTest, AsksTheFirstUpstreamOnlyWhenItsScopeAdmitsTheRepository) {
  const ScopeCase& c = GetParam();
  Serve(first_, c.repository);
  Serve(second_, c.repository);
  auto server = RunningServer::Start(TestConfigYaml(
      {{"first", first_.url(), absl::StrCat("    scope:\n", c.scope_yaml)},
       {"second", second_.url()}},
      "cache:\n  disabled: true\n"));
  ASSERT_TRUE(server.ok()) << server.status();
  v1::GetManifestRequest request;
  request.set_repository(c.repository);
  request.set_reference("v1");
  v1::GetManifestResponse response;
  auto context = ContextWithTimeout(absl::Seconds(10));
  ASSERT_TRUE((*server)
                  ->resolver()
                  .GetManifest(context.get(), request, &response)
                  .ok());
  EXPECT_EQ(response.upstream().name(), c.first_asked ? "first" : "second");
  EXPECT_EQ(first_.requests().empty(), !c.first_asked);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ScopeTest,
    ::testing::ValuesIn(std::vector<ScopeCase>{
        {"IncludeAdmitsAMatchingRepository", "      include: [\"library/*\"]\n",
         "library/alpine", true},
        {"IncludeKeepsOtherRepositoriesAway",
         "      include: [\"library/*\"]\n", "myorg/app", false},
        {"StarDoesNotReachDeeperPaths", "      include: [\"library/*\"]\n",
         "library/a/b", false},
        {"DoubleStarReachesAnyDepth", "      include: [\"myorg/**\"]\n",
         "myorg/team/app", true},
        {"ExcludeKeepsAMatchAway", "      exclude: [\"myorg/secret/**\"]\n",
         "myorg/secret/keys", false},
        {"ExcludeAdmitsTheRest", "      exclude: [\"myorg/secret/**\"]\n",
         "myorg/public", true},
        {"ExcludeWinsOverInclude",
         "      include: [\"myorg/**\"]\n      exclude: [\"myorg/secret\"]\n",
         "myorg/secret", false},
        {"AnyOfSeveralIncludesWillDo",
         "      include: [\"library/*\", \"tools/*\"]\n", "tools/jq", true},
    }),
    [](const auto& info) { return info.param.test_name; });

class ScopeErrorTest : public ::testing::Test {
 protected:
  FakeUpstream first_;
  FakeUpstream second_;
};

TEST_F(ScopeErrorTest, OutOfEveryScopeIsNotFoundNamingEachUpstream) {
  auto server = RunningServer::Start(TestConfigYaml(
      {{"first", first_.url(), "    scope:\n      include: [\"library/*\"]\n"},
       {"second", second_.url(),
        "    scope:\n      exclude: [\"myorg/**\"]\n"}},
      "cache:\n  disabled: true\n"));
  ASSERT_TRUE(server.ok()) << server.status();
  v1::GetManifestRequest request;
  request.set_repository("myorg/app");
  request.set_reference("v1");
  v1::GetManifestResponse response;
  auto context = ContextWithTimeout(absl::Seconds(10));
  const grpc::Status status =
      (*server)->resolver().GetManifest(context.get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(),
            "docker.io/myorg/app:v1: first: skipped: not in its scope; "
            "second: skipped: not in its scope");
  EXPECT_TRUE(first_.requests().empty());
  EXPECT_TRUE(second_.requests().empty());
}

TEST_F(ScopeErrorTest, ListUpstreamsShowsTheScopeRules) {
  auto server = RunningServer::Start(
      TestConfigYaml({{"first", first_.url(),
                       "    scope:\n      include: [\"library/*\"]\n"
                       "      exclude: [\"library/private\"]\n"}}));
  ASSERT_TRUE(server.ok()) << server.status();
  v1::ListUpstreamsResponse response;
  auto context = ContextWithTimeout(absl::Seconds(5));
  ASSERT_TRUE(
      (*server)
          ->admin()
          .ListUpstreams(context.get(), v1::ListUpstreamsRequest(), &response)
          .ok());
  EXPECT_THAT(response.upstreams(0).scope_include(),
              ::testing::ElementsAre("library/*"));
  EXPECT_THAT(response.upstreams(0).scope_exclude(),
              ::testing::ElementsAre("library/private"));
}

// Every RPC, once each, against a disabled first upstream.
TEST_F(ScopeErrorTest, ADisabledUpstreamIsNeverContactedByAnyRpc) {
  const std::string blob = "blob";
  const std::string digest = Sha256(blob);
  Serve(second_, "demo/app");
  second_.Route("GET", "/v2/demo/app/blobs/" + digest, {.body = blob});
  second_.Route("GET", "/v2/demo/app/tags/list",
                {.headers = {{"Content-Type", "application/json"}},
                 .body = R"({"name":"demo/app","tags":["v1"]})"});
  auto server = RunningServer::Start(
      TestConfigYaml({{"first", first_.url(), "    enabled: false\n"},
                      {"second", second_.url()}},
                     "cache:\n  disabled: true\n"));
  ASSERT_TRUE(server.ok()) << server.status();
  v1::ResolverService::Stub& stub = (*server)->resolver();

  v1::GetManifestRequest manifest;
  manifest.set_repository("demo/app");
  manifest.set_reference("v1");
  v1::GetManifestResponse got;
  EXPECT_TRUE(stub.GetManifest(ContextWithTimeout(absl::Seconds(5)).get(),
                               manifest, &got)
                  .ok());
  v1::HeadManifestRequest head;
  head.set_repository("demo/app");
  head.set_reference("v1");
  v1::HeadManifestResponse headed;
  EXPECT_TRUE(stub.HeadManifest(ContextWithTimeout(absl::Seconds(5)).get(),
                                head, &headed)
                  .ok());
  v1::ListTagsRequest tags;
  tags.set_repository("demo/app");
  v1::ListTagsResponse listed;
  EXPECT_TRUE(
      stub.ListTags(ContextWithTimeout(absl::Seconds(5)).get(), tags, &listed)
          .ok());
  v1::GetBlobRequest pull;
  pull.set_repository("demo/app");
  pull.set_digest(digest);
  auto context = ContextWithTimeout(absl::Seconds(5));
  auto reader = stub.GetBlob(context.get(), pull);
  v1::GetBlobResponse message;
  while (reader->Read(&message)) {
  }
  EXPECT_TRUE(reader->Finish().ok());

  EXPECT_TRUE(first_.requests().empty());
  EXPECT_EQ(first_.connections_accepted(), 0);
}

}  // namespace
}  // namespace tributary::testing
