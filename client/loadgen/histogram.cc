#include "client/loadgen/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace tributary::client::loadgen {
namespace {

constexpr int64_t kLinearLimit = 128;  // Values below are their own bucket.

}  // namespace

LatencyHistogram::LatencyHistogram()
    : min_(std::numeric_limits<int64_t>::max()) {
  for (std::atomic<int64_t>& bucket : buckets_) {
    bucket.store(0, std::memory_order_relaxed);
  }
}

size_t LatencyHistogram::BucketOf(int64_t nanos) {
  if (nanos < kLinearLimit) {
    return static_cast<size_t>(std::max<int64_t>(nanos, 0));
  }
  const uint64_t value = static_cast<uint64_t>(nanos);
  const int magnitude = std::bit_width(value) - 1;  // >= 7
  const int shift = magnitude - kSubBucketBits;     // >= 1
  const uint64_t top = value >> shift;              // in [64, 128)
  const size_t bucket =
      static_cast<size_t>(kLinearLimit) +
      static_cast<size_t>(shift - 1) * (size_t{1} << kSubBucketBits) +
      static_cast<size_t>(top - (uint64_t{1} << kSubBucketBits));
  return std::min(bucket, kBuckets - 1);
}

int64_t LatencyHistogram::BucketUpperBound(size_t bucket) {
  if (bucket < static_cast<size_t>(kLinearLimit)) {
    return static_cast<int64_t>(bucket);
  }
  const size_t above = bucket - static_cast<size_t>(kLinearLimit);
  const int shift = static_cast<int>(above >> kSubBucketBits) + 1;
  const uint64_t top = (uint64_t{1} << kSubBucketBits) +
                       (above & ((size_t{1} << kSubBucketBits) - 1));
  return static_cast<int64_t>(((top + 1) << shift) - 1);
}

void LatencyHistogram::Record(int64_t nanos) {
  nanos = std::max<int64_t>(nanos, 0);
  buckets_[BucketOf(nanos)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(nanos, std::memory_order_relaxed);
  int64_t seen = max_.load(std::memory_order_relaxed);
  while (nanos > seen &&
         !max_.compare_exchange_weak(seen, nanos, std::memory_order_relaxed)) {
  }
  seen = min_.load(std::memory_order_relaxed);
  while (nanos < seen &&
         !min_.compare_exchange_weak(seen, nanos, std::memory_order_relaxed)) {
  }
}

int64_t LatencyHistogram::min() const {
  return count() == 0 ? 0 : min_.load(std::memory_order_relaxed);
}

double LatencyHistogram::mean() const {
  const int64_t n = count();
  return n == 0 ? 0.0
                : static_cast<double>(sum_.load(std::memory_order_relaxed)) /
                      static_cast<double>(n);
}

int64_t LatencyHistogram::Percentile(double q) const {
  const int64_t n = count();
  if (n == 0) {
    return 0;
  }
  const int64_t rank = std::clamp<int64_t>(
      static_cast<int64_t>(std::ceil(q * static_cast<double>(n))), 1, n);
  int64_t seen = 0;
  for (size_t bucket = 0; bucket < kBuckets; ++bucket) {
    seen += buckets_[bucket].load(std::memory_order_relaxed);
    if (seen >= rank) {
      // The last bucket also holds everything too large for the others.
      return bucket == kBuckets - 1 ? max()
                                    : std::min(BucketUpperBound(bucket), max());
    }
  }
  return max();
}

}  // namespace tributary::client::loadgen
