#include "tests/e2e/token_issuer.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstdio>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"

namespace tributary::testing {
namespace {

std::string PercentDecode(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    int value = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        absl::SimpleHexAtoi(text.substr(i + 1, 2), &value)) {
      out.push_back(static_cast<char>(value));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::vector<std::string> QueryValues(const std::string& target,
                                     absl::string_view name) {
  std::vector<std::string> values;
  const size_t question = target.find('?');
  if (question == std::string::npos) {
    return values;
  }
  for (absl::string_view pair :
       absl::StrSplit(absl::string_view(target).substr(question + 1), '&')) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    if (PercentDecode(kv.first) == name) {
      values.push_back(PercentDecode(kv.second));
    }
  }
  return values;
}

FakeResponse Json(int status, const nlohmann::json& body) {
  FakeResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json"}};
  response.body = body.dump();
  return response;
}

}  // namespace

// The signing key and its certificate (DER, for the x5c header).
class TokenIssuer::Signer {
 public:
  static absl::StatusOr<std::unique_ptr<Signer>> Load(const CertFiles& files) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> key_file(
        std::fopen(files.key_file.c_str(), "r"), &std::fclose);
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> cert_file(
        std::fopen(files.cert_file.c_str(), "r"), &std::fclose);
    if (key_file == nullptr || cert_file == nullptr) {
      return absl::NotFoundError("cannot open the signer's files");
    }
    auto signer = std::unique_ptr<Signer>(new Signer());
    signer->key_ =
        PEM_read_PrivateKey(key_file.get(), nullptr, nullptr, nullptr);
    X509* cert = PEM_read_X509(cert_file.get(), nullptr, nullptr, nullptr);
    if (signer->key_ == nullptr || cert == nullptr) {
      X509_free(cert);
      return absl::InvalidArgumentError("cannot read the signer's PEM files");
    }
    unsigned char* der = nullptr;
    const int length = i2d_X509(cert, &der);
    X509_free(cert);
    if (length <= 0) {
      return absl::InternalError("cannot DER-encode the certificate");
    }
    signer->cert_der_.assign(reinterpret_cast<char*>(der), length);
    OPENSSL_free(der);
    return signer;
  }

  ~Signer() { EVP_PKEY_free(key_); }

  const std::string& cert_der() const { return cert_der_; }

  // ES256 as JWS wants it: r and s, 32 bytes each, not DER.
  absl::StatusOr<std::string> Sign(absl::string_view input) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(
        EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    size_t size = 0;
    if (EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr,
                           key_) != 1 ||
        EVP_DigestSign(context.get(), nullptr, &size,
                       reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) != 1) {
      return absl::InternalError("cannot sign");
    }
    std::vector<unsigned char> der(size);
    if (EVP_DigestSign(context.get(), der.data(), &size,
                       reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) != 1) {
      return absl::InternalError("cannot sign");
    }
    const unsigned char* cursor = der.data();
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> signature(
        d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(size)),
        &ECDSA_SIG_free);
    if (signature == nullptr) {
      return absl::InternalError("cannot decode the ECDSA signature");
    }
    unsigned char raw[64];
    BN_bn2binpad(ECDSA_SIG_get0_r(signature.get()), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(signature.get()), raw + 32, 32);
    return std::string(reinterpret_cast<char*>(raw), sizeof raw);
  }

 private:
  Signer() = default;
  EVP_PKEY* key_ = nullptr;
  std::string cert_der_;
};

namespace {
std::atomic<int> issued{0};
}  // namespace

absl::StatusOr<std::unique_ptr<TokenIssuer>> TokenIssuer::Create(
    const CertFiles& signer, TokenIssuerOptions options) {
  absl::StatusOr<std::unique_ptr<Signer>> loaded = Signer::Load(signer);
  if (!loaded.ok()) {
    return loaded.status();
  }
  return std::unique_ptr<TokenIssuer>(
      new TokenIssuer(*std::move(loaded), std::move(options)));
}

TokenIssuer::TokenIssuer(std::unique_ptr<Signer> signer,
                         TokenIssuerOptions options)
    : signer_(std::move(signer)), options_(std::move(options)) {
  server_.Handle("GET", "/token", [this](const RecordedRequest& request) {
    return Answer(request);
  });
}

TokenIssuer::~TokenIssuer() = default;

int TokenIssuer::token_requests() const {
  int count = 0;
  for (const RecordedRequest& request : server_.requests()) {
    count += absl::StartsWith(request.target, "/token") ? 1 : 0;
  }
  return count;
}

FakeResponse TokenIssuer::Answer(const RecordedRequest& request) {
  if (QueryValues(request.target, "service") !=
      std::vector<std::string>{options_.service}) {
    return Json(400, {{"details", "unknown service"}});
  }
  if (!options_.username.empty() &&
      request.Header("Authorization") !=
          "Basic " +
              absl::Base64Escape(options_.username + ":" + options_.password)) {
    return Json(401, {{"details", "incorrect username or password"}});
  }
  nlohmann::json access = nlohmann::json::array();
  for (const std::string& scope : QueryValues(request.target, "scope")) {
    std::vector<std::string> parts = absl::StrSplit(scope, ':');
    if (parts.size() != 3 || parts[0] != "repository") {
      return Json(400, {{"details", "bad scope"}});
    }
    access.push_back({{"type", "repository"},
                      {"name", parts[1]},
                      {"actions", absl::StrSplit(parts[2], ',')}});
  }
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  const nlohmann::json header = {
      {"typ", "JWT"},
      {"alg", "ES256"},
      {"x5c", {absl::Base64Escape(signer_->cert_der())}}};
  const nlohmann::json claims = {
      {"iss", options_.issuer},
      {"sub", options_.username},
      {"aud", options_.service},
      {"exp", now + absl::ToInt64Seconds(options_.lifetime)},
      {"nbf", now - 1},
      {"iat", now},
      {"jti", absl::StrCat("jti-", ++issued)},
      {"access", access}};
  const std::string input =
      absl::StrCat(absl::WebSafeBase64Escape(header.dump()), ".",
                   absl::WebSafeBase64Escape(claims.dump()));
  absl::StatusOr<std::string> signature = signer_->Sign(input);
  if (!signature.ok()) {
    return Json(500, {{"details", std::string(signature.status().message())}});
  }
  const std::string token =
      absl::StrCat(input, ".", absl::WebSafeBase64Escape(*signature));
  return Json(200, {{"token", token},
                    {"expires_in", absl::ToInt64Seconds(options_.lifetime)}});
}

}  // namespace tributary::testing
