#ifndef TRIBUTARY_SERVICE_RESOLVE_FANOUT_SCOPE_H_
#define TRIBUTARY_SERVICE_RESOLVE_FANOUT_SCOPE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "tributary/v1/config.pb.h"

namespace tributary::resolve {

// Which repositories an upstream is asked for (config: upstreams[*].scope):
// glob patterns (see oci/repository_glob.h) to include, none meaning all, and
// to exclude; exclude wins. Immutable, thread-safe.
class Scope {
 public:
  Scope() = default;  // admits every repository
  Scope(std::vector<std::string> include, std::vector<std::string> exclude);
  static Scope FromConfig(const v1::ScopeConfig& config);

  // Whether a pattern admits the repository by either of its names: as the
  // caller named it, and as the upstream names it (after a library/ rewrite;
  // the same name when there is none).
  bool Admits(absl::string_view caller_name,
              absl::string_view upstream_name) const;

 private:
  std::vector<std::string> include_;
  std::vector<std::string> exclude_;
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_FANOUT_SCOPE_H_
