#include "tests/integration/fake_docker_hub.h"

#include <optional>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"
#include "service/oci/digest.h"

namespace tributary::testing {
namespace {

constexpr char kManifestType[] = "application/vnd.oci.image.manifest.v1+json";

std::string PercentDecode(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int value = 0;
      if (absl::SimpleHexAtoi(text.substr(i + 1, 2), &value)) {
        out.push_back(static_cast<char>(value));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i] == '+' ? ' ' : text[i]);
  }
  return out;
}

// The values of query parameter `name` in `target`.
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

FakeResponse Json(int status, std::string body) {
  FakeResponse response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json"}};
  response.body = std::move(body);
  return response;
}

bool IsPullScope(const std::string& scope) {
  return absl::StartsWith(scope, "repository:") &&
         absl::EndsWith(scope, ":pull") && scope.size() > 16;
}

}  // namespace

FakeDockerHub::FakeDockerHub(FakeDockerHubOptions options)
    : options_(std::move(options)) {
  token_server_.Handle("GET", "/token", [this](const RecordedRequest& request) {
    return IssueToken(request);
  });
}

FakeResponse FakeDockerHub::IssueToken(const RecordedRequest& request) {
  const std::vector<std::string> service =
      QueryValues(request.target, "service");
  const std::vector<std::string> scopes = QueryValues(request.target, "scope");
  if (service.size() != 1 || service[0] != kService || scopes.empty()) {
    return Json(400, R"({"details":"service and scope are required"})");
  }
  for (const std::string& scope : scopes) {
    if (!IsPullScope(scope)) {
      return Json(400, R"({"details":"bad scope"})");
    }
  }
  if (!options_.username.empty() &&
      request.Header("Authorization") !=
          "Basic " +
              absl::Base64Escape(options_.username + ":" + options_.password)) {
    return Json(401, R"({"details":"incorrect username or password"})");
  }
  absl::MutexLock lock(&mu_);
  const std::string token = absl::StrCat("fake-token-", ++issued_);
  const absl::Duration lifetime = options_.token_lifetime > absl::ZeroDuration()
                                      ? options_.token_lifetime
                                      : absl::Seconds(60);
  grants_[token] =
      Grant{{scopes.begin(), scopes.end()}, absl::Now() + lifetime};
  nlohmann::json body = {
      {"token", token},
      {"access_token", token},
      {"issued_at",
       absl::FormatTime(absl::RFC3339_full, absl::Now(), absl::UTCTimeZone())}};
  if (options_.token_lifetime > absl::ZeroDuration()) {
    body["expires_in"] = absl::ToInt64Seconds(options_.token_lifetime);
  }
  FakeResponse answer = Json(200, body.dump());
  answer.hold = options_.hold_tokens;
  return answer;
}

std::optional<FakeResponse> FakeDockerHub::Unauthorized(
    const RecordedRequest& request, const std::string& scope) {
  std::string error;
  const std::string authorization = request.Header("Authorization");
  absl::string_view sent = authorization;
  if (absl::ConsumePrefix(&sent, "Bearer ")) {
    absl::MutexLock lock(&mu_);
    const auto grant = grants_.find(std::string(sent));
    if (grant == grants_.end() || absl::Now() >= grant->second.expires_at) {
      error = ",error=\"invalid_token\"";
    } else if (!grant->second.scopes.contains(scope)) {
      error = ",error=\"insufficient_scope\"";
    } else {
      return std::nullopt;
    }
  }
  FakeResponse response = Json(
      401,
      R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})");
  response.headers.emplace_back(
      "WWW-Authenticate",
      absl::StrCat("Bearer realm=\"", realm(), "\",service=\"", kService,
                   "\",scope=\"", scope, "\"", error));
  return response;
}

std::string FakeDockerHub::AddManifest(const std::string& repository,
                                       const std::string& tag,
                                       const std::string& manifest) {
  const std::string digest =
      oci::ComputeDigest(oci::DigestAlgorithm::kSha256, manifest).str();
  const std::string scope = absl::StrCat("repository:", repository, ":pull");
  auto handler = [this, scope, manifest, digest](const RecordedRequest& r) {
    if (std::optional<FakeResponse> denied = Unauthorized(r, scope)) {
      return *denied;
    }
    FakeResponse ok;
    ok.headers = {{"Content-Type", kManifestType},
                  {"Docker-Content-Digest", digest}};
    ok.body = manifest;
    return ok;
  };
  const std::string path = absl::StrCat("/v2/", repository, "/manifests/", tag);
  registry_.Handle("GET", path, handler);
  registry_.Handle("HEAD", path, handler);
  return digest;
}

void FakeDockerHub::AddBlobRedirect(const std::string& repository,
                                    const std::string& digest,
                                    const std::string& location) {
  const std::string scope = absl::StrCat("repository:", repository, ":pull");
  auto handler = [this, scope, location](const RecordedRequest& r) {
    if (std::optional<FakeResponse> denied = Unauthorized(r, scope)) {
      return *denied;
    }
    FakeResponse redirect;
    redirect.status = 307;
    redirect.headers = {{"Location", location}};
    return redirect;
  };
  const std::string path = absl::StrCat("/v2/", repository, "/blobs/", digest);
  registry_.Handle("GET", path, handler);
  registry_.Handle("HEAD", path, handler);
}

void FakeDockerHub::RevokeTokens() {
  absl::MutexLock lock(&mu_);
  grants_.clear();
}

int FakeDockerHub::tokens_issued() const {
  absl::MutexLock lock(&mu_);
  return issued_;
}

std::set<std::string> FakeDockerHub::issued_tokens() const {
  absl::MutexLock lock(&mu_);
  std::set<std::string> tokens;
  for (int i = 1; i <= issued_; ++i) {
    tokens.insert(absl::StrCat("fake-token-", i));
  }
  return tokens;
}

}  // namespace tributary::testing
