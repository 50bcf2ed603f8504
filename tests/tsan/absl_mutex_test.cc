// Under --config=tsan, ThreadSanitizer must see absl::Mutex as a lock: Abseil's
// synchronisation is then built instrumented from Debian's source
// (bazel/abseil_tsan.BUILD). With Debian's uninstrumented shared library, every
// access below was reported as a race and the test exited with TSan's code 66.
// Without a sanitizer the test only checks the count.
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace {

constexpr int kThreads = 4;
constexpr int kIncrementsPerThread = 1000;

// A counter only ever touched under its Mutex. Thread-safe.
class GuardedCounter {
 public:
  void Increment() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    ++value_;
  }
  int Value() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return value_;
  }

 private:
  absl::Mutex mu_;
  int value_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST(AbslMutexUnderTsan, CounterGuardedByAMutexIsNotARace) {
  GuardedCounter counter;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < kIncrementsPerThread; ++i) {
        counter.Increment();
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(counter.Value(), kThreads * kIncrementsPerThread);
}

TEST(AbslMutexUnderTsan, DataPublishedBeforeANotificationIsSeenAfterIt) {
  int published = 0;
  absl::Notification ready;
  std::thread writer([&published, &ready] {
    published = 42;
    ready.Notify();
  });
  ready.WaitForNotification();
  EXPECT_EQ(published, 42);
  writer.join();
}

}  // namespace
