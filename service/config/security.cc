#include "service/config/security.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tributary::config::internal {
namespace {

// A setting that may come from one of several fields: (field name, value).
using Sources = std::vector<std::pair<absl::string_view, absl::string_view>>;

bool IsEnvName(absl::string_view name) {
  return !name.empty() && !absl::ascii_isdigit(name[0]) &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_'; });
}

bool HasControlCharacter(absl::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return absl::ascii_iscntrl(c); });
}

// Exactly one of `sources` must be set; `what` names the setting.
void CheckOneOf(absl::string_view path, absl::string_view what,
                const Sources& sources, Errors& errors) {
  std::vector<absl::string_view> names;
  std::vector<absl::string_view> set;
  for (const auto& [name, value] : sources) {
    names.push_back(name);
    if (!value.empty()) {
      set.push_back(name);
    }
  }
  if (set.size() == 1) {
    return;
  }
  errors.Add(path, set.empty() ? absl::StrCat(what, " needs one of ",
                                              absl::StrJoin(names, ", "))
                               : absl::StrCat(what, " is set more than once (",
                                              absl::StrJoin(set, " and "),
                                              "); keep one"));
}

// Fields ending in _env name an environment variable; _file a path.
void CheckSourceNames(absl::string_view path, const Sources& sources,
                      Errors& errors) {
  for (const auto& [name, value] : sources) {
    if (value.empty()) {
      continue;
    }
    const std::string field = absl::StrCat(path, ".", name);
    if (absl::EndsWith(name, "_env") && !IsEnvName(value)) {
      errors.Add(field, absl::StrCat("must be an environment variable name "
                                     "([A-Za-z_][A-Za-z0-9_]*), got ",
                                     Quote(value)));
    } else if (absl::EndsWith(name, "_file") && HasControlCharacter(value)) {
      errors.Add(field, "must be a file path without control characters");
    }
  }
}

void CheckBasic(absl::string_view path, const v1::BasicAuthConfig& basic,
                Errors& errors) {
  const Sources username = {{"username", basic.username()},
                            {"username_file", basic.username_file()},
                            {"username_env", basic.username_env()}};
  const Sources password = {{"password_file", basic.password_file()},
                            {"password_env", basic.password_env()}};
  CheckOneOf(path, "the user name", username, errors);
  CheckOneOf(path, "the password", password, errors);
  CheckSourceNames(path, username, errors);
  CheckSourceNames(path, password, errors);
  // RFC 7617: the user-id of Basic credentials cannot hold a colon.
  if (absl::StrContains(basic.username(), ':') ||
      HasControlCharacter(basic.username())) {
    errors.Add(absl::StrCat(path, ".username"),
               "must not contain ':' or control characters");
  }
}

void CheckBearer(absl::string_view path, const v1::BearerAuthConfig& bearer,
                 Errors& errors) {
  const Sources token = {{"token_file", bearer.token_file()},
                         {"token_env", bearer.token_env()}};
  CheckOneOf(path, "the token", token, errors);
  CheckSourceNames(path, token, errors);
}

void CheckCertificatePair(absl::string_view path, absl::string_view cert_file,
                          absl::string_view key_file, Errors& errors) {
  if (cert_file.empty() != key_file.empty()) {
    errors.Add(path, "cert_file and key_file go together: set both or neither");
  }
  CheckSourceNames(path, {{"cert_file", cert_file}, {"key_file", key_file}},
                   errors);
}

void CheckUpstreamTls(absl::string_view path,
                      const v1::UpstreamConfig& upstream, Errors& errors) {
  if (!upstream.has_tls()) {
    return;
  }
  const v1::UpstreamTlsConfig& tls = upstream.tls();
  if (!absl::StartsWithIgnoreCase(upstream.url(), "https://")) {
    errors.Add(path, "TLS settings need an https:// url");
  }
  CheckCertificatePair(path, tls.cert_file(), tls.key_file(), errors);
  CheckSourceNames(path, {{"ca_file", tls.ca_file()}}, errors);
  if (tls.insecure_skip_verify() && !tls.ca_file().empty()) {
    errors.Add(path,
               "insecure_skip_verify ignores ca_file; set one or the other");
  }
}

}  // namespace

void CheckUpstreamSecurity(absl::string_view path,
                           const v1::UpstreamConfig& upstream, Errors& errors) {
  const std::string auth = absl::StrCat(path, ".auth");
  if (upstream.auth().has_basic()) {
    CheckBasic(absl::StrCat(auth, ".basic"), upstream.auth().basic(), errors);
  } else if (upstream.auth().has_bearer()) {
    CheckBearer(absl::StrCat(auth, ".bearer"), upstream.auth().bearer(),
                errors);
  }
  CheckUpstreamTls(absl::StrCat(path, ".tls"), upstream, errors);
}

void CheckServerTls(const v1::ServerConfig& server, Errors& errors) {
  if (!server.has_tls()) {
    return;
  }
  const v1::ServerTlsConfig& tls = server.tls();
  if (tls.cert_file().empty() || tls.key_file().empty()) {
    errors.Add("server.tls",
               "needs cert_file and key_file (the server's certificate chain "
               "and private key)");
  }
  CheckSourceNames("server.tls",
                   {{"cert_file", tls.cert_file()},
                    {"key_file", tls.key_file()},
                    {"client_ca_file", tls.client_ca_file()}},
                   errors);
}

}  // namespace tributary::config::internal
