// Fuzz target for Reference::Parse (a manifest reference from a caller: a tag
// or a digest). Checks that it accepts exactly what is a valid tag or a valid
// digest, reads back as the same text, is a digest exactly when the text is
// one, and refuses with INVALID_ARGUMENT and a message safe to log.
//
// Under Bazel it runs as :reference_fuzz_test (GCC, corpus replay plus random
// mutations, tests/fuzz/replay_main.cc); under libFuzzer with scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "service/oci/digest.h"
#include "service/oci/names.h"
#include "service/oci/reference.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "reference";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace oci = tributary::oci;
  const std::string_view text = tributary::fuzz::AsText(data, size);
  const absl::StatusOr<oci::Reference> reference = oci::Reference::Parse(text);
  const bool is_digest = oci::Digest::Parse(text).ok();
  const bool is_tag = oci::ValidateTag(text).ok();
  // No text is both: a tag has no ':'.
  Check(!(is_digest && is_tag), kTarget, "a text is both a tag and a digest");
  Check(reference.ok() == (is_digest || is_tag), kTarget,
        "Parse accepts other than the valid tags and digests");
  if (reference.ok()) {
    Check(reference->str() == text, kTarget, "str() is not the parsed text");
    Check(reference->is_digest() == is_digest, kTarget,
          "a digest parsed as a tag or a tag as a digest");
    Check((reference->digest() != nullptr) == is_digest, kTarget,
          "digest() disagrees with is_digest()");
  } else {
    Check(reference.status().code() == absl::StatusCode::kInvalidArgument,
          kTarget, "a refusal is not INVALID_ARGUMENT");
    Check(tributary::fuzz::IsPrintableAscii(reference.status().message()),
          kTarget, "an error message is not printable ASCII");
  }
  return 0;
}
