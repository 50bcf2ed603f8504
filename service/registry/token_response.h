#ifndef TRIBUTARY_SERVICE_REGISTRY_TOKEN_RESPONSE_H_
#define TRIBUTARY_SERVICE_REGISTRY_TOKEN_RESPONSE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tributary::registry {

// A bearer token from a registry's token server. Plain value type; `value` is
// a secret: never log it.
struct Token {
  std::string value;
  // When the token server says it stops working.
  absl::Time expires_at;
  // When to stop handing it out and fetch a new one: shortly before expiry,
  // so a request never leaves with a token that dies on the way.
  absl::Time refresh_at;
};

// The token lifetime assumed when the answer has no (positive) expires_in, as
// the Docker token specification says.
inline constexpr absl::Duration kDefaultTokenLifetime = absl::Seconds(60);

// Parses a token server's JSON answer (the Docker registry token spec, also
// OAuth2-style): the token in "token" or "access_token", "expires_in" in
// seconds, "issued_at" in RFC 3339. `fetched_at` is when the request left, by
// our clock. The lifetime runs from `fetched_at`; a valid issued_at earlier
// than that (but within one lifetime: a clock that far off is ignored) shortens
// it, never lengthens it. Errors (UNAVAILABLE) never quote the body: it holds
// the secret.
absl::StatusOr<Token> ParseTokenResponse(absl::string_view body,
                                         absl::Time fetched_at);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_TOKEN_RESPONSE_H_
