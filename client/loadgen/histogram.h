#ifndef TRIBUTARY_CLIENT_LOADGEN_HISTOGRAM_H_
#define TRIBUTARY_CLIENT_LOADGEN_HISTOGRAM_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace tributary::client::loadgen {

// A latency histogram for the load generator's hot path: Record is a few
// relaxed atomic increments, so every completion thread records into one
// histogram without a lock. Log-linear buckets (HDR-style: exact below 128,
// then 64 buckets per power of two) keep every value within 1/64 (1.6%) of
// its bucket's bounds, from 1 ns up to about 18 minutes; larger values land in
// the last bucket. Count, min, max and sum are exact. Thread-safe; reads taken
// while others record see a consistent-enough snapshot for progress output.
class LatencyHistogram {
 public:
  LatencyHistogram();

  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  void Record(int64_t nanos);

  int64_t count() const { return count_.load(std::memory_order_relaxed); }
  // 0 when empty.
  int64_t min() const;
  int64_t max() const { return max_.load(std::memory_order_relaxed); }
  double mean() const;

  // The value at quantile `q` (0 < q <= 1): the upper bound of the bucket
  // holding the ceil(q * count)-th smallest value, capped at max(). 0 when
  // empty.
  int64_t Percentile(double q) const;

  // Bucket arithmetic, exposed for tests.
  static size_t BucketOf(int64_t nanos);
  static int64_t BucketUpperBound(size_t bucket);

 private:
  static constexpr int kSubBucketBits = 6;  // 64 buckets per power of two.
  static constexpr int kMaxMagnitude =
      39;  // Values below 2^40 ns (~18 minutes).
  static constexpr size_t kBuckets =
      (size_t{2} << kSubBucketBits) +
      size_t{kMaxMagnitude - kSubBucketBits} * (size_t{1} << kSubBucketBits);

  std::array<std::atomic<int64_t>, kBuckets> buckets_;
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> sum_{0};
  std::atomic<int64_t> min_;
  std::atomic<int64_t> max_{0};
};

}  // namespace tributary::client::loadgen

#endif  // TRIBUTARY_CLIENT_LOADGEN_HISTOGRAM_H_
