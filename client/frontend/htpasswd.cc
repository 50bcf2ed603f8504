#include "client/frontend/htpasswd.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>
#include <memory>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/frontend/basic_authorization.h"
#include "service/oci/absl_compat.h"
#include "service/util/files.h"

namespace tributary::frontend {
namespace {

// bcrypt's cost of the setting checked against when the user is unknown, so
// that an unknown user costs as long as a wrong password (htpasswd -B's own
// default).
constexpr unsigned long kDummyCost = 5;

bool IsBcrypt(absl::string_view hash) {
  return absl::StartsWith(hash, "$2y$") || absl::StartsWith(hash, "$2b$") ||
         absl::StartsWith(hash, "$2a$");
}

std::string Sha256(absl::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

// crypt_rn(password, hash) == hash, compared in constant time.
bool CryptMatches(const std::string& password, const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* result =
      crypt_rn(password.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  if (result == nullptr) {
    return false;
  }
  const std::size_t length = std::strlen(result);
  return length == hash.size() &&
         CRYPTO_memcmp(result, hash.data(), length) == 0;
}

// A fresh bcrypt setting (random salt), or "" when libxcrypt cannot make one.
std::string DummySetting() {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", kDummyCost, nullptr, 0, setting,
                       sizeof(setting)) == nullptr) {
    return "";
  }
  return setting;
}

}  // namespace

absl::StatusOr<absl::flat_hash_map<std::string, std::string>> ParseHtpasswd(
    std::string_view contents, std::string_view source) {
  absl::flat_hash_map<std::string, std::string> hashes;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(oci::AsAbsl(contents), '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const std::size_t colon = line.find(':');
    const std::string where = absl::StrCat(
        "htpasswd_file ", oci::AsAbsl(source), " line ", number, ": ");
    if (colon == absl::string_view::npos || colon == 0) {
      return absl::InvalidArgumentError(absl::StrCat(where, "not USER:HASH"));
    }
    const absl::string_view hash = line.substr(colon + 1);
    if (!IsBcrypt(hash)) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, "not a bcrypt hash ($2y$, $2b$); write it with htpasswd -B"));
    }
    hashes.emplace(std::string(line.substr(0, colon)), std::string(hash));
  }
  if (hashes.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("htpasswd_file ", oci::AsAbsl(source), ": no users"));
  }
  return hashes;
}

absl::StatusOr<std::unique_ptr<Htpasswd>> Htpasswd::Load(
    const std::string& path) {
  absl::StatusOr<std::string> contents = util::ReadFileToString(path);
  if (!contents.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "htpasswd_file ", path, ": ", contents.status().message()));
  }
  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> hashes =
      ParseHtpasswd(*contents, path);
  if (!hashes.ok()) {
    return hashes.status();
  }
  std::string dummy = DummySetting();
  if (dummy.empty()) {
    return absl::InternalError("libxcrypt cannot make a bcrypt setting");
  }
  return std::unique_ptr<Htpasswd>(
      new Htpasswd(*std::move(hashes), std::move(dummy)));
}

bool Htpasswd::Verify(std::string_view user, std::string_view password) const {
  const auto found = hashes_.find(std::string(user));
  if (found == hashes_.end()) {
    CryptMatches(std::string(password), dummy_setting_);
    return false;
  }
  return CryptMatches(std::string(password), found->second);
}

bool Htpasswd::Check(std::string_view authorization, std::string& user) const {
  const std::optional<BasicCredentials> credentials =
      ParseBasicAuthorization(authorization);
  if (!credentials.has_value()) {
    return false;
  }
  const std::string key =
      Sha256(absl::StrCat(credentials->user, ":", credentials->password));
  {
    absl::MutexLock lock(&mutex_);
    if (remembered_.contains(key)) {
      user = credentials->user;
      return true;
    }
  }
  if (!Verify(credentials->user, credentials->password)) {
    return false;
  }
  user = credentials->user;
  absl::MutexLock lock(&mutex_);
  if (remembered_.size() >= kMaxRemembered) {
    remembered_.clear();
  }
  remembered_.insert(key);
  return true;
}

}  // namespace tributary::frontend
