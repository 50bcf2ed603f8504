#ifndef TRIBUTARY_CLIENT_FRONTEND_HANDLERS_H_
#define TRIBUTARY_CLIENT_FRONTEND_HANDLERS_H_

#include <cstdint>
#include <string>

#include "boost/asio/awaitable.hpp"
#include "boost/beast/http/empty_body.hpp"
#include "boost/beast/http/message.hpp"
#include "boost/beast/http/string_body.hpp"
#include "client/frontend/oci_error.h"
#include "client/frontend/response_writer.h"
#include "client/frontend/route.h"
#include "client/frontend/services.h"

namespace tributary::frontend {

using HttpRequest = boost::beast::http::request<boost::beast::http::empty_body>;
using HttpResponse =
    boost::beast::http::response<boost::beast::http::string_body>;

// What answering one request came to, for the log line and the metrics.
struct Outcome {
  RouteKind route = RouteKind::kOther;
  int status = 0;
  int64_t sent = 0;  // body bytes written
  // False when the connection must close: a write failed, a body was cut
  // short, or the request had a body this server does not read.
  bool keep_alive = true;
  std::string registry;  // the source registry asked for; "" = default
  std::string user;      // Basic auth user; "" = anonymous
  std::string error;     // why it failed, for the log; "" when it did not
};

// Answers one request on `writer`: parses the target, checks Basic auth,
// dispatches by route and method, and maps Tributary's statuses to the OCI
// error answers (oci_error.h).
boost::asio::awaitable<Outcome> HandleRequest(Services& services,
                                              const HttpRequest& request,
                                              ResponseWriter& writer);

// Coroutine arguments here are references to the caller's named locals:
// GCC 12 can destroy a temporary passed to a coroutine twice.

// A response with the headers every answer carries (HTTP/1.1,
// Docker-Distribution-API-Version).
HttpResponse NewResponse(int status);

// The JSON error answer for `error` (Content-Type, Retry-After).
HttpResponse ErrorResponse(const OciError& error);

// Sends `response`; for HEAD, its headers with the body's Content-Length and
// no body. Records status and bytes in `outcome`.
boost::asio::awaitable<void> SendResponse(ResponseWriter& writer,
                                          HttpResponse& response, bool head,
                                          Outcome& outcome);

// The headers of a HEAD answer whose GET would have `content_length` body
// bytes.
// Send it as is: its body stays empty.
void PrepareHeadResponse(HttpResponse& response, int64_t content_length,
                         Outcome& outcome);

// The blob routes (blob_handler.cc).
boost::asio::awaitable<void> HandleBlob(Services& services,
                                        const HttpRequest& request,
                                        const Route& route,
                                        ResponseWriter& writer,
                                        Outcome& outcome);

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_HANDLERS_H_
