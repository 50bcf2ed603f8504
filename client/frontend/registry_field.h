#ifndef TRIBUTARY_CLIENT_FRONTEND_REGISTRY_FIELD_H_
#define TRIBUTARY_CLIENT_FRONTEND_REGISTRY_FIELD_H_

#include <string>

namespace tributary::frontend {

// Puts the request's source registry (Route::registry; empty: the service's
// default_registry) on a Tributary request. The one place it is assigned:
// the requests' optional `registry` field is being added in parallel (issue
// 15), and until it exists nothing is sent and the default registry answers.
// When it lands, the body becomes:
//   if (!registry.empty()) request.set_registry(registry);
template <class Request>
void SetSourceRegistry(const std::string& registry, Request& request) {
  static_cast<void>(registry);
  static_cast<void>(request);
}

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_REGISTRY_FIELD_H_
