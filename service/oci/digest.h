#ifndef TRIBUTARY_SERVICE_OCI_DIGEST_H_
#define TRIBUTARY_SERVICE_OCI_DIGEST_H_

#include <openssl/evp.h>

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"

namespace tributary::oci {

// The digest algorithms the OCI image spec registers. sha256 is the default
// everywhere; sha512 is accepted because the spec allows clients to use it.
enum class DigestAlgorithm { kSha256, kSha512 };

// Returns "sha256" or "sha512".
std::string_view AlgorithmName(DigestAlgorithm algorithm);

// A content digest such as "sha256:e3b0c442...". An immutable, copyable value
// type that is always valid: the only ways to get one are Parse (checked text)
// and DigestHasher/ComputeDigest (computed from bytes). Thread-compatible.
class Digest {
 public:
  // Accepts "sha256:" + 64 or "sha512:" + 128 lower-case hex digits. Anything
  // else (other algorithms, upper-case hex, wrong length) is InvalidArgument
  // with a reason that quotes the input safely.
  static absl::StatusOr<Digest> Parse(std::string_view text);

  DigestAlgorithm algorithm() const { return algorithm_; }
  // The hex part after ':'; points into this object.
  std::string_view hex() const;
  // The full text, e.g. "sha256:e3b0c442...".
  const std::string& str() const { return text_; }

  friend bool operator==(const Digest&, const Digest&) = default;

  template <typename H>
  friend H AbslHashValue(H state, const Digest& digest) {
    return H::combine(std::move(state), digest.text_);
  }

  friend std::ostream& operator<<(std::ostream& out, const Digest& digest) {
    return out << digest.text_;
  }

 private:
  friend class DigestHasher;

  Digest(DigestAlgorithm algorithm, std::string text)
      : algorithm_(algorithm), text_(std::move(text)) {}

  DigestAlgorithm algorithm_;
  std::string text_;
};

// Computes a Digest over bytes fed in chunks, e.g. a blob as it streams past.
// Wraps an OpenSSL EVP_MD_CTX, which it owns and frees. Movable, not copyable,
// not thread-safe. Update and Finish must not be called after Finish or on a
// moved-from hasher; doing so aborts, as it is a programming error.
class DigestHasher {
 public:
  explicit DigestHasher(DigestAlgorithm algorithm);

  DigestHasher(DigestHasher&&) noexcept = default;
  DigestHasher& operator=(DigestHasher&&) noexcept = default;
  DigestHasher(const DigestHasher&) = delete;
  DigestHasher& operator=(const DigestHasher&) = delete;
  ~DigestHasher() = default;

  void Update(std::string_view bytes);
  // Returns the digest of every byte passed to Update. May be called once.
  Digest Finish();

 private:
  struct ContextDeleter {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };

  DigestAlgorithm algorithm_;
  // Null after Finish and after a move.
  std::unique_ptr<EVP_MD_CTX, ContextDeleter> context_;
};

// One-shot digest of `bytes`.
Digest ComputeDigest(DigestAlgorithm algorithm, std::string_view bytes);

}  // namespace tributary::oci

#endif  // TRIBUTARY_SERVICE_OCI_DIGEST_H_
