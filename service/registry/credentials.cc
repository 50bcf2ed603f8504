#include "service/registry/credentials.h"

#include <algorithm>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "service/util/files.h"

namespace tributary::registry {
namespace {

// Far beyond any real credential; a bigger file is the wrong file.
constexpr size_t kMaxSecretBytes = 64 << 10;

absl::StatusOr<std::string> ReadSecretFile(const std::string& field,
                                           const std::string& file) {
  absl::StatusOr<std::string> contents =
      util::ReadFileToString(file, kMaxSecretBytes);
  if (absl::IsOutOfRange(contents.status())) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", file, " is larger than ", kMaxSecretBytes,
                     " bytes; is it the right file?"));
  }
  if (!contents.ok()) {
    return absl::Status(
        contents.status().code(),
        absl::StrCat(field, ": cannot read ", contents.status().message()));
  }
  while (!contents->empty() &&
         (contents->back() == '\n' || contents->back() == '\r')) {
    contents->pop_back();
  }
  return contents;
}

absl::StatusOr<std::string> ReadSecretEnv(const std::string& field,
                                          const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": environment variable ", name, " is not set"));
  }
  return std::string(value);
}

// Reads whichever of the sources is set (validation made it exactly one; an
// inline value is only allowed for a user name).
absl::StatusOr<std::string> ReadSecret(absl::string_view path,
                                       absl::string_view name,
                                       absl::string_view inline_value,
                                       const std::string& file,
                                       const std::string& env) {
  const std::string base = absl::StrCat(path, ".", name);
  std::string field;
  absl::StatusOr<std::string> value = std::string(inline_value);
  if (!file.empty()) {
    field = absl::StrCat(base, "_file");
    value = ReadSecretFile(field, file);
  } else if (!env.empty()) {
    field = absl::StrCat(base, "_env");
    value = ReadSecretEnv(field, env);
  } else {
    field = base;
  }
  if (!value.ok()) {
    return value.status();
  }
  const std::string where =
      file.empty() ? (env.empty() ? "" : " (" + env + ")") : " (" + file + ")";
  if (value->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": empty", where));
  }
  if (std::any_of(value->begin(), value->end(),
                  [](char c) { return absl::ascii_iscntrl(c); })) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": holds control characters", where));
  }
  return value;
}

}  // namespace

absl::StatusOr<Credentials> LoadCredentials(const v1::UpstreamConfig& upstream,
                                            absl::string_view path) {
  Credentials credentials;
  const v1::UpstreamAuthConfig& auth = upstream.auth();
  if (auth.has_basic()) {
    const v1::BasicAuthConfig& basic = auth.basic();
    const std::string base = absl::StrCat(path, ".auth.basic");
    absl::StatusOr<std::string> username =
        ReadSecret(base, "username", basic.username(), basic.username_file(),
                   basic.username_env());
    if (!username.ok()) {
      return username.status();
    }
    if (username->find(':') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(base, ".username: must not contain ':'"));
    }
    absl::StatusOr<std::string> password = ReadSecret(
        base, "password", "", basic.password_file(), basic.password_env());
    if (!password.ok()) {
      return password.status();
    }
    credentials.username = *std::move(username);
    credentials.password = *std::move(password);
  } else if (auth.has_bearer()) {
    absl::StatusOr<std::string> token =
        ReadSecret(absl::StrCat(path, ".auth.bearer"), "token", "",
                   auth.bearer().token_file(), auth.bearer().token_env());
    if (!token.ok()) {
      return token.status();
    }
    if (token->find(' ') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ".auth.bearer: the token must not contain spaces"));
    }
    credentials.token = *std::move(token);
  }
  return credentials;
}

}  // namespace tributary::registry
