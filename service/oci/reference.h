#ifndef TRIBUTARY_SERVICE_OCI_REFERENCE_H_
#define TRIBUTARY_SERVICE_OCI_REFERENCE_H_

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "absl/status/statusor.h"
#include "service/oci/digest.h"

namespace tributary::oci {

// A manifest reference: either a tag ("3.20") or a digest ("sha256:...").
// An immutable, copyable value type that is always valid. Thread-compatible.
class Reference {
 public:
  // Text whose part before the first ':' looks like a digest algorithm
  // ([a-z0-9]+([+._-][a-z0-9]+)*) is parsed as a digest, so "md5:..." reports
  // an unsupported algorithm; anything else is validated as a tag. Errors are
  // InvalidArgument with a reason that quotes the input safely.
  static absl::StatusOr<Reference> Parse(std::string_view text);

  bool is_digest() const { return std::holds_alternative<Digest>(value_); }
  // The digest, or nullptr for a tag. Points into this object.
  const Digest* digest() const { return std::get_if<Digest>(&value_); }
  // The text as given, e.g. "latest" or "sha256:e3b0c442...".
  const std::string& str() const;

  friend bool operator==(const Reference&, const Reference&) = default;

 private:
  explicit Reference(std::variant<std::string, Digest> value)
      : value_(std::move(value)) {}

  // A tag is held as its text.
  std::variant<std::string, Digest> value_;
};

}  // namespace tributary::oci

#endif  // TRIBUTARY_SERVICE_OCI_REFERENCE_H_
