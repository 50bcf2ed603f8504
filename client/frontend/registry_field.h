#ifndef TRIBUTARY_CLIENT_FRONTEND_REGISTRY_FIELD_H_
#define TRIBUTARY_CLIENT_FRONTEND_REGISTRY_FIELD_H_

#include <string>

namespace tributary::frontend {

// Puts the request's source registry (Route::registry) on a Tributary
// request; empty leaves it unset, so the service's default_registry answers.
template <class Request>
void SetSourceRegistry(const std::string& registry, Request& request) {
  if (!registry.empty()) {
    request.set_registry(registry);
  }
}

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_REGISTRY_FIELD_H_
