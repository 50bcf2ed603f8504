// Fuzz target for the WWW-Authenticate parser (untrusted upstream input).
// Checks that parsing never crashes, that what it returns is well-formed, and
// that formatting and parsing again gives the same challenges.
//
// Under Bazel it runs as :www_authenticate_fuzz_test (GCC, corpus replay plus
// random mutations, tests/fuzz/replay_main.cc); under real libFuzzer with
// scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "service/registry/www_authenticate.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "www_authenticate";

bool IsLowerCase(absl::string_view text) {
  for (char c : text) {
    if (absl::ascii_isupper(c)) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tributary::registry::Challenge;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<Challenge> parsed =
      tributary::registry::ParseWwwAuthenticate(input);
  for (const Challenge& challenge : parsed) {
    Check(!challenge.scheme.empty() && IsLowerCase(challenge.scheme), kTarget,
          "a scheme is empty or not lower-case");
    Check(challenge.token68.empty() || challenge.params.empty(), kTarget,
          "a challenge has both token68 and parameters");
    for (const auto& [name, value] : challenge.params) {
      Check(!name.empty() && IsLowerCase(name), kTarget,
            "a parameter name is empty or not lower-case");
    }
  }
  Check(tributary::registry::ParseWwwAuthenticate(
            tributary::registry::FormatWwwAuthenticate(parsed)) == parsed,
        kTarget, "format then parse changed the challenges");
  return 0;
}
