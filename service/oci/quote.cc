#include "service/oci/quote.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "service/oci/absl_compat.h"

namespace tributary::oci {

std::string QuoteForError(std::string_view input) {
  const bool truncated = input.size() > kMaxQuotedBytes;
  // Truncate before escaping so a cut never lands inside an escape sequence.
  const std::string_view shown = input.substr(0, kMaxQuotedBytes);
  return absl::StrCat("\"", absl::CHexEscape(AsAbsl(shown)),
                      truncated ? "\"..." : "\"");
}

std::string QuoteCharForError(char c) {
  return absl::StrCat("'", absl::CHexEscape(absl::string_view(&c, 1)), "'");
}

}  // namespace tributary::oci
