#ifndef TRIBUTARY_CLIENT_FRONTEND_ACCEPT_H_
#define TRIBUTARY_CLIENT_FRONTEND_ACCEPT_H_

#include <string>
#include <string_view>
#include <vector>

namespace tributary::frontend {

// The manifest media types an Accept header lists, in order, each once, for
// GetManifestRequest.accepted_media_types. Parameters (";q=0.9") are dropped;
// wildcards ("*/*", "application/*") and entries that are not valid media
// types are skipped rather than refused, since clients send them freely. An
// empty result means "every type Tributary knows". `headers` holds every
// Accept field of the request (clients may send several).
std::vector<std::string> AcceptedMediaTypes(
    const std::vector<std::string_view>& headers);

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_ACCEPT_H_
