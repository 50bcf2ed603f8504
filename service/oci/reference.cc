#include "service/oci/reference.h"

#include <cstddef>
#include <utility>

#include "absl/strings/ascii.h"
#include "service/oci/names.h"

namespace tributary::oci {
namespace {

bool IsAlgorithmChar(char c) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c);
}

bool IsAlgorithmSeparator(char c) {
  return c == '+' || c == '.' || c == '_' || c == '-';
}

// The OCI image spec's algorithm grammar: [a-z0-9]+([+._-][a-z0-9]+)*.
bool LooksLikeAlgorithm(std::string_view text) {
  if (text.empty() || !IsAlgorithmChar(text.front()) ||
      !IsAlgorithmChar(text.back())) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (IsAlgorithmChar(text[i])) {
      continue;
    }
    // A separator must be followed by an algorithm character.
    if (!IsAlgorithmSeparator(text[i]) || !IsAlgorithmChar(text[i + 1])) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<Reference> Reference::Parse(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon != std::string_view::npos &&
      LooksLikeAlgorithm(text.substr(0, colon))) {
    absl::StatusOr<Digest> digest = Digest::Parse(text);
    if (!digest.ok()) {
      return digest.status();
    }
    return Reference(*std::move(digest));
  }
  if (absl::Status status = ValidateTag(text); !status.ok()) {
    return status;
  }
  return Reference(std::string(text));
}

const std::string& Reference::str() const {
  if (const Digest* digest = this->digest(); digest != nullptr) {
    return digest->str();
  }
  return std::get<std::string>(value_);
}

}  // namespace tributary::oci
