#include "service/registry/token_response.h"

#include <algorithm>

#include "nlohmann/json.hpp"

namespace tributary::registry {
namespace {

// Tokens go into an Authorization header: visible ASCII only, so an upstream
// cannot smuggle a header line in.
bool IsHeaderSafe(absl::string_view token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
    return c > 0x20 && c < 0x7f;
  });
}

std::string StringField(const nlohmann::json& json, const char* name) {
  const auto it = json.find(name);
  if (it == json.end() || !it->is_string()) {
    return "";
  }
  return it->get<std::string>();
}

absl::Duration Lifetime(const nlohmann::json& json) {
  const auto it = json.find("expires_in");
  if (it == json.end() || !it->is_number()) {
    return kDefaultTokenLifetime;
  }
  const double seconds = it->get<double>();
  // Beyond a day is a typo or a hostile server; a day is plenty.
  if (!(seconds >= 1)) {
    return kDefaultTokenLifetime;
  }
  return absl::Seconds(std::min(seconds, 86400.0));
}

// Refreshes a quarter of the lifetime early, at most 30 s early.
absl::Duration RefreshMargin(absl::Duration lifetime) {
  return std::min(lifetime / 4, absl::Seconds(30));
}

}  // namespace

absl::StatusOr<Token> ParseTokenResponse(absl::string_view body,
                                         absl::Time fetched_at) {
  const auto json = nlohmann::json::parse(body.begin(), body.end(), nullptr,
                                          /*allow_exceptions=*/false);
  if (!json.is_object()) {
    return absl::UnavailableError("token server answer is not a JSON object");
  }
  std::string value = StringField(json, "token");
  if (value.empty()) {
    value = StringField(json, "access_token");
  }
  if (value.empty()) {
    return absl::UnavailableError("token server answer has no token");
  }
  if (!IsHeaderSafe(value)) {
    return absl::UnavailableError(
        "token server answer has a token with spaces or control characters");
  }
  const absl::Duration lifetime = Lifetime(json);
  absl::Time start = fetched_at;
  absl::Time issued_at;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, StringField(json, "issued_at"),
                      &issued_at, &error) &&
      issued_at < fetched_at && issued_at > fetched_at - lifetime) {
    start = issued_at;
  }
  Token token;
  token.value = std::move(value);
  token.expires_at = start + lifetime;
  token.refresh_at = token.expires_at - RefreshMargin(lifetime);
  return token;
}

}  // namespace tributary::registry
