#include "client/frontend/config.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "service/oci/absl_compat.h"

namespace tributary::frontend {
namespace {

absl::Status Bad(std::string_view field, std::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat(oci::AsAbsl(field), ": ", oci::AsAbsl(reason)));
}

// A file the frontend reads at start: it must exist and be readable now,
// not at the first request.
absl::Status CheckReadable(std::string_view field, const std::string& path) {
  if (access(path.c_str(), R_OK) != 0) {
    return Bad(field,
               absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// "host:port", "[v6]:port": a port in 0..65535 after the last ':'.
absl::Status CheckListenAddress(std::string_view field,
                                const std::string& address) {
  const std::size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return Bad(field, absl::StrCat("\"", address, "\" is not HOST:PORT"));
  }
  return absl::OkStatus();
}

absl::Status CheckPositive(std::string_view field, absl::Duration value) {
  if (value <= absl::ZeroDuration()) {
    return Bad(field, "must be positive");
  }
  return absl::OkStatus();
}

absl::Status CheckTls(const FrontendConfig& config) {
  if (config.plain_http) {
    if (!config.cert_file.empty() || !config.key_file.empty()) {
      return Bad("plain_http",
                 "set together with cert_file/key_file; choose one");
    }
    return absl::OkStatus();
  }
  if (config.cert_file.empty() || config.key_file.empty()) {
    return Bad("cert_file",
               "HTTPS needs cert_file and key_file (or set plain_http)");
  }
  if (absl::Status ok = CheckReadable("cert_file", config.cert_file);
      !ok.ok()) {
    return ok;
  }
  return CheckReadable("key_file", config.key_file);
}

}  // namespace

absl::Status ValidateConfig(const FrontendConfig& config) {
  if (absl::Status ok =
          CheckListenAddress("listen_address", config.listen_address);
      !ok.ok()) {
    return ok;
  }
  if (!config.metrics_listen_address.empty()) {
    if (absl::Status ok = CheckListenAddress("metrics_listen_address",
                                             config.metrics_listen_address);
        !ok.ok()) {
      return ok;
    }
  }
  if (absl::Status ok = CheckTls(config); !ok.ok()) {
    return ok;
  }
  if (!config.htpasswd_file.empty()) {
    if (absl::Status ok = CheckReadable("htpasswd_file", config.htpasswd_file);
        !ok.ok()) {
      return ok;
    }
  }
  if (config.tributary.address.empty()) {
    return Bad("tributary_address", "empty");
  }
  for (const auto& [field, value] :
       {std::pair<std::string_view, absl::Duration>{"call_timeout",
                                                    config.call_timeout},
        {"blob_timeout", config.blob_timeout},
        {"header_timeout", config.header_timeout},
        {"idle_timeout", config.idle_timeout},
        {"write_timeout", config.write_timeout}}) {
    if (absl::Status ok = CheckPositive(field, value); !ok.ok()) {
      return ok;
    }
  }
  if (config.max_header_bytes < 1024 || config.max_header_bytes > (1 << 20)) {
    return Bad("max_header_bytes", "must be within 1024..1048576");
  }
  if (config.io_threads < 1 || config.io_threads > 256) {
    return Bad("io_threads", "must be within 1..256");
  }
  if (config.grpc_threads < 1 || config.grpc_threads > 1024) {
    return Bad("grpc_threads", "must be within 1..1024");
  }
  if (config.max_blob_downloads < 1 || config.max_blob_downloads > 100000) {
    return Bad("max_blob_downloads", "must be within 1..100000");
  }
  return absl::OkStatus();
}

}  // namespace tributary::frontend
