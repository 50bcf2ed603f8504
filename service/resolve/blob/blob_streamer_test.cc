#include "service/resolve/blob/blob_streamer.h"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "boost/asio/io_context.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/registry/testing/fake_registry.h"
#include "service/util/fake_clock.h"

namespace tributary::resolve {
namespace {

namespace asio = boost::asio;
using registry::FakeBody;
using registry::FakeRegistry;
using ::testing::HasSubstr;

oci::Digest DigestOf(const std::string& bytes) {
  oci::DigestHasher hasher(oci::DigestAlgorithm::kSha256);
  hasher.Update(bytes);
  return hasher.Finish();
}

// A patterned blob of `size` bytes (so misplaced bytes change the digest).
std::string Blob(size_t size) {
  std::string blob(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    blob[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  }
  return blob;
}

// Takes every write at once and keeps what it got.
class CollectingConsumer final : public BlobConsumer {
 public:
  void SendDescriptor(const BlobDescriptorInfo& info) override {
    descriptor = info;
    handle->WriteDone(true);
  }
  void SendChunk(util::Chunk data) override {
    bytes += data.view();
    ++chunks;
    handle->WriteDone(true);
  }
  void EndStream(const absl::Status& status) override { ended = status; }

  BlobStreamHandle* handle = nullptr;
  std::optional<BlobDescriptorInfo> descriptor;
  std::string bytes;
  int chunks = 0;
  std::optional<absl::Status> ended;
};

// The blob producer over fake upstreams on one io_context: no network I/O.
class BlobStreamerTest : public ::testing::Test {
 protected:
  FakeRegistry& Add(const std::string& name) {
    auto fake = FakeRegistry::Named(name);
    FakeRegistry& raw = *fake;
    upstreams_.push_back(
        std::make_unique<Upstream>(static_cast<int>(upstreams_.size()),
                                   std::move(fake), clock_, metrics_));
    return raw;
  }

  // Streams `digest` to completion (failing after a generous timeout rather
  // than hanging), while `other_streams` hold shares of the chunk budget.
  void Stream(const oci::Digest& digest, int64_t offset = 0, int64_t length = 0,
              int other_streams = 0) {
    BlobRequest request{
        .query = {.repository = "team/app", .digest = digest},
        .offset = offset,
        .length = length,
    };
    const BlobStreams streams(io_.get_executor(), upstreams_, metrics_,
                              options_);
    std::vector<std::shared_ptr<const util::ChunkLease>> others;
    for (int i = 0; i < other_streams; ++i) {
      others.push_back(streams.chunks().Acquire());
    }
    std::shared_ptr<BlobStreamHandle> handle = streams.New(request, &consumer_);
    consumer_.handle = handle.get();
    handle->Start();
    io_.run_for(std::chrono::seconds(10));
    ASSERT_TRUE(consumer_.ended.has_value()) << "the stream did not end";
  }

  static constexpr int64_t kChunk = 1000;
  BlobStreamOptions options_{.chunk_bytes = kChunk, .max_attempts = 5};
  asio::io_context io_;
  util::FakeClock clock_;
  metrics::Metrics metrics_{{"hub", "mirror"}};
  std::vector<std::unique_ptr<Upstream>> upstreams_;
  CollectingConsumer consumer_;
};

TEST_F(BlobStreamerTest, StreamsTheWholeBlobInChunksAfterItsDescriptor) {
  const std::string blob = Blob(4500);
  Add("hub").on_blob = [&](auto&, auto) { return FakeBody{blob}; };

  Stream(DigestOf(blob));
  EXPECT_TRUE(consumer_.ended->ok()) << *consumer_.ended;
  ASSERT_TRUE(consumer_.descriptor.has_value());
  EXPECT_EQ(consumer_.descriptor->size, 4500);
  EXPECT_EQ(consumer_.descriptor->upstream, "hub");
  EXPECT_EQ(consumer_.bytes, blob);
  EXPECT_EQ(consumer_.chunks, 5);
}

TEST_F(BlobStreamerTest, ALoneStreamReadsInTheLargestChunksTheBudgetAllows) {
  options_.max_chunk_bytes = 4 * kChunk;
  options_.chunk_budget_bytes = 1 << 20;
  const std::string blob = Blob(9000);
  Add("hub").on_blob = [&](auto&, auto) { return FakeBody{blob}; };

  Stream(DigestOf(blob));
  EXPECT_TRUE(consumer_.ended->ok()) << *consumer_.ended;
  EXPECT_EQ(consumer_.bytes, blob);
  EXPECT_EQ(consumer_.chunks, 3);  // 4000, 4000, 1000
}

TEST_F(BlobStreamerTest, AStreamStartedPastTheBudgetReadsInTheSmallestChunks) {
  options_.max_chunk_bytes = 4 * kChunk;
  options_.chunk_budget_bytes = 3 * 4 * kChunk;  // one stream's three chunks
  const std::string blob = Blob(9000);
  Add("hub").on_blob = [&](auto&, auto) { return FakeBody{blob}; };

  Stream(DigestOf(blob), 0, 0, /*other_streams=*/1);
  EXPECT_TRUE(consumer_.ended->ok()) << *consumer_.ended;
  EXPECT_EQ(consumer_.bytes, blob);
  EXPECT_EQ(consumer_.chunks, 9);
}

TEST_F(BlobStreamerTest, ResumesFromTheByteReachedOnTheNextUpstream) {
  const std::string blob = Blob(4500);
  FakeRegistry& hub = Add("hub");
  // Cut after 2,500 bytes; asked again from there, it fails at once.
  hub.on_blob = [&](auto&, auto) { return FakeBody{blob, 2500}; };
  FakeRegistry& mirror = Add("mirror");
  mirror.on_blob = [&](auto&, auto) { return FakeBody{blob}; };

  Stream(DigestOf(blob));
  EXPECT_TRUE(consumer_.ended->ok()) << *consumer_.ended;
  EXPECT_EQ(consumer_.bytes, blob);
  ASSERT_EQ(hub.blob_opens().size(), 2u);  // once more where it made progress
  EXPECT_EQ(hub.blob_opens()[1].offset, 2500);
  ASSERT_EQ(mirror.blob_opens().size(), 1u);
  EXPECT_EQ(mirror.blob_opens()[0].offset, 2500);
}

TEST_F(BlobStreamerTest, HoldsTheLastChunkBackWhenTheDigestDoesNotMatch) {
  const std::string blob = Blob(4500);
  std::string corrupt = blob;
  corrupt[4400] ^= 1;
  Add("hub").on_blob = [&](auto&, auto) { return FakeBody{corrupt}; };

  Stream(DigestOf(blob));
  EXPECT_EQ(consumer_.ended->code(), absl::StatusCode::kDataLoss);
  // Everything but the held-back last chunk: never a complete wrong blob.
  EXPECT_EQ(consumer_.bytes, corrupt.substr(0, 4000));
}

TEST_F(BlobStreamerTest, ServesARangeWithoutVerifyingTheWholeBlob) {
  const std::string blob = Blob(4500);
  FakeRegistry& hub = Add("hub");
  hub.on_blob = [&](auto&, auto) { return FakeBody{blob}; };

  Stream(DigestOf(blob), /*offset=*/1200, /*length=*/1500);
  EXPECT_TRUE(consumer_.ended->ok()) << *consumer_.ended;
  EXPECT_EQ(consumer_.bytes, blob.substr(1200, 1500));
  ASSERT_EQ(hub.blob_opens().size(), 1u);
  EXPECT_EQ(hub.blob_opens()[0].end, 2700);
}

TEST_F(BlobStreamerTest, NamesEveryUpstreamWhenNoneHasTheBlob) {
  Add("hub");
  Add("mirror");

  Stream(DigestOf("x"));
  EXPECT_EQ(consumer_.ended->code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(consumer_.ended->message(), HasSubstr("hub"));
  EXPECT_THAT(consumer_.ended->message(), HasSubstr("mirror"));
  EXPECT_FALSE(consumer_.descriptor.has_value());
}

TEST_F(BlobStreamerTest, AnExceptionEndsTheStreamWithInternal) {
  Add("hub").on_blob = [](auto&, auto) -> absl::StatusOr<FakeBody> {
    throw std::runtime_error("injected failure");
  };

  Stream(DigestOf("x"));
  EXPECT_EQ(consumer_.ended->code(), absl::StatusCode::kInternal);
  EXPECT_THAT(consumer_.ended->message(), HasSubstr("injected failure"));
}

}  // namespace
}  // namespace tributary::resolve
