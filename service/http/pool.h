#ifndef TRIBUTARY_SERVICE_HTTP_POOL_H_
#define TRIBUTARY_SERVICE_HTTP_POOL_H_

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "boost/asio/awaitable.hpp"
#include "service/http/connection.h"
#include "service/http/connection_slot.h"
#include "service/http/steady_time.h"
#include "service/util/clock.h"

namespace tributary::http {

// Bounds of a ConnectionPool.
// Idle: an idle connection older than `idle_timeout` is closed rather than
// reused (servers close idle keep-alive connections on their own schedule),
// and past `max_idle_total` over all origins (blob redirects reach many CDN
// hosts) the longest idle one is closed.
// Open: at most `max_connections_per_origin` connections, busy or idle, per
// origin; a request past it waits for one (a flood of distinct keys must not
// open unbounded sockets to one upstream).
struct PoolLimits {
  int max_idle_per_origin = 8;
  int max_idle_total = 64;
  absl::Duration idle_timeout = absl::Seconds(30);
  int max_connections_per_origin = 64;
  // See ClientOptions::connection_waited; may be empty.
  std::function<void(absl::Duration, absl::StatusCode)> on_wait;
};

// The connections of one Client, per origin. Shared (shared_ptr, made with
// make_shared) by the client, every open ResponseStream and, weakly, every
// connection's slot, so a stream or connection outliving the client cannot
// touch freed memory. Thread-safe.
class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
 public:
  // `clock` must outlive the pool.
  explicit ConnectionPool(PoolLimits limits,
                          const util::Clock& clock = util::RealClock())
      : limits_(std::move(limits)), clock_(clock) {}

  // What Acquire got: an idle connection to reuse, or else (`idle` null) the
  // slot a new connection must hold (Connection::Hold).
  struct Acquired {
    std::unique_ptr<Connection> idle;
    ConnectionSlot slot;
  };

  // An idle connection to `origin`, or a slot to open one; while the origin
  // has max_connections_per_origin open and none idle, waits (first come,
  // first served) until one is put back idle or closed. DEADLINE_EXCEEDED at
  // `deadline`, naming the cap; CANCELLED when the awaiting operation is
  // cancelled (the caller left): either way the request leaves the queue.
  // Both arguments must outlive the wait (the caller's named locals).
  boost::asio::awaitable<absl::StatusOr<Acquired>> Acquire(
      const std::string& origin, const SteadyTime& deadline);
  // Keeps `connection` for reuse, unless the origin already has enough idle
  // connections or the pool is closed.
  void Put(const std::string& origin, std::unique_ptr<Connection> connection);
  // Closes `origin`'s idle connections (one went stale: its pool mates most
  // likely did too).
  void DropIdle(const std::string& origin);
  // Drops every idle connection and refuses new ones (shutdown).
  void Close();
  int IdleConnections() const;
  // Requests waiting for a connection, over all origins.
  int Waiting() const;

 private:
  struct Idle {
    std::unique_ptr<Connection> connection;
    absl::Time since;
  };
  // Oldest first per origin.
  using IdleByOrigin = absl::flat_hash_map<std::string, std::vector<Idle>>;
  // One request waiting in Acquire; woken by cancelling its timer.
  struct Waiter;
  using WaiterPtr = std::shared_ptr<Waiter>;

  // An idle connection or a slot, or nothing with `waiter` queued.
  std::optional<Acquired> AcquireOrQueue(const std::string& origin,
                                         const WaiterPtr& waiter,
                                         std::vector<Idle>& expired)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Takes `waiter` out of the queue; true when it had been woken.
  bool Dequeue(const std::string& origin, const WaiterPtr& waiter)
      ABSL_LOCKS_EXCLUDED(mu_);
  // A connection to `origin` closed: one more may open.
  void Release(const std::string& origin) ABSL_LOCKS_EXCLUDED(mu_);
  // Passes a wake-up on to the next waiter for `origin`.
  void WakeNext(const std::string& origin) ABSL_LOCKS_EXCLUDED(mu_);
  // The first waiter for `origin`, marked woken; null when none waits.
  WaiterPtr PopWaiterLocked(const std::string& origin)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static void Wake(const WaiterPtr& waiter);
  ConnectionSlot NewSlotLocked(const std::string& origin)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
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
  // Connections open (busy or idle) per origin; no entry at zero.
  absl::flat_hash_map<std::string, int> open_ ABSL_GUARDED_BY(mu_);
  // Requests waiting per origin, first come first; no entry when none.
  absl::flat_hash_map<std::string, std::deque<WaiterPtr>> waiting_
      ABSL_GUARDED_BY(mu_);
  int waiting_total_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tributary::http

#endif  // TRIBUTARY_SERVICE_HTTP_POOL_H_
