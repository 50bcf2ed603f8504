#ifndef TRIBUTARY_SERVICE_REGISTRY_CREDENTIALS_H_
#define TRIBUTARY_SERVICE_REGISTRY_CREDENTIALS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tributary/v1/config.pb.h"

namespace tributary::registry {

// What Tributary authenticates to one upstream with, read once at start. Plain
// value type holding secrets: never log, print or export it.
struct Credentials {
  // Basic credentials, when `username` is set.
  std::string username;
  std::string password;
  // A static bearer token, when set.
  std::string token;

  bool has_basic() const { return !username.empty(); }
  bool has_token() const { return !token.empty(); }
};

// Reads the secrets upstream.auth names: files (a trailing line break is
// dropped, as `echo` and editors add one) and environment variables. `path`
// ("upstreams[1]") starts every error, which names the field and the file or
// variable but never the value:
//   upstreams[1].auth.basic.password_file: cannot read /etc/x: No such file...
// A secret that is empty or holds control characters (it would break the
// header it goes into) is an error too. INVALID_ARGUMENT, or the file's errno
// code.
absl::StatusOr<Credentials> LoadCredentials(const v1::UpstreamConfig& upstream,
                                            absl::string_view path);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_CREDENTIALS_H_
