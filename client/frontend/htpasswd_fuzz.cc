// Fuzz target for ParseHtpasswd (the text of an htpasswd file). Checks that
// every user it reads is not empty and holds no ':', every hash is a bcrypt
// one, each "user:hash" is a line of the text, and an error names the source
// and a line (or says there are no users).
//
// Under Bazel it runs as :htpasswd_fuzz_test (GCC, corpus replay plus random
// mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/frontend/htpasswd.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "htpasswd";
constexpr char kSource[] = "fuzz.htpasswd";

bool IsBcrypt(absl::string_view hash) {
  return absl::StartsWith(hash, "$2y$") || absl::StartsWith(hash, "$2b$") ||
         absl::StartsWith(hash, "$2a$");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view contents = tributary::fuzz::AsText(data, size);
  const auto users = tributary::frontend::ParseHtpasswd(contents, kSource);
  if (!users.ok()) {
    Check(users.status().code() == absl::StatusCode::kInvalidArgument, kTarget,
          "a refusal is not INVALID_ARGUMENT");
    Check(absl::StartsWith(users.status().message(),
                           absl::StrCat("htpasswd_file ", kSource)),
          kTarget, "an error does not name the source");
    return 0;
  }
  Check(!users->empty(), kTarget, "accepted a file without users");
  const absl::string_view text(contents.data(), contents.size());
  for (const auto& [user, hash] : *users) {
    Check(!user.empty() && user.find(':') == std::string::npos, kTarget,
          "a user is empty or holds ':'");
    Check(IsBcrypt(hash), kTarget, "a hash is not bcrypt");
    Check(absl::StrContains(text, absl::StrCat(user, ":", hash)), kTarget,
          "a user and hash are not a line of the text");
  }
  return 0;
}
