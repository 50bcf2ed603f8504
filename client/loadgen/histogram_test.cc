#include "client/loadgen/histogram.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

namespace tributary::client::loadgen {
namespace {

TEST(LatencyHistogramTest, EmptyHistogramReportsZeros) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.max(), 0);
  EXPECT_EQ(histogram.mean(), 0.0);
  EXPECT_EQ(histogram.Percentile(0.99), 0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (int64_t v = 1; v <= 100; ++v) {
    histogram.Record(v);
  }
  EXPECT_EQ(histogram.Percentile(0.5), 50);
  EXPECT_EQ(histogram.Percentile(0.9), 90);
  EXPECT_EQ(histogram.Percentile(0.99), 99);
  EXPECT_EQ(histogram.Percentile(1.0), 100);
  EXPECT_EQ(histogram.min(), 1);
  EXPECT_EQ(histogram.max(), 100);
  EXPECT_DOUBLE_EQ(histogram.mean(), 50.5);
}

TEST(LatencyHistogramTest,
     EveryValueLiesWithinItsBucketAndWithinOnePointSixPercent) {
  for (int64_t v = 0; v < (int64_t{1} << 38); v = v * 5 / 4 + 1) {
    const size_t bucket = LatencyHistogram::BucketOf(v);
    const int64_t upper = LatencyHistogram::BucketUpperBound(bucket);
    EXPECT_LE(v, upper) << v;
    EXPECT_LE(upper - v, v / 64 + 1) << v;
    if (bucket > 0) {
      EXPECT_GT(v, LatencyHistogram::BucketUpperBound(bucket - 1)) << v;
    }
  }
}

TEST(LatencyHistogramTest, PercentilesOfMillisecondsAreCloseAndCappedAtMax) {
  LatencyHistogram histogram;
  for (int i = 1; i <= 1000; ++i) {
    histogram.Record(int64_t{i} * 1'000'000);  // 1..1000 ms
  }
  const double p50 = static_cast<double>(histogram.Percentile(0.5));
  EXPECT_NEAR(p50, 500e6, 500e6 / 64);
  const double p999 = static_cast<double>(histogram.Percentile(0.999));
  EXPECT_NEAR(p999, 999e6, 999e6 / 64);
  EXPECT_EQ(histogram.Percentile(1.0), 1'000'000'000);
}

TEST(LatencyHistogramTest, HugeAndNegativeValuesAreClamped) {
  LatencyHistogram histogram;
  histogram.Record(-5);
  histogram.Record(int64_t{1} << 50);
  EXPECT_EQ(histogram.count(), 2);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.max(), int64_t{1} << 50);
  EXPECT_EQ(histogram.Percentile(1.0), int64_t{1} << 50);
}

TEST(LatencyHistogramTest, ConcurrentRecordsAreAllCounted) {
  LatencyHistogram histogram;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&histogram, t] {
      for (int i = 0; i < 10000; ++i) {
        histogram.Record(1000 + t);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(histogram.count(), 40000);
  EXPECT_EQ(histogram.min(), 1000);
  EXPECT_EQ(histogram.max(), 1003);
}

}  // namespace
}  // namespace tributary::client::loadgen
