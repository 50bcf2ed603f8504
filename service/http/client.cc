#include "service/http/client.h"

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/this_coro.hpp"
#include "boost/url/parse.hpp"
#include "boost/url/url.hpp"
#include "service/http/connection.h"

namespace tributary::http {
namespace {

namespace asio = boost::asio;

// Converts a wall-clock deadline to the steady clock Beast timers use.
SteadyTime ToSteady(absl::Time deadline) {
  const absl::Duration left =
      std::clamp(deadline - absl::Now(), absl::ZeroDuration(), absl::Hours(24));
  return std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(left);
}

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
  if (location.empty() || !base || !reference) {
    return absl::UnavailableError(
        absl::StrCat("bad redirect Location \"", location, "\""));
  }
  boost::urls::url resolved;
  if (!boost::urls::resolve(*base, *reference, resolved)) {
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

}  // namespace

class Client::Impl {
 public:
  explicit Impl(ClientOptions options)
      : options_(std::move(options)),
        tls_context_(asio::ssl::context::tls_client) {
    tls_context_.set_default_verify_paths();
    tls_context_.set_verify_mode(asio::ssl::verify_peer);
  }

  asio::awaitable<absl::StatusOr<Response>> Send(Request request,
                                                 RequestOptions options) {
    const absl::StatusOr<Target> first = ParseTarget(request.url);
    if (!first.ok()) {
      co_return first.status();
    }
    for (int redirects = 0;; ++redirects) {
      absl::StatusOr<Response> response = co_await SendOnce(request, options);
      if (!response.ok() || !IsRedirect(response->status) ||
          redirects >= options.max_redirects) {
        co_return response;
      }
      absl::Status followed =
          FollowRedirect(*first, response->Header("Location"), request);
      if (!followed.ok()) {
        co_return followed;
      }
    }
  }

  asio::awaitable<absl::StatusOr<Response>> SendOnce(
      const Request& request, const RequestOptions& options) {
    absl::StatusOr<Target> target = ParseTarget(request.url);
    if (!target.ok()) {
      co_return target.status();
    }
    if (absl::Now() >= options.deadline) {
      co_return absl::DeadlineExceededError("deadline passed before sending");
    }
    const SteadyTime deadline = ToSteady(options.deadline);
    // A pooled connection may have been closed by the server while idle; then
    // one fresh connection is tried (all our requests are idempotent).
    for (int attempt = 0; attempt < 2; ++attempt) {
      // The retry opens a new connection: if one pooled connection went
      // stale, its pool mates most likely did too.
      std::unique_ptr<Connection> connection =
          attempt == 0 ? TakeIdle(target->Origin()) : nullptr;
      if (!connection) {
        auto opened = co_await Connection::Open(
            co_await asio::this_coro::executor, *target, tls_context_,
            std::min(deadline,
                     ToSteady(absl::Now() + options.connect_timeout)));
        if (!opened.ok()) {
          co_return opened.status();
        }
        connection = std::move(*opened);
      }
      bool stale = false;
      absl::StatusOr<Response> response = co_await connection->Exchange(
          request, *target, options, options_.user_agent, deadline, &stale);
      if (stale) {
        continue;
      }
      if (response.ok() && connection->reusable()) {
        PutIdle(target->Origin(), std::move(connection));
      }
      co_return response;
    }
    co_return absl::UnavailableError("connection closed by " +
                                     target->Origin());
  }

  int IdleConnections() const {
    absl::MutexLock lock(&mu_);
    int count = 0;
    for (const auto& [origin, connections] : idle_) {
      count += static_cast<int>(connections.size());
    }
    return count;
  }

 private:
  std::unique_ptr<Connection> TakeIdle(const std::string& origin) {
    absl::MutexLock lock(&mu_);
    auto it = idle_.find(origin);
    if (it == idle_.end() || it->second.empty()) {
      return nullptr;
    }
    std::unique_ptr<Connection> connection = std::move(it->second.back());
    it->second.pop_back();
    return connection;
  }

  void PutIdle(const std::string& origin,
               std::unique_ptr<Connection> connection) {
    connection->MarkIdle();
    absl::MutexLock lock(&mu_);
    auto& connections = idle_[origin];
    if (static_cast<int>(connections.size()) < options_.max_idle_per_origin) {
      connections.push_back(std::move(connection));
    }
  }

  const ClientOptions options_;
  asio::ssl::context tls_context_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::vector<std::unique_ptr<Connection>>>
      idle_ ABSL_GUARDED_BY(mu_);
};

Client::Client(ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

Client::~Client() = default;

asio::awaitable<absl::StatusOr<Response>> Client::Send(Request request,
                                                       RequestOptions options) {
  return impl_->Send(std::move(request), options);
}

int Client::IdleConnections() const { return impl_->IdleConnections(); }

}  // namespace tributary::http
