#include "service/util/chunk_budget.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace tributary::util {
namespace {

constexpr size_t kKiB = 1024;

ChunkBudget::Options QuarterToOneMiB(size_t budget_bytes) {
  return {.min_chunk_bytes = 256 * kKiB,
          .max_chunk_bytes = 1024 * kKiB,
          .budget_bytes = budget_bytes,
          .chunks_per_stream = 3};
}

TEST(ChunkBudgetTest, SizesDoubleFromTheSmallestToTheLargest) {
  auto budget = ChunkBudget::Create(QuarterToOneMiB(24 << 20));
  EXPECT_EQ(budget->sizes(),
            (std::vector<size_t>{256 * kKiB, 512 * kKiB, 1024 * kKiB}));
}

TEST(ChunkBudgetTest, LargestIsASizeEvenWhenNotADoubling) {
  auto budget = ChunkBudget::Create({.min_chunk_bytes = 64 * kKiB,
                                     .max_chunk_bytes = 100 * kKiB,
                                     .budget_bytes = 1 << 20,
                                     .chunks_per_stream = 3});
  EXPECT_EQ(budget->sizes(), (std::vector<size_t>{64 * kKiB, 100 * kKiB}));
}

TEST(ChunkBudgetTest, AloneAStreamGetsTheLargestChunks) {
  auto budget = ChunkBudget::Create(QuarterToOneMiB(24 << 20));
  auto lease = budget->Acquire();
  EXPECT_EQ(lease->chunk_bytes(), 1024 * kKiB);
  EXPECT_EQ(lease->pool().block_bytes(), 1024 * kKiB);
  EXPECT_EQ(budget->committed_bytes(), 3 * 1024 * kKiB);
}

TEST(ChunkBudgetTest, AStreamMayAskForSmallerChunksThanTheBudgetAllows) {
  auto budget = ChunkBudget::Create(QuarterToOneMiB(24 << 20));
  EXPECT_EQ(budget->Acquire(512 * kKiB)->chunk_bytes(), 512 * kKiB);
  EXPECT_EQ(budget->Acquire(0)->chunk_bytes(), 256 * kKiB)
      << "never below the smallest";
}

TEST(ChunkBudgetTest, StreamsGetSmallerChunksAsTheBudgetFills) {
  // 4.5 MiB: one stream of 1 MiB chunks (3 MiB), then 1.5 MiB left, which
  // fits one stream of 512 KiB chunks, then only the smallest.
  auto budget = ChunkBudget::Create(QuarterToOneMiB(4608 * kKiB));
  auto first = budget->Acquire();
  auto second = budget->Acquire();
  auto third = budget->Acquire();
  EXPECT_EQ(first->chunk_bytes(), 1024 * kKiB);
  EXPECT_EQ(second->chunk_bytes(), 512 * kKiB);
  EXPECT_EQ(third->chunk_bytes(), 256 * kKiB);
}

TEST(ChunkBudgetTest, PastTheBudgetEveryStreamStillGetsTheSmallest) {
  auto budget = ChunkBudget::Create(QuarterToOneMiB(1 << 20));
  std::vector<std::shared_ptr<const ChunkLease>> leases;
  for (int i = 0; i < 10; ++i) {
    leases.push_back(budget->Acquire());
    EXPECT_EQ(leases.back()->chunk_bytes(), 256 * kKiB);
  }
  EXPECT_EQ(budget->committed_bytes(), 10 * 3 * 256 * kKiB);
}

TEST(ChunkBudgetTest, AnEndedStreamGivesItsShareBack) {
  auto budget = ChunkBudget::Create(QuarterToOneMiB(3 << 20));
  auto first = budget->Acquire();
  EXPECT_EQ(budget->Acquire()->chunk_bytes(), 256 * kKiB);
  first.reset();
  EXPECT_EQ(budget->committed_bytes(), 0u);
  EXPECT_EQ(budget->Acquire()->chunk_bytes(), 1024 * kKiB);
}

TEST(ChunkBudgetTest, ALeaseOutlivesItsBudget) {
  auto budget = ChunkBudget::Create(QuarterToOneMiB(24 << 20));
  auto lease = budget->Acquire();
  budget.reset();
  Chunk chunk = lease->pool().Take();
  EXPECT_EQ(chunk.capacity(), 1024 * kKiB);
}

TEST(ChunkBudgetTest, FixedSizeWhenSmallestIsLargest) {
  auto budget = ChunkBudget::Create({.min_chunk_bytes = 8,
                                     .max_chunk_bytes = 8,
                                     .budget_bytes = 1 << 20,
                                     .chunks_per_stream = 3});
  EXPECT_EQ(budget->sizes(), (std::vector<size_t>{8}));
  EXPECT_EQ(budget->Acquire()->chunk_bytes(), 8u);
}

TEST(ChunkBudgetTest, PoolsKeepAboutTheSameIdleBytesWhateverTheSize) {
  auto budget = ChunkBudget::Create(QuarterToOneMiB(24 << 20));
  std::vector<Chunk> chunks;
  auto lease = budget->Acquire();
  for (int i = 0; i < 64; ++i) {
    chunks.push_back(lease->pool().Take());
  }
  chunks.clear();
  EXPECT_LE(lease->pool().idle() * lease->chunk_bytes(),
            ChunkBudget::kIdleBytesPerPool);
}

}  // namespace
}  // namespace tributary::util
