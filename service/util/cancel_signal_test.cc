#include "service/util/cancel_signal.h"

#include <gtest/gtest.h>

namespace tributary::util {
namespace {

TEST(CancelSignalTest, RunsEverySubscriberOnceWhenCancelled) {
  CancelSignal signal;
  int runs = 0;
  signal.Subscribe([&] { ++runs; });
  signal.Subscribe([&] { ++runs; });
  signal.Cancel();
  signal.Cancel();
  EXPECT_EQ(runs, 2);
  EXPECT_TRUE(signal.cancelled());
}

TEST(CancelSignalTest, ASubscriberAfterTheCancelRunsAtOnce) {
  CancelSignal signal;
  signal.Cancel();
  int runs = 0;
  EXPECT_EQ(signal.Subscribe([&] { ++runs; }), 0u);
  EXPECT_EQ(runs, 1);
}

TEST(CancelSignalTest, AnUnsubscribedCallbackDoesNotRun) {
  CancelSignal signal;
  int runs = 0;
  const uint64_t id = signal.Subscribe([&] { ++runs; });
  signal.Unsubscribe(id);
  signal.Cancel();
  EXPECT_EQ(runs, 0);
}

}  // namespace
}  // namespace tributary::util
