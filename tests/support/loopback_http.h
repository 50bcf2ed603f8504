#ifndef TRIBUTARY_TESTS_SUPPORT_LOOPBACK_HTTP_H_
#define TRIBUTARY_TESTS_SUPPORT_LOOPBACK_HTTP_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tributary::testing {

// Returns a TCP port that was free on 127.0.0.1 a moment ago (bind to port 0,
// read it, close). Another process may take it before the caller binds it, so
// callers that can retry should. Returns -1 if no socket could be bound.
int PickFreeLoopbackPort();

// A plain-HTTP/1.1 request to a test server on a numeric IPv4 address.
struct HttpRequest {
  std::string method = "GET";
  std::string path = "/";  // Absolute path plus query, sent as is.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent with its Content-Length when not empty
};

struct HttpResponse {
  int status = 0;
  // Header names lowercased, in the order received.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // De-chunked; empty for HEAD.

  // Value of the first header named `name` (case-insensitive), or "".
  std::string Header(absl::string_view name) const;
};

// Sends `request` to `host_port` ("127.0.0.1:5000") on a fresh connection with
// "Connection: close" and reads the whole response. For tests only: no TLS, no
// redirects, no size limit. Fails with UnavailableError if the connection is
// refused and DeadlineExceededError after `timeout`. Thread-safe.
absl::StatusOr<HttpResponse> SendHttpRequest(const std::string& host_port,
                                             const HttpRequest& request,
                                             absl::Duration timeout);

}  // namespace tributary::testing

#endif  // TRIBUTARY_TESTS_SUPPORT_LOOPBACK_HTTP_H_
