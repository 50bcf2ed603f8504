#include "service/http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"

namespace tributary::http {
namespace {

namespace asio = boost::asio;

// The OpenSSL reason of the last failure, e.g. "no certificate or crl found".
std::string OpenSslReason() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  const char* reason = code == 0 ? nullptr : ERR_reason_error_string(code);
  return reason == nullptr ? "not valid PEM" : reason;
}

// Unreadable files fail with the errno's code, so "no such file" is NOT_FOUND
// rather than a PEM complaint.
absl::Status CheckReadable(absl::string_view what, const std::string& path) {
  if (access(path.c_str(), R_OK) != 0) {
    return absl::ErrnoToStatus(errno,
                               absl::StrCat(what, " ", path, ": cannot read"));
  }
  return absl::OkStatus();
}

absl::Status LoadFailure(absl::string_view what, const std::string& path) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, " ", path, ": ", OpenSslReason()));
}

absl::Status LoadClientCertificate(const TlsOptions& options,
                                   asio::ssl::context& context) {
  for (const auto& [what, path] :
       {std::pair{"client certificate", &options.cert_file},
        std::pair{"client key", &options.key_file}}) {
    if (absl::Status readable = CheckReadable(what, *path); !readable.ok()) {
      return readable;
    }
  }
  SSL_CTX* ctx = context.native_handle();
  if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1) {
    return LoadFailure("client certificate", options.cert_file);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, options.key_file.c_str(),
                                  SSL_FILETYPE_PEM) != 1 &&
      ERR_GET_REASON(ERR_peek_last_error()) != X509_R_KEY_VALUES_MISMATCH) {
    return LoadFailure("client key", options.key_file);
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("client key ", options.key_file,
                     " does not match the certificate ", options.cert_file));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ConfigureTlsContext(const TlsOptions& options,
                                 asio::ssl::context& context) {
  boost::system::error_code ignored;
  // A system without CA certificates still works with a configured CA file.
  context.set_default_verify_paths(ignored);
  if (!options.ca_file.empty()) {
    if (absl::Status readable = CheckReadable("CA file", options.ca_file);
        !readable.ok()) {
      return readable;
    }
    // Added to the system CAs, as Docker and containerd do, so that redirect
    // targets on public CDNs still verify.
    if (SSL_CTX_load_verify_locations(context.native_handle(),
                                      options.ca_file.c_str(), nullptr) != 1) {
      return LoadFailure("CA file", options.ca_file);
    }
  }
  if (!options.cert_file.empty() || !options.key_file.empty()) {
    if (absl::Status loaded = LoadClientCertificate(options, context);
        !loaded.ok()) {
      return loaded;
    }
  }
  context.set_verify_mode(options.insecure_skip_verify
                              ? asio::ssl::verify_none
                              : asio::ssl::verify_peer);
  return absl::OkStatus();
}

}  // namespace tributary::http
