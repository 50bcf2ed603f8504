// tributary-frontend: the pull side of the OCI Distribution Spec over HTTP,
// answered from Tributary's gRPC API. See README.md ("tributary-frontend").
//
//   tributary-frontend --tributary_address unix:///run/tributary/grpc.sock
//       --listen_address 0.0.0.0:5000 --cert_file tls.crt --key_file tls.key
//
// A bad flag stops it at start with the flag, the file and the reason.
// SIGTERM or SIGINT shuts it down (see Frontend::Shutdown) and exits 0.

#include <signal.h>

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "client/frontend/config.h"
#include "client/frontend/frontend.h"
#include "client/heap_reuse.h"
#include "spdlog/spdlog.h"

namespace {

const tributary::frontend::FrontendConfig kDefaults;

}  // namespace

ABSL_FLAG(std::string, listen_address, kDefaults.listen_address,
          "HOST:PORT the HTTP server binds.");
ABSL_FLAG(std::string, cert_file, "", "PEM certificate chain for HTTPS.");
ABSL_FLAG(std::string, key_file, "", "PEM private key for HTTPS.");
ABSL_FLAG(bool, plain_http, false, "Serve plain HTTP (no cert_file/key_file).");
ABSL_FLAG(std::string, htpasswd_file, "",
          "Basic auth from this bcrypt htpasswd file; anonymous when empty.");
ABSL_FLAG(std::string, metrics_listen_address, "",
          "HOST:PORT serving Prometheus /metrics; off when empty.");
ABSL_FLAG(std::string, tributary_address, "unix:///run/tributary/grpc.sock",
          "Tributary's gRPC address: unix:///PATH or HOST:PORT.");
ABSL_FLAG(std::string, tributary_ca_file, "",
          "PEM roots to verify Tributary's TLS certificate (enables TLS).");
ABSL_FLAG(std::string, tributary_server_name, "",
          "Name to verify Tributary's certificate against (enables TLS).");
ABSL_FLAG(absl::Duration, call_timeout, kDefaults.call_timeout,
          "Deadline of each manifest, tag list or HEAD call to Tributary.");
ABSL_FLAG(absl::Duration, blob_timeout, kDefaults.blob_timeout,
          "Deadline of one whole blob stream.");
ABSL_FLAG(absl::Duration, header_timeout, kDefaults.header_timeout,
          "A connection's first request must arrive within this.");
ABSL_FLAG(absl::Duration, idle_timeout, kDefaults.idle_timeout,
          "A keep-alive connection idle this long is closed.");
ABSL_FLAG(absl::Duration, write_timeout, kDefaults.write_timeout,
          "Each write to a client must progress within this.");
ABSL_FLAG(int64_t, max_header_bytes, kDefaults.max_header_bytes,
          "Largest request line plus headers accepted (431 beyond).");
ABSL_FLAG(int, io_threads, kDefaults.io_threads, "HTTP server threads.");
ABSL_FLAG(int, grpc_threads, kDefaults.grpc_threads,
          "Threads making the unary gRPC calls (manifests, tags, HEADs; one "
          "call each). Blob streams use none.");
ABSL_FLAG(int, max_blob_downloads, kDefaults.max_blob_downloads,
          "Blob downloads streaming at once; the next wait up to "
          "--call_timeout for one to finish, then get 429. Bounds memory: a "
          "slowly read download holds a few MiB.");

namespace {

tributary::frontend::FrontendConfig ConfigFromFlags() {
  tributary::frontend::FrontendConfig config;
  config.listen_address = absl::GetFlag(FLAGS_listen_address);
  config.cert_file = absl::GetFlag(FLAGS_cert_file);
  config.key_file = absl::GetFlag(FLAGS_key_file);
  config.plain_http = absl::GetFlag(FLAGS_plain_http);
  config.htpasswd_file = absl::GetFlag(FLAGS_htpasswd_file);
  config.metrics_listen_address = absl::GetFlag(FLAGS_metrics_listen_address);
  config.tributary.address = absl::GetFlag(FLAGS_tributary_address);
  config.tributary.ca_file = absl::GetFlag(FLAGS_tributary_ca_file);
  config.tributary.server_name = absl::GetFlag(FLAGS_tributary_server_name);
  config.call_timeout = absl::GetFlag(FLAGS_call_timeout);
  config.blob_timeout = absl::GetFlag(FLAGS_blob_timeout);
  config.header_timeout = absl::GetFlag(FLAGS_header_timeout);
  config.idle_timeout = absl::GetFlag(FLAGS_idle_timeout);
  config.write_timeout = absl::GetFlag(FLAGS_write_timeout);
  const int64_t max_header = absl::GetFlag(FLAGS_max_header_bytes);
  config.max_header_bytes =
      max_header < 0 ? 0 : static_cast<std::size_t>(max_header);
  config.io_threads = absl::GetFlag(FLAGS_io_threads);
  config.grpc_threads = absl::GetFlag(FLAGS_grpc_threads);
  config.max_blob_downloads = absl::GetFlag(FLAGS_max_blob_downloads);
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Serves the pull side of the OCI Distribution Spec from Tributary.\n"
      "Usage: tributary-frontend --tributary_address ADDR "
      "(--cert_file F --key_file F | --plain_http) [flags]");
  tributary::client::KeepFreedHeapForReuse();
  absl::ParseCommandLine(argc, argv);
  spdlog::set_pattern("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l %v",
                      spdlog::pattern_time_type::utc);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  // Blocked before any thread starts, so only the sigwait below gets them.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto frontend = tributary::frontend::Frontend::Start(ConfigFromFlags());
  if (!frontend.ok()) {
    std::fprintf(stderr, "tributary-frontend: cannot start: --%s\n",
                 std::string(frontend.status().message()).c_str());
    return 1;
  }
  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("signal={} shutting down", signal);
  (*frontend)->Shutdown();
  return 0;
}
