#ifndef TRIBUTARY_SERVICE_HTTP_CLIENT_H_
#define TRIBUTARY_SERVICE_HTTP_CLIENT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"
#include "service/http/types.h"

namespace tributary::http {

struct ClientOptions {
  // Idle keep-alive connections kept per origin (scheme, host, port).
  int max_idle_per_origin = 8;
  std::string user_agent = "tributary/0.1";
};

// An HTTP/1.1 client over Boost.Beast with keep-alive connections pooled per
// origin. HTTPS verifies the peer against the system CAs, sends SNI and checks
// the host name. Thread-safe: Send may be called concurrently from coroutines
// on any executor; each connection's I/O objects use the executor of the
// coroutine that opened it. Errors: connect/TLS failures are UNAVAILABLE,
// timeouts DEADLINE_EXCEEDED, an oversized body RESOURCE_EXHAUSTED. HTTP error
// statuses are not errors here.
class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  boost::asio::awaitable<absl::StatusOr<Response>> Send(Request request,
                                                        RequestOptions options);

  // Idle pooled connections (for tests and metrics).
  int IdleConnections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_CLIENT_H_
