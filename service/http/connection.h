#ifndef TRIBUTARY_SERVICE_HTTP_CONNECTION_H_
#define TRIBUTARY_SERVICE_HTTP_CONNECTION_H_

// Internal to service/http: the one header that pulls in Beast and Asio SSL.

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/ssl/context.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/core/tcp_stream.hpp"
#include "boost/beast/ssl/ssl_stream.hpp"
#include "service/http/types.h"

namespace tributary::http {

using SteadyTime = std::chrono::steady_clock::time_point;

// Where a request goes, parsed from its URL.
struct Target {
  bool tls = false;
  std::string host;         // for DNS, SNI and certificate checks
  std::string port;         // explicit or the scheme's default
  std::string host_header;  // host[:port] as written in the URL
  std::string path;         // path and query, at least "/"

  std::string Origin() const {
    return (tls ? "https://" : "http://") + host + ":" + port;
  }
};

absl::StatusOr<Target> ParseTarget(absl::string_view url);

// One keep-alive HTTP/1.1 connection, plain or TLS. Not thread-safe: owned by
// one request at a time, parked in the pool in between.
class Connection {
 public:
  static boost::asio::awaitable<absl::StatusOr<std::unique_ptr<Connection>>>
  Open(boost::asio::any_io_executor executor, const Target& target,
       boost::asio::ssl::context& tls_context, SteadyTime deadline);

  // Sends `request` and reads the response. `*stale` is set when the failure
  // happened before any response byte arrived on a reused connection, i.e. the
  // server had closed it while it was idle and a fresh connection may succeed.
  boost::asio::awaitable<absl::StatusOr<Response>> Exchange(
      const Request& request, const Target& target,
      const RequestOptions& options, const std::string& user_agent,
      SteadyTime deadline, bool* stale);

  // Whether the last exchange left the connection fit for another request.
  bool reusable() const { return reusable_; }
  void MarkIdle();

 private:
  explicit Connection(boost::beast::tcp_stream plain);
  explicit Connection(
      std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls);
  boost::beast::tcp_stream& lowest();

  template <class Stream>
  boost::asio::awaitable<absl::StatusOr<Response>> ExchangeOn(
      Stream& stream, const Request& request, const Target& target,
      const RequestOptions& options, const std::string& user_agent,
      SteadyTime deadline, bool* stale);

  std::unique_ptr<boost::beast::tcp_stream> plain_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  boost::beast::flat_buffer buffer_;
  bool reusable_ = false;
  int exchanges_ = 0;
};

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_CONNECTION_H_
