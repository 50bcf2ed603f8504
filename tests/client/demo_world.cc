#include "tests/client/demo_world.h"

#include "absl/strings/str_cat.h"
#include "service/oci/digest.h"

namespace tributary::testing {
namespace {

constexpr char kTags[] = R"({"name":"demo/app","tags":["v1","v2","v3"]})";

std::string Sha256(const std::string& bytes) {
  return oci::ComputeDigest(oci::DigestAlgorithm::kSha256, bytes).str();
}

FakeResponse TagsResponse() {
  return {.headers = {{"Content-Type", "application/json"}}, .body = kTags};
}

}  // namespace

std::string DemoWorld::manifest_digest() { return Sha256(kDemoManifest); }

std::string DemoWorld::blob_digest() { return Sha256(kDemoBlob); }

std::string DemoWorld::corrupt_blob_digest() {
  return Sha256("the bytes you asked for");
}

absl::StatusOr<std::unique_ptr<DemoWorld>> DemoWorld::Start() {
  auto world = std::unique_ptr<DemoWorld>(new DemoWorld());
  FakeUpstream& upstream = world->upstream_;
  for (const std::string& reference : {std::string("v1"), manifest_digest()}) {
    upstream.RouteManifest(absl::StrCat("/v2/demo/app/manifests/", reference),
                           kDemoMediaType, kDemoManifest, manifest_digest());
  }
  for (const char* method : {"HEAD", "GET"}) {
    upstream.Route(method, absl::StrCat("/v2/demo/app/blobs/", blob_digest()),
                   {.headers = {{"Content-Type", "application/octet-stream"},
                                {"Docker-Content-Digest", blob_digest()}},
                    .body = kDemoBlob});
  }
  // Bytes that do not hash to the digest they are served under.
  upstream.Route("GET",
                 absl::StrCat("/v2/demo/app/blobs/", corrupt_blob_digest()),
                 {.headers = {{"Content-Type", "application/octet-stream"}},
                  .body = "not the bytes you asked for"});
  for (const char* query : {"", "?n=2", "?n=2&last=v2"}) {
    upstream.Route("GET", absl::StrCat("/v2/demo/app/tags/list", query),
                   TagsResponse());
  }
  // The default registry and a second source registry, both served by the
  // one upstream, so clients can name either.
  auto server = RunningServer::Start(
      TestConfigYaml({{"local", upstream.url(),
                       "    registries: [docker.io, \"localhost:5000\"]\n"}}));
  if (!server.ok()) {
    return server.status();
  }
  world->server_ = *std::move(server);
  return world;
}

absl::StatusOr<std::unique_ptr<RunningServer>>
DemoWorld::StartWithDeadUpstream() {
  std::string dead_url;
  {
    FakeUpstream gone;
    dead_url = gone.url();
  }
  return RunningServer::Start(TestConfigYaml({{"gone", dead_url}}));
}

}  // namespace tributary::testing
