// Fuzz target for ValidateRepository and ValidateTag: repository names and
// tags come from callers, upstream tag lists and Link headers. Checks each
// against the distribution spec's regular expression (written out here, apart
// from names.cc), and that a refusal is INVALID_ARGUMENT with a message safe
// to log.
//
// Under Bazel it runs as :names_fuzz_test (GCC, corpus replay plus random
// mutations, tests/fuzz/replay_main.cc); under libFuzzer with scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <regex>
#include <string>
#include <string_view>

#include "service/oci/names.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "names";

// The distribution spec's grammar (docs/spec.md, "Pulling manifests").
bool MatchesRepositoryGrammar(std::string_view text) {
  static const std::regex kRepository(
      "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/"
      "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");
  return text.size() <= 255 &&
         std::regex_match(text.begin(), text.end(), kRepository);
}

bool MatchesTagGrammar(std::string_view text) {
  static const std::regex kTag("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
  return std::regex_match(text.begin(), text.end(), kTag);
}

void CheckRefusal(const absl::Status& status) {
  Check(status.code() == absl::StatusCode::kInvalidArgument, kTarget,
        "a refusal is not INVALID_ARGUMENT");
  Check(tributary::fuzz::IsPrintableAscii(status.message()), kTarget,
        "an error message is not printable ASCII");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace oci = tributary::oci;
  // std::regex recurses per character; longer inputs say nothing new.
  if (size > 512) {
    return 0;
  }
  const std::string_view text = tributary::fuzz::AsText(data, size);
  const absl::Status repository = oci::ValidateRepository(text);
  Check(repository.ok() == MatchesRepositoryGrammar(text), kTarget,
        "ValidateRepository disagrees with the grammar");
  if (!repository.ok()) {
    CheckRefusal(repository);
  }
  const absl::Status tag = oci::ValidateTag(text);
  Check(tag.ok() == MatchesTagGrammar(text), kTarget,
        "ValidateTag disagrees with the grammar");
  if (!tag.ok()) {
    CheckRefusal(tag);
  }
  return 0;
}
