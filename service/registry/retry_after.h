#ifndef TRIBUTARY_SERVICE_REGISTRY_RETRY_AFTER_H_
#define TRIBUTARY_SERVICE_REGISTRY_RETRY_AFTER_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tributary::registry {

// How long a Retry-After header value (RFC 9110 10.2.3) asks to wait, counted
// from `now` (when the answer arrived): delay-seconds ("120") or an HTTP-date
// (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", and the obsolete RFC 850 and
// asctime forms). A date in the past is zero. Absent or malformed values give
// nullopt: the header is untrusted input, and a bad one is ignored rather
// than obeyed. Pure.
std::optional<absl::Duration> ParseRetryAfter(absl::string_view value,
                                              absl::Time now);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_RETRY_AFTER_H_
