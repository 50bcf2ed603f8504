#include "service/http/connection.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/as_tuple.hpp"
#include "boost/asio/ip/address.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "boost/beast/http.hpp"
#include "boost/none.hpp"
#include "boost/url/parse.hpp"
#include "service/http/address_rule.h"
#include "service/http/error.h"

namespace tributary::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// What the read buffer may hold of bytes not yet parsed: a response header
// (Beast's header limit is 8 KiB) or one chunk's framing. Body bytes pass
// through to the caller's buffer, so this bounds only what an upstream's
// framing could otherwise grow without end.
constexpr std::size_t kMaxFramingBytes = 64 << 10;
// Interim responses skipped before the final one; more is an upstream loop.
constexpr int kMaxInterimResponses = 8;

// The resolved addresses `rule` lets a connection reach. None is a permanent
// failure: asking again would resolve the same.
absl::StatusOr<std::vector<tcp::endpoint>> Allowed(
    const tcp::resolver::results_type& resolved, AddressRule rule,
    absl::string_view where) {
  std::vector<tcp::endpoint> allowed;
  for (const auto& entry : resolved) {
    if (rule == AddressRule::kAny ||
        IsPublicAddress(entry.endpoint().address())) {
      allowed.push_back(entry.endpoint());
    }
  }
  if (allowed.empty()) {
    const std::string first =
        resolved.empty() ? ""
                         : resolved.begin()->endpoint().address().to_string();
    return MarkPermanent(absl::UnavailableError(absl::StrCat(
        "connect ", where, ": refused: not a public address (", first, ")")));
  }
  return allowed;
}

// A read failure, with the limits an upstream ran into named.
absl::Status ReadFailure(const boost::system::error_code& ec,
                         absl::string_view what) {
  if (ec == bhttp::error::buffer_overflow) {
    return absl::UnavailableError(
        absl::StrCat(what,
                     ": the response's framing (chunk size line, chunk "
                     "extension or trailers) exceeds the framing limit "
                     "of ",
                     kMaxFramingBytes, " bytes"));
  }
  if (ec == bhttp::error::header_limit) {
    return absl::UnavailableError(
        absl::StrCat(what, ": the response header exceeds the header limit"));
  }
  return FromErrorCode(ec, what);
}

// A failure on a reused connection before any response byte is how an idle
// keep-alive connection closed by the server shows itself.
bool LooksStale(const boost::system::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

// SNI and the name the certificate must carry. OpenSSL checks the name
// itself, so a mismatch is reported as such ("hostname mismatch") rather than
// as a generic verification failure. A context without peer verification
// (insecure_skip_verify) checks neither.
absl::Status PrepareTls(const std::string& host, SSL* ssl) {
  boost::system::error_code not_ip;
  asio::ip::make_address(host, not_ip);
  // SNI: virtual-hosted registries and CDNs pick the certificate by it. RFC
  // 6066 forbids IP literals there.
  if (not_ip && !SSL_set_tlsext_host_name(ssl, host.c_str())) {
    return absl::UnavailableError(
        absl::StrCat("TLS: cannot set SNI for ", host));
  }
  if (SSL_get_verify_mode(ssl) == SSL_VERIFY_NONE) {
    return absl::OkStatus();
  }
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const int set = not_ip ? X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0)
                         : X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  if (set != 1) {
    return absl::UnavailableError(
        absl::StrCat("TLS: cannot check certificates for ", host));
  }
  return absl::OkStatus();
}

// Why the peer's certificate was refused (": hostname mismatch",
// ": unable to get local issuer certificate"), or "" when it was not.
std::string VerifyFailure(SSL* ssl) {
  const long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) {
    return "";
  }
  return absl::StrCat(" (certificate: ", X509_verify_cert_error_string(result),
                      ")");
}

Headers CopyHeaders(const bhttp::response_header<>& header) {
  Headers headers;
  for (const auto& field : header) {
    headers.emplace_back(std::string(field.name_string()),
                         std::string(field.value()));
  }
  return headers;
}

}  // namespace

