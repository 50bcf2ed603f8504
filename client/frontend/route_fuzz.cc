// Fuzz target for ParseTarget (a client's request target, before any call to
// Tributary). Checks that every name, tag, digest and registry a route
// carries is valid, and that the tag list's next Link, itself a request
// target, parses back to the same route with `last` moved on.
//
// Under Bazel it runs as :route_fuzz_test (GCC, corpus replay plus random
// mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "absl/strings/ascii.h"
#include "client/frontend/route.h"
#include "service/oci/digest.h"
#include "service/oci/names.h"
#include "service/oci/reference.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::frontend::Route;
using tributary::frontend::RouteKind;
using tributary::fuzz::Check;

constexpr char kTarget[] = "route";

bool NamesRepository(RouteKind kind) {
  return kind == RouteKind::kManifest || kind == RouteKind::kBlob ||
         kind == RouteKind::kTags || kind == RouteKind::kUpload;
}

void CheckValues(const Route& route) {
  namespace oci = tributary::oci;
  if (NamesRepository(route.kind)) {
    Check(oci::ValidateRepository(route.repository).ok(), kTarget,
          "a route names an invalid repository");
  }
  if (route.kind == RouteKind::kManifest) {
    Check(oci::Reference::Parse(route.reference).ok(), kTarget,
          "a manifest route has an invalid reference");
  }
  if (route.kind == RouteKind::kBlob) {
    Check(oci::Digest::Parse(route.reference).ok(), kTarget,
          "a blob route has an invalid digest");
  }
  if (!route.registry.empty()) {
    Check(tributary::frontend::LooksLikeRegistryHost(route.registry) &&
              route.registry == absl::AsciiStrToLower(route.registry),
          kTarget, "a route's registry is not a lower-case host");
  }
  Check(route.last.empty() || oci::ValidateTag(route.last).ok(), kTarget,
        "a route's last is not a tag");
  Check(!route.page_size.has_value() || *route.page_size >= 0, kTarget,
        "a route's page size is negative");
}

// The next page's Link, as a client follows it: the same route, `last`
// moved on to `next_last`.
void CheckNextLink(std::string_view target, const Route& route) {
  const std::string next_last = "zz9";
  const std::string link =
      tributary::frontend::TagsNextLink(target, route, next_last);
  const size_t close = link.find('>');
  Check(link.front() == '<' && close != std::string::npos, kTarget,
        "a Link is not <target>; rel=\"next\"");
  const auto next = tributary::frontend::ParseTarget(link.substr(1, close - 1));
  Check(std::holds_alternative<Route>(next), kTarget,
        "the next Link's target does not parse");
  const Route& parsed = std::get<Route>(next);
  Check(parsed.kind == RouteKind::kTags &&
            parsed.repository == route.repository &&
            parsed.registry == route.registry &&
            parsed.page_size == route.page_size && parsed.last == next_last,
        kTarget, "the next Link names another list or page");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view target = tributary::fuzz::AsText(data, size);
  const auto parsed = tributary::frontend::ParseTarget(target);
  if (!std::holds_alternative<Route>(parsed)) {
    return 0;
  }
  const Route& route = std::get<Route>(parsed);
  CheckValues(route);
  if (route.kind == RouteKind::kTags) {
    CheckNextLink(target, route);
  }
  return 0;
}
