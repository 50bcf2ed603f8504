// Fuzz target for ParseBasicAuthorization (a client's `Authorization`
// header). Checks that a user it reads holds no ':' and that the credentials
// written out again as a Basic value read back the same.
//
// Under Bazel it runs as :basic_authorization_fuzz_test (GCC, corpus replay
// plus random mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "client/frontend/basic_authorization.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "basic_authorization";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tributary::frontend::BasicCredentials;
  using tributary::frontend::ParseBasicAuthorization;
  const std::optional<BasicCredentials> credentials =
      ParseBasicAuthorization(tributary::fuzz::AsText(data, size));
  if (!credentials.has_value()) {
    return 0;
  }
  Check(credentials->user.find(':') == std::string::npos, kTarget,
        "a user holds ':'");
  const std::optional<BasicCredentials> again =
      ParseBasicAuthorization(absl::StrCat(
          "Basic ", absl::Base64Escape(absl::StrCat(credentials->user, ":",
                                                    credentials->password))));
  Check(again.has_value() && again->user == credentials->user &&
            again->password == credentials->password,
        kTarget, "credentials written out read back differently");
  return 0;
}
