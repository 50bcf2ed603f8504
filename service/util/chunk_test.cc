#include "service/util/chunk.h"

#include <cstring>
#include <thread>

#include "gtest/gtest.h"

namespace tributary::util {
namespace {

TEST(ChunkTest, CopyHoldsItsOwnBytes) {
  std::string source = "layer bytes";
  const Chunk chunk = Chunk::Copy(source);
  source[0] = 'X';
  EXPECT_EQ(chunk.view(), "layer bytes");
  EXPECT_EQ(chunk.size(), 11u);
}

TEST(ChunkTest, DefaultChunkIsEmptyWithNoRoom) {
  const Chunk chunk;
  EXPECT_TRUE(chunk.empty());
  EXPECT_EQ(chunk.capacity(), 0u);
  EXPECT_EQ(chunk.view(), "");
}

TEST(ChunkTest, MovedFromChunkIsEmpty) {
  Chunk chunk = Chunk::Copy("bytes");
  Chunk moved = std::move(chunk);
  EXPECT_TRUE(chunk.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(moved.view(), "bytes");
}

TEST(ChunkPoolTest, TakenChunkIsEmptyWithTheBlockAsRoom) {
  auto pool = ChunkPool::Create(4096, 2);
  Chunk chunk = pool->Take();
  EXPECT_TRUE(chunk.empty());
  EXPECT_EQ(chunk.capacity(), 4096u);
  std::memcpy(chunk.writable_data(), "abc", 3);
  chunk.set_size(3);
  EXPECT_EQ(chunk.view(), "abc");
}

TEST(ChunkPoolTest, BlockReturnsWhenTheLastCopyIsGone) {
  auto pool = ChunkPool::Create(4096, 2);
  const char* block = nullptr;
  {
    Chunk chunk = pool->Take();
    block = chunk.data();
    Chunk copy = chunk;
    chunk = Chunk();
    EXPECT_EQ(pool->idle(), 0u) << "a copy still holds the block";
  }
  EXPECT_EQ(pool->idle(), 1u);
  EXPECT_EQ(pool->Take().data(), block) << "the block is reused, not fresh";
}

TEST(ChunkPoolTest, KeepsNoMoreIdleBlocksThanItsCap) {
  auto pool = ChunkPool::Create(4096, 2);
  {
    Chunk a = pool->Take();
    Chunk b = pool->Take();
    Chunk c = pool->Take();
  }
  EXPECT_EQ(pool->idle(), 2u);
}

TEST(ChunkPoolTest, ChunkOutlivingItsPoolHandleStaysValid) {
  Chunk chunk;
  {
    auto pool = ChunkPool::Create(64, 2);
    chunk = pool->Take();
  }
  std::memcpy(chunk.writable_data(), "still here", 10);
  chunk.set_size(10);
  EXPECT_EQ(chunk.view(), "still here");
}

TEST(ChunkPoolTest, ChunksReturnFromOtherThreads) {
  auto pool = ChunkPool::Create(64, 8);
  std::vector<Chunk> chunks;
  for (int i = 0; i < 4; ++i) {
    chunks.push_back(pool->Take());
  }
  std::vector<std::thread> threads;
  for (Chunk& chunk : chunks) {
    threads.emplace_back(
        [chunk = std::move(chunk)]() mutable { chunk = Chunk(); });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(pool->idle(), 4u);
}

}  // namespace
}  // namespace tributary::util
