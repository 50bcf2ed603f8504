#ifndef TRIBUTARY_SERVICE_HTTP_ERROR_H_
#define TRIBUTARY_SERVICE_HTTP_ERROR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "boost/system/error_code.hpp"

namespace tributary::http {

// The one place a Boost error_code becomes an absl::Status: timeouts are
// DEADLINE_EXCEEDED, everything else on the wire (refused, reset, TLS)
// UNAVAILABLE. `what` says which step failed and against whom ("connect
// 127.0.0.1:5000").
absl::Status FromErrorCode(const boost::system::error_code& ec,
                           absl::string_view what);

// Marks a failure that asking again cannot fix — the peer's certificate was
// refused — so that callers move on instead of retrying. The mark is a status
// payload: it survives rewording that keeps payloads.
absl::Status MarkPermanent(absl::Status status);
bool IsPermanent(const absl::Status& status);

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_ERROR_H_
