#ifndef TRIBUTARY_SERVICE_HTTP_POOL_H_
#define TRIBUTARY_SERVICE_HTTP_POOL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/http/connection.h"
#include "service/util/clock.h"

namespace tributary::http {

// Idle keep-alive connections per origin. Shared (shared_ptr) by the client and
// every open ResponseStream, so a stream outliving the client cannot touch
// freed memory. Thread-safe.
// Bounded: an idle connection older than `idle_timeout` is closed rather than
// reused (servers close idle keep-alive connections on their own schedule),
// and past `max_idle_total` over all origins (blob redirects reach many CDN
// hosts) the longest idle one is closed.
struct PoolLimits {
  int max_idle_per_origin = 8;
  int max_idle_total = 64;
  absl::Duration idle_timeout = absl::Seconds(30);
};

class ConnectionPool {
 public:
  // `clock` must outlive the pool.
  explicit ConnectionPool(PoolLimits limits,
                          const util::Clock& clock = util::RealClock())
      : limits_(limits), clock_(clock) {}

  std::unique_ptr<Connection> Take(const std::string& origin);
  // Keeps `connection` for reuse, unless the origin already has enough idle
  // connections or the pool is closed.
  void Put(const std::string& origin, std::unique_ptr<Connection> connection);
  // Drops every idle connection and refuses new ones (shutdown).
  void Close();
  int IdleConnections() const;

 private:
  struct Idle {
    std::unique_ptr<Connection> connection;
    absl::Time since;
  };
  // Oldest first per origin.
  using IdleByOrigin = absl::flat_hash_map<std::string, std::vector<Idle>>;

  // Moves connections idle past the timeout into `expired` (closed once the
  // lock is released).
  void ExpireLocked(absl::Time now, std::vector<Idle>& expired)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Moves the longest idle connection into `evicted`.
  void EvictOldestLocked(std::vector<Idle>& evicted)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const PoolLimits limits_;
  const util::Clock& clock_;
  mutable absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  IdleByOrigin idle_ ABSL_GUARDED_BY(mu_);
  int total_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_POOL_H_
