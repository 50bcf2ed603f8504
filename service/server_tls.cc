#include "service/server_tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "service/util/files.h"

namespace tributary {
namespace {

// A PEM file's contents. Only its name goes into errors: a key is secret.
absl::StatusOr<std::string> ReadPem(absl::string_view field,
                                    const std::string& file) {
  absl::StatusOr<std::string> contents = util::ReadFileToString(file);
  if (!contents.ok()) {
    return absl::Status(contents.status().code(),
                        absl::StrCat("server.tls.", field, ": cannot read ",
                                     contents.status().message()));
  }
  if (!absl::StrContains(*contents, "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat("server.tls.", field, ": ", file, " holds no PEM block"));
  }
  return contents;
}

// gRPC only notices a key that does not belong to the certificate at the
// first handshake; this says so at start.
absl::Status CheckKeyMatches(const std::string& cert_pem,
                             const std::string& key_pem,
                             const v1::ServerTlsConfig& tls) {
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(
      BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())),
      &BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
      BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())),
      &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), &X509_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr),
      &EVP_PKEY_free);
  ERR_clear_error();
  if (cert == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "server.tls.cert_file: ", tls.cert_file(), " holds no certificate"));
  }
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "server.tls.key_file: ", tls.key_file(), " holds no private key"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("server.tls.key_file: ", tls.key_file(),
                     " does not match the certificate ", tls.cert_file()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> GrpcServerCredentials(
    const v1::ServerConfig& server) {
  if (!server.has_tls()) {
    return grpc::InsecureServerCredentials();
  }
  const v1::ServerTlsConfig& tls = server.tls();
  absl::StatusOr<std::string> cert = ReadPem("cert_file", tls.cert_file());
  if (!cert.ok()) {
    return cert.status();
  }
  absl::StatusOr<std::string> key = ReadPem("key_file", tls.key_file());
  if (!key.ok()) {
    return key.status();
  }
  if (absl::Status matches = CheckKeyMatches(*cert, *key, tls); !matches.ok()) {
    return matches;
  }
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({*std::move(key), *std::move(cert)});
  if (!tls.client_ca_file().empty()) {
    absl::StatusOr<std::string> roots =
        ReadPem("client_ca_file", tls.client_ca_file());
    if (!roots.ok()) {
      return roots.status();
    }
    options.pem_root_certs = *std::move(roots);
    options.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace tributary
