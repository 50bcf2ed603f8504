// Fuzz target for the WWW-Authenticate parser (untrusted upstream input).
// Checks that parsing never crashes, that what it returns is well-formed, and
// that formatting and parsing again gives the same challenges.
//
// Under Bazel it runs as :www_authenticate_fuzz_test (GCC, corpus replay plus
// random mutations, tests/fuzz/replay_main.cc); under real libFuzzer with
// scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "service/registry/www_authenticate.h"

namespace {

void Fail(const char* what) {
  std::fprintf(stderr, "www_authenticate fuzz: %s\n", what);
  std::abort();
}

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
    if (challenge.scheme.empty() || !IsLowerCase(challenge.scheme)) {
      Fail("a scheme is empty or not lower-case");
    }
    if (!challenge.token68.empty() && !challenge.params.empty()) {
      Fail("a challenge has both token68 and parameters");
    }
    for (const auto& [name, value] : challenge.params) {
      if (name.empty() || !IsLowerCase(name)) {
        Fail("a parameter name is empty or not lower-case");
      }
    }
  }
  if (tributary::registry::ParseWwwAuthenticate(
          tributary::registry::FormatWwwAuthenticate(parsed)) != parsed) {
    Fail("format then parse changed the challenges");
  }
  return 0;
}
