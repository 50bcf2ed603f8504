// Fuzz target for AcceptedMediaTypes (a client's Accept headers, passed on
// to Tributary as the accepted manifest types). Each input line is one
// header. Checks that every type kept is a valid media type, lower case,
// without wildcards, kept once, and that the kept list read back as one
// header keeps itself.
//
// Under Bazel it runs as :accept_fuzz_test (GCC, corpus replay plus random
// mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client/frontend/accept.h"
#include "service/oci/media_types.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "accept";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tributary::frontend::AcceptedMediaTypes;
  std::vector<std::string_view> headers;
  for (absl::string_view line : absl::StrSplit(
           absl::string_view(reinterpret_cast<const char*>(data), size),
           '\n')) {
    headers.emplace_back(line.data(), line.size());
  }
  const std::vector<std::string> types = AcceptedMediaTypes(headers);
  std::set<std::string> seen;
  for (const std::string& type : types) {
    Check(tributary::oci::ValidateMediaType(type).ok(), kTarget,
          "kept an invalid media type");
    Check(type.find('*') == std::string::npos, kTarget, "kept a wildcard");
    Check(type == absl::AsciiStrToLower(type), kTarget,
          "kept a type not in lower case");
    Check(seen.insert(type).second, kTarget, "kept a type twice");
  }
  const std::string joined = absl::StrJoin(types, ", ");
  Check(AcceptedMediaTypes({joined}) == types, kTarget,
        "the kept list read back as a header changes");
  return 0;
}
