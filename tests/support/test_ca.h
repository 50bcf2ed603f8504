#ifndef TRIBUTARY_TESTS_SUPPORT_TEST_CA_H_
#define TRIBUTARY_TESTS_SUPPORT_TEST_CA_H_

// A certificate authority for tests, made with the openssl command at test
// time: certificates for a TLS registry, a TLS gRPC server and mTLS clients.

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace tributary::testing {

// PEM files of one certificate and its key. Plain value type.
struct CertFiles {
  std::string cert_file;
  std::string key_file;
};

// A fresh CA (P-256, valid for two days) with its files under a new directory
// of `work_dir`. Thread-compatible.
class TestCa {
 public:
  static absl::StatusOr<TestCa> Create(const std::string& work_dir,
                                       const std::string& name);

  // The CA certificate: what a peer trusts.
  const std::string& ca_file() const { return ca_.cert_file; }

  // Issues a certificate for `names` (DNS names and IP addresses, all put in
  // subjectAltName; the first is also the CN), good for both server and client
  // authentication. `file_stem` names the files ("registry" ->
  // registry.pem, registry.key).
  absl::StatusOr<CertFiles> Issue(const std::string& file_stem,
                                  const std::vector<std::string>& names) const;

 private:
  TestCa(std::string dir, CertFiles ca) : dir_(std::move(dir)), ca_(ca) {}

  std::string dir_;
  CertFiles ca_;
};

}  // namespace tributary::testing

#endif  // TRIBUTARY_TESTS_SUPPORT_TEST_CA_H_
