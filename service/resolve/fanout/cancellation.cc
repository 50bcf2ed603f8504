#include "service/resolve/fanout/cancellation.h"

#include "boost/asio/as_tuple.hpp"
#include "boost/asio/use_awaitable.hpp"

namespace tributary::resolve {

boost::asio::awaitable<void> Cancellation::Wait() {
  // Nothing is ever sent: the receive ends when Cancel closes the channel, or
  // when the waiting operation itself is cancelled (it lost a race).
  co_await signal_.async_receive(
      boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace tributary::resolve
