#include "service/registry/http_status.h"

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace tributary::registry {
namespace {

// The first "code" of an OCI error body ({"errors":[{"code":"..."}]}), if it is
// a short upper-case token: the body is untrusted and ends up in messages.
std::string OciErrorCode(const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("errors") ||
      !json["errors"].is_array() || json["errors"].empty()) {
    return "";
  }
  const auto& first = json["errors"][0];
  if (!first.is_object() || !first.contains("code") ||
      !first["code"].is_string()) {
    return "";
  }
  std::string code = first["code"].get<std::string>();
  if (code.size() > 40) {
    return "";
  }
  for (char c : code) {
    if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return "";
    }
  }
  return code;
}

}  // namespace

absl::Status StatusFromHttp(const http::Response& response) {
  std::string message = absl::StrCat("HTTP ", response.status);
  if (std::string code = OciErrorCode(response.body); !code.empty()) {
    absl::StrAppend(&message, " ", code);
  }
  const int status = response.status;
  if (status == 404) {
    return absl::NotFoundError(message);
  }
  if (status == 401 || status == 403) {
    return absl::PermissionDeniedError(message);
  }
  if (status == 429) {
    return absl::ResourceExhaustedError(message);
  }
  if (status == 408 || (status >= 500 && status <= 599)) {
    return absl::UnavailableError(message);
  }
  return absl::UnknownError(absl::StrCat("unexpected ", message));
}

}  // namespace tributary::registry
