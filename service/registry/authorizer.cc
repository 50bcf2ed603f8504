#include "service/registry/authorizer.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "boost/url/parse.hpp"
#include "boost/url/url.hpp"
#include "service/registry/http_status.h"
#include "service/registry/origins.h"

namespace tributary::registry {
namespace {

namespace asio = boost::asio;

// Token answers are small JSON documents (a JWT or two).
constexpr std::size_t kMaxTokenAnswerBytes = 256 << 10;
constexpr int kMaxTokenRedirects = 3;

std::vector<Challenge> ChallengesOf(const http::Headers& headers) {
  std::vector<Challenge> challenges;
  for (const auto& [name, value] : headers) {
    if (absl::EqualsIgnoreCase(name, "WWW-Authenticate")) {
      for (Challenge& challenge : ParseWwwAuthenticate(value)) {
        challenges.push_back(std::move(challenge));
      }
    }
  }
  return challenges;
}

const Challenge* Find(const std::vector<Challenge>& challenges,
                      absl::string_view scheme) {
  for (const Challenge& challenge : challenges) {
    if (challenge.scheme == scheme) {
      return &challenge;
    }
  }
  return nullptr;
}

// The realm without its query, for messages: it came from the upstream.
std::string RealmForMessages(const boost::urls::url_view& realm) {
  return absl::CHexEscape(
      absl::StrCat(std::string(realm.scheme()), "://",
                   std::string(realm.encoded_host_and_port()),
                   std::string(realm.encoded_path())));
}

absl::Status TokenServerError(absl::string_view realm,
                              const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat("token server ", realm, ": ",
                                                  status.message()));
}

// The realm as a token request URL, or why it cannot be one.
absl::StatusOr<boost::urls::url> TokenUrl(const Challenge& challenge,
                                          const std::string& scope) {
  const absl::string_view realm = challenge.Param("realm");
  auto parsed = boost::urls::parse_absolute_uri(
      boost::urls::string_view(realm.data(), realm.size()));
  if (!parsed ||
      (parsed->scheme_id() != boost::urls::scheme::https &&
       parsed->scheme_id() != boost::urls::scheme::http) ||
      parsed->host().empty() || parsed->has_userinfo()) {
    return absl::PermissionDeniedError(
        absl::StrCat("HTTP 401 with a Bearer challenge whose realm is not an "
                     "http(s) URL: \"",
                     absl::CHexEscape(realm.substr(0, 200)), "\""));
  }
  boost::urls::url url(*parsed);
  url.remove_fragment();
  if (const absl::string_view service = challenge.Param("service");
      !service.empty()) {
    url.params().append({"service", std::string(service)});
  }
  url.params().append({"scope", scope});
  // A registry may ask for more than a pull (a different spelling of the
  // same repository, say); it gets both.
  if (const absl::string_view asked = challenge.Param("scope");
      !asked.empty() && asked != scope) {
    url.params().append({"scope", std::string(asked)});
  }
  return url;
}

// Second refusals keep the HTTP answer's payload (the fan-out reads it).
absl::Status Refused(absl::Status status, absl::string_view why) {
  absl::Status refused(status.code(),
                       absl::StrCat(status.message(), " (", why, ")"));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    refused.SetPayload(url, payload);
  });
  return refused;
}

}  // namespace

std::string PullScope(absl::string_view repository) {
  return absl::StrCat("repository:", repository, ":pull");
}

Authorizer::Authorizer(Credentials credentials, std::string upstream_url,
                       http::Client& http, absl::Duration token_timeout,
                       const util::Clock& clock)
    : credentials_(std::move(credentials)),
      upstream_origin_(OriginOf(upstream_url)),
      other_origins_(OtherOriginsRule(upstream_url,
                                      /*allow_private_redirects=*/false)),
      upstream_is_https_(absl::StartsWith(upstream_origin_, "https://")),
      http_(http),
      token_timeout_(token_timeout),
      clock_(clock),
      tokens_(clock) {}

std::string Authorizer::BasicValue() const {
  return absl::StrCat(
      "Basic ", absl::Base64Escape(absl::StrCat(credentials_.username, ":",
                                                credentials_.password)));
}

std::string Authorizer::Preemptive(const std::string& scope) {
  if (credentials_.has_token()) {
    return absl::StrCat("Bearer ", credentials_.token);
  }
  if (std::string token = tokens_.Cached(scope); !token.empty()) {
    return absl::StrCat("Bearer ", token);
  }
  if (credentials_.has_basic() && basic_asked_.load()) {
    return BasicValue();
  }
  return "";
}

