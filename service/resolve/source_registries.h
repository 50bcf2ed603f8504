#ifndef TRIBUTARY_SERVICE_RESOLVE_SOURCE_REGISTRIES_H_
#define TRIBUTARY_SERVICE_RESOLVE_SOURCE_REGISTRIES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "tributary/v1/config.pb.h"

namespace tributary::resolve {

// The source registries Tributary serves ("docker.io", "ghcr.io", ...: every
// name in upstreams[*].registries) and the one a request without a registry
// means (default_registry). It routes a request's `registry` field before any
// cache or upstream sees the request, so that "" and the default's own name
// share cache entries and a registry nobody serves costs no network I/O.
// Immutable, thread-safe.
class SourceRegistries {
 public:
  SourceRegistries(std::string default_registry,
                   std::vector<std::string> served);
  // From a loaded config (defaults filled in: every upstream names its
  // registries).
  static SourceRegistries FromConfig(const v1::Config& config);

  // The registry a request naming `requested` is for: the default when
  // empty. INVALID_ARGUMENT (`registry "X": why`) when it is not a lower-case
  // host[:port]; NOT_FOUND when no upstream serves it, naming those served:
  // for the caller the repository does not exist here, as a registry that
  // lacks it would say.
  absl::StatusOr<std::string> Route(std::string_view requested) const;

  const std::string& default_registry() const { return default_registry_; }
  // In the order the config first names them.
  const std::vector<std::string>& served() const { return served_; }

 private:
  std::string default_registry_;
  std::vector<std::string> served_;
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_SOURCE_REGISTRIES_H_
