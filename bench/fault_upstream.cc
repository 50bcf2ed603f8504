// The soak's fault-injecting upstream (bench/soak.sh): a FakeUpstream on
// 127.0.0.1 that answers the catalog's mixed/ and fault/ repositories from a
// real registry (the backend; each answer fetched once, BackendCache) and
// spoils some answers as each repository's fault mode says (FaultInjector).
// Writes its port to --port_file once it listens; on SIGTERM or SIGINT
// prints how many requests got each fault and exits. Usage, all on one command
// line:
//
//   fault_upstream --backend 127.0.0.1:5000 --catalog catalog.txt
//                  --port_file port --seed 1

#include <signal.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "bench/backend_cache.h"
#include "bench/fault_injector.h"
#include "bench/soak_catalog.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/loopback_http.h"

ABSL_FLAG(std::string, backend, "", "host:port of the registry to answer from");
ABSL_FLAG(std::string, catalog, "", "The soak's catalog file.");
ABSL_FLAG(std::string, port_file, "", "Where to write the port listened on.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the fault choices.");

namespace tributary::bench {
namespace {

using testing::FakeResponse;
using testing::FakeUpstream;
using testing::RecordedRequest;

// Every manifest type: the soak pushes OCI manifests, which the backend
// serves to any caller accepting them, as Tributary always does.
constexpr char kAcceptManifests[] =
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";
// Answer headers Tributary reads (Content-Length only for HEAD: a GET's is
// the body's, which FakeUpstream sets).
constexpr const char* kForwardedAnswerHeaders[] = {
    "Content-Type", "Docker-Content-Digest", "Content-Range", "Accept-Ranges",
    "Link"};
constexpr absl::Duration kBackendTimeout = absl::Seconds(30);

FakeResponse AskBackend(const std::string& backend,
                        const RecordedRequest& request) {
  testing::HttpRequest forwarded{.method = request.method,
                                 .path = request.target,
                                 .headers = {{"Accept", kAcceptManifests}}};
  absl::StatusOr<testing::HttpResponse> answer =
      testing::SendHttpRequest(backend, forwarded, kBackendTimeout);
  FakeResponse response;
  if (!answer.ok()) {
    // The backend is on loopback: this is the soak's own failure, shown as
    // what a registry would send.
    std::fprintf(stderr, "fault_upstream: %s %s: %s\n", request.method.c_str(),
                 request.target.c_str(), answer.status().ToString().c_str());
    response.status = 502;
    return response;
  }
  response.status = answer->status;
  for (const char* name : kForwardedAnswerHeaders) {
    if (std::string value = answer->Header(name); !value.empty()) {
      response.headers.emplace_back(name, std::move(value));
    }
  }
  if (request.method == "HEAD") {
    response.headers.emplace_back("Content-Length",
                                  answer->Header("content-length"));
  }
  response.body = std::move(answer->body);
  return response;
}

// Routes `methods` of `path` through the backend's answers and the injector.
void Serve(FakeUpstream& upstream, FaultInjector& injector,
           BackendCache& backend, const std::string& path,
           std::vector<std::string> methods, FaultMode mode, RequestKind kind) {
  for (std::string& method : methods) {
    // Fetched now, so no request waits for the backend during the soak.
    backend.Answer(RecordedRequest{.method = method, .target = path});
    upstream.Handle(
        std::move(method), path,
        [&injector, &backend, mode, kind](const RecordedRequest& r) {
          return injector.Apply(mode, kind, r.method, backend.Answer(r));
        });
  }
}

void ServeCatalog(const Catalog& catalog, FakeUpstream& upstream,
                  FaultInjector& injector, BackendCache& backend) {
  for (const Image& image : catalog.images) {
    if (image.kind.placement == Placement::kHealthy) {
      continue;
    }
    for (const std::string& reference : {image.tag, image.digest}) {
      Serve(upstream, injector, backend,
            absl::StrCat("/v2/", image.repository, "/manifests/", reference),
            {"GET", "HEAD"}, image.kind.fault, RequestKind::kManifest);
    }
    Serve(upstream, injector, backend,
          absl::StrCat("/v2/", image.repository, "/tags/list"), {"GET"},
          image.kind.fault, RequestKind::kTags);
  }
  for (const Blob& blob : catalog.blobs) {
    if (blob.kind.placement == Placement::kHealthy) {
      continue;
    }
    Serve(upstream, injector, backend,
          absl::StrCat("/v2/", blob.repository, "/blobs/", blob.digest),
          {"GET", "HEAD"}, blob.kind.fault, RequestKind::kBlob);
  }
}

bool WritePort(const std::string& path, int port) {
  // Written aside and renamed, so a reader never sees half a number.
  const std::string partial = path + ".partial";
  FILE* file = std::fopen(partial.c_str(), "w");
  if (file == nullptr) {
    return false;
  }
  const bool written = std::fprintf(file, "%d\n", port) > 0;
  return std::fclose(file) == 0 && written &&
         std::rename(partial.c_str(), path.c_str()) == 0;
}

int Run() {
  const std::string backend = absl::GetFlag(FLAGS_backend);
  absl::StatusOr<Catalog> catalog = ReadCatalog(absl::GetFlag(FLAGS_catalog));
  if (backend.empty() || !catalog.ok()) {
    std::fprintf(stderr, "fault_upstream: %s\n",
                 backend.empty() ? "--backend is required"
                                 : catalog.status().ToString().c_str());
    return 2;
  }
  // Blocked before any thread starts, so every thread inherits the mask and
  // only sigwait below receives them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  FaultInjector injector(absl::GetFlag(FLAGS_seed));
  BackendCache answers(
      [&backend](const RecordedRequest& r) { return AskBackend(backend, r); });
  FakeUpstream upstream;
  ServeCatalog(*catalog, upstream, injector, answers);
  if (!WritePort(absl::GetFlag(FLAGS_port_file), upstream.port())) {
    std::fprintf(stderr, "fault_upstream: cannot write --port_file %s\n",
                 absl::GetFlag(FLAGS_port_file).c_str());
    return 1;
  }
  int signal = 0;
  sigwait(&stop, &signal);
  const auto counts = injector.counts();
  std::printf("fault upstream: %zu requests;", upstream.requests().size());
  for (int i = 0; i < kFaultCount; ++i) {
    std::printf(" %s: %lld%s", std::string(FaultName(Fault(i))).c_str(),
                static_cast<long long>(counts[static_cast<size_t>(i)]),
                i + 1 < kFaultCount ? "," : "\n");
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace
}  // namespace tributary::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return tributary::bench::Run();
}
