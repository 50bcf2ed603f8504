#ifndef TRIBUTARY_SERVICE_UTIL_CHUNK_H_
#define TRIBUTARY_SERVICE_UTIL_CHUNK_H_

#include <cstddef>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace tributary::util {

class ChunkPool;

// A block of blob bytes passed from whoever filled it (an upstream read, a
// file read) to whoever sends or stores it, without copying: copies of a Chunk
// share the block, and the block goes back to its pool when the last copy is
// gone (which may be on any thread, e.g. when gRPC has sent it). Filled through
// writable_data() while it has a single owner; read-only once shared.
class Chunk {
 public:
  Chunk() = default;
  Chunk(const Chunk&) = default;
  Chunk& operator=(const Chunk&) = default;
  // A moved-from chunk is empty.
  Chunk(Chunk&& other) noexcept
      : block_(std::move(other.block_)), size_(std::exchange(other.size_, 0)) {}
  Chunk& operator=(Chunk&& other) noexcept {
    block_ = std::move(other.block_);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }

  // A chunk owning a copy of `bytes`, outside any pool: for small messages
  // and tests.
  static Chunk Copy(std::string_view bytes);

  const char* data() const { return block_ ? block_->bytes : nullptr; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data(), size_}; }
  // The room for filling, from data(); 0 for an empty Chunk().
  size_t capacity() const { return block_ ? block_->capacity : 0; }

  // For the one owner filling it: the bytes up to capacity() are writable
  // (their contents are whatever the block held before: nothing is zeroed).
  char* writable_data() { return block_ ? block_->bytes : nullptr; }
  // How many of the bytes from data() are in use; at most capacity().
  void set_size(size_t size) { size_ = size; }

 private:
  friend class ChunkPool;
  struct Block {
    Block(char* bytes, size_t capacity, std::shared_ptr<ChunkPool> pool)
        : bytes(bytes), capacity(capacity), pool(std::move(pool)) {}
    ~Block();
    Block(const Block&) = delete;
    Block& operator=(const Block&) = delete;
    char* const bytes;
    const size_t capacity;
    const std::shared_ptr<ChunkPool> pool;  // null: not pooled
  };
  explicit Chunk(std::shared_ptr<Block> block) : block_(std::move(block)) {}

  std::shared_ptr<Block> block_;
  size_t size_ = 0;
};

// Blocks of one size, recycled: a stream of 1 GiB takes and returns thousands
// of chunks, and fresh 256 KiB allocations would each be an mmap, page faults
// and (for std::string) a memset. Keeps at most `max_idle` free blocks;
// thread-safe.
class ChunkPool : public std::enable_shared_from_this<ChunkPool> {
 public:
  static std::shared_ptr<ChunkPool> Create(size_t block_bytes, size_t max_idle);
  ~ChunkPool();
  ChunkPool(const ChunkPool&) = delete;
  ChunkPool& operator=(const ChunkPool&) = delete;

  // An empty chunk with capacity block_bytes().
  Chunk Take() ABSL_LOCKS_EXCLUDED(mu_);
  size_t block_bytes() const { return block_bytes_; }
  // Free blocks kept for reuse.
  size_t idle() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  friend struct Chunk::Block;
  ChunkPool(size_t block_bytes, size_t max_idle)
      : block_bytes_(block_bytes), max_idle_(max_idle) {}
  void Return(char* bytes) ABSL_LOCKS_EXCLUDED(mu_);

  const size_t block_bytes_;
  const size_t max_idle_;
  mutable absl::Mutex mu_;
  std::vector<char*> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tributary::util

#endif  // TRIBUTARY_SERVICE_UTIL_CHUNK_H_
