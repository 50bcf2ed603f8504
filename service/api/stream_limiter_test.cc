#include "service/api/stream_limiter.h"

#include "gtest/gtest.h"

namespace tributary::api {
namespace {

TEST(PeerAddressTest, DropsThePortOfAnIpPeer) {
  EXPECT_EQ(PeerAddress("ipv4:10.0.0.7:51234"), "ipv4:10.0.0.7");
  EXPECT_EQ(PeerAddress("ipv6:[::1]:40000"), "ipv6:[::1]");
  EXPECT_EQ(PeerAddress("ipv6:%5B::1%5D:40000"), "ipv6:%5B::1%5D");
}

TEST(PeerAddressTest, KeepsOtherPeersWhole) {
  EXPECT_EQ(PeerAddress("unix:/run/tributary/grpc.sock"),
            "unix:/run/tributary/grpc.sock");
  EXPECT_EQ(PeerAddress(""), "");
}

TEST(StreamLimiterTest, RefusesStreamsPastTheGlobalCap) {
  metrics::Metrics metrics({});
  StreamLimiter limiter(2, 2, metrics);
  EXPECT_TRUE(limiter.TryAcquire("ipv4:10.0.0.1").ok());
  EXPECT_TRUE(limiter.TryAcquire("ipv4:10.0.0.2").ok());
  const absl::Status refused = limiter.TryAcquire("ipv4:10.0.0.3");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.message(),
            "already serving 2 blob streams (limits.max_blob_streams)");
  limiter.Release("ipv4:10.0.0.1");
  EXPECT_TRUE(limiter.TryAcquire("ipv4:10.0.0.3").ok());
}

TEST(StreamLimiterTest, OnePeerCannotTakeEverySlot) {
  metrics::Metrics metrics({});
  StreamLimiter limiter(10, 2, metrics);
  EXPECT_TRUE(limiter.TryAcquire("ipv4:10.0.0.1").ok());
  EXPECT_TRUE(limiter.TryAcquire("ipv4:10.0.0.1").ok());
  const absl::Status refused = limiter.TryAcquire("ipv4:10.0.0.1");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.message(),
            "already serving 2 blob streams to ipv4:10.0.0.1 "
            "(limits.max_blob_streams_per_peer)");
  EXPECT_TRUE(limiter.TryAcquire("ipv4:10.0.0.2").ok()) << "others still can";
  limiter.Release("ipv4:10.0.0.1");
  EXPECT_TRUE(limiter.TryAcquire("ipv4:10.0.0.1").ok());
}

TEST(CallLimiterTest, AdmitsUpToItsCap) {
  CallLimiter limiter(2);
  EXPECT_TRUE(limiter.TryAcquire());
  EXPECT_TRUE(limiter.TryAcquire());
  EXPECT_FALSE(limiter.TryAcquire());
  limiter.Release();
  EXPECT_TRUE(limiter.TryAcquire());
}

}  // namespace
}  // namespace tributary::api
