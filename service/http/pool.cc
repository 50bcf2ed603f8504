#include "service/http/pool.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/asio/as_tuple.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/this_coro.hpp"
#include "boost/asio/use_awaitable.hpp"

namespace tributary::http {

namespace asio = boost::asio;

struct ConnectionPool::Waiter {
  explicit Waiter(asio::any_io_executor executor)
      : timer(std::move(executor)) {}
  asio::steady_timer timer;
  bool woken = false;  // under the pool's mu_
};

asio::awaitable<absl::StatusOr<ConnectionPool::Acquired>>
ConnectionPool::Acquire(const std::string& origin, const SteadyTime& deadline) {
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  // Set once the request first queues; reported when it leaves the queue.
  std::optional<std::chrono::steady_clock::time_point> queued;
  const auto report = [&](absl::StatusCode outcome) {
    if (queued.has_value() && limits_.on_wait) {
      limits_.on_wait(
          absl::FromChrono(std::chrono::steady_clock::now() - *queued),
          outcome);
    }
  };
  while (true) {
    auto waiter = std::make_shared<Waiter>(executor);
    std::optional<Acquired> acquired;
    {
      std::vector<Idle> expired;  // closed here, outside the lock
      acquired = AcquireOrQueue(origin, waiter, expired);
    }
    if (acquired.has_value()) {
      report(absl::StatusCode::kOk);
      co_return std::move(*acquired);
    }
    if (!queued.has_value()) {
      queued = std::chrono::steady_clock::now();
    }
    waiter->timer.expires_at(deadline);
    // Ends at the deadline, when woken (the timer is cancelled) or when the
    // caller cancels; which one is told apart below, not by the error.
    co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    const asio::cancellation_type cancelled =
        (co_await asio::this_coro::cancellation_state).cancelled();
    const bool woken = Dequeue(origin, waiter);
    if (cancelled != asio::cancellation_type::none) {
      if (woken) {
        WakeNext(origin);  // what woke this request is for the next one
      }
      report(absl::StatusCode::kCancelled);
      co_return absl::CancelledError(
          absl::StrCat("cancelled while waiting for a connection to ", origin));
    }
    if (!woken) {
      report(absl::StatusCode::kDeadlineExceeded);
      co_return absl::DeadlineExceededError(
          absl::StrCat("waited for a connection to ", origin, ": all ",
                       limits_.max_connections_per_origin,
                       " allowed (max_connections) are busy"));
    }
  }
}

std::optional<ConnectionPool::Acquired> ConnectionPool::AcquireOrQueue(
    const std::string& origin, const WaiterPtr& waiter,
    std::vector<Idle>& expired) {
  absl::MutexLock lock(&mu_);
  ExpireLocked(clock_.Now(), expired);
  if (auto it = idle_.find(origin); it != idle_.end()) {
    Acquired acquired{.idle = std::move(it->second.back().connection)};
    it->second.pop_back();
    --total_;
    if (it->second.empty()) {
      idle_.erase(it);  // no entry per origin ever seen: the map stays bounded
    }
    return acquired;
  }
  if (open_[origin] < limits_.max_connections_per_origin) {
    return Acquired{.slot = NewSlotLocked(origin)};
  }
  waiting_[origin].push_back(waiter);
  ++waiting_total_;
  return std::nullopt;
}

ConnectionSlot ConnectionPool::NewSlotLocked(const std::string& origin) {
  ++open_[origin];
  // Weak: an idle connection in the pool holds its slot, and the pool must
  // not keep itself alive through it.
  return ConnectionSlot([pool = weak_from_this(), origin] {
    if (std::shared_ptr<ConnectionPool> alive = pool.lock()) {
      alive->Release(origin);
    }
  });
}

bool ConnectionPool::Dequeue(const std::string& origin,
                             const WaiterPtr& waiter) {
  absl::MutexLock lock(&mu_);
  if (auto it = waiting_.find(origin); it != waiting_.end()) {
    auto& queue = it->second;
    if (auto at = std::find(queue.begin(), queue.end(), waiter);
        at != queue.end()) {
      queue.erase(at);
      --waiting_total_;
    }
    if (queue.empty()) {
      waiting_.erase(it);
    }
  }
  return waiter->woken;
}

void ConnectionPool::Release(const std::string& origin) {
  WaiterPtr next;
  {
    absl::MutexLock lock(&mu_);
    if (auto it = open_.find(origin); it != open_.end() && --it->second <= 0) {
      open_.erase(it);
    }
    next = PopWaiterLocked(origin);
  }
  Wake(next);
}

void ConnectionPool::WakeNext(const std::string& origin) {
  WaiterPtr next;
  {
    absl::MutexLock lock(&mu_);
    next = PopWaiterLocked(origin);
  }
  Wake(next);
}

ConnectionPool::WaiterPtr ConnectionPool::PopWaiterLocked(
    const std::string& origin) {
  auto it = waiting_.find(origin);
  if (it == waiting_.end()) {
    return nullptr;
  }
  WaiterPtr first = std::move(it->second.front());
  it->second.pop_front();
  --waiting_total_;
  if (it->second.empty()) {
    waiting_.erase(it);
  }
  first->woken = true;
  return first;
}

void ConnectionPool::Wake(const WaiterPtr& waiter) {
  if (waiter == nullptr) {
    return;
  }
  // The timer belongs to the waiting coroutine's executor (its strand): it
  // is only touched there.
  asio::post(waiter->timer.get_executor(),
             [waiter] { waiter->timer.cancel(); });
}

void ConnectionPool::Put(const std::string& origin,
                         std::unique_ptr<Connection> connection) {
  connection->MarkIdle();
  std::vector<Idle> dropped;
  WaiterPtr next;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = clock_.Now();
    ExpireLocked(now, dropped);
    if (closed_) {
      return;  // closing `connection` gives its slot back
    }
    std::vector<Idle>& connections = idle_[origin];
    if (static_cast<int>(connections.size()) >= limits_.max_idle_per_origin) {
      if (connections.empty()) {
        idle_.erase(origin);
      }
      return;
    }
    connections.push_back({std::move(connection), now});
    ++total_;
    while (total_ > limits_.max_idle_total) {
      EvictOldestLocked(dropped);
    }
    next = PopWaiterLocked(origin);  // it may take this one
  }
  Wake(next);
}

