#ifndef TRIBUTARY_CLIENT_FRONTEND_SESSION_H_
#define TRIBUTARY_CLIENT_FRONTEND_SESSION_H_

#include <string>

#include "boost/asio/awaitable.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl/context.hpp"
#include "client/frontend/services.h"

namespace tributary::frontend {

// Serves one accepted connection until the client closes it, a timeout
// passes or a response must end it: plain HTTP, or TLS when `tls` is set
// (handshake first). Requests are read one at a time (keep-alive, no
// pipelining ahead of the answer), each logged on one line and counted.
boost::asio::awaitable<void> ServeConnection(
    Services& services, boost::asio::ssl::context* tls,
    boost::asio::ip::tcp::socket socket);

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_SESSION_H_
