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
  // Each entry costs 1000 + twice the key + overhead; three fit in the
  // positive share (15/16), four do not.
  MemoryCache cache(3 * 1300, nullptr);
  cache.Insert("a", Sized(1000));
  cache.Insert("b", Sized(1000));
  cache.Insert("c", Sized(1000));
  ASSERT_TRUE(cache.Lookup("a").has_value());  // "b" is now the oldest
  cache.Insert("d", Sized(1000));
  EXPECT_TRUE(cache.Lookup("a").has_value());
  EXPECT_FALSE(cache.Lookup("b").has_value());
  EXPECT_TRUE(cache.Lookup("c").has_value());
  EXPECT_TRUE(cache.Lookup("d").has_value());
  EXPECT_LE(cache.size_bytes(), 3 * 1300);
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

Entry NotFound() {
  return Entry{.value = nullptr,
               .status = absl::NotFoundError("no such tag"),
               .stored_at = absl::UnixEpoch(),
               .bytes = 11};
}

TEST(MemoryCacheTest, CountsTheKeyAsOftenAsItIsHeld) {
  // A manifest's key carries its Accept list: up to 32 x 255 bytes.
  const std::string long_key(32 * 255, 'k');
  MemoryCache short_keyed(1 << 20, nullptr);
  MemoryCache long_keyed(1 << 20, nullptr);

  short_keyed.Insert("", Sized(10));
  long_keyed.Insert(long_key, Sized(10));

  // Held in the LRU list and as the index's key: both copies cost.
  EXPECT_EQ(long_keyed.size_bytes() - short_keyed.size_bytes(),
            2 * static_cast<int64_t>(long_key.size()));
}

TEST(MemoryCacheTest, NegativeEntriesForRandomNamesCannotFlushRealOnes) {
  MemoryCache cache(64 * 1024, nullptr);
  for (int i = 0; i < 40; ++i) {
    cache.Insert("real" + std::to_string(i), Sized(1000));
  }
  ASSERT_EQ(cache.entries(), 40);

  for (int i = 0; i < 10000; ++i) {
    cache.Insert("random" + std::to_string(i), NotFound());
  }

  for (int i = 0; i < 40; ++i) {
    EXPECT_TRUE(cache.Lookup("real" + std::to_string(i)).has_value()) << i;
  }
  // The negative entries share 1/16 of the capacity among themselves.
  EXPECT_TRUE(cache.Lookup("random9999").has_value());
  EXPECT_FALSE(cache.Lookup("random0").has_value());
  EXPECT_LE(cache.size_bytes(), 64 * 1024);
}

TEST(MemoryCacheTest, AnAnswerReplacesANegativeEntryForTheSameKey) {
  MemoryCache cache(1 << 20, nullptr);
  cache.Insert("tag", NotFound());
  cache.Insert("tag", Sized(10));
  auto entry = cache.Lookup("tag");
  ASSERT_TRUE(entry.has_value());
  EXPECT_NE(entry->value, nullptr);
  EXPECT_EQ(cache.entries(), 1);
  cache.Erase("tag");
  EXPECT_EQ(cache.size_bytes(), 0);
}

}  // namespace
}  // namespace tributary::cache