absl::StatusOr<Target> ParseTarget(absl::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(
      boost::urls::string_view(url.data(), url.size()));
  if (!parsed) {
    return absl::InvalidArgumentError(absl::StrCat("bad URL: ", url));
  }
  Target target;
  if (parsed->scheme_id() == boost::urls::scheme::https) {
    target.tls = true;
  } else if (parsed->scheme_id() != boost::urls::scheme::http) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unsupported URL scheme: ", std::string(parsed->scheme())));
  }
  target.host = std::string(parsed->host_address());
  if (target.host.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("URL has no host: ", url));
  }
  target.port = parsed->has_port() ? std::string(parsed->port())
                                   : (target.tls ? "443" : "80");
  target.host_header = std::string(parsed->encoded_host_and_port());
  target.path = std::string(parsed->encoded_target());
  if (target.path.empty()) {
    target.path = "/";
  }
  return target;
}

// Beast sizes each socket read by the buffer's free capacity (at least 512
// bytes), and a buffer that is always drained never grows: without this, a
// large body arrives in reads of a few hundred bytes.
constexpr std::size_t kReadBufferBytes = 64 << 10;

Connection::Connection(beast::tcp_stream plain)
    : plain_(std::make_unique<beast::tcp_stream>(std::move(plain))) {
  buffer_.max_size(kMaxFramingBytes);
  buffer_.reserve(kReadBufferBytes);
}

Connection::Connection(std::unique_ptr<TlsStream> tls) : tls_(std::move(tls)) {
  buffer_.max_size(kMaxFramingBytes);
  buffer_.reserve(kReadBufferBytes);
}

beast::tcp_stream& Connection::lowest() {
  return tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
}

void Connection::MarkIdle() { lowest().expires_never(); }

asio::awaitable<absl::StatusOr<std::unique_ptr<Connection>>> Connection::Open(
    asio::any_io_executor executor, const Target& target,
    asio::ssl::context& tls_context, SteadyTime deadline, AddressRule rule) {
  const std::string where = absl::StrCat(target.host, ":", target.port);
  // The resolver has no timeout of its own; a timer cancels a hung lookup.
  // Callers run on a strand, so the timer's handler never races the lookup.
  auto resolver = std::make_shared<tcp::resolver>(executor);
  asio::steady_timer timer(executor, deadline);
  timer.async_wait([weak = std::weak_ptr<tcp::resolver>(resolver)](
                       const boost::system::error_code& ec) {
    if (auto alive = weak.lock(); !ec && alive) {
      alive->cancel();
    }
  });
  auto [resolve_ec, endpoints] =
      co_await resolver->async_resolve(target.host, target.port, kNoThrow);
  timer.cancel();
  if (resolve_ec == asio::error::operation_aborted) {
    co_return absl::DeadlineExceededError(
        absl::StrCat("resolve ", where, ": timed out"));
  }
  if (resolve_ec) {
    co_return FromErrorCode(resolve_ec, absl::StrCat("resolve ", where));
  }
  absl::StatusOr<std::vector<tcp::endpoint>> allowed =
      Allowed(endpoints, rule, where);
  if (!allowed.ok()) {
    co_return allowed.status();
  }
  beast::tcp_stream stream(executor);
  stream.expires_at(deadline);
  auto [connect_ec, endpoint] =
      co_await stream.async_connect(*allowed, kNoThrow);
  if (connect_ec) {
    co_return FromErrorCode(connect_ec, absl::StrCat("connect ", where));
  }
  stream.socket().set_option(tcp::no_delay(true));
  if (!target.tls) {
    co_return std::unique_ptr<Connection>(new Connection(std::move(stream)));
  }
  auto tls = std::make_unique<TlsStream>(std::move(stream), tls_context);
  if (absl::Status prepared = PrepareTls(target.host, tls->native_handle());
      !prepared.ok()) {
    co_return prepared;
  }
  auto [handshake_ec] =
      co_await tls->async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (handshake_ec) {
    const std::string refused = VerifyFailure(tls->native_handle());
    absl::Status failed = FromErrorCode(
        handshake_ec, absl::StrCat("TLS handshake with ", where, refused));
    if (!refused.empty()) {
      // The same certificate will be refused again.
      failed = MarkPermanent(std::move(failed));
    }
    co_return failed;
  }
  co_return std::unique_ptr<Connection>(new Connection(std::move(tls)));
}