bool Authorizer::Answers(absl::string_view url) const {
  return !upstream_origin_.empty() && OriginOf(url) == upstream_origin_;
}

asio::awaitable<absl::StatusOr<std::string>> Authorizer::Answer(
    const http::Headers& headers, std::string scope, std::string sent,
    absl::Time deadline) {
  const absl::Status unauthorized =
      StatusFromHttp(http::Response{.status = 401, .headers = headers});
  if (credentials_.has_token()) {
    co_return Refused(unauthorized, "the configured bearer token was refused");
  }
  const std::vector<Challenge> challenges = ChallengesOf(headers);
  const Challenge* bearer = Find(challenges, "bearer");
  const bool answer_bearer =
      bearer != nullptr && !bearer->Param("realm").empty();
  if (answer_bearer) {
    absl::StatusOr<std::string> answer = co_await AnswerBearer(
        *bearer, std::move(scope), std::move(sent), deadline);
    co_return answer;
  }
  if (Find(challenges, "basic") != nullptr) {
    if (!credentials_.has_basic()) {
      co_return Refused(unauthorized,
                        "the upstream asks for Basic credentials; none are "
                        "configured");
    }
    if (absl::StartsWith(sent, "Basic ")) {
      co_return Refused(unauthorized, "the Basic credentials were refused");
    }
    basic_asked_.store(true);
    co_return BasicValue();
  }
  co_return Refused(unauthorized, "no Bearer or Basic challenge to answer");
}

asio::awaitable<absl::StatusOr<std::string>> Authorizer::AnswerBearer(
    Challenge challenge, std::string scope, std::string sent,
    absl::Time deadline) {
  absl::string_view refused = sent;
  if (absl::ConsumePrefix(&refused, "Bearer ")) {
    tokens_.Invalidate(scope, std::string(refused));
  }
  TokenCache::Fetch fetch = [this, challenge, scope]() {
    return FetchToken(challenge, scope);
  };
  absl::StatusOr<std::string> token =
      co_await tokens_.Get(scope, std::move(fetch), deadline);
  if (!token.ok()) {
    co_return token.status();
  }
  co_return absl::StrCat("Bearer ", *token);
}

asio::awaitable<absl::StatusOr<Token>> Authorizer::FetchToken(
    Challenge challenge, std::string scope) {
  absl::StatusOr<Token> token =
      co_await FetchTokenOnce(std::move(challenge), std::move(scope));
  if (token_fetch_observer_) {
    token_fetch_observer_(token.status());
  }
  co_return token;
}

asio::awaitable<absl::StatusOr<Token>> Authorizer::FetchTokenOnce(
    Challenge challenge, std::string scope) {
  absl::StatusOr<boost::urls::url> url = TokenUrl(challenge, scope);
  if (!url.ok()) {
    co_return url.status();
  }
  const std::string realm = RealmForMessages(*url);
  http::Request request;
  request.url = std::string(url->buffer());
  if (credentials_.has_basic()) {
    // A token server on plain http would see the password; only an http
    // upstream (a test or a trusted network) may have one.
    if (upstream_is_https_ && url->scheme_id() != boost::urls::scheme::https) {
      co_return absl::PermissionDeniedError(absl::StrCat(
          "token server ", realm,
          " is plain http behind an https upstream; credentials are not sent "
          "there"));
    }
    request.headers.emplace_back("Authorization", BasicValue());
  }
  http::RequestOptions options;
  options.deadline = absl::Now() + token_timeout_;
  options.body_limit = kMaxTokenAnswerBytes;
  options.max_redirects = kMaxTokenRedirects;
  // The realm comes from the upstream's challenge: held like its redirects.
  options.trusted_origin = upstream_origin_;
  options.other_origins = other_origins_;
  const absl::Time fetched_at = clock_.Now();
  absl::StatusOr<http::Response> response =
      co_await http_.Send(std::move(request), options);
  if (!response.ok()) {
    co_return TokenServerError(realm, response.status());
  }
  if (response->status == 401 || response->status == 403) {
    co_return TokenServerError(
        realm,
        Refused(StatusFromHttp(*response),
                credentials_.has_basic() ? "the Basic credentials were refused"
                                         : "anonymous tokens refused"));
  }
  if (response->status < 200 || response->status > 299) {
    co_return TokenServerError(realm, StatusFromHttp(*response));
  }
  absl::StatusOr<Token> token = ParseTokenResponse(response->body, fetched_at);
  if (!token.ok()) {
    co_return TokenServerError(realm, token.status());
  }
  co_return token;
}

}  // namespace tributary::registry
