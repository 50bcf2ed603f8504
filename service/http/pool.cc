#include "service/http/pool.h"

namespace tributary::http {

std::unique_ptr<Connection> ConnectionPool::Take(const std::string& origin) {
  absl::MutexLock lock(&mu_);
  auto it = idle_.find(origin);
  if (it == idle_.end() || it->second.empty()) {
    return nullptr;
  }
  std::unique_ptr<Connection> connection = std::move(it->second.back());
  it->second.pop_back();
  return connection;
}

void ConnectionPool::Put(const std::string& origin,
                         std::unique_ptr<Connection> connection) {
  connection->MarkIdle();
  absl::MutexLock lock(&mu_);
  auto& connections = idle_[origin];
  if (!closed_ && static_cast<int>(connections.size()) < max_idle_per_origin_) {
    connections.push_back(std::move(connection));
  }
}

void ConnectionPool::Close() {
  absl::flat_hash_map<std::string, std::vector<std::unique_ptr<Connection>>>
      dropped;
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    dropped.swap(idle_);
  }
}

int ConnectionPool::IdleConnections() const {
  absl::MutexLock lock(&mu_);
  int count = 0;
  for (const auto& [origin, connections] : idle_) {
    count += static_cast<int>(connections.size());
  }
  return count;
}

}  // namespace tributary::http
