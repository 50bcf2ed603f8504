#include "service/cache/memory_cache.h"

namespace tributary::cache {
namespace {

// What a map node, a list node and the control blocks cost beside the key and
// the value; a rough figure that keeps many tiny entries from looking free.
constexpr int64_t kEntryOverhead = 128;

}  // namespace

MemoryCache::MemoryCache(int64_t capacity_bytes, metrics::Metrics* metrics)
    : metrics_(metrics) {
  negative_.capacity = capacity_bytes / kNegativeShare;
  positive_.capacity = capacity_bytes - negative_.capacity;
}

int64_t MemoryCache::Cost(const Item& item) {
  // The key is held twice: in the list and as the index's key.
  return 2 * static_cast<int64_t>(item.first.size()) + item.second.bytes +
         kEntryOverhead;
}

MemoryCache::Partition& MemoryCache::PartitionOf(const Entry& entry) {
  return entry.value == nullptr ? negative_ : positive_;
}

std::optional<Entry> MemoryCache::Lookup(const std::string& key) {
  absl::MutexLock lock(&mu_);
  auto found = index_.find(key);
  if (found == index_.end()) {
    return std::nullopt;
  }
  List& lru = PartitionOf(found->second->second).lru;
  lru.splice(lru.begin(), lru, found->second);
  return found->second->second;
}

void MemoryCache::Insert(const std::string& key, Entry entry) {
  absl::MutexLock lock(&mu_);
  auto found = index_.find(key);
  if (found != index_.end()) {
    EraseLocked(found->second);
  }
  Partition& partition = PartitionOf(entry);
  partition.lru.emplace_front(key, std::move(entry));
  const int64_t cost = Cost(partition.lru.front());
  if (cost > partition.capacity) {
    partition.lru.pop_front();
    ReportSizeLocked();
    return;
  }
  index_[key] = partition.lru.begin();
  partition.bytes += cost;
  while (partition.bytes > partition.capacity) {
    EraseLocked(std::prev(partition.lru.end()));
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
  Partition& partition = PartitionOf(it->second);
  partition.bytes -= Cost(*it);
  index_.erase(it->first);
  partition.lru.erase(it);
}

void MemoryCache::ReportSizeLocked() {
  if (metrics_ != nullptr) {
    metrics_->RecordCacheSize(metrics::CacheStore::kMemory,
                              positive_.bytes + negative_.bytes,
                              static_cast<int64_t>(index_.size()));
  }
}

int64_t MemoryCache::size_bytes() const {
  absl::MutexLock lock(&mu_);
  return positive_.bytes + negative_.bytes;
}

int64_t MemoryCache::entries() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int64_t>(index_.size());
}

}  // namespace tributary::cache
