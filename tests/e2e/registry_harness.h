#ifndef TRIBUTARY_TESTS_E2E_REGISTRY_HARNESS_H_
#define TRIBUTARY_TESTS_E2E_REGISTRY_HARNESS_H_

// Test harness for end-to-end tests against a real OCI registry: Debian's
// docker-registry (CNCF distribution v2.8) on loopback, filled with small
// images built by umoci and pushed by skopeo. Process, HTTP and file helpers
// come with it (tests/support/process.h, loopback_http.h, files.h).

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tests/support/files.h"
#include "tests/support/loopback_http.h"
#include "tests/support/process.h"
#include "tests/support/test_ca.h"

namespace tributary::testing {

// Accept header asking for any single-image or multi-image manifest type, OCI
// or Docker schema 2.
inline constexpr char kManifestAcceptHeader[] =
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

// How a RealRegistry guards what it serves. Plain value type; the default is
// plain HTTP, no auth, fresh storage.
struct RegistryOptions {
  // Serves this storage root (another registry's) instead of a fresh one: a
  // guarded view of images pushed to a plain registry.
  std::string storage_dir;
  // A bcrypt htpasswd file (see MakeHtpasswd): Basic auth on every request.
  std::string htpasswd_file;
  // HTTPS with this certificate and key when set.
  CertFiles tls;
  // With tls: clients must present a certificate signed by this CA.
  std::string client_ca_file;
  // Token auth (distribution's auth.token): bearer tokens from `realm` for
  // `service`, issued by `issuer`, signed by a key certified by a CA in
  // `root_cert_file`. Off while realm is empty.
  struct TokenAuth {
    std::string realm;
    std::string service;
    std::string issuer;
    std::string root_cert_file;
  } token;
};

// Writes an htpasswd file for one user under `dir` with the `htpasswd` tool
// (apache2-utils; bcrypt, as docker-registry requires). Returns its path.
absl::StatusOr<std::string> MakeHtpasswd(const std::string& dir,
                                         const std::string& user,
                                         const std::string& password);

// A docker-registry process serving plain HTTP on 127.0.0.1:<free port> with
// its own storage under a fresh directory of `work_dir`. The destructor sends
// SIGTERM, then SIGKILL after 5 s, and reaps it. The process is also killed
// if the thread that called Start exits first, so start registries from the
// thread that owns them (gtest's main thread, SetUpTestSuite, ...).
// Accessors are thread-safe; the object itself is not copyable or movable.
class RealRegistry {
 public:
  // Starts a registry and waits (up to 15 s) until GET /v2/ answers 200.
  // Retries on another port if the picked one was taken meanwhile. Errors
  // name the registry's log file and quote its end.
  static absl::StatusOr<std::unique_ptr<RealRegistry>> Start(
      const std::string& work_dir);
  // The same, guarded as `options` say; ready once /v2/ answers at all (401
  // with auth, 400 to the plain-HTTP probe with TLS).
  static absl::StatusOr<std::unique_ptr<RealRegistry>> Start(
      const std::string& work_dir, const RegistryOptions& options);

  RealRegistry(const RealRegistry&) = delete;
  RealRegistry& operator=(const RealRegistry&) = delete;
  ~RealRegistry() = default;  // ~ChildProcess stops the registry.

  int port() const { return port_; }
  std::string host_port() const;  // "127.0.0.1:PORT"
  std::string url() const;        // "http://127.0.0.1:PORT" (https with TLS)
  // The registry's stdout+stderr (warnings and its access log).
  const std::string& log_path() const { return log_path_; }
  // The filesystem storage root (docker/registry/v2/... below it).
  const std::string& storage_dir() const { return storage_dir_; }

  // Stops the registry (SIGTERM, SIGKILL after 5 s) as an outage would; its
  // storage stays. Idempotent. Not thread-safe.
  void Stop();
  // Starts it again on the same port and storage and waits (up to 15 s) until
  // GET /v2/ answers 200. Not thread-safe; call from the starting thread.
  absl::Status Restart();

 private:
  RealRegistry(ChildProcess process, int port, std::string log_path,
               std::string storage_dir, std::string config_path,
               const RegistryOptions& options)
      : process_(std::move(process)),
        port_(port),
        log_path_(std::move(log_path)),
        storage_dir_(std::move(storage_dir)),
        config_path_(std::move(config_path)),
        tls_(!options.tls.cert_file.empty()),
        guarded_(tls_ || !options.htpasswd_file.empty() ||
                 !options.token.realm.empty()) {}

  ChildProcess process_;
  int port_;
  std::string log_path_;
  std::string storage_dir_;
  std::string config_path_;
  bool tls_ = false;
  bool guarded_ = false;  // auth or TLS: /v2/ does not answer the probe 200
};

// An image as the registry serves it after a push.
struct PushedImage {
  std::string manifest_digest;      // "sha256:<hex>" of manifest_bytes.
  std::string manifest_media_type;  // The Content-Type the registry sent.
  std::string manifest_bytes;
  std::string config_digest;
  std::vector<std::string> layer_digests;
  std::vector<int64_t> layer_sizes;  // Parallel to layer_digests.
};

// Builds a one-layer image with umoci in a fresh directory of `work_dir` (the
// layer holds /tributary/image.txt naming repository and tag, so every
// repository:tag gets distinct layer, config and manifest digests) and pushes
// it as an OCI manifest with skopeo to
// http://registry_host_port/repository:tag. Then fetches the manifest back and
// describes what the registry serves. `work_dir` must not contain ':' (skopeo's
// oci: transport syntax).
absl::StatusOr<PushedImage> BuildAndPushImage(
    const std::string& work_dir, const std::string& registry_host_port,
    const std::string& repository, const std::string& tag);

// "sha256:" + lowercase hex SHA-256 of `bytes`: an OCI digest.
std::string Sha256Digest(absl::string_view bytes);

}  // namespace tributary::testing

#endif  // TRIBUTARY_TESTS_E2E_REGISTRY_HARNESS_H_
