#include "service/resolve/fanout/scope.h"

#include <algorithm>
#include <string_view>

#include "service/oci/repository_glob.h"

namespace tributary::resolve {
namespace {

bool AnyMatches(const std::vector<std::string>& patterns,
                absl::string_view caller_name,
                absl::string_view upstream_name) {
  const std::string_view caller(caller_name.data(), caller_name.size());
  const std::string_view upstream(upstream_name.data(), upstream_name.size());
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& pattern) {
                       return oci::MatchRepositoryGlob(pattern, caller) ||
                              oci::MatchRepositoryGlob(pattern, upstream);
                     });
}

}  // namespace

Scope::Scope(std::vector<std::string> include, std::vector<std::string> exclude)
    : include_(std::move(include)), exclude_(std::move(exclude)) {}

Scope Scope::FromConfig(const v1::ScopeConfig& config) {
  return Scope({config.include().begin(), config.include().end()},
               {config.exclude().begin(), config.exclude().end()});
}

bool Scope::Admits(absl::string_view caller_name,
                   absl::string_view upstream_name) const {
  if (AnyMatches(exclude_, caller_name, upstream_name)) {
    return false;
  }
  return include_.empty() || AnyMatches(include_, caller_name, upstream_name);
}

}  // namespace tributary::resolve
