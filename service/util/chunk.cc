#include "service/util/chunk.h"

#include <cstring>
#include <utility>

namespace tributary::util {

Chunk::Block::~Block() {
  if (pool != nullptr) {
    pool->Return(bytes);
  } else {
    delete[] bytes;
  }
}

Chunk Chunk::Copy(std::string_view bytes) {
  char* copy = new char[bytes.size() == 0 ? 1 : bytes.size()];
  std::memcpy(copy, bytes.data(), bytes.size());
  Chunk chunk(std::make_shared<Block>(copy, bytes.size(), nullptr));
  chunk.size_ = bytes.size();
  return chunk;
}

std::shared_ptr<ChunkPool> ChunkPool::Create(size_t block_bytes,
                                             size_t max_idle) {
  return std::shared_ptr<ChunkPool>(new ChunkPool(block_bytes, max_idle));
}

ChunkPool::~ChunkPool() {
  for (char* bytes : idle_) {
    delete[] bytes;
  }
}

Chunk ChunkPool::Take() {
  char* bytes = nullptr;
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      bytes = idle_.back();
      idle_.pop_back();
    }
  }
  if (bytes == nullptr) {
    // Uninitialized on purpose: every byte sent is first written by a read.
    bytes = new char[block_bytes_];
  }
  return Chunk(
      std::make_shared<Chunk::Block>(bytes, block_bytes_, shared_from_this()));
}

size_t ChunkPool::idle() const {
  absl::MutexLock lock(&mu_);
  return idle_.size();
}

void ChunkPool::Return(char* bytes) {
  {
    absl::MutexLock lock(&mu_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(bytes);
      return;
    }
  }
  delete[] bytes;
}

}  // namespace tributary::util
