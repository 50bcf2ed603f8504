#include "service/http/client.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/ssl/context.hpp"
#include "boost/asio/this_coro.hpp"
#include "boost/url/parse.hpp"
#include "boost/url/url.hpp"
#include "service/http/connection.h"
#include "service/http/pool.h"
#include "service/http/steady_time.h"
#include "service/http/tls_context.h"

namespace tributary::http {
namespace {

namespace asio = boost::asio;

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 ||
         status == 308;
}

// Points `request` at `location` (resolved against the current URL).
// Credentials stay behind when the new target is not on `origin`'s scheme, host
// and port.
absl::Status FollowRedirect(const Target& origin, absl::string_view location,
                            Request& request) {
  auto base = boost::urls::parse_absolute_uri(request.url);
  auto reference = boost::urls::parse_uri_reference(
      boost::urls::string_view(location.data(), location.size()));
  boost::urls::url resolved;
  if (location.empty() || !base || !reference ||
      !boost::urls::resolve(*base, *reference, resolved)) {
    return absl::UnavailableError(
        absl::StrCat("bad redirect Location \"", location, "\""));
  }
  const std::string next_url(resolved.buffer());
  absl::StatusOr<Target> next = ParseTarget(next_url);
  if (!next.ok()) {
    return absl::UnavailableError(
        absl::StrCat("redirect refused: ", next.status().message()));
  }
  if (next->Origin() != origin.Origin()) {
    std::erase_if(request.headers, [](const auto& header) {
      return absl::EqualsIgnoreCase(header.first, "Authorization");
    });
  }
  request.url = next_url;
  return absl::OkStatus();
}

// Reads a whole body into a string, refusing more than `limit` bytes.
asio::awaitable<absl::StatusOr<std::string>> ReadAll(ResponseStream& stream,
                                                     std::size_t limit) {
  const std::size_t announced = stream.content_length().value_or(0);
  if (announced > limit) {
    co_return absl::ResourceExhaustedError(absl::StrCat(
        "response body of ", announced, " bytes exceeds the limit of ", limit));
  }
  std::string body;
  body.reserve(announced);
  char buffer[16 * 1024];
  while (true) {
    absl::StatusOr<std::size_t> read =
        co_await stream.Read(buffer, sizeof buffer);
    if (!read.ok()) {
      co_return read.status();
    }
    if (*read == 0) {
      co_return body;
    }
    if (body.size() + *read > limit) {
      co_return absl::ResourceExhaustedError(
          absl::StrCat("response body exceeds the limit of ", limit, " bytes"));
    }
    body.append(buffer, *read);
  }
}

// The origin of options.tls.cert_origin, a URL; nullopt when none is given.
std::optional<std::string> OriginOf(const std::string& url) {
  if (url.empty()) {
    return std::nullopt;
  }
  absl::StatusOr<Target> target = ParseTarget(url);
  return target.ok() ? target->Origin() : std::string();
}

}  // namespace

class Client::Impl {
 public:
  explicit Impl(ClientOptions options)
      : options_(std::move(options)),
        pool_(std::make_shared<ConnectionPool>(
            PoolLimits{.max_idle_per_origin = options_.max_idle_per_origin,
                       .max_idle_total = options_.max_idle_total,
                       .idle_timeout = options_.idle_timeout,
                       .max_connections_per_origin =
                           options_.max_connections_per_origin,
                       .on_wait = options_.connection_waited},
            options_.clock != nullptr ? *options_.clock : util::RealClock())),
        tls_context_(asio::ssl::context::tls_client),
        anonymous_tls_context_(asio::ssl::context::tls_client),
        tls_status_(ConfigureContexts()),
        cert_origin_(OriginOf(options_.tls.cert_origin)) {}

  const absl::Status& tls_status() const { return tls_status_; }

  // The context for a connection to `origin`: the client certificate goes
  // to options.tls.cert_origin only (TlsOptions::cert_origin says why).
  asio::ssl::context& TlsContextFor(const std::string& origin) {
    if (!cert_origin_.has_value() ||
        absl::EqualsIgnoreCase(origin, *cert_origin_)) {
      return tls_context_;
    }
    return anonymous_tls_context_;
  }

  asio::awaitable<absl::StatusOr<std::unique_ptr<ResponseStream>>> Open(
      Request request, RequestOptions options) {
    const absl::StatusOr<Target> first = ParseTarget(request.url);
    if (!first.ok()) {
      co_return first.status();
    }
    if (!tls_status_.ok()) {
      co_return tls_status_;
    }
    for (int redirects = 0;; ++redirects) {
      absl::StatusOr<std::unique_ptr<ResponseStream>> stream =
          co_await OpenOnce(request, options);
      if (!stream.ok() || !IsRedirect((*stream)->status()) ||
          redirects >= options.max_redirects) {
        co_return stream;
      }
      absl::Status followed =
          FollowRedirect(*first, (*stream)->Header("Location"), request);
      if (!followed.ok()) {
        co_return followed;
      }
    }
  }

  int IdleConnections() const { return pool_->IdleConnections(); }
  int RequestsWaitingForConnection() const { return pool_->Waiting(); }
  void Close() { pool_->Close(); }

