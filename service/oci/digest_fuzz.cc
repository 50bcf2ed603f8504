// Fuzz target for Digest::Parse: digests come from callers (requests) and
// upstreams (Docker-Content-Digest). Checks that Parse accepts exactly
// "sha256:" + 64 or "sha512:" + 128 lower-case hex digits, that an accepted
// digest reads back as the same text, and that a refusal is INVALID_ARGUMENT
// with a message safe to log.
//
// Under Bazel it runs as :digest_fuzz_test (GCC, corpus replay plus random
// mutations, tests/fuzz/replay_main.cc); under libFuzzer with scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "service/oci/digest.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using tributary::fuzz::Check;

constexpr char kTarget[] = "digest";

// The grammar, written out independently of digest.cc.
bool IsDigestText(std::string_view text) {
  size_t hex_length = 0;
  if (text.substr(0, 7) == "sha256:") {
    hex_length = 64;
  } else if (text.substr(0, 7) == "sha512:") {
    hex_length = 128;
  } else {
    return false;
  }
  const std::string_view hex = text.substr(7);
  if (hex.size() != hex_length) {
    return false;
  }
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace oci = tributary::oci;
  const std::string_view text = tributary::fuzz::AsText(data, size);
  const absl::StatusOr<oci::Digest> digest = oci::Digest::Parse(text);
  Check(digest.ok() == IsDigestText(text), kTarget,
        "Parse disagrees with the digest grammar");
  if (digest.ok()) {
    Check(digest->str() == text, kTarget, "str() is not the parsed text");
    Check(std::string(oci::AlgorithmName(digest->algorithm())) + ":" +
                  std::string(digest->hex()) ==
              text,
          kTarget, "algorithm and hex do not spell the parsed text");
  } else {
    Check(digest.status().code() == absl::StatusCode::kInvalidArgument, kTarget,
          "a refusal is not INVALID_ARGUMENT");
    Check(tributary::fuzz::IsPrintableAscii(digest.status().message()), kTarget,
          "an error message is not printable ASCII");
  }
  // A computed digest of the bytes is always a valid one.
  const oci::Digest computed =
      oci::ComputeDigest(oci::DigestAlgorithm::kSha256, text);
  const absl::StatusOr<oci::Digest> reparsed =
      oci::Digest::Parse(computed.str());
  Check(reparsed.ok() && *reparsed == computed, kTarget,
        "a computed digest does not parse back to itself");
  return 0;
}
