#include "service/http/pool.h"

namespace tributary::http {

std::unique_ptr<Connection> ConnectionPool::Take(const std::string& origin) {
  std::vector<Idle> expired;
  absl::MutexLock lock(&mu_);
  ExpireLocked(clock_.Now(), expired);
  auto it = idle_.find(origin);
  if (it == idle_.end()) {
    return nullptr;
  }
  std::unique_ptr<Connection> connection =
      std::move(it->second.back().connection);
  it->second.pop_back();
  --total_;
  if (it->second.empty()) {
    idle_.erase(it);  // no entry per origin ever seen: the map stays bounded
  }
  return connection;
}

void ConnectionPool::Put(const std::string& origin,
                         std::unique_ptr<Connection> connection) {
  connection->MarkIdle();
  std::vector<Idle> dropped;
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_.Now();
  ExpireLocked(now, dropped);
  if (closed_) {
    return;
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

}  // namespace tributary::http
