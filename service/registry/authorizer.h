#ifndef TRIBUTARY_SERVICE_REGISTRY_AUTHORIZER_H_
#define TRIBUTARY_SERVICE_REGISTRY_AUTHORIZER_H_

#include <atomic>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/asio/awaitable.hpp"
#include "service/http/client.h"
#include "service/registry/credentials.h"
#include "service/registry/token_cache.h"
#include "service/registry/www_authenticate.h"
#include "service/util/clock.h"

namespace tributary::registry {

// Authenticates requests to ONE upstream, as containerd's docker authorizer
// does:
//  - a static bearer token goes with every request;
//  - otherwise the first request for a scope goes without credentials (or with
//    a cached token), and a 401 is answered once:
//    * `Bearer realm=...,service=...,scope=...`: a token for the scope
//      ("repository:NAME:pull") from the realm, with the Basic credentials when
//      configured, anonymously otherwise; cached per scope until shortly
//      before it expires, one fetch shared by every request that needs it. A
//      refused token (error="invalid_token" or any 401 to a request that
//      carried one) is dropped and fetched once more.
//    * `Basic`: the configured Basic credentials; after the upstream asked once
//      they go with every request.
// Credentials only go to the upstream's origin and its token server: a 401
// from a redirect target on another origin is not answered, and the HTTP
// client drops Authorization on cross-origin redirects. Errors never contain a
// secret. Thread-safe; `http` and `clock` (token lifetimes) must outlive it.
class Authorizer {
 public:
  Authorizer(Credentials credentials, std::string upstream_url,
             http::Client& http, absl::Duration token_timeout,
             const util::Clock& clock = util::RealClock());

  // Lets the token realm be a non-public address (allow_private_redirects).
  void AllowPrivateOrigins() { other_origins_ = http::AddressRule::kAny; }

  // The Authorization value for a first attempt at `scope`, "" for none.
  std::string Preemptive(const std::string& scope);

  // Whether a 401 from `url` (after redirects) is the upstream's to answer.
  bool Answers(absl::string_view url) const;

  // After a 401 (whose headers are `headers`) to a request for `scope` sent
  // with Authorization `sent` ("" for none): the Authorization value to retry
  // with, once. PERMISSION_DENIED when nothing can be answered (no challenge
  // we can meet, or these credentials were already refused); the token
  // server's failure otherwise, naming it ("token server
  // https://auth.docker.io/token: ...").
  boost::asio::awaitable<absl::StatusOr<std::string>> Answer(
      const http::Headers& headers, std::string scope, std::string sent,
      absl::Time deadline);

  // Called with the outcome of every token fetch (not of cached tokens), e.g.
  // to count them. Set before the first request.
  void set_token_fetch_observer(
      std::function<void(const absl::Status&)> observer) {
    token_fetch_observer_ = std::move(observer);
  }

  // The cached tokens (tests).
  TokenCache& tokens() { return tokens_; }

 private:
  boost::asio::awaitable<absl::StatusOr<std::string>> AnswerBearer(
      Challenge challenge, std::string scope, std::string sent,
      absl::Time deadline);
  boost::asio::awaitable<absl::StatusOr<Token>> FetchToken(Challenge challenge,
                                                           std::string scope);
  boost::asio::awaitable<absl::StatusOr<Token>> FetchTokenOnce(
      Challenge challenge, std::string scope);
  std::string BasicValue() const;

  const Credentials credentials_;
  const std::string upstream_origin_;
  http::AddressRule other_origins_;
  const bool upstream_is_https_;
  http::Client& http_;
  const absl::Duration token_timeout_;
  const util::Clock& clock_;
  TokenCache tokens_;
  std::function<void(const absl::Status&)> token_fetch_observer_;
  // Set once the upstream has asked for Basic credentials.
  std::atomic<bool> basic_asked_ = false;
};

// "repository:NAME:pull", the scope a read of `repository` (as the upstream
// names it) needs.
std::string PullScope(absl::string_view repository);

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_AUTHORIZER_H_
