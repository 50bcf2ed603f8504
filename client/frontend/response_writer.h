#ifndef TRIBUTARY_CLIENT_FRONTEND_RESPONSE_WRITER_H_
#define TRIBUTARY_CLIENT_FRONTEND_RESPONSE_WRITER_H_

#include <string_view>
#include <vector>

#include "boost/asio/awaitable.hpp"
#include "boost/beast/http/empty_body.hpp"
#include "boost/beast/http/message.hpp"
#include "boost/beast/http/string_body.hpp"

namespace tributary::frontend {

// The client's connection as handlers write to it (plain TCP or TLS), each
// write under the configured write timeout. Every method returns false once
// the connection failed (the client left, the write timed out); nothing
// further should be written then. Not thread-safe: one session's coroutine.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;

  // A whole response. For HEAD, pass the headers a GET would have, with an
  // empty body and the GET's Content-Length set.
  virtual boost::asio::awaitable<bool> Send(
      boost::beast::http::response<boost::beast::http::string_body>&
          response) = 0;
  // The header of a response whose body (Content-Length bytes) follows
  // through SendBody.
  virtual boost::asio::awaitable<bool> SendHeader(
      boost::beast::http::response<boost::beast::http::empty_body>& header) = 0;
  // Body bytes in pieces, written as one gather write.
  virtual boost::asio::awaitable<bool> SendBody(
      const std::vector<std::string_view>& pieces) = 0;
  // Closes the connection at once, without TLS close_notify: after a failure
  // mid-body the client must see a short body, never a complete one.
  virtual void Abort() = 0;
};

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_RESPONSE_WRITER_H_
