#include "service/oci/media_types.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "service/oci/quote.h"

namespace tributary::oci {
namespace {

// RFC 6838 section 4.2: restricted-name = restricted-name-first
// *126restricted-name-chars.
constexpr std::size_t kMaxRestrictedNameLength = 127;

bool IsRestrictedNameChar(char c) {
  if (absl::ascii_isalnum(c)) {
    return true;
  }
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '&':
    case '-':
    case '^':
    case '_':
    case '.':
    case '+':
      return true;
    default:
      return false;
  }
}

absl::Status MediaTypeError(std::string_view media_type,
                            absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("media type ", QuoteForError(media_type), ": ", reason));
}

// Reasons for the characters a caller is most likely to send by mistake,
// when they copy a whole Accept header value rather than one type.
absl::Status CheckCharacters(std::string_view media_type) {
  for (char c : media_type) {
    if (c == ';') {
      return MediaTypeError(media_type, "parameters are not allowed");
    }
    if (c == ',') {
      return MediaTypeError(media_type, "must be one media type, not a list");
    }
    if (c != '/' && !IsRestrictedNameChar(c)) {
      return MediaTypeError(
          media_type,
          absl::StrCat("character ", QuoteCharForError(c), " is not allowed"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckName(std::string_view media_type, absl::string_view what,
                       std::string_view name) {
  if (name.empty()) {
    return MediaTypeError(media_type, absl::StrCat(what, " must not be empty"));
  }
  if (!absl::ascii_isalnum(name.front())) {
    return MediaTypeError(
        media_type, absl::StrCat(what, " must start with a letter or digit"));
  }
  if (name.size() > kMaxRestrictedNameLength) {
    return MediaTypeError(
        media_type, absl::StrCat(what, " is longer than ",
                                 kMaxRestrictedNameLength, " characters"));
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<std::string>& DefaultManifestMediaTypes() {
  // Leaked on purpose: no non-trivial destructor runs at exit.
  static const auto* const kTypes = new std::vector<std::string>{
      std::string(kOciManifest),      std::string(kOciIndex),
      std::string(kDockerManifestV2), std::string(kDockerManifestList),
      std::string(kDockerManifestV1),
  };
  return *kTypes;
}

absl::Status ValidateMediaType(std::string_view media_type) {
  if (media_type.empty()) {
    return MediaTypeError(media_type, "must not be empty");
  }
  if (media_type.size() > kMaxMediaTypeLength) {
    return MediaTypeError(
        media_type,
        absl::StrCat("is ", media_type.size(),
                     " characters long; the limit is ", kMaxMediaTypeLength));
  }
  if (absl::Status status = CheckCharacters(media_type); !status.ok()) {
    return status;
  }
  const std::size_t slash = media_type.find('/');
  if (slash == std::string_view::npos ||
      media_type.find('/', slash + 1) != std::string_view::npos) {
    return MediaTypeError(media_type, "must have the form type/subtype");
  }
  const std::string_view subtype = media_type.substr(slash + 1);
  if (absl::Status status =
          CheckName(media_type, "type", media_type.substr(0, slash));
      !status.ok()) {
    return status;
  }
  if (absl::Status status = CheckName(media_type, "subtype", subtype);
      !status.ok()) {
    return status;
  }
  if (subtype.back() == '+') {
    return MediaTypeError(media_type, "suffix after '+' must not be empty");
  }
  return absl::OkStatus();
}

}  // namespace tributary::oci
