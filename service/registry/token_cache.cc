#include "service/registry/token_cache.h"

#include <chrono>
#include <variant>
#include <vector>

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/experimental/awaitable_operators.hpp"
#include "boost/asio/experimental/concurrent_channel.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "boost/asio/this_coro.hpp"
#include "boost/asio/use_awaitable.hpp"

namespace tributary::registry {
namespace {

namespace asio = boost::asio;
using asio::experimental::awaitable_operators::operator||;

// Wakes one waiting caller; thread-safe, so the fetch may signal it from any
// thread.
using Wakeup =
    asio::experimental::concurrent_channel<void(boost::system::error_code)>;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

std::chrono::steady_clock::time_point ToSteady(absl::Time deadline) {
  const absl::Duration left =
      std::clamp(deadline - absl::Now(), absl::ZeroDuration(), absl::Hours(24));
  return std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(left);
}

size_t BytesOf(const std::string& scope, const Token& token) {
  return scope.size() + token.value.size();
}

}  // namespace

// One token fetch and the callers waiting for it. Guarded by TokenCache::mu_.
struct TokenCache::Flight {
  bool done = false;
  absl::StatusOr<std::string> result = absl::UnknownError("no token yet");
  // Weak: a caller that gave up (deadline) must not be kept alive.
  std::vector<std::weak_ptr<Wakeup>> waiters;
};

void TokenCache::EraseLocked(
    absl::flat_hash_map<std::string, Token>::iterator it) {
  token_bytes_ -= BytesOf(it->first, it->second);
  tokens_.erase(it);
}

void TokenCache::StoreLocked(const std::string& scope, Token token) {
  if (auto old = tokens_.find(scope); old != tokens_.end()) {
    EraseLocked(old);
  }
  const absl::Time now = clock_.Now();
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    if (now >= it->second.refresh_at) {
      EraseLocked(it++);  // expired: swept here, not only when looked up
    } else {
      ++it;
    }
  }
  const size_t bytes = BytesOf(scope, token);
  while (!tokens_.empty() && (tokens_.size() >= limits_.max_tokens ||
                              token_bytes_ + bytes > limits_.max_bytes)) {
    auto soonest = tokens_.begin();
    for (auto it = tokens_.begin(); it != tokens_.end(); ++it) {
      if (it->second.refresh_at < soonest->second.refresh_at) {
        soonest = it;
      }
    }
    EraseLocked(soonest);
  }
  if (bytes > limits_.max_bytes) {
    return;  // larger than the whole cache: used once, not kept
  }
  token_bytes_ += bytes;
  tokens_.emplace(scope, std::move(token));
}

size_t TokenCache::size() const {
  absl::MutexLock lock(&mu_);
  return tokens_.size();
}

size_t TokenCache::bytes() const {
  absl::MutexLock lock(&mu_);
  return token_bytes_;
}

std::string TokenCache::CachedLocked(const std::string& scope) {
  const auto it = tokens_.find(scope);
  if (it == tokens_.end()) {
    return "";
  }
  if (clock_.Now() >= it->second.refresh_at) {
    EraseLocked(it);
    return "";
  }
  return it->second.value;
}

std::string TokenCache::Cached(const std::string& scope) {
  absl::MutexLock lock(&mu_);
  return CachedLocked(scope);
}

void TokenCache::Invalidate(const std::string& scope,
                            const std::string& token) {
  absl::MutexLock lock(&mu_);
  const auto it = tokens_.find(scope);
  if (it != tokens_.end() && it->second.value == token) {
    EraseLocked(it);
  }
}

int TokenCache::fetches_started() const {
  absl::MutexLock lock(&mu_);
  return fetches_started_;
}

asio::awaitable<absl::StatusOr<std::string>> TokenCache::Get(
    std::string scope, Fetch fetch, absl::Time deadline) {
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  auto wakeup = std::make_shared<Wakeup>(executor, 1);
  std::shared_ptr<Flight> flight;
  bool start = false;
  std::string cached;
  {
    absl::MutexLock lock(&mu_);
    cached = CachedLocked(scope);
    if (cached.empty()) {
      std::shared_ptr<Flight>& slot = flights_[scope];
      if (slot == nullptr) {
        slot = std::make_shared<Flight>();
        start = true;
        ++fetches_started_;
      }
      flight = slot;
      flight->waiters.push_back(wakeup);
    }
  }
  if (!cached.empty()) {
    co_return cached;
  }
  if (start) {
    asio::co_spawn(asio::make_strand(executor),
                   RunFetch(scope, flight, std::move(fetch)), asio::detached);
  }
  asio::steady_timer timer(executor, ToSteady(deadline));
  // (The awaited expression is assigned first: no co_await in a condition.)
  const auto woken =
      co_await (wakeup->async_receive(kNoThrow) || timer.async_wait(kNoThrow));
  absl::MutexLock lock(&mu_);
  if (woken.index() == 1 && !flight->done) {
    co_return absl::DeadlineExceededError(
        "deadline passed while waiting for a token");
  }
  co_return flight->result;
}

asio::awaitable<void> TokenCache::RunFetch(std::string scope,
                                           std::shared_ptr<Flight> flight,
                                           Fetch fetch) {
  absl::StatusOr<Token> token = co_await fetch();
  std::vector<std::weak_ptr<Wakeup>> waiters;
  {
    absl::MutexLock lock(&mu_);
    if (token.ok()) {
      flight->result = token->value;
      StoreLocked(scope, *std::move(token));
    } else {
      flight->result = token.status();
    }
    flight->done = true;
    waiters.swap(flight->waiters);
    const auto it = flights_.find(scope);
    if (it != flights_.end() && it->second == flight) {
      flights_.erase(it);
    }
  }
  for (const std::weak_ptr<Wakeup>& waiter : waiters) {
    if (std::shared_ptr<Wakeup> alive = waiter.lock()) {
      alive->try_send(boost::system::error_code());
    }
  }
}

}  // namespace tributary::registry
