#include "client/frontend/session.h"

#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "boost/asio/as_tuple.hpp"
#include "boost/asio/buffer.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/core/tcp_stream.hpp"
#include "boost/beast/http/error.hpp"
#include "boost/beast/http/read.hpp"
#include "boost/beast/http/write.hpp"
#include "boost/beast/ssl/ssl_stream.hpp"
#include "client/frontend/handlers.h"
#include "spdlog/spdlog.h"

namespace tributary::frontend {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

std::chrono::steady_clock::duration ToChrono(absl::Duration duration) {
  return absl::ToChronoNanoseconds(duration);
}

beast::tcp_stream& Lowest(beast::tcp_stream& stream) { return stream; }
beast::tcp_stream& Lowest(TlsStream& stream) {
  return beast::get_lowest_layer(stream);
}

// One connection's stream as handlers write to it. `Stream` is
// beast::tcp_stream or TlsStream.
template <class Stream>
class Connection final : public ResponseWriter {
 public:
  Connection(Stream& stream, absl::Duration write_timeout)
      : stream_(stream), write_timeout_(ToChrono(write_timeout)) {}

  void set_keep_alive(bool keep_alive) { keep_alive_ = keep_alive; }

  asio::awaitable<bool> Send(HttpResponse& response) override {
    response.keep_alive(keep_alive_);
    Lowest(stream_).expires_after(write_timeout_);
    auto [ec, n] = co_await http::async_write(stream_, response, kNoThrow);
    co_return !ec;
  }

  asio::awaitable<bool> SendHeader(
      http::response<http::empty_body>& header) override {
    header.keep_alive(keep_alive_);
    http::response_serializer<http::empty_body> serializer(header);
    Lowest(stream_).expires_after(write_timeout_);
    auto [ec, n] =
        co_await http::async_write_header(stream_, serializer, kNoThrow);
    co_return !ec;
  }

  asio::awaitable<bool> SendBody(
      const std::vector<std::string_view>& pieces) override {
    std::vector<asio::const_buffer> buffers;
    buffers.reserve(pieces.size());
    for (std::string_view piece : pieces) {
      buffers.emplace_back(piece.data(), piece.size());
    }
    Lowest(stream_).expires_after(write_timeout_);
    auto [ec, n] = co_await asio::async_write(stream_, buffers, kNoThrow);
    co_return !ec;
  }

  void Abort() override {
    boost::system::error_code ignored;
    Lowest(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    Lowest(stream_).close();
    aborted_ = true;
  }

  bool aborted() const { return aborted_; }

 private:
  Stream& stream_;
  std::chrono::steady_clock::duration write_timeout_;
  bool keep_alive_ = true;
  bool aborted_ = false;
};

void LogAndCount(Services& services, const HttpRequest& request,
                 const Outcome& outcome, const std::string& remote,
                 absl::Duration took) {
  const std::string_view method(request.method_string().data(),
                                request.method_string().size());
  services.metrics->Record(method, outcome.route, outcome.status, outcome.sent,
                           took);
  spdlog::info(
      "http method={} route={} target=\"{}\" registry={} status={} sent={} "
      "ms={:.3f} user={} remote={}{}{}",
      method, RouteName(outcome.route),
      std::string_view(request.target().data(), request.target().size()),
      outcome.registry.empty() ? "-" : outcome.registry, outcome.status,
      outcome.sent, absl::ToDoubleMilliseconds(took),
      outcome.user.empty() ? "-" : outcome.user, remote,
      outcome.error.empty() ? "" : " error=", outcome.error);
}

// A request the parser refused (too large, malformed): answered, then the
// connection closes.
template <class Stream>
asio::awaitable<void> RefuseRequest(Connection<Stream>& connection,
                                    const boost::system::error_code& ec) {
  const bool too_large = ec == http::error::header_limit;
  OciError error;
  error.status = too_large ? 431 : 400;
  error.code = "UNSUPPORTED";
  error.message = too_large ? "request header too large" : ec.message();
  HttpResponse response = ErrorResponse(error);
  response.set(http::field::content_length,
               std::to_string(response.body().size()));
  connection.set_keep_alive(false);
  co_await connection.Send(response);
}

template <class Stream>
asio::awaitable<void> ServeRequests(Services& services, Stream& stream,
                                    const std::string& remote) {
  const FrontendConfig& config = services.config;
  Connection<Stream> connection(stream, config.write_timeout);
  beast::flat_buffer buffer;
  bool first = true;
  while (true) {
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(config.max_header_bytes));
    // Waiting for the next request on a kept-alive connection is idle time;
    // the first one must come within the header timeout.
    Lowest(stream).expires_after(
        ToChrono(first ? config.header_timeout : config.idle_timeout));
    first = false;
    auto [ec, n] =
        co_await http::async_read_header(stream, buffer, parser, kNoThrow);
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == beast::error::timeout || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted) {
      co_return;
    }
    if (ec) {
      co_await RefuseRequest(connection, ec);
      co_return;
    }
    const HttpRequest& request = parser.get();
    // A body is never read (pull requests have none): answer, then close.
    const bool keep_alive = request.keep_alive() && parser.is_done();
    connection.set_keep_alive(keep_alive);
    const absl::Time start = absl::Now();
    Outcome outcome = co_await HandleRequest(services, request, connection);
    LogAndCount(services, request, outcome, remote, absl::Now() - start);
    if (!keep_alive || !outcome.keep_alive || connection.aborted()) {
      co_return;
    }
  }
}

std::string RemoteOf(const tcp::socket& socket) {
  boost::system::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) {
    return "-";
  }
  return absl::StrCat(remote.address().to_string(), ":", remote.port());
}

}  // namespace

asio::awaitable<void> ServeConnection(Services& services,
                                      asio::ssl::context* tls,
                                      tcp::socket socket) {
  const std::string remote = RemoteOf(socket);
  beast::tcp_stream plain(std::move(socket));
  if (tls == nullptr) {
    co_await ServeRequests(services, plain, remote);
    boost::system::error_code ignored;
    plain.socket().shutdown(tcp::socket::shutdown_send, ignored);
    co_return;
  }
  TlsStream stream(std::move(plain), *tls);
  Lowest(stream).expires_after(ToChrono(services.config.header_timeout));
  auto [ec] =
      co_await stream.async_handshake(asio::ssl::stream_base::server, kNoThrow);
  if (ec) {
    spdlog::debug("tls handshake from {} failed: {}", remote, ec.message());
    co_return;
  }
  co_await ServeRequests(services, stream, remote);
  if (Lowest(stream).socket().is_open()) {
    Lowest(stream).expires_after(std::chrono::seconds(2));
    auto [shutdown_ec] = co_await stream.async_shutdown(kNoThrow);
    static_cast<void>(shutdown_ec);
  }
}

}  // namespace tributary::frontend
