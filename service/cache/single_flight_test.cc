#include "service/cache/single_flight.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace tributary::cache {
namespace {

TEST(SingleFlightTest, TheFirstCallerLeadsAndLaterOnesWait) {
  SingleFlight<int> flights;
  std::vector<int> got;
  const auto leader =
      flights.Join("k", [&](const int& r) { got.push_back(r); });
  EXPECT_TRUE(leader.leader);
  EXPECT_FALSE(
      flights.Join("k", [&](const int& r) { got.push_back(r + 1); }).leader);
  EXPECT_FALSE(
      flights.Join("k", [&](const int& r) { got.push_back(r + 2); }).leader);
  EXPECT_EQ(flights.in_flight(), 1);
  flights.Complete("k", leader.flight, 10);
  EXPECT_EQ(got, (std::vector<int>{10, 11, 12}));
  EXPECT_EQ(flights.in_flight(), 0);
}

TEST(SingleFlightTest, DifferentKeysDoNotShareWork) {
  SingleFlight<int> flights;
  EXPECT_TRUE(flights.Join("a", [](const int&) {}).leader);
  EXPECT_TRUE(flights.Join("b", [](const int&) {}).leader);
  EXPECT_EQ(flights.in_flight(), 2);
}

TEST(SingleFlightTest, AfterCompletionTheNextCallerLeadsAgain) {
  SingleFlight<int> flights;
  const auto first = flights.Join("k", [](const int&) {});
  ASSERT_TRUE(first.leader);
  flights.Complete("k", first.flight, 1);
  EXPECT_TRUE(flights.Join("k", [](const int&) {}).leader);
}

TEST(SingleFlightTest, AWaiterMayJoinAgainFromInsideItsCallback) {
  SingleFlight<int> flights;
  bool rejoined_as_leader = false;
  const auto first = flights.Join("k", [&](const int&) {
    rejoined_as_leader = flights.Join("k", [](const int&) {}).leader;
  });
  ASSERT_TRUE(first.leader);
  flights.Complete("k", first.flight, 1);
  EXPECT_TRUE(rejoined_as_leader);
}

TEST(SingleFlightTest, CompletingAnUnknownKeyDoesNothing) {
  SingleFlight<int> flights;
  flights.Complete("nobody", 1, 1);
  EXPECT_EQ(flights.in_flight(), 0);
}

TEST(SingleFlightTest, TheWorkGoesOnWhileOneOfTwoWaitersIsLeft) {
  SingleFlight<int> flights;
  std::vector<int> got;
  const auto first = flights.Join("k", [&](const int& r) { got.push_back(r); });
  const auto second =
      flights.Join("k", [&](const int& r) { got.push_back(r + 1); });

  std::optional<SingleFlight<int>::Waiter> left =
      flights.Leave("k", first.waiter);

  ASSERT_TRUE(left.has_value());
  EXPECT_FALSE(first.cancel->cancelled());
  flights.Complete("k", first.flight, 10);
  EXPECT_EQ(got, (std::vector<int>{11})) << "only the waiter still there";
  (*left)(20);
  EXPECT_EQ(got, (std::vector<int>{11, 20}));
  (void)second;
}

TEST(SingleFlightTest, TheLastWaiterLeavingCancelsTheWork) {
  SingleFlight<int> flights;
  const auto first = flights.Join("k", [](const int&) {});
  const auto second = flights.Join("k", [](const int&) {});

  ASSERT_TRUE(flights.Leave("k", first.waiter).has_value());
  ASSERT_TRUE(flights.Leave("k", second.waiter).has_value());

  EXPECT_TRUE(first.cancel->cancelled());
  EXPECT_EQ(flights.in_flight(), 0);
}

TEST(SingleFlightTest, AfterEveryWaiterLeftTheNextCallerLeadsNewWork) {
  SingleFlight<int> flights;
  const auto abandoned = flights.Join("k", [](const int&) {});
  flights.Leave("k", abandoned.waiter);
  int got = 0;
  const auto fresh = flights.Join("k", [&](const int& r) { got = r; });
  ASSERT_TRUE(fresh.leader);
  EXPECT_FALSE(fresh.cancel->cancelled());

  flights.Complete("k", abandoned.flight, 1);  // the cancelled work ends late
  EXPECT_EQ(got, 0) << "an abandoned flight's result answers nobody";
  flights.Complete("k", fresh.flight, 2);
  EXPECT_EQ(got, 2);
}

TEST(SingleFlightTest, LeavingAfterCompletionReturnsNothing) {
  SingleFlight<int> flights;
  const auto joined = flights.Join("k", [](const int&) {});
  flights.Complete("k", joined.flight, 1);
  EXPECT_FALSE(flights.Leave("k", joined.waiter).has_value());
  EXPECT_FALSE(joined.cancel->cancelled());
}

}  // namespace
}  // namespace tributary::cache
