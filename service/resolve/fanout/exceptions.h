#ifndef TRIBUTARY_SERVICE_RESOLVE_FANOUT_EXCEPTIONS_H_
#define TRIBUTARY_SERVICE_RESOLVE_FANOUT_EXCEPTIONS_H_

#include <exception>

#include "absl/status/status.h"

namespace tributary::resolve {

// What an exception that escaped a spawned coroutine ends its call with:
// INTERNAL carrying its what(). Nothing on the request path is meant to
// throw; this keeps the promise that every call ends once whatever happens.
absl::Status StatusOfException(std::exception_ptr error);

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_FANOUT_EXCEPTIONS_H_
