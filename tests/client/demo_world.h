#ifndef TRIBUTARY_TESTS_CLIENT_DEMO_WORLD_H_
#define TRIBUTARY_TESTS_CLIENT_DEMO_WORLD_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/server_fixture.h"

namespace tributary::testing {

// The manifest the fake upstream serves as demo/app:v1.
inline constexpr char kDemoManifest[] =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json",)"
    R"("digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},)"
    R"("layers":[]})";
inline constexpr char kDemoMediaType[] =
    "application/vnd.oci.image.manifest.v1+json";
// A blob the fake upstream knows the size of (HEAD only).
inline constexpr char kDemoBlob[] = "demo layer bytes";

// The real Tributary server in-process with one fake upstream named "local"
// that serves demo/app: manifest v1 (by tag and by digest), blob kDemoBlob
// (HEAD and GET), a blob whose bytes do not match its digest, and tags v1, v2,
// v3 (ignoring n and last, as distribution 2.8 does, so the server pages).
// Anything else is 404. "local" serves the source registries docker.io (the
// default) and localhost:5000; no upstream serves any other.
class DemoWorld {
 public:
  static absl::StatusOr<std::unique_ptr<DemoWorld>> Start();

  // A server whose only upstream is a port nothing listens on.
  static absl::StatusOr<std::unique_ptr<RunningServer>> StartWithDeadUpstream();

  FakeUpstream& upstream() { return upstream_; }
  RunningServer& server() { return *server_; }
  std::string address() const { return server_->grpc_address(); }

  static std::string manifest_digest();
  static std::string blob_digest();
  // Served with bytes that hash to something else.
  static std::string corrupt_blob_digest();

 private:
  DemoWorld() = default;
  FakeUpstream upstream_;
  std::unique_ptr<RunningServer> server_;
};

}  // namespace tributary::testing

#endif  // TRIBUTARY_TESTS_CLIENT_DEMO_WORLD_H_
