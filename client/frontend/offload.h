#ifndef TRIBUTARY_CLIENT_FRONTEND_OFFLOAD_H_
#define TRIBUTARY_CLIENT_FRONTEND_OFFLOAD_H_

#include <type_traits>
#include <utility>

#include "boost/asio/awaitable.hpp"
#include "boost/asio/co_spawn.hpp"
#include "boost/asio/thread_pool.hpp"
#include "boost/asio/use_awaitable.hpp"

namespace tributary::frontend {

// Runs `call` (a blocking gRPC call) on `pool` and resumes the awaiting
// coroutine on its own executor with the result, so that the HTTP threads
// never block on Tributary. `call` must not throw (gRPC calls do not).
//
// `call` is a named local of the caller, taken by reference: GCC 12 destroys
// a by-value coroutine argument built from a temporary twice (a lambda
// capturing a request by value crashed here), and the caller's local
// outlives the co_await anyway.
template <class Call>
boost::asio::awaitable<std::invoke_result_t<Call&>> Offload(
    boost::asio::thread_pool& pool, Call& call) {
  using Result = std::invoke_result_t<Call&>;
  co_return co_await boost::asio::co_spawn(
      pool.get_executor(),
      [&call]() -> boost::asio::awaitable<Result> { co_return call(); },
      boost::asio::use_awaitable);
}

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_OFFLOAD_H_
