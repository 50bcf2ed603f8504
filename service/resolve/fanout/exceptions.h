#ifndef TRIBUTARY_SERVICE_RESOLVE_FANOUT_EXCEPTIONS_H_
#define TRIBUTARY_SERVICE_RESOLVE_FANOUT_EXCEPTIONS_H_

#include <exception>

#include "absl/status/status.h"
#include "boost/asio/awaitable.hpp"

namespace tributary::resolve {

// What an exception that escaped a spawned coroutine ends its call with:
// INTERNAL carrying its what(). Nothing on the request path is meant to
// throw; this keeps the promise that every call ends once whatever happens.
absl::Status StatusOfException(std::exception_ptr error);

// `work`'s status, or StatusOfException of what it threw: a producer's end
// runs either way.
boost::asio::awaitable<absl::Status> CatchingExceptions(
    boost::asio::awaitable<absl::Status> work);

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_FANOUT_EXCEPTIONS_H_
