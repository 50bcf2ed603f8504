#ifndef TRIBUTARY_SERVICE_HTTP_CLIENT_H_
#define TRIBUTARY_SERVICE_HTTP_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"
#include "service/http/response_stream.h"
#include "service/http/types.h"
#include "service/util/clock.h"

namespace tributary::http {

struct ClientOptions {
  // Idle keep-alive connections kept per origin (scheme, host, port).
  int max_idle_per_origin = 8;
  // Idle keep-alive connections kept over all origins (redirects reach many).
  int max_idle_total = 64;
  // An idle connection older than this is closed, not reused.
  absl::Duration idle_timeout = absl::Seconds(30);
  // Connections open per origin, busy or idle; a request past it waits for
  // one (up to its deadline, or until cancelled) instead of opening another.
  int max_connections_per_origin = 64;
  // Called for each request that had to wait for a connection (at
  // max_connections_per_origin) when it leaves the queue: how long it waited
  // and how it left (OK: it got one; DEADLINE_EXCEEDED; CANCELLED). For
  // metrics, which http/ may not depend on. From any I/O thread; must be
  // thread-safe and quick.
  std::function<void(absl::Duration, absl::StatusCode)> connection_waited;
  // What idle ages are measured with; null: the real clock. Must outlive the
  // client.
  const util::Clock* clock = nullptr;
  std::string user_agent = "tributary/0.1";
  // Applies to every https origin this client connects to. Files are read
  // once, when the client is made.
  TlsOptions tls;
};

// An HTTP/1.1 client over Boost.Beast with keep-alive connections pooled per
// origin. HTTPS verifies the peer against the system CAs (plus
// options.tls.ca_file), sends SNI and checks the host name, unless
// options.tls.insecure_skip_verify. Errors: connect/TLS failures are
// UNAVAILABLE, timeouts DEADLINE_EXCEEDED, an oversized body
// RESOURCE_EXHAUSTED; HTTP error statuses are answers, not errors. Thread-safe:
// Send and Open may be called concurrently from coroutines on any executor; a
// connection's I/O objects use the executor of the coroutine that opened it.
class Client {
 public:
  // Fails when options.tls names a file that cannot be loaded (see
  // ConfigureTlsContext for the errors).
  static absl::StatusOr<std::unique_ptr<Client>> Create(ClientOptions options);
  // For options that load nothing (options.tls without files); a file that
  // fails to load fails every request instead.
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // The whole response, its body buffered up to options.body_limit.
  boost::asio::awaitable<absl::StatusOr<Response>> Send(Request request,
                                                        RequestOptions options);

  // The response with its header read; the body is read from the stream.
  boost::asio::awaitable<absl::StatusOr<std::unique_ptr<ResponseStream>>> Open(
      Request request, RequestOptions options);

  // Idle pooled connections (for tests and metrics).
  int IdleConnections() const;
  // Requests waiting for a connection (at max_connections_per_origin).
  int RequestsWaitingForConnection() const;
  // Drops idle connections and pools no more (shutdown, while the I/O
  // context still exists).
  void Close();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_CLIENT_H_
