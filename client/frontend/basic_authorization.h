#ifndef TRIBUTARY_CLIENT_FRONTEND_BASIC_AUTHORIZATION_H_
#define TRIBUTARY_CLIENT_FRONTEND_BASIC_AUTHORIZATION_H_

#include <optional>
#include <string>
#include <string_view>

namespace tributary::frontend {

// What a client's `Authorization: Basic ...` value says (RFC 7617). Plain
// value type; `password` is a secret: never log it.
struct BasicCredentials {
  std::string user;
  std::string password;
};

// Parses an Authorization value (untrusted client input): "Basic" in any
// case, a space, then base64 of "user:password", split at the first ':' (a
// password may hold more). Surrounding whitespace is ignored. nullopt for
// another scheme, bad base64 or no ':'. Pure.
std::optional<BasicCredentials> ParseBasicAuthorization(std::string_view value);

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_BASIC_AUTHORIZATION_H_
