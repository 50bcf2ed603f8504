#include "client/frontend/download_slots.h"

#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "boost/asio/co_spawn.hpp"
#include "boost/asio/detached.hpp"
#include "boost/asio/io_context.hpp"
#include "gtest/gtest.h"

namespace tributary::frontend {
namespace {

namespace asio = boost::asio;

// Each download holds its slot until told to finish.
class DownloadSlotsTest : public ::testing::Test {
 protected:
  // Starts a download that waits up to `timeout` for a slot, then holds it
  // until `finish[index]` is set.
  void Start(int index, absl::Duration timeout) {
    asio::co_spawn(
        io_,
        [this, index, timeout]() -> asio::awaitable<void> {
          std::optional<DownloadSlots::Slot> slot =
              co_await slots_.Acquire(timeout);
          got_[index] = slot.has_value() ? 1 : -1;
          order_.push_back(index);
          asio::steady_timer poll(io_);
          while (slot.has_value() && !finish_[index]) {
            poll.expires_after(std::chrono::milliseconds(5));
            co_await poll.async_wait(asio::use_awaitable);
          }
        },
        asio::detached);
  }

  void RunFor(absl::Duration duration) {
    io_.restart();
    io_.run_for(absl::ToChronoNanoseconds(duration));
  }

  asio::io_context io_;
  DownloadSlots slots_{2};
  int got_[8] = {};  // 0: waiting, 1: got a slot, -1: gave up
  bool finish_[8] = {};
  std::vector<int> order_;
};

TEST_F(DownloadSlotsTest, DownloadsUpToTheCapStartAtOnce) {
  Start(0, absl::Seconds(5));
  Start(1, absl::Seconds(5));
  RunFor(absl::Milliseconds(50));
  EXPECT_EQ(got_[0], 1);
  EXPECT_EQ(got_[1], 1);
  EXPECT_EQ(slots_.in_use(), 2);
}

TEST_F(DownloadSlotsTest, ADownloadPastTheCapWaitsForAFinishedOne) {
  Start(0, absl::Seconds(5));
  Start(1, absl::Seconds(5));
  Start(2, absl::Seconds(5));
  RunFor(absl::Milliseconds(50));
  EXPECT_EQ(got_[2], 0);
  EXPECT_EQ(slots_.waiting(), 1);

  finish_[0] = true;
  RunFor(absl::Milliseconds(100));
  EXPECT_EQ(got_[2], 1);
  EXPECT_EQ(slots_.in_use(), 2);
  EXPECT_EQ(slots_.waiting(), 0);
}

TEST_F(DownloadSlotsTest, WaitersGetSlotsInTheOrderTheyCame) {
  Start(0, absl::Seconds(5));
  Start(1, absl::Seconds(5));
  Start(2, absl::Seconds(5));
  Start(3, absl::Seconds(5));
  RunFor(absl::Milliseconds(50));
  finish_[1] = true;
  RunFor(absl::Milliseconds(100));
  EXPECT_EQ(got_[2], 1);
  EXPECT_EQ(got_[3], 0);
  finish_[0] = true;
  RunFor(absl::Milliseconds(100));
  EXPECT_EQ(order_, (std::vector<int>{0, 1, 2, 3}));
}

TEST_F(DownloadSlotsTest, AWaiterGivesUpAtItsTimeoutAndLeavesTheQueue) {
  Start(0, absl::Seconds(5));
  Start(1, absl::Seconds(5));
  Start(2, absl::Milliseconds(100));
  RunFor(absl::Milliseconds(300));
  EXPECT_EQ(got_[2], -1);
  EXPECT_EQ(slots_.waiting(), 0);

  finish_[0] = true;
  RunFor(absl::Milliseconds(100));
  EXPECT_EQ(slots_.in_use(), 1) << "the freed slot went to no one";
}

TEST(DownloadSlotsObserverTest, ReportsEveryChangeOfStreamingAndWaiting) {
  asio::io_context io;
  std::vector<std::pair<int, int>> seen;
  DownloadSlots slots(1, [&](int streaming, int waiting) {
    seen.emplace_back(streaming, waiting);
  });
  bool release = false;
  for (int i = 0; i < 2; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          std::optional<DownloadSlots::Slot> slot =
              co_await slots.Acquire(absl::Seconds(5));
          asio::steady_timer poll(io);
          while (!release) {
            poll.expires_after(std::chrono::milliseconds(5));
            co_await poll.async_wait(asio::use_awaitable);
          }
        },
        asio::detached);
  }
  io.run_for(std::chrono::milliseconds(50));
  release = true;
  io.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(seen,
            (std::vector<std::pair<int, int>>{{1, 0}, {1, 1}, {1, 0}, {0, 0}}))
      << "taken; the second waits; the slot passes to it; it ends";
}

}  // namespace
}  // namespace tributary::frontend
