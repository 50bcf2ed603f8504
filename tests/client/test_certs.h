#ifndef TRIBUTARY_TESTS_CLIENT_TEST_CERTS_H_
#define TRIBUTARY_TESTS_CLIENT_TEST_CERTS_H_

#include <string>

#include "absl/status/statusor.h"

namespace tributary::testing {

// A self-signed certificate and its key, PEM-encoded. Plain value type.
struct TestCert {
  std::string cert_pem;
  std::string key_pem;
};

// Makes a fresh self-signed P-256 certificate for `dns_name` (as CN and
// subjectAltName), valid for a day, with OpenSSL's API (no openssl binary
// needed). It is its own CA, so it can be the roots a peer trusts.
absl::StatusOr<TestCert> MakeSelfSignedCert(const std::string& dns_name);

}  // namespace tributary::testing

#endif  // TRIBUTARY_TESTS_CLIENT_TEST_CERTS_H_
