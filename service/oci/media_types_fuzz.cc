// Fuzz target for ValidateMediaType: callers' accepted media types go into
// the Accept header sent upstream, and upstreams' Content-Types reach callers.
// Checks it against RFC 6838's restricted-name grammar (written out here,
// apart from media_types.cc), so that nothing accepted can add a parameter,
// a list entry or a header line, and that a refusal is INVALID_ARGUMENT with
// a message safe to log.
//
// Under Bazel it runs as :media_types_fuzz_test (GCC, corpus replay plus
// random mutations, tests/fuzz/replay_main.cc); under libFuzzer with
// scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <regex>
#include <string_view>

#include "service/oci/media_types.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "media_types";

// type "/" subtype, each a restricted-name (RFC 6838 4.2), a "+suffix" not
// empty, at most kMaxMediaTypeLength in all.
bool MatchesMediaTypeGrammar(std::string_view text) {
  static const std::regex kMediaType(
      "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/"
      "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");
  return text.size() <= tributary::oci::kMaxMediaTypeLength &&
         text.back() != '+' &&
         std::regex_match(text.begin(), text.end(), kMediaType);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // std::regex recurses per character; longer inputs say nothing new.
  if (size > 512) {
    return 0;
  }
  const std::string_view text = tributary::fuzz::AsText(data, size);
  const absl::Status status = tributary::oci::ValidateMediaType(text);
  Check(status.ok() == (!text.empty() && MatchesMediaTypeGrammar(text)),
        kTarget, "ValidateMediaType disagrees with the grammar");
  if (!status.ok()) {
    Check(status.code() == absl::StatusCode::kInvalidArgument, kTarget,
          "a refusal is not INVALID_ARGUMENT");
    Check(tributary::fuzz::IsPrintableAscii(std::string_view(
              status.message().data(), status.message().size())),
          kTarget, "an error message is not printable ASCII");
  }
  return 0;
}
