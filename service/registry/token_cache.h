#ifndef TRIBUTARY_SERVICE_REGISTRY_TOKEN_CACHE_H_
#define TRIBUTARY_SERVICE_REGISTRY_TOKEN_CACHE_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "boost/asio/awaitable.hpp"
#include "service/registry/token_response.h"
#include "service/util/clock.h"

namespace tributary::registry {

// The bearer tokens of one upstream, per scope ("repository:library/alpine:
// pull"), and the fetches that get them. A token is handed out until its
// refresh time. Without one, the first caller starts a fetch and every caller
// for that scope joins it (single-flight): 50 cold requests make one token
// request. The fetch runs detached on its own strand, so it completes (and
// fills the cache) whatever happens to the caller that started it; each caller
// waits no longer than its own deadline. A failed fetch is not cached.
//
// The cache is bounded (one entry per repository scope would otherwise grow
// with every repository ever pulled): expired tokens are swept whenever one is
// stored, and past `limits` the token due for refresh soonest goes first.
//
// Thread-safe. Get must be awaited on a strand; the cache must outlive the I/O
// context its fetches run on. `clock` tells when a token is due for refresh
// (callers' deadlines stay on the wall clock) and must outlive the cache.
struct TokenCacheLimits {
  size_t max_tokens = 4096;
  size_t max_bytes = 16 << 20;  // scopes and token values
};

class TokenCache {
 public:
  using Fetch = std::function<boost::asio::awaitable<absl::StatusOr<Token>>()>;

  explicit TokenCache(const util::Clock& clock = util::RealClock(),
                      TokenCacheLimits limits = {})
      : clock_(clock), limits_(limits) {}
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // A token for `scope`: the cached one, or the result of the fetch in flight
  // for it, or of a new one made by calling `fetch`. DEADLINE_EXCEEDED when
  // `deadline` passes first.
  boost::asio::awaitable<absl::StatusOr<std::string>> Get(std::string scope,
                                                          Fetch fetch,
                                                          absl::Time deadline)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The cached token for `scope` if it is still fresh, else "". Never waits.
  std::string Cached(const std::string& scope) ABSL_LOCKS_EXCLUDED(mu_);

  // Forgets `token` for `scope` if it is still the cached one: the upstream
  // refused it. A newer token cached meanwhile is kept.
  void Invalidate(const std::string& scope, const std::string& token)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Fetches started so far (tests and debugging).
  int fetches_started() const ABSL_LOCKS_EXCLUDED(mu_);
  // Tokens held, and their bytes (tests and debugging).
  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t bytes() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Flight;

  boost::asio::awaitable<void> RunFetch(std::string scope,
                                        std::shared_ptr<Flight> flight,
                                        Fetch fetch) ABSL_LOCKS_EXCLUDED(mu_);
  std::string CachedLocked(const std::string& scope)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Stores `token`, sweeping expired ones and evicting past the limits.
  void StoreLocked(const std::string& scope, Token token)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EraseLocked(absl::flat_hash_map<std::string, Token>::iterator it)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const util::Clock& clock_;
  const TokenCacheLimits limits_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Token> tokens_ ABSL_GUARDED_BY(mu_);
  size_t token_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, std::shared_ptr<Flight>> flights_
      ABSL_GUARDED_BY(mu_);
  int fetches_started_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tributary::registry

#endif  // TRIBUTARY_SERVICE_REGISTRY_TOKEN_CACHE_H_
