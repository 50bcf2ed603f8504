#ifndef TRIBUTARY_SERVICE_CONFIG_SECURITY_H_
#define TRIBUTARY_SERVICE_CONFIG_SECURITY_H_

// Internal to //service/config: the rules for credentials and TLS settings.
// Only names of files and environment variables are checked here; their
// contents are read when the server starts (never by --check-config, whose
// host may not have the Secret mounted).

#include "absl/strings/string_view.h"
#include "service/config/errors.h"
#include "tributary/v1/config.pb.h"

namespace tributary::config::internal {

// upstreams[i].auth and upstreams[i].tls; `path` is "upstreams[i]".
void CheckUpstreamSecurity(absl::string_view path,
                           const v1::UpstreamConfig& upstream, Errors& errors);

// server.tls.
void CheckServerTls(const v1::ServerConfig& server, Errors& errors);

}  // namespace tributary::config::internal

#endif  // TRIBUTARY_SERVICE_CONFIG_SECURITY_H_
