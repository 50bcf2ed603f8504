#ifndef TRIBUTARY_SERVICE_HTTP_CONNECTION_H_
#define TRIBUTARY_SERVICE_HTTP_CONNECTION_H_

// Internal to service/http: the one header that pulls in Beast and Asio SSL.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/ssl/context.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/core/tcp_stream.hpp"
#include "boost/beast/http/buffer_body.hpp"
#include "boost/beast/http/parser.hpp"
#include "boost/beast/ssl/ssl_stream.hpp"
#include "service/http/connection_slot.h"
#include "service/http/steady_time.h"
#include "service/http/types.h"

namespace tributary::http {

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

// A response's status line and header fields; the body is read separately.
struct ResponseHead {
  int status = 0;
  Headers headers;
  std::optional<std::uint64_t> content_length;
};

// One keep-alive HTTP/1.1 connection, plain or TLS. Not thread-safe: owned by
// one request at a time, parked in the pool in between.
class Connection {
 public:
  static boost::asio::awaitable<absl::StatusOr<std::unique_ptr<Connection>>>
  Open(boost::asio::any_io_executor executor, const Target& target,
       boost::asio::ssl::context& tls_context, SteadyTime deadline,
       AddressRule rule);

  // Sends `request` and reads the response header. `*stale` is set when the
  // failure happened before any response byte arrived on a reused connection,
  // i.e. the server had closed it while it was idle and a fresh connection may
  // succeed.
  boost::asio::awaitable<absl::StatusOr<ResponseHead>> Start(
      const Request& request, const Target& target,
      const std::string& user_agent, SteadyTime deadline, bool* stale);

  // Reads up to `size` body bytes into `data`; 0 means the body is complete.
  boost::asio::awaitable<absl::StatusOr<std::size_t>> ReadBody(
      char* data, std::size_t size, SteadyTime deadline);

  // Whether the whole response has been read, nothing past it arrived and
  // the server keeps the connection open, so it can carry another request:
  // no byte of one response may ever be read as another's.
  bool reusable() const;
  // Closes the socket: a pending read fails at once. Call on the executor the
  // connection's I/O runs on.
  void Cancel();
  void MarkIdle();
  // Keeps the pool's slot for this connection until it is destroyed.
  void Hold(ConnectionSlot slot) { slot_ = std::move(slot); }

 private:
  explicit Connection(boost::beast::tcp_stream plain);
  explicit Connection(
      std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls);
  boost::beast::tcp_stream& lowest();

  // Declared first, so destroyed last: the slot goes back to the pool once
  // the socket is closed.
  ConnectionSlot slot_;

  template <class Stream>
  boost::asio::awaitable<absl::StatusOr<ResponseHead>> StartOn(
      Stream& stream, const Request& request, const Target& target,
      const std::string& user_agent, SteadyTime deadline, bool* stale);
  // Reads the final response's header into a fresh parser_, skipping interim
  // (1xx) responses.
  template <class Stream>
  boost::asio::awaitable<absl::Status> ReadHeaderOn(Stream& stream,
                                                    bool head_request,
                                                    bool* stale);
  template <class Stream>
  boost::asio::awaitable<absl::StatusOr<std::size_t>> ReadBodyOn(
      Stream& stream, char* data, std::size_t size, SteadyTime deadline);
  template <class Stream>
  boost::asio::awaitable<absl::StatusOr<std::size_t>> ReadDirectOn(
      Stream& stream, char* data, std::size_t size, SteadyTime deadline);
  // Whether bytes the current response does not account for have arrived
  // (beyond its Content-Length): the connection must not be reused.
  bool UnreadBytesWaiting() const;

  std::unique_ptr<boost::beast::tcp_stream> plain_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  // Bytes read but not yet parsed. Capped (kMaxFramingBytes in
  // connection.cc): an upstream's chunk-size line, chunk extension or
  // trailers never grow it without bound.
  boost::beast::flat_buffer buffer_;
  // The response being read; reset by each Start.
  std::unique_ptr<
      boost::beast::http::response_parser<boost::beast::http::buffer_body>>
      parser_;
  // A body framed by Content-Length (no chunked coding) is read straight from
  // the socket into the caller's buffer, bypassing the parser: no copy through
  // buffer_ and reads as large as the caller's. Set by Start; how many body
  // bytes are still to come.
  std::optional<std::uint64_t> direct_remaining_;
  std::string where_;  // host:port, for messages
  int exchanges_ = 0;
  bool failed_ = false;
};

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_CONNECTION_H_
