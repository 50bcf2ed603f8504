#include "service/cache/single_flight.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tributary::cache {
namespace {

TEST(SingleFlightTest, TheFirstCallerLeadsAndLaterOnesWait) {
  SingleFlight<int> flights;
  std::vector<int> got;
  EXPECT_TRUE(flights.Join("k", [&](const int& r) { got.push_back(r); }));
  EXPECT_FALSE(flights.Join("k", [&](const int& r) { got.push_back(r + 1); }));
  EXPECT_FALSE(flights.Join("k", [&](const int& r) { got.push_back(r + 2); }));
  EXPECT_EQ(flights.in_flight(), 1);
  flights.Complete("k", 10);
  EXPECT_EQ(got, (std::vector<int>{10, 11, 12}));
  EXPECT_EQ(flights.in_flight(), 0);
}

TEST(SingleFlightTest, DifferentKeysDoNotShareWork) {
  SingleFlight<int> flights;
  EXPECT_TRUE(flights.Join("a", [](const int&) {}));
  EXPECT_TRUE(flights.Join("b", [](const int&) {}));
  EXPECT_EQ(flights.in_flight(), 2);
}

TEST(SingleFlightTest, AfterCompletionTheNextCallerLeadsAgain) {
  SingleFlight<int> flights;
  ASSERT_TRUE(flights.Join("k", [](const int&) {}));
  flights.Complete("k", 1);
  EXPECT_TRUE(flights.Join("k", [](const int&) {}));
}

TEST(SingleFlightTest, AWaiterMayJoinAgainFromInsideItsCallback) {
  SingleFlight<int> flights;
  bool rejoined_as_leader = false;
  ASSERT_TRUE(flights.Join("k", [&](const int&) {
    rejoined_as_leader = flights.Join("k", [](const int&) {});
  }));
  flights.Complete("k", 1);
  EXPECT_TRUE(rejoined_as_leader);
}

TEST(SingleFlightTest, CompletingAnUnknownKeyDoesNothing) {
  SingleFlight<int> flights;
  flights.Complete("nobody", 1);
  EXPECT_EQ(flights.in_flight(), 0);
}

}  // namespace
}  // namespace tributary::cache
