#include "service/cache/memory_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary::cache {
namespace {

Entry Sized(int64_t bytes) {
  return Entry{.value = std::make_shared<const int>(1),
               .status = absl::OkStatus(),
               .stored_at = absl::UnixEpoch(),
               .bytes = bytes};
}

TEST(MemoryCacheTest, ReturnsWhatWasInserted) {
  MemoryCache cache(1 << 20, nullptr);
  cache.Insert("a", Sized(10));
  ASSERT_TRUE(cache.Lookup("a").has_value());
  EXPECT_FALSE(cache.Lookup("b").has_value());
  EXPECT_EQ(cache.entries(), 1);
}

TEST(MemoryCacheTest, ReplacingAKeyKeepsOneEntryAndItsNewSize) {
  MemoryCache cache(1 << 20, nullptr);
  cache.Insert("a", Sized(10));
  const int64_t small = cache.size_bytes();
  cache.Insert("a", Sized(1000));
  EXPECT_EQ(cache.entries(), 1);
  EXPECT_EQ(cache.size_bytes(), small + 990);
}

TEST(MemoryCacheTest, EvictsTheLeastRecentlyUsedWhenPastTheByteCap) {
  // Each entry costs 1000 + key + overhead; three fit, four do not.
  MemoryCache cache(3 * 1200, nullptr);
  cache.Insert("a", Sized(1000));
  cache.Insert("b", Sized(1000));
  cache.Insert("c", Sized(1000));
  ASSERT_TRUE(cache.Lookup("a").has_value());  // "b" is now the oldest
  cache.Insert("d", Sized(1000));
  EXPECT_TRUE(cache.Lookup("a").has_value());
  EXPECT_FALSE(cache.Lookup("b").has_value());
  EXPECT_TRUE(cache.Lookup("c").has_value());
  EXPECT_TRUE(cache.Lookup("d").has_value());
  EXPECT_LE(cache.size_bytes(), 3 * 1200);
}

TEST(MemoryCacheTest, OneLargeEntryEvictsSeveralSmallOnes) {
  MemoryCache cache(4000, nullptr);
  cache.Insert("a", Sized(1000));
  cache.Insert("b", Sized(1000));
  cache.Insert("c", Sized(1000));
  cache.Insert("big", Sized(3000));
  EXPECT_EQ(cache.entries(), 1);
  EXPECT_TRUE(cache.Lookup("big").has_value());
}

TEST(MemoryCacheTest, AnEntryLargerThanTheCapIsNotKeptAndEvictsNothing) {
  MemoryCache cache(2000, nullptr);
  cache.Insert("a", Sized(100));
  cache.Insert("huge", Sized(5000));
  EXPECT_FALSE(cache.Lookup("huge").has_value());
  EXPECT_TRUE(cache.Lookup("a").has_value());
}

TEST(MemoryCacheTest, EraseFreesTheBytes) {
  MemoryCache cache(1 << 20, nullptr);
  cache.Insert("a", Sized(100));
  cache.Erase("a");
  EXPECT_EQ(cache.size_bytes(), 0);
  EXPECT_EQ(cache.entries(), 0);
}

TEST(MemoryCacheTest, KeepsNegativeEntriesWithTheirStatus) {
  MemoryCache cache(1 << 20, nullptr);
  cache.Insert("gone", Entry{.value = nullptr,
                             .status = absl::NotFoundError("no such tag"),
                             .stored_at = absl::UnixEpoch(),
                             .bytes = 11});
  auto entry = cache.Lookup("gone");
  ASSERT_TRUE(entry.has_value());
  EXPECT_TRUE(absl::IsNotFound(entry->status));
  EXPECT_EQ(entry->value, nullptr);
}

}  // namespace
}  // namespace tributary::cache
