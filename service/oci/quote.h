#ifndef TRIBUTARY_SERVICE_OCI_QUOTE_H_
#define TRIBUTARY_SERVICE_OCI_QUOTE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace tributary::oci {

// Longest input, in bytes, that QuoteForError reproduces before truncating.
inline constexpr std::size_t kMaxQuotedBytes = 80;

// Returns `input` in double quotes for use in an error message. Input comes
// from callers and upstreams, so control characters, quotes and non-ASCII bytes
// are C-hex-escaped (a CR/LF cannot split a log line) and anything longer than
// kMaxQuotedBytes is cut and marked with "..." (a megabyte name cannot flood
// logs).
std::string QuoteForError(std::string_view input);

// Returns the single character `c` in single quotes, escaped like
// QuoteForError.
std::string QuoteCharForError(char c);

}  // namespace tributary::oci

#endif  // TRIBUTARY_SERVICE_OCI_QUOTE_H_
