#include "service/api/write_stall_watch.h"

#include <atomic>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace tributary::api {
namespace {

TEST(WriteStallWatchTest, CancelsAStreamWhoseWriteNeverCompletes) {
  WriteStallWatch watch(absl::Milliseconds(50));
  std::atomic<int> cancels = 0;
  WriteStallWatch::Stream stream([&] { ++cancels; });
  watch.Add(&stream);
  stream.WriteStarted();
  absl::SleepFor(absl::Milliseconds(300));
  watch.Remove(&stream);
  EXPECT_EQ(cancels, 1) << "cancelled once, not at every check";
  EXPECT_TRUE(stream.stalled());
}

TEST(WriteStallWatchTest, LeavesAStreamWhoseWritesComplete) {
  WriteStallWatch watch(absl::Milliseconds(50));
  std::atomic<int> cancels = 0;
  WriteStallWatch::Stream stream([&] { ++cancels; });
  watch.Add(&stream);
  for (int i = 0; i < 20; ++i) {
    stream.WriteStarted();
    absl::SleepFor(absl::Milliseconds(10));
    stream.WriteDone();
  }
  absl::SleepFor(absl::Milliseconds(150));  // idle between writes: no stall
  watch.Remove(&stream);
  EXPECT_EQ(cancels, 0);
  EXPECT_FALSE(stream.stalled());
}

TEST(WriteStallWatchTest, ARemovedStreamIsNeverCancelled) {
  WriteStallWatch watch(absl::Milliseconds(20));
  std::atomic<int> cancels = 0;
  WriteStallWatch::Stream stream([&] { ++cancels; });
  watch.Add(&stream);
  stream.WriteStarted();
  watch.Remove(&stream);
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(cancels, 0);
}

}  // namespace
}  // namespace tributary::api
