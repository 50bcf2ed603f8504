#include "client/frontend/live_calls.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

namespace tributary::frontend {
namespace {

class CountingCall final : public LiveCalls::Call {
 public:
  void Cancel() override { ++cancels; }
  std::atomic<int> cancels{0};
};

TEST(LiveCallsTest, CancelAllCancelsEveryCallInFlightOnce) {
  LiveCalls calls;
  auto first = std::make_shared<CountingCall>();
  auto second = std::make_shared<CountingCall>();
  calls.Add(first);
  calls.Add(second);
  calls.CancelAll();
  EXPECT_EQ(first->cancels, 1);
  EXPECT_EQ(second->cancels, 1);
}

TEST(LiveCallsTest, ARemovedCallIsNotCancelled) {
  LiveCalls calls;
  auto call = std::make_shared<CountingCall>();
  calls.Add(call);
  calls.Remove(call.get());
  calls.CancelAll();
  EXPECT_EQ(call->cancels, 0);
}

TEST(LiveCallsTest, ACallAddedAfterCancelAllIsCancelledAtOnce) {
  LiveCalls calls;
  calls.CancelAll();
  auto call = std::make_shared<CountingCall>();
  calls.Add(call);
  EXPECT_EQ(call->cancels, 1);
}

TEST(LiveCallsTest, HoldsCallsWeaklySoADestroyedOneIsSkipped) {
  LiveCalls calls;
  auto call = std::make_shared<CountingCall>();
  calls.Add(call);
  call.reset();  // its owner ended it without removing it (yet)
  calls.CancelAll();
}

// A cancelled call may end inline and remove itself from inside Cancel.
class RemovingCall final : public LiveCalls::Call {
 public:
  explicit RemovingCall(LiveCalls& calls) : calls_(calls) {}
  void Cancel() override { calls_.Remove(this); }

 private:
  LiveCalls& calls_;
};

TEST(LiveCallsTest, ACallMayRemoveItselfWhileBeingCancelled) {
  LiveCalls calls;
  auto call = std::make_shared<RemovingCall>(calls);
  calls.Add(call);
  calls.CancelAll();
  calls.AwaitNone();
}

TEST(LiveCallsTest, AwaitNoneReturnsOnceTheLastCallIsRemoved) {
  LiveCalls calls;
  auto call = std::make_shared<CountingCall>();
  calls.Add(call);
  std::thread ender([&calls, &call] { calls.Remove(call.get()); });
  calls.AwaitNone();
  ender.join();
}

}  // namespace
}  // namespace tributary::frontend
