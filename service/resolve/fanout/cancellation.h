#ifndef TRIBUTARY_SERVICE_RESOLVE_FANOUT_CANCELLATION_H_
#define TRIBUTARY_SERVICE_RESOLVE_FANOUT_CANCELLATION_H_

#include <atomic>

#include "boost/asio/any_io_executor.hpp"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/experimental/concurrent_channel.hpp"

namespace tributary::resolve {

// A caller's cancel as coroutines see it: a flag, and a wait that completes
// once the flag is set (at once if it already is) for every waiter, so a
// request or a backoff raced against it ends promptly. Cancel is thread-safe;
// Wait runs on the coroutine's executor.
class Cancellation {
 public:
  explicit Cancellation(const boost::asio::any_io_executor& executor)
      : signal_(executor, 0) {}

  // Idempotent.
  void Cancel() {
    cancelled_ = true;
    signal_.close();  // completes every pending and later receive
  }
  bool cancelled() const { return cancelled_; }

  boost::asio::awaitable<void> Wait();

 private:
  std::atomic<bool> cancelled_ = false;
  boost::asio::experimental::concurrent_channel<void(boost::system::error_code)>
      signal_;
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_FANOUT_CANCELLATION_H_