asio::awaitable<absl::StatusOr<ResponseHead>> Connection::Start(
    const Request& request, const Target& target, const std::string& user_agent,
    SteadyTime deadline, bool* stale) {
  if (tls_) {
    co_return co_await StartOn(*tls_, request, target, user_agent, deadline,
                               stale);
  }
  co_return co_await StartOn(*plain_, request, target, user_agent, deadline,
                             stale);
}

asio::awaitable<absl::StatusOr<std::size_t>> Connection::ReadBody(
    char* data, std::size_t size, SteadyTime deadline) {
  if (tls_) {
    co_return co_await ReadBodyOn(*tls_, data, size, deadline);
  }
  co_return co_await ReadBodyOn(*plain_, data, size, deadline);
}

bool Connection::reusable() const {
  const bool body_read = direct_remaining_.has_value()
                             ? *direct_remaining_ == 0
                             : parser_ && parser_->is_done();
  return !failed_ && parser_ && body_read && parser_->keep_alive() &&
         buffer_.size() == 0 && !UnreadBytesWaiting();
}

bool Connection::UnreadBytesWaiting() const {
  if (tls_ && SSL_pending(tls_->native_handle()) > 0) {
    return true;
  }
  const tcp::socket& socket =
      tls_ ? beast::get_lowest_layer(*tls_).socket() : plain_->socket();
  boost::system::error_code ec;
  // A closed or failed socket is not reusable either.
  const std::size_t waiting = const_cast<tcp::socket&>(socket).available(ec);
  return ec || waiting > 0;
}

void Connection::Cancel() {
  failed_ = true;
  boost::system::error_code ignored;
  lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  lowest().socket().close(ignored);
}

template <class Stream>
asio::awaitable<absl::StatusOr<ResponseHead>> Connection::StartOn(
    Stream& stream, const Request& request, const Target& target,
    const std::string& user_agent, SteadyTime deadline, bool* stale) {
  const bool reused = exchanges_++ > 0;
  where_ = absl::StrCat(target.host, ":", target.port);
  const bhttp::verb verb = bhttp::string_to_verb(request.method);
  if (verb == bhttp::verb::unknown) {
    co_return absl::InvalidArgumentError(
        absl::StrCat("unknown HTTP method: ", request.method));
  }
  bhttp::request<bhttp::empty_body> req{verb, target.path, 11};
  req.set(bhttp::field::host, target.host_header);
  req.set(bhttp::field::user_agent, user_agent);
  for (const auto& [name, value] : request.headers) {
    // Host and User-Agent are ours; a second Host would be a malformed request.
    if (!absl::EqualsIgnoreCase(name, "Host") &&
        !absl::EqualsIgnoreCase(name, "User-Agent")) {
      req.insert(name, value);
    }
  }
  req.keep_alive(true);

  failed_ = true;  // until the header is read
  lowest().expires_at(deadline);
  auto [write_ec, written] = co_await bhttp::async_write(stream, req, kNoThrow);
  if (write_ec) {
    *stale = reused && LooksStale(write_ec);
    co_return FromErrorCode(write_ec, absl::StrCat("send to ", where_));
  }
  absl::Status header_read =
      co_await ReadHeaderOn(stream, verb == bhttp::verb::head, stale);
  if (!header_read.ok()) {
    co_return header_read;
  }
  failed_ = false;
  direct_remaining_.reset();
  if (!parser_->is_done() && !parser_->chunked() &&
      parser_->content_length().has_value()) {
    direct_remaining_ = *parser_->content_length();
  }
  const auto& header = parser_->get().base();
  ResponseHead head;
  head.status = static_cast<int>(header.result_int());
  head.headers = CopyHeaders(header);
  if (auto length = parser_->content_length(); length.has_value()) {
    head.content_length = *length;
  }
  co_return head;
}

