#ifndef TRIBUTARY_SERVICE_UTIL_CHUNK_BUDGET_H_
#define TRIBUTARY_SERVICE_UTIL_CHUNK_BUDGET_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "service/util/chunk.h"

namespace tributary::util {

class ChunkBudget;

// One stream's share of the chunk budget: the chunk size it reads in and the
// pool those chunks come from. The share goes back when the last holder
// drops the lease (a shared transfer's producer and its readers share one).
class ChunkLease {
 public:
  ~ChunkLease();
  ChunkLease(const ChunkLease&) = delete;
  ChunkLease& operator=(const ChunkLease&) = delete;

  size_t chunk_bytes() const { return pool_->block_bytes(); }
  ChunkPool& pool() const { return *pool_; }

 private:
  friend class ChunkBudget;
  ChunkLease(std::shared_ptr<ChunkBudget> budget,
             std::shared_ptr<ChunkPool> pool, size_t committed)
      : budget_(std::move(budget)),
        pool_(std::move(pool)),
        committed_(committed) {}

  const std::shared_ptr<ChunkBudget> budget_;
  const std::shared_ptr<ChunkPool> pool_;
  const size_t committed_;
};

// Chunk sizes that adapt to how many streams run. Every thread hand-off and
// system call on the blob path happens once per chunk, so larger chunks cost
// less CPU per GiB (1 MiB about a quarter less than 256 KiB here,
// docs/benchmarks.md); but each stream holds a few chunks, so 1 MiB chunks for
// every stream would be 3 MiB per stream. A stream starting while the chunks
// of the streams running fit the budget gets the largest size that still
// fits; past the budget every stream gets the smallest, as before there was a
// budget, so memory is bounded by the budget plus the smallest size for each
// stream beyond it. Sizes double from the smallest up to the largest.
// Thread-safe.
class ChunkBudget : public std::enable_shared_from_this<ChunkBudget> {
 public:
  struct Options {
    size_t min_chunk_bytes = 256 << 10;
    size_t max_chunk_bytes = 256 << 10;
    // Chunk memory the streams may hold together before every new stream
    // gets the smallest chunks.
    size_t budget_bytes = 0;
    // Chunks one stream holds at most (being written, being filled, held
    // back for the digest).
    size_t chunks_per_stream = 3;
  };
  // Free blocks each pool keeps for reuse, in bytes (at least a few blocks).
  static constexpr size_t kIdleBytesPerPool = 4 << 20;

  // min_chunk_bytes > 0 and max_chunk_bytes >= min_chunk_bytes.
  static std::shared_ptr<ChunkBudget> Create(const Options& options);
  ChunkBudget(const ChunkBudget&) = delete;
  ChunkBudget& operator=(const ChunkBudget&) = delete;

  // A share for one new stream, its chunks at most `max_chunk_bytes` (never
  // below the smallest size).
  std::shared_ptr<const ChunkLease> Acquire(size_t max_chunk_bytes = SIZE_MAX)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The chunk sizes, smallest first.
  std::vector<size_t> sizes() const;
  size_t min_chunk_bytes() const { return pools_.front()->block_bytes(); }
  // What the leases held now count for.
  size_t committed_bytes() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  friend class ChunkLease;
  explicit ChunkBudget(const Options& options);
  void Release(size_t committed) ABSL_LOCKS_EXCLUDED(mu_);

  const Options options_;
  std::vector<std::shared_ptr<ChunkPool>> pools_;  // smallest first
  mutable absl::Mutex mu_;
  size_t committed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tributary::util

#endif  // TRIBUTARY_SERVICE_UTIL_CHUNK_BUDGET_H_
