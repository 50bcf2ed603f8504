#ifndef TRIBUTARY_SERVICE_HTTP_TLS_CONTEXT_H_
#define TRIBUTARY_SERVICE_HTTP_TLS_CONTEXT_H_

// Internal to service/http: turning TlsOptions into an OpenSSL context.

#include "absl/status/status.h"
#include "boost/asio/ssl/context.hpp"
#include "service/http/types.h"

namespace tributary::http {

// Sets up a client context: the system CAs plus options.ca_file, the client
// certificate chain and key (checked to match), and peer verification unless
// options.insecure_skip_verify. Errors (INVALID_ARGUMENT, or the file's own
// NOT_FOUND / PERMISSION_DENIED) name the file and what is wrong with it, never
// its contents.
absl::Status ConfigureTlsContext(const TlsOptions& options,
                                 boost::asio::ssl::context& context);

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_TLS_CONTEXT_H_
