#include "service/registry/http_status.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"
#include "service/http/error.h"
#include "service/registry/retry_after.h"

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

constexpr char kHttpAnswerUrl[] = "type.tributary.dev/tributary.HttpAnswer";

// "<status>" or "<status>;<retry-after in ms>".
void AttachHttpAnswer(const HttpAnswer& answer, absl::Status& status) {
  std::string encoded = absl::StrCat(answer.http_status);
  if (answer.retry_after.has_value()) {
    absl::StrAppend(&encoded, ";",
                    absl::ToInt64Milliseconds(*answer.retry_after));
  }
  status.SetPayload(kHttpAnswerUrl, absl::Cord(encoded));
}

absl::Status Classify(const http::Response& response) {
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

}  // namespace

absl::Status StatusFromHttp(const http::Response& response, absl::Time now) {
  absl::Status status = Classify(response);
  AttachHttpAnswer(
      {.http_status = response.status,
       .retry_after = ParseRetryAfter(response.Header("Retry-After"), now)},
      status);
  return status;
}

std::optional<HttpAnswer> GetHttpAnswer(const absl::Status& status) {
  const auto payload = status.GetPayload(kHttpAnswerUrl);
  if (!payload.has_value()) {
    return std::nullopt;
  }
  const std::string encoded(*payload);
  const std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(encoded, absl::MaxSplits(';', 1));
  HttpAnswer answer;
  if (!absl::SimpleAtoi(parts.first, &answer.http_status)) {
    return std::nullopt;
  }
  int64_t millis = 0;
  if (!parts.second.empty() && absl::SimpleAtoi(parts.second, &millis)) {
    answer.retry_after = absl::Milliseconds(millis);
  }
  return answer;
}

bool IsPermanentFailure(const absl::Status& status) {
  return http::IsPermanent(status);
}

absl::Status PermanentFailure(absl::Status status) {
  return http::MarkPermanent(std::move(status));
}

}  // namespace tributary::registry
