#ifndef TRIBUTARY_SERVICE_OCI_REGISTRY_HOST_H_
#define TRIBUTARY_SERVICE_OCI_REGISTRY_HOST_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"

namespace tributary::oci {

inline constexpr std::size_t kMaxRegistryHostLength = 255;

// A source registry as requests and the config name it: host[:port], the host
// a lower-case DNS name ("docker.io", "localhost"), an IPv4 address
// ("10.0.0.5") or an IPv6 address in brackets ("[fd00::1]"), the port
// 1-65535 without leading zeros. Lower case only, so that one registry has one
// spelling (cache keys and routing compare names byte for byte). Errors are
// InvalidArgument, start with `registry "NAME": ` and say why.
absl::Status ValidateRegistryHost(std::string_view name);

}  // namespace tributary::oci

#endif  // TRIBUTARY_SERVICE_OCI_REGISTRY_HOST_H_
