#include "service/util/chunk_budget.h"

#include <algorithm>
#include <utility>

namespace tributary::util {

ChunkLease::~ChunkLease() { budget_->Release(committed_); }

std::shared_ptr<ChunkBudget> ChunkBudget::Create(const Options& options) {
  return std::shared_ptr<ChunkBudget>(new ChunkBudget(options));
}

ChunkBudget::ChunkBudget(const Options& options) : options_(options) {
  const size_t largest =
      std::max(options.max_chunk_bytes, options.min_chunk_bytes);
  for (size_t size = options.min_chunk_bytes;;) {
    const size_t idle = std::max<size_t>(4, kIdleBytesPerPool / size);
    pools_.push_back(ChunkPool::Create(size, idle));
    if (size >= largest) {
      break;
    }
    size = std::min(size * 2, largest);
  }
}

std::shared_ptr<const ChunkLease> ChunkBudget::Acquire(size_t max_chunk_bytes) {
  std::shared_ptr<ChunkPool> chosen = pools_.front();
  size_t committed = chosen->block_bytes() * options_.chunks_per_stream;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = pools_.rbegin(); it != pools_.rend(); ++it) {
      const size_t share = (*it)->block_bytes() * options_.chunks_per_stream;
      if ((*it)->block_bytes() <= max_chunk_bytes &&
          committed_ + share <= options_.budget_bytes) {
        chosen = *it;
        committed = share;
        break;
      }
    }
    committed_ += committed;
  }
  return std::shared_ptr<const ChunkLease>(
      new ChunkLease(shared_from_this(), std::move(chosen), committed));
}

std::vector<size_t> ChunkBudget::sizes() const {
  std::vector<size_t> sizes;
  for (const auto& pool : pools_) {
    sizes.push_back(pool->block_bytes());
  }
  return sizes;
}

size_t ChunkBudget::committed_bytes() const {
  absl::MutexLock lock(&mu_);
  return committed_;
}

void ChunkBudget::Release(size_t committed) {
  absl::MutexLock lock(&mu_);
  committed_ -= committed;
}

}  // namespace tributary::util
