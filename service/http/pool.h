#ifndef TRIBUTARY_SERVICE_HTTP_POOL_H_
#define TRIBUTARY_SERVICE_HTTP_POOL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "service/http/connection.h"

namespace tributary::http {

// Idle keep-alive connections per origin. Shared (shared_ptr) by the client and
// every open ResponseStream, so a stream outliving the client cannot touch
// freed memory. Thread-safe.
class ConnectionPool {
 public:
  explicit ConnectionPool(int max_idle_per_origin)
      : max_idle_per_origin_(max_idle_per_origin) {}

  std::unique_ptr<Connection> Take(const std::string& origin);
  // Keeps `connection` for reuse, unless the origin already has enough idle
  // connections or the pool is closed.
  void Put(const std::string& origin, std::unique_ptr<Connection> connection);
  // Drops every idle connection and refuses new ones (shutdown).
  void Close();
  int IdleConnections() const;

 private:
  const int max_idle_per_origin_;
  mutable absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<std::string, std::vector<std::unique_ptr<Connection>>>
      idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_POOL_H_