template <class Stream>
asio::awaitable<absl::Status> Connection::ReadHeaderOn(Stream& stream,
                                                       bool head_request,
                                                       bool* stale) {
  for (int interim = 0;; ++interim) {
    parser_ = std::make_unique<bhttp::response_parser<bhttp::buffer_body>>();
    // Bodies are streamed through a caller's buffer, so Beast needs no limit.
    parser_->body_limit(boost::none);
    if (head_request) {
      parser_->skip(true);
    }
    auto [ec, bytes] =
        co_await bhttp::async_read_header(stream, buffer_, *parser_, kNoThrow);
    if (ec) {
      *stale = exchanges_ > 1 && interim == 0 && LooksStale(ec);
      co_return ReadFailure(ec, absl::StrCat("read response from ", where_));
    }
    const unsigned status = parser_->get().result_int();
    if (status < 100 || status > 199) {
      co_return absl::OkStatus();
    }
    // RFC 9110 15.2: an interim response (100 Continue, 103 Early Hints from
    // a CDN) precedes the real one on the same connection; left unread it
    // would answer the next request. 101 would switch protocols: never asked.
    if (status == 101 || interim == kMaxInterimResponses) {
      co_return absl::UnavailableError(absl::StrCat(
          "read response from ", where_, ": unexpected interim response ",
          status, interim > 0 ? " after too many others" : ""));
    }
  }
}

template <class Stream>
asio::awaitable<absl::StatusOr<std::size_t>> Connection::ReadBodyOn(
    Stream& stream, char* data, std::size_t size, SteadyTime deadline) {
  if (!parser_ || failed_) {
    co_return absl::FailedPreconditionError("no response to read");
  }
  if (direct_remaining_.has_value()) {
    co_return co_await ReadDirectOn(stream, data, size, deadline);
  }
  std::size_t total = 0;
  lowest().expires_at(deadline);
  // Fill the caller's buffer as far as the bytes at hand allow: one read may
  // return less than `size`, never more.
  while (!parser_->is_done() && total == 0) {
    auto& body = parser_->get().body();
    body.data = data;
    body.size = size;
    auto [ec, bytes] =
        co_await bhttp::async_read_some(stream, buffer_, *parser_, kNoThrow);
    total = size - body.size;
    if (ec == bhttp::error::need_buffer) {
      break;  // the buffer is full
    }
    if (ec) {
      failed_ = true;
      co_return ReadFailure(ec, absl::StrCat("read body from ", where_));
    }
  }
  co_return total;
}

template <class Stream>
asio::awaitable<absl::StatusOr<std::size_t>> Connection::ReadDirectOn(
    Stream& stream, char* data, std::size_t size, SteadyTime deadline) {
  std::uint64_t& remaining = *direct_remaining_;
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(size, remaining));
  if (want == 0) {
    co_return 0;
  }
  // Body bytes that arrived with the header come first.
  if (buffer_.size() > 0) {
    const std::size_t taken = std::min(want, buffer_.size());
    asio::buffer_copy(asio::buffer(data, taken), buffer_.data());
    buffer_.consume(taken);
    remaining -= taken;
    co_return taken;
  }
  lowest().expires_at(deadline);
  auto [ec, bytes] =
      co_await stream.async_read_some(asio::buffer(data, want), kNoThrow);
  if (ec) {
    failed_ = true;
    // The same report as the parser's for a body cut short.
    const bool cut_short =
        ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
    co_return ReadFailure(cut_short ? bhttp::error::partial_message : ec,
                          absl::StrCat("read body from ", where_));
  }
  remaining -= bytes;
  co_return bytes;
}

}  // namespace tributary::http
