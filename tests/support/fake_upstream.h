#ifndef TRIBUTARY_TESTS_SUPPORT_FAKE_UPSTREAM_H_
#define TRIBUTARY_TESTS_SUPPORT_FAKE_UPSTREAM_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace tributary::testing {

// One canned answer of a FakeUpstream route. Plain value type.
struct FakeResponse {
  int status = 200;
  // Sent as given, in order. Content-Length is added from `body` unless one of
  // these already sets it (or Transfer-Encoding).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Faults a real registry cannot produce on demand:
  // Read the request, then close the socket without answering.
  bool close_without_response = false;
  // Wait for FakeUpstream::Release before answering (the request is recorded
  // at once), so a test can order events around a request in flight without
  // sleeping. Like `delay`, cut short when the client closes the connection
  // or the FakeUpstream is destroyed.
  bool hold = false;
  // Sleep before answering (after `hold`). Cut short when the FakeUpstream is
  // destroyed.
  absl::Duration delay = absl::ZeroDuration();
  // Send the Content-Length of the full body but only this many body bytes,
  // then close the connection.
  std::optional<size_t> truncate_body_at;
  // End the connection with a TCP reset (RST) instead of an orderly close once
  // what is to be sent went out: with truncate_body_at, a reset mid-body; with
  // close_without_response, a reset instead of an answer.
  bool reset_connection = false;
  // With truncate_body_at: after the bytes sent, go silent (no more bytes, no
  // close) until the client closes the connection or the FakeUpstream is
  // destroyed: an upstream that hangs mid-body.
  bool stall_after_truncation = false;
  // Sent before the response, as given: an interim response such as
  // "HTTP/1.1 103 Early Hints\r\nLink: ...\r\n\r\n" (a CDN in front of a
  // registry sends these).
  std::string interim;
  // Sent right after the response, as given: bytes no request asked for.
  std::string trailing;
};

// A request as the FakeUpstream received it. Plain value type.
struct RecordedRequest {
  std::string method;
  std::string target;  // Path + query as received.
  std::vector<std::pair<std::string, std::string>> headers;

  // Value of the first header called `name` (case-insensitive), "" if absent.
  std::string Header(std::string_view name) const;
};

// An HTTP/1.1 server on 127.0.0.1 that stands in for an upstream registry in
// hermetic tests: it answers from routes set by the test, records every
// request, and can inject faults (see FakeResponse). Supports keep-alive and
// `Connection: close`. Unrouted requests get an OCI MANIFEST_UNKNOWN 404. HEAD
// requests get the headers (including the Content-Length) a GET would get,
// without the body.
//
// Thread-safe. Listens on an ephemeral port from construction until
// destruction; the destructor closes all connections and joins all threads,
// also while responses are being delayed.
class FakeUpstream {
 public:
  // Aborts the process if it cannot listen: a test cannot run without it.
  FakeUpstream();
  ~FakeUpstream();

  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  int port() const;
  std::string url() const;  // "http://127.0.0.1:PORT"

  // Answers `method` `target` (exact match on path + query) with `response`.
  // Replaces an earlier route for the same method and target.
  void Route(std::string method, std::string target, FakeResponse response);

  // Consecutive requests get consecutive responses; the last one repeats. An
  // empty sequence removes the route.
  void RouteSequence(std::string method, std::string target,
                     std::vector<FakeResponse> responses);

  // Computes the answer to one request. Runs on the connection's thread, so
  // it must be thread-safe; it may block (a slow token server, say).
  using Handler = std::function<FakeResponse(const RecordedRequest&)>;

  // Answers `method` requests whose path (the target without its query) is
  // `path` by calling `handler`; for servers whose answer depends on the
  // request (a token server checking credentials, a registry checking
  // tokens). Exact-target routes are looked up first. Replaces an earlier
  // handler for the same method and path.
  void Handle(std::string method, std::string path, Handler handler);

  // Routes GET `target` to `body` with Content-Type `media_type` and
  // Docker-Content-Digest `digest` (not checked against `body`), and HEAD
  // `target` to the same headers without the body.
  void RouteManifest(std::string target, std::string media_type,
                     std::string body, std::string digest);

  // Lets every held answer go (see FakeResponse::hold), now and later.
  void Release();

  // Blocks until at least `count` requests were received; false when
  // `timeout` passes first (a generous bound: it fails a test, never orders).
  bool WaitForRequests(int count,
                       absl::Duration timeout = absl::Seconds(10)) const;
  // Blocks until no connection is open; false when `timeout` passes first.
  bool WaitForNoOpenConnections(
      absl::Duration timeout = absl::Seconds(10)) const;

  // Every request received so far, in arrival order.
  std::vector<RecordedRequest> requests() const;
  int request_count(std::string_view method, std::string_view target) const;
  int connections_accepted() const;
  // Connections not yet closed by either side.
  int open_connections() const;

 private:
  class Impl;  // Keeps Boost out of this header.
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::testing

#endif  // TRIBUTARY_TESTS_SUPPORT_FAKE_UPSTREAM_H_
