#include "tests/e2e/registry_harness.h"

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/support/files.h"
#include "tests/support/loopback_http.h"
#include "tests/support/process.h"

namespace tributary::testing {
namespace {

constexpr absl::Duration kStartupTimeout = absl::Seconds(15);
constexpr absl::Duration kPollInterval = absl::Milliseconds(50);
constexpr absl::Duration kProbeTimeout = absl::Seconds(2);
constexpr int kMaxStartAttempts = 3;
// Most of a registry log worth quoting in an error message.
constexpr size_t kMaxLogInError = 2048;

std::string ReadFileTail(const std::string& path) {
  std::string contents = ReadFile(path).value_or("");
  if (contents.size() > kMaxLogInError) {
    contents = "..." + contents.substr(contents.size() - kMaxLogInError);
  }
  return contents;
}

std::string LoopbackHostPort(int port) {
  return absl::StrCat("127.0.0.1:", port);
}

// The auth section RegistryOptions asks for.
std::string AuthConfig(const RegistryOptions& options) {
  if (!options.token.realm.empty()) {
    return absl::StrCat("auth:\n  token:\n    realm: ", options.token.realm,
                        "\n    service: ", options.token.service,
                        "\n    issuer: ", options.token.issuer,
                        "\n    rootcertbundle: ", options.token.root_cert_file,
                        "\n");
  }
  if (options.htpasswd_file.empty()) {
    return "";
  }
  return absl::StrCat("auth:\n  htpasswd:\n    realm: tributary-e2e\n",
                      "    path: ", options.htpasswd_file, "\n");
}

// The http.tls section RegistryOptions asks for.
std::string TlsConfig(const RegistryOptions& options) {
  if (options.tls.cert_file.empty()) {
    return "";
  }
  std::string config =
      absl::StrCat("  tls:\n    certificate: ", options.tls.cert_file,
                   "\n    key: ", options.tls.key_file, "\n");
  if (!options.client_ca_file.empty()) {
    absl::StrAppend(&config, "    clientcas:\n      - ", options.client_ca_file,
                    "\n");
  }
  return config;
}

// distribution's config; see docs/configuration.md of distribution v2.8.
std::string RegistryConfig(const std::string& storage_dir, int port,
                           const RegistryOptions& options) {
  return AuthConfig(options) +
         absl::StrFormat(R"(version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
  # A fixed secret keeps the registry from warning that it made one up.
  secret: tributary-e2e-test-secret
)",
                         storage_dir, LoopbackHostPort(port)) +
         TlsConfig(options);
}

enum class Readiness { kReady, kExited, kTimedOut };

// Polls GET /v2/ until it answers 200 (any status when `guarded`: 401 for
// auth, 400 to plain HTTP on a TLS port), the registry exits, or time runs
// out.
Readiness AwaitReady(ChildProcess& process, int port, bool guarded) {
  const absl::Time deadline = absl::Now() + kStartupTimeout;
  HttpRequest probe;
  probe.path = "/v2/";
  while (absl::Now() < deadline) {
    absl::StatusOr<HttpResponse> response =
        SendHttpRequest(LoopbackHostPort(port), probe, kProbeTimeout);
    if (response.ok() &&
        (response->status == 200 || (guarded && response->status > 0))) {
      return Readiness::kReady;
    }
    if (process.HasExited()) {
      return Readiness::kExited;
    }
    absl::SleepFor(kPollInterval);
  }
  return Readiness::kTimedOut;
}

}  // namespace

std::string RealRegistry::host_port() const { return LoopbackHostPort(port_); }

std::string RealRegistry::url() const {
  return absl::StrCat(tls_ ? "https://" : "http://", host_port());
}

absl::StatusOr<std::string> MakeHtpasswd(const std::string& dir,
                                         const std::string& user,
                                         const std::string& password) {
  const std::string path = absl::StrCat(dir, "/htpasswd");
  absl::StatusOr<CommandResult> result =
      RunCommand({"htpasswd", "-Bbc", path, user, password}, absl::Seconds(20));
  if (!result.ok()) {
    return result.status();
  }
  if (result->exit_code != 0) {
    return absl::InternalError(absl::StrCat(
        "htpasswd exited ", result->exit_code, ": ", result->output));
  }
  return path;
}

absl::StatusOr<std::unique_ptr<RealRegistry>> RealRegistry::Start(
    const std::string& work_dir) {
  return Start(work_dir, RegistryOptions());
}

absl::StatusOr<std::unique_ptr<RealRegistry>> RealRegistry::Start(
    const std::string& work_dir, const RegistryOptions& options) {
  absl::StatusOr<std::string> dir = MakeTempDir(work_dir, "registry-");
  if (!dir.ok()) {
    return dir.status();
  }
  const std::string storage_dir = options.storage_dir.empty()
                                      ? absl::StrCat(*dir, "/storage")
                                      : options.storage_dir;
  const bool guarded = !options.htpasswd_file.empty() ||
                       !options.tls.cert_file.empty() ||
                       !options.token.realm.empty();
  const std::string config_path = absl::StrCat(*dir, "/config.yml");
  const std::string log_path = absl::StrCat(*dir, "/registry.log");
  for (int attempt = 1; attempt <= kMaxStartAttempts; ++attempt) {
    const int port = PickFreeLoopbackPort();
    if (port <= 0) {
      return absl::InternalError("no free port on 127.0.0.1");
    }
    if (absl::Status written =
            WriteFile(config_path, RegistryConfig(storage_dir, port, options));
        !written.ok()) {
      return written;
    }
    absl::StatusOr<ChildProcess> process = ChildProcess::Start(
        {"docker-registry", "serve", config_path}, log_path);
    if (!process.ok()) {
      return process.status();
    }
    Readiness readiness = AwaitReady(*process, port, guarded);
    if (readiness == Readiness::kReady) {
      return std::unique_ptr<RealRegistry>(
          new RealRegistry(*std::move(process), port, log_path, storage_dir,
                           config_path, options));
    }
    const std::string log = ReadFileTail(log_path);
    // Someone else may have bound the port between Pick and the registry.
    if (readiness == Readiness::kExited &&
        absl::StrContains(log, "address already in use") &&
        attempt < kMaxStartAttempts) {
      continue;
    }
    return absl::UnavailableError(absl::StrCat(
        "docker-registry on port ", port,
        readiness == Readiness::kExited ? " exited" : " did not answer 200",
        " (log ", log_path, "): ", log));
  }
  return absl::UnavailableError("unreachable");
}

void RealRegistry::Stop() { process_.Stop(); }

absl::Status RealRegistry::Restart() {
  process_.Stop();
  absl::StatusOr<ChildProcess> process = ChildProcess::Start(
      {"docker-registry", "serve", config_path_}, log_path_);
  if (!process.ok()) {
    return process.status();
  }
  process_ = *std::move(process);
  if (AwaitReady(process_, port_, guarded_) != Readiness::kReady) {
    return absl::UnavailableError(
        absl::StrCat("docker-registry did not come back on port ", port_,
                     " (log ", log_path_, "): ", ReadFileTail(log_path_)));
  }
  return absl::OkStatus();
}

std::string Sha256Digest(absl::string_view bytes) {
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int hash_size = 0;
  EVP_Digest(bytes.data(), bytes.size(), hash, &hash_size, EVP_sha256(),
             nullptr);
  std::string digest = "sha256:";
  for (unsigned int i = 0; i < hash_size; ++i) {
    absl::StrAppendFormat(&digest, "%02x", hash[i]);
  }
  return digest;
}

}  // namespace tributary::testing
