#include "service/resolve/source_registries.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "service/oci/quote.h"
#include "service/oci/registry_host.h"

namespace tributary::resolve {

SourceRegistries::SourceRegistries(std::string default_registry,
                                   std::vector<std::string> served)
    : default_registry_(std::move(default_registry)),
      served_(std::move(served)) {}

SourceRegistries SourceRegistries::FromConfig(const v1::Config& config) {
  std::vector<std::string> served;
  for (const v1::UpstreamConfig& upstream : config.upstreams()) {
    for (const std::string& name : upstream.registries()) {
      if (std::find(served.begin(), served.end(), name) == served.end()) {
        served.push_back(name);
      }
    }
  }
  return SourceRegistries(config.default_registry(), std::move(served));
}

absl::StatusOr<std::string> SourceRegistries::Route(
    std::string_view requested) const {
  const std::string_view name =
      requested.empty() ? std::string_view(default_registry_) : requested;
  if (absl::Status valid = oci::ValidateRegistryHost(name); !valid.ok()) {
    return valid;
  }
  if (std::find(served_.begin(), served_.end(), name) == served_.end()) {
    return absl::NotFoundError(absl::StrCat(
        "registry ", oci::QuoteForError(name),
        ": no upstream serves it (served: ", absl::StrJoin(served_, ", "),
        ")"));
  }
  return std::string(name);
}

}  // namespace tributary::resolve