 private:
  asio::awaitable<absl::StatusOr<std::unique_ptr<ResponseStream>>> OpenOnce(
      const Request& request, const RequestOptions& options) {
    absl::StatusOr<Target> target = ParseTarget(request.url);
    if (!target.ok()) {
      co_return target.status();
    }
    if (absl::Now() >= options.deadline) {
      co_return absl::DeadlineExceededError("deadline passed before sending");
    }
    const SteadyTime deadline = ToSteady(options.deadline);
    const std::string origin = target->Origin();
    // A pooled connection may have been closed by the server while idle; then
    // one fresh connection is tried (all our requests are idempotent). The
    // retry opens a new connection and the origin's other idle ones are
    // closed: if one pooled connection went stale, its pool mates most likely
    // did too.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (attempt == 1) {
        pool_->DropIdle(origin);
      }
      // Past the origin's connection cap this waits for one to come back.
      absl::StatusOr<ConnectionPool::Acquired> acquired =
          co_await pool_->Acquire(origin, deadline);
      if (!acquired.ok()) {
        co_return acquired.status();
      }
      std::unique_ptr<Connection> connection = std::move(acquired->idle);
      if (!connection) {
        const AddressRule rule =
            options.trusted_origin.empty() ||
                    absl::EqualsIgnoreCase(origin, options.trusted_origin)
                ? AddressRule::kAny
                : options.other_origins;
        auto opened = co_await Connection::Open(
            co_await asio::this_coro::executor, *target, TlsContextFor(origin),
            std::min(deadline, ToSteady(absl::Now() + options.connect_timeout)),
            rule);
        if (!opened.ok()) {
          co_return opened.status();
        }
        connection = std::move(*opened);
        connection->Hold(std::move(acquired->slot));
      }
      bool stale = false;
      // The header must come within a read timeout too: a streamed body's
      // overall deadline may be far away or infinite.
      const absl::Duration header_wait =
          std::min(options.read_timeout, options.header_timeout);
      absl::StatusOr<ResponseHead> head = co_await connection->Start(
          request, *target, options_.user_agent,
          std::min(deadline, ToSteady(absl::Now() + header_wait)), &stale);
      if (stale) {
        continue;
      }
      if (!head.ok()) {
        co_return head.status();
      }
      co_return std::make_unique<ResponseStream>(
          head->status, std::move(head->headers), head->content_length,
          request.url, std::move(connection),
          [pool = pool_, origin](std::unique_ptr<Connection> idle) {
            pool->Put(origin, std::move(idle));
          },
          options.read_timeout, options.deadline);
    }
    co_return absl::UnavailableError("connection closed by " + origin);
  }

  // Both contexts trust and verify alike; only one holds the certificate.
  absl::Status ConfigureContexts() {
    absl::Status status = ConfigureTlsContext(options_.tls, tls_context_);
    if (!status.ok()) {
      return status;
    }
    TlsOptions anonymous = options_.tls;
    anonymous.cert_file.clear();
    anonymous.key_file.clear();
    return ConfigureTlsContext(anonymous, anonymous_tls_context_);
  }

  const ClientOptions options_;
  const std::shared_ptr<ConnectionPool> pool_;
  asio::ssl::context tls_context_;
  asio::ssl::context anonymous_tls_context_;
  const absl::Status tls_status_;
  // nullopt: the certificate goes to every origin. An unparsable URL names
  // no origin, so then it goes to none.
  const std::optional<std::string> cert_origin_;
};

Client::Client(ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

absl::StatusOr<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  auto client = std::make_unique<Client>(std::move(options));
  if (!client->impl_->tls_status().ok()) {
    return client->impl_->tls_status();
  }
  return client;
}

Client::~Client() = default;

asio::awaitable<absl::StatusOr<std::unique_ptr<ResponseStream>>> Client::Open(
    Request request, RequestOptions options) {
  return impl_->Open(std::move(request), options);
}

asio::awaitable<absl::StatusOr<Response>> Client::Send(Request request,
                                                       RequestOptions options) {
  // A HEAD answer's Content-Length describes a body that never comes.
  const bool head = absl::EqualsIgnoreCase(request.method, "HEAD");
  absl::StatusOr<std::unique_ptr<ResponseStream>> stream =
      co_await Open(std::move(request), options);
  if (!stream.ok()) {
    co_return stream.status();
  }
  // (No co_await inside ?: — GCC 12 miscompiles it.)
  absl::StatusOr<std::string> body = std::string();
  if (!head) {
    body = co_await ReadAll(**stream, options.body_limit);
  }
  if (!body.ok()) {
    co_return body.status();
  }
  co_return Response{
      .status = (*stream)->status(),
      .headers = (*stream)->headers(),
      .body = *std::move(body),
      .url = (*stream)->url(),
  };
}

int Client::IdleConnections() const { return impl_->IdleConnections(); }

int Client::RequestsWaitingForConnection() const {
  return impl_->RequestsWaitingForConnection();
}

void Client::Close() { impl_->Close(); }

}  // namespace tributary::http
