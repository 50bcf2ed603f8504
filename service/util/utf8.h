#ifndef TRIBUTARY_SERVICE_UTIL_UTF8_H_
#define TRIBUTARY_SERVICE_UTIL_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace tributary::util {

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF). A proto3 `string` field must be, or the
// receiving client fails to parse the whole message.
bool IsValidUtf8(absl::string_view text);

// `text` with each byte that does not start a well-formed sequence replaced by
// U+FFFD, for strings from outside (an upstream's error) shown to a caller.
std::string ToValidUtf8(absl::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end
// inside a multi-byte sequence.
absl::string_view Utf8Prefix(absl::string_view text, size_t max_bytes);

}  // namespace tributary::util

#endif  // TRIBUTARY_SERVICE_UTIL_UTF8_H_
