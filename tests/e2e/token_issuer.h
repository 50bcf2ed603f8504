#ifndef TRIBUTARY_TESTS_E2E_TOKEN_ISSUER_H_
#define TRIBUTARY_TESTS_E2E_TOKEN_ISSUER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/support/fake_upstream.h"
#include "tests/support/test_ca.h"

namespace tributary::testing {

struct TokenIssuerOptions {
  // The registry's service name (the token's audience).
  std::string service = "registry.test";
  std::string issuer = "tributary-test-issuer";
  // Basic credentials the issuer demands; empty: anonymous tokens.
  std::string username;
  std::string password;
  absl::Duration lifetime = absl::Minutes(5);
};

// A token server for docker-registry's token auth mode, on loopback: GET
// /token?service=...&scope=repository:NAME:pull answers a JWT (ES256, the
// signing certificate in its x5c header) granting what the scopes ask, as
// distribution's token specification describes. Point the registry's
// auth.token.rootcertbundle at the CA that issued `signer`. Thread-safe.
class TokenIssuer {
 public:
  // `signer` is a P-256 certificate and key (TestCa::Issue).
  static absl::StatusOr<std::unique_ptr<TokenIssuer>> Create(
      const CertFiles& signer, TokenIssuerOptions options);
  ~TokenIssuer();

  std::string realm() const { return server_.url() + "/token"; }
  const TokenIssuerOptions& options() const { return options_; }
  // Token requests it received.
  int token_requests() const;
  FakeUpstream& server() { return server_; }

 private:
  class Signer;
  TokenIssuer(std::unique_ptr<Signer> signer, TokenIssuerOptions options);
  FakeResponse Answer(const RecordedRequest& request);

  const std::unique_ptr<Signer> signer_;
  const TokenIssuerOptions options_;
  FakeUpstream server_;
};

}  // namespace tributary::testing

#endif  // TRIBUTARY_TESTS_E2E_TOKEN_ISSUER_H_
