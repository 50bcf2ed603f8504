#ifndef TRIBUTARY_SERVICE_RESOLVE_FANOUT_FALL_THROUGH_H_
#define TRIBUTARY_SERVICE_RESOLVE_FANOUT_FALL_THROUGH_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace tributary::resolve {

// What happened when one upstream was asked (or why it was not).
struct Attempt {
  std::string upstream;
  absl::Status status;
  // Not asked: out of scope (status NOT_FOUND) or circuit open (UNAVAILABLE);
  // the status message says why.
  bool skipped = false;
};

// Whether the fan-out moves on to the next upstream after `status`. Only
// success stops it: 404 means "not here", and any other failure (denied,
// rate-limited, unreachable, bad content) is remembered while the next upstream
// is asked.
bool ShouldAskNextUpstream(const absl::Status& status);

// The final status when no upstream succeeded. All NOT_FOUND -> NOT_FOUND.
// Otherwise the most telling failure, in this order: PERMISSION_DENIED (fix the
// credentials), RESOURCE_EXHAUSTED (rate-limited or oversized), DATA_LOSS (an
// upstream served corrupt content), DEADLINE_EXCEEDED, UNAVAILABLE, then
// anything else as UNAVAILABLE. The message names `subject` and every upstream
// tried, and of each skipped one why:
//   library/alpine:3.20: hub: NOT_FOUND: HTTP 404; mirror: UNAVAILABLE: connect
//   ...; cache: skipped: circuit open since ...
// No upstream at all (none enabled) is UNAVAILABLE.
absl::Status CombineFailures(absl::string_view subject,
                             const std::vector<Attempt>& attempts);

// The final error of a blob stream that delivered bytes and then ran out of
// upstream requests: UNAVAILABLE naming the byte reached, the requests made
// and what each upstream did.
absl::Status GaveUpMidBlob(absl::string_view subject, int64_t position,
                           int requests, const std::vector<Attempt>& failures);

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_FANOUT_FALL_THROUGH_H_