void ConnectionPool::DropIdle(const std::string& origin) {
  std::vector<Idle> dropped;
  absl::MutexLock lock(&mu_);
  if (auto it = idle_.find(origin); it != idle_.end()) {
    total_ -= static_cast<int>(it->second.size());
    dropped = std::move(it->second);
    idle_.erase(it);
  }
}

void ConnectionPool::ExpireLocked(absl::Time now, std::vector<Idle>& expired) {
  for (auto it = idle_.begin(); it != idle_.end();) {
    std::vector<Idle>& connections = it->second;
    size_t stale = 0;
    while (stale < connections.size() &&
           now - connections[stale].since >= limits_.idle_timeout) {
      ++stale;
    }
    for (size_t i = 0; i < stale; ++i) {
      expired.push_back(std::move(connections[i]));
    }
    connections.erase(connections.begin(), connections.begin() + stale);
    total_ -= static_cast<int>(stale);
    if (connections.empty()) {
      idle_.erase(it++);
    } else {
      ++it;
    }
  }
}

void ConnectionPool::EvictOldestLocked(std::vector<Idle>& evicted) {
  auto oldest = idle_.end();
  for (auto it = idle_.begin(); it != idle_.end(); ++it) {
    if (oldest == idle_.end() ||
        it->second.front().since < oldest->second.front().since) {
      oldest = it;
    }
  }
  if (oldest == idle_.end()) {
    return;
  }
  evicted.push_back(std::move(oldest->second.front()));
  oldest->second.erase(oldest->second.begin());
  --total_;
  if (oldest->second.empty()) {
    idle_.erase(oldest);
  }
}

void ConnectionPool::Close() {
  IdleByOrigin dropped;
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    dropped.swap(idle_);
    total_ = 0;
  }
}

int ConnectionPool::IdleConnections() const {
  absl::MutexLock lock(&mu_);
  return total_;
}

int ConnectionPool::Waiting() const {
  absl::MutexLock lock(&mu_);
  return waiting_total_;
}

}  // namespace tributary::http
