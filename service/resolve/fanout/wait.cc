#include "service/resolve/fanout/wait.h"

#include <random>

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/this_coro.hpp"
#include "boost/asio/use_awaitable.hpp"

namespace tributary::resolve {

namespace asio = boost::asio;

asio::awaitable<void> Pause(absl::Duration wait) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  timer.expires_after(absl::ToChronoNanoseconds(wait));
  // A cancelled wait ends early; the caller's next step checks its deadline.
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

double RandomJitter() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace tributary::resolve
