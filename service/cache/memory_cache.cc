#include "service/cache/memory_cache.h"

namespace tributary::cache {
namespace {

// What a map node, a list node and the control blocks cost beside the key and
// the value; a rough figure that keeps many tiny entries from looking free.
constexpr int64_t kEntryOverhead = 128;

}  // namespace

MemoryCache::MemoryCache(int64_t capacity_bytes, metrics::Metrics* metrics)
    : capacity_bytes_(capacity_bytes), metrics_(metrics) {}

int64_t MemoryCache::Cost(const Item& item) {
  return static_cast<int64_t>(item.first.size()) + item.second.bytes +
         kEntryOverhead;
}

std::optional<Entry> MemoryCache::Lookup(const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto found = index_.find(key);
  if (found == index_.end()) {
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, found->second);
  return found->second->second;
}

void MemoryCache::Insert(const std::string& key, Entry entry) {
  absl::MutexLock lock(&mu_);
  auto found = index_.find(key);
  if (found != index_.end()) {
    EraseLocked(found->second);
  }
  lru_.emplace_front(key, std::move(entry));
  const int64_t cost = Cost(lru_.front());
  if (cost > capacity_bytes_) {
    lru_.pop_front();
    ReportSizeLocked();
    return;
  }
  index_[key] = lru_.begin();
  bytes_ += cost;
  while (bytes_ > capacity_bytes_) {
    EraseLocked(std::prev(lru_.end()));
    if (metrics_ != nullptr) {
      metrics_->RecordCacheEviction(metrics::CacheStore::kMemory);
    }
  }
  ReportSizeLocked();
}

void MemoryCache::Erase(const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto found = index_.find(key);
  if (found != index_.end()) {
    EraseLocked(found->second);
    ReportSizeLocked();
  }
}

void MemoryCache::EraseLocked(List::iterator it) {
  bytes_ -= Cost(*it);
  index_.erase(it->first);
  lru_.erase(it);
}

void MemoryCache::ReportSizeLocked() {
  if (metrics_ != nullptr) {
    metrics_->RecordCacheSize(metrics::CacheStore::kMemory, bytes_,
                              static_cast<int64_t>(index_.size()));
  }
}

int64_t MemoryCache::size_bytes() const {
  absl::MutexLock lock(&mu_);
  return bytes_;
}

int64_t MemoryCache::entries() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(index_.size());
}

}  // namespace tributary::cache
