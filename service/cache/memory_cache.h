#ifndef TRIBUTARY_SERVICE_CACHE_MEMORY_CACHE_H_
#define TRIBUTARY_SERVICE_CACHE_MEMORY_CACHE_H_

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/metrics/metrics.h"

namespace tributary::cache {

// One cached answer: a value, or a remembered NOT_FOUND (a negative entry).
// Plain value type; `value` is shared and never modified once stored.
struct Entry {
  std::shared_ptr<const void> value;  // null for a negative entry
  absl::Status status;                // OK, or the failure remembered
  absl::Time stored_at;
  int64_t bytes = 0;  // what `value` costs, as its owner estimates it
};

// A least-recently-used map from string keys to entries, bounded by the bytes
// the entries cost: the value as its owner estimates it, the key as often as
// it is held (a manifest's key carries its Accept list, up to 32 x 255
// bytes), and a fixed overhead. Negative entries (remembered NOT_FOUNDs) have
// their own small share of the capacity, 1/16, and evict only each other:
// requests for random names cannot flush the real answers. Knows nothing of
// TTLs: callers decide from `stored_at` what an entry is still good for.
// Thread-safe.
class MemoryCache {
 public:
  // The share of the capacity negative entries get: 1 / kNegativeShare.
  static constexpr int64_t kNegativeShare = 16;

  // `capacity_bytes` bounds everything held; `metrics` may be null (unit
  // tests); otherwise it must outlive the cache.
  MemoryCache(int64_t capacity_bytes, metrics::Metrics* metrics);

  MemoryCache(const MemoryCache&) = delete;
  MemoryCache& operator=(const MemoryCache&) = delete;

  // The entry under `key`, which becomes the most recently used.
  std::optional<Entry> Lookup(const std::string& key) ABSL_LOCKS_EXCLUDED(mu_);
  // Stores or replaces `key`, evicting the least recently used entries past
  // the capacity. An entry larger than the whole capacity is not kept.
  void Insert(const std::string& key, Entry entry) ABSL_LOCKS_EXCLUDED(mu_);
  void Erase(const std::string& key) ABSL_LOCKS_EXCLUDED(mu_);

  int64_t size_bytes() const ABSL_LOCKS_EXCLUDED(mu_);
  int64_t entries() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  using Item = std::pair<std::string, Entry>;
  using List = std::list<Item>;
  // Entries of one kind (positive or negative) under their own byte cap.
  struct Partition {
    int64_t capacity = 0;
    List lru;  // most recently used first
    int64_t bytes = 0;
  };

  static int64_t Cost(const Item& item);
  Partition& PartitionOf(const Entry& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EraseLocked(List::iterator it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReportSizeLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  metrics::Metrics* const metrics_;
  mutable absl::Mutex mu_;
  Partition positive_ ABSL_GUARDED_BY(mu_);
  Partition negative_ ABSL_GUARDED_BY(mu_);
  // Every key twice: here and in its partition's list (both are counted).
  absl::flat_hash_map<std::string, List::iterator> index_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tributary::cache

#endif  // TRIBUTARY_SERVICE_CACHE_MEMORY_CACHE_H_
