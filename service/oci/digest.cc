#include "service/oci/digest.h"

#include <cstddef>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "service/oci/absl_compat.h"
#include "service/oci/quote.h"

namespace tributary::oci {
namespace {

constexpr std::size_t kSha256HexLength = 64;
constexpr std::size_t kSha512HexLength = 128;

// Reached only on a programming error (a hasher used after Finish or a move)
// or when OpenSSL cannot allocate or load its provider. Neither depends on
// untrusted input, and Finish has no error channel, so stop loudly.
[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "tributary::oci::DigestHasher: %s\n", what);
  std::abort();
}

const EVP_MD* EvpDigest(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha256:
      return EVP_sha256();
    case DigestAlgorithm::kSha512:
      return EVP_sha512();
  }
  Die("unknown DigestAlgorithm");
}

std::size_t HexLength(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::kSha256 ? kSha256HexLength
                                               : kSha512HexLength;
}

absl::Status DigestError(std::string_view text, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("digest ", QuoteForError(text), ": ", reason));
}

absl::StatusOr<DigestAlgorithm> ParseAlgorithm(std::string_view text,
                                               std::string_view name) {
  if (name == "sha256") {
    return DigestAlgorithm::kSha256;
  }
  if (name == "sha512") {
    return DigestAlgorithm::kSha512;
  }
  return DigestError(text,
                     absl::StrCat("unsupported algorithm ", QuoteForError(name),
                                  "; expected sha256 or sha512"));
}

absl::Status CheckHex(std::string_view text, DigestAlgorithm algorithm,
                      std::string_view hex) {
  for (char c : hex) {
    if (absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f')) {
      continue;
    }
    // The spec's encoded form is lower-case only; upper-case would give two
    // spellings of one digest and break cache keys and comparisons.
    if (c >= 'A' && c <= 'F') {
      return DigestError(text, "upper-case hex digits are not allowed");
    }
    return DigestError(text, absl::StrCat("character ", QuoteCharForError(c),
                                          " is not a lower-case hex digit"));
  }
  if (hex.size() != HexLength(algorithm)) {
    return DigestError(text, absl::StrCat(AsAbsl(AlgorithmName(algorithm)),
                                          " needs ", HexLength(algorithm),
                                          " hex digits, got ", hex.size()));
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view AlgorithmName(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha256:
      return "sha256";
    case DigestAlgorithm::kSha512:
      return "sha512";
  }
  return "unknown";
}

absl::StatusOr<Digest> Digest::Parse(std::string_view text) {
  if (text.empty()) {
    return DigestError(text, "must not be empty");
  }
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return DigestError(text, "expected ALGORITHM:HEX, found no ':'");
  }
  absl::StatusOr<DigestAlgorithm> algorithm =
      ParseAlgorithm(text, text.substr(0, colon));
  if (!algorithm.ok()) {
    return algorithm.status();
  }
  if (absl::Status status = CheckHex(text, *algorithm, text.substr(colon + 1));
      !status.ok()) {
    return status;
  }
  return Digest(*algorithm, std::string(text));
}

std::string_view Digest::hex() const {
  return std::string_view(text_).substr(AlgorithmName(algorithm_).size() + 1);
}

DigestHasher::DigestHasher(DigestAlgorithm algorithm)
    : algorithm_(algorithm), context_(EVP_MD_CTX_new()) {
  if (context_ == nullptr) {
    Die("EVP_MD_CTX_new failed");
  }
  if (EVP_DigestInit_ex(context_.get(), EvpDigest(algorithm), nullptr) != 1) {
    Die("EVP_DigestInit_ex failed");
  }
}

void DigestHasher::Update(std::string_view bytes) {
  if (context_ == nullptr) {
    Die("Update called after Finish or on a moved-from hasher");
  }
  if (EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size()) != 1) {
    Die("EVP_DigestUpdate failed");
  }
}

Digest DigestHasher::Finish() {
  if (context_ == nullptr) {
    Die("Finish called twice or on a moved-from hasher");
  }
  unsigned char raw[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(context_.get(), raw, &size) != 1) {
    Die("EVP_DigestFinal_ex failed");
  }
  context_.reset();
  const std::string_view bytes(reinterpret_cast<const char*>(raw), size);
  return Digest(algorithm_,
                absl::StrCat(AsAbsl(AlgorithmName(algorithm_)), ":",
                             absl::BytesToHexString(AsAbsl(bytes))));
}

Digest ComputeDigest(DigestAlgorithm algorithm, std::string_view bytes) {
  DigestHasher hasher(algorithm);
  hasher.Update(bytes);
  return hasher.Finish();
}

}  // namespace tributary::oci
