#ifndef TRIBUTARY_TESTS_INTEGRATION_FAKE_DOCKER_HUB_H_
#define TRIBUTARY_TESTS_INTEGRATION_FAKE_DOCKER_HUB_H_

#include <map>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tests/support/fake_upstream.h"

namespace tributary::testing {

struct FakeDockerHubOptions {
  // Basic credentials the token server demands; empty: it hands out anonymous
  // tokens, as Docker Hub does for public images.
  std::string username;
  std::string password;
  // expires_in of every token; zero leaves expires_in out of the answer.
  absl::Duration token_lifetime = absl::Minutes(5);
  // Token answers wait for token_server().Release() (see FakeResponse::hold);
  // the token is issued, and counted, when the request arrives.
  bool hold_tokens = false;
  // The realm the challenges name; empty: this fake's token server. A URL
  // nothing listens on plays a token server that is down.
  std::string realm;
};

// Docker Hub's auth flow on loopback, offline: a registry that answers
// requests without a valid token with 401 and
//   WWW-Authenticate: Bearer realm="<token server>/token",
//                     service="registry.fake",scope="repository:NAME:pull"
// (error="invalid_token" when a token was sent but is unknown, revoked or
// expired; error="insufficient_scope" when it is for another repository), and
// a token server on another origin, like auth.docker.io, that issues tokens for
// "repository:NAME:pull" scopes, checks Basic credentials when configured and
// records what it was asked. Thread-safe.
class FakeDockerHub {
 public:
  static constexpr char kService[] = "registry.fake";

  explicit FakeDockerHub(FakeDockerHubOptions options = {});

  std::string registry_url() const { return registry_.url(); }
  std::string realm() const {
    return options_.realm.empty() ? token_server_.url() + "/token"
                                  : options_.realm;
  }

  // Serves GET and HEAD /v2/`repository`/manifests/`tag` (the repository as
  // the registry names it: "library/alpine") to valid tokens. Returns the
  // manifest's digest.
  std::string AddManifest(const std::string& repository, const std::string& tag,
                          const std::string& manifest);
  // Answers GET and HEAD /v2/`repository`/blobs/`digest` from valid tokens
  // with a 307 to `location` (object storage on another origin).
  void AddBlobRedirect(const std::string& repository, const std::string& digest,
                       const std::string& location);

  // Every token issued so far stops working (the server rotated its keys).
  void RevokeTokens() ABSL_LOCKS_EXCLUDED(mu_);
  // Token requests answered with a token.
  int tokens_issued() const ABSL_LOCKS_EXCLUDED(mu_);
  // Every token issued so far (to check that none leaks).
  std::set<std::string> issued_tokens() const ABSL_LOCKS_EXCLUDED(mu_);

  FakeUpstream& registry() { return registry_; }
  FakeUpstream& token_server() { return token_server_; }

 private:
  struct Grant {
    std::set<std::string> scopes;
    absl::Time expires_at;
  };

  FakeResponse IssueToken(const RecordedRequest& request)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Empty when `request` carries a valid token for `scope`; else the 401.
  std::optional<FakeResponse> Unauthorized(const RecordedRequest& request,
                                           const std::string& scope)
      ABSL_LOCKS_EXCLUDED(mu_);

  const FakeDockerHubOptions options_;
  FakeUpstream registry_;
  FakeUpstream token_server_;
  mutable absl::Mutex mu_;
  std::map<std::string, Grant> grants_ ABSL_GUARDED_BY(mu_);
  int issued_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tributary::testing

#endif  // TRIBUTARY_TESTS_INTEGRATION_FAKE_DOCKER_HUB_H_
