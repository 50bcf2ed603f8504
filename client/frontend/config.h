#ifndef TRIBUTARY_CLIENT_FRONTEND_CONFIG_H_
#define TRIBUTARY_CLIENT_FRONTEND_CONFIG_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "client/channel.h"

namespace tributary::frontend {

// How tributary-frontend runs; set from its flags (main.cc names each field's
// flag: `listen_address` is --listen_address). Plain value type.
struct FrontendConfig {
  // host:port the HTTP server binds ("[::]:5000", "127.0.0.1:0" in tests).
  std::string listen_address = "0.0.0.0:5000";
  // HTTPS with this PEM certificate chain and key; required unless
  // plain_http says otherwise.
  std::string cert_file;
  std::string key_file;
  // Serve plain HTTP (no cert_file/key_file): only behind a TLS terminator
  // or on a node-local address.
  bool plain_http = false;
  // Basic auth from this htpasswd file (bcrypt); anonymous when empty.
  std::string htpasswd_file;
  // Prometheus metrics at http://ADDRESS/metrics; off when empty.
  std::string metrics_listen_address;
  // Tributary's gRPC API: "unix:///run/tributary/grpc.sock" when both run in
  // one pod, or "tributary:50051"; TLS settings as the client library has
  // them.
  client::ChannelOptions tributary;

  // Deadline of each unary call (manifests, tags, HEADs) to Tributary.
  absl::Duration call_timeout = absl::Seconds(60);
  // Deadline of a whole blob stream.
  absl::Duration blob_timeout = absl::Hours(1);
  // A connection's request line and headers must arrive within this.
  absl::Duration header_timeout = absl::Seconds(30);
  // A keep-alive connection idle for this long is closed.
  absl::Duration idle_timeout = absl::Seconds(120);
  // Each write to a client must make progress within this.
  absl::Duration write_timeout = absl::Seconds(60);
  // Request line plus headers, at most.
  std::size_t max_header_bytes = 16 << 10;
  // Threads running the HTTP server; threads making the unary gRPC calls
  // (each blocks for one call at a time; blob streams use gRPC's callback
  // API and no thread of their own).
  int io_threads = 2;
  int grpc_threads = 16;
  // Blob downloads streaming at once; the next ones wait for one to finish,
  // up to call_timeout, then get 429 TOOMANYREQUESTS. Each holds a few MiB
  // while its client reads slowly: this bounds the frontend's memory.
  int max_blob_downloads = 64;
};

// Checks `config` as loaded, before anything starts: errors are
// InvalidArgument naming the field, the file where one is involved, and the
// reason ("cert_file /etc/x.pem: cannot read: No such file or directory").
absl::Status ValidateConfig(const FrontendConfig& config);

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_CONFIG_H_
