#include "client/blob_receiver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "service/oci/digest.h"

namespace tributary::client {
namespace {

using ::testing::HasSubstr;

// Records what the receiver does to its sink.
class RecordingSink final : public BlobSink {
 public:
  absl::Status Write(absl::string_view bytes) override {
    if (!write_error.ok()) {
      return write_error;
    }
    bytes_.append(bytes.data(), bytes.size());
    return absl::OkStatus();
  }
  absl::Status Commit() override {
    ++commits;
    return commit_error;
  }
  void Abort(const absl::Status& why) override {
    ++aborts;
    abort_reason = why;
  }

  const std::string& bytes() const { return bytes_; }

  absl::Status write_error;
  absl::Status commit_error;
  int commits = 0;
  int aborts = 0;
  absl::Status abort_reason;

 private:
  std::string bytes_;
};

oci::Digest DigestOf(const std::string& bytes) {
  return oci::ComputeDigest(oci::DigestAlgorithm::kSha256, bytes);
}

v1::GetBlobResponse Descriptor(const std::string& digest, int64_t size) {
  v1::GetBlobResponse message;
  message.mutable_blob()->set_digest(digest);
  message.mutable_blob()->set_size(size);
  message.mutable_blob()->mutable_upstream()->set_name("local");
  return message;
}

v1::GetBlobResponse Chunk(std::string bytes) {
  v1::GetBlobResponse message;
  message.set_chunk(std::move(bytes));
  return message;
}

class BlobReceiverTest : public ::testing::Test {
 protected:
  const std::string blob_ = "hello, blob world";
  const oci::Digest digest_ = DigestOf(blob_);
  RecordingSink sink_;
  std::vector<std::pair<int64_t, int64_t>> progress_;
  BlobReceiver receiver_{digest_, sink_,
                         [this](int64_t received, int64_t total) {
                           progress_.emplace_back(received, total);
                         }};
};

TEST_F(BlobReceiverTest, CommitsAVerifiedBlobSentInChunks) {
  ASSERT_TRUE(receiver_.Receive(Descriptor(digest_.str(), 17)).ok());
  ASSERT_TRUE(receiver_.Receive(Chunk("hello, ")).ok());
  ASSERT_TRUE(receiver_.Receive(Chunk("blob world")).ok());
  absl::StatusOr<v1::BlobDescriptor> done = receiver_.Finish(absl::OkStatus());
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->digest(), digest_.str());
  EXPECT_EQ(done->upstream().name(), "local");
  EXPECT_EQ(sink_.bytes(), blob_);
  EXPECT_EQ(sink_.commits, 1);
  EXPECT_EQ(sink_.aborts, 0);
}

TEST_F(BlobReceiverTest, TakesARawChunkPieceByPiece) {
  ASSERT_TRUE(receiver_.Receive(Descriptor(digest_.str(), 17)).ok());
  BlobMessage raw;
  raw.pieces = {"hello, ", "blob ", "world"};
  ASSERT_TRUE(receiver_.Receive(raw).ok());
  absl::StatusOr<v1::BlobDescriptor> done = receiver_.Finish(absl::OkStatus());
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(sink_.bytes(), blob_);
  EXPECT_EQ(progress_, (std::vector<std::pair<int64_t, int64_t>>{{17, 17}}));
}

TEST_F(BlobReceiverTest, ARawChunkPastTheDeclaredSizeWritesNothing) {
  ASSERT_TRUE(receiver_.Receive(Descriptor(digest_.str(), 10)).ok());
  BlobMessage raw;
  raw.pieces = {"hello, ", "blob world"};
  EXPECT_EQ(receiver_.Receive(raw).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(sink_.bytes(), "");
}

TEST_F(BlobReceiverTest, ReportsProgressAfterEveryChunk) {
  ASSERT_TRUE(receiver_.Receive(Descriptor(digest_.str(), 17)).ok());
  ASSERT_TRUE(receiver_.Receive(Chunk("hello, ")).ok());
  ASSERT_TRUE(receiver_.Receive(Chunk("blob world")).ok());
  using Step = std::pair<int64_t, int64_t>;
  EXPECT_EQ(progress_, (std::vector<Step>{{7, 17}, {17, 17}}));
}

TEST_F(BlobReceiverTest, AbortsOnADigestMismatch) {
  ASSERT_TRUE(receiver_.Receive(Descriptor(digest_.str(), 17)).ok());
  ASSERT_TRUE(receiver_.Receive(Chunk("hello, blob WORLD")).ok());
  absl::StatusOr<v1::BlobDescriptor> done = receiver_.Finish(absl::OkStatus());
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(done.status().message(), HasSubstr("digest mismatch"));
  EXPECT_THAT(done.status().message(), HasSubstr(digest_.str()));
  EXPECT_EQ(sink_.commits, 0);
  EXPECT_EQ(sink_.aborts, 1);
}

TEST_F(BlobReceiverTest, AbortsWhenTheStreamEndsShort) {
  ASSERT_TRUE(receiver_.Receive(Descriptor(digest_.str(), 17)).ok());
  ASSERT_TRUE(receiver_.Receive(Chunk("hello")).ok());
  absl::StatusOr<v1::BlobDescriptor> done = receiver_.Finish(absl::OkStatus());
  EXPECT_EQ(done.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(done.status().message(), HasSubstr("after 5 of 17 bytes"));
  EXPECT_EQ(sink_.aborts, 1);
}

TEST_F(BlobReceiverTest, StopsAtTheFirstByteBeyondTheDeclaredSize) {
  ASSERT_TRUE(receiver_.Receive(Descriptor(digest_.str(), 5)).ok());
  const absl::Status status = receiver_.Receive(Chunk("hello, "));
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("longer than its declared size 5"));
  EXPECT_EQ(sink_.bytes(), "");
  EXPECT_EQ(sink_.aborts, 1);
}

TEST_F(BlobReceiverTest, RefusesADescriptorForAnotherDigest) {
  const std::string other = DigestOf("other").str();
  const absl::Status status = receiver_.Receive(Descriptor(other, 17));
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr(other));
  EXPECT_EQ(sink_.aborts, 1);
}

TEST_F(BlobReceiverTest, RefusesANegativeSize) {
  EXPECT_EQ(receiver_.Receive(Descriptor(digest_.str(), -1)).code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(BlobReceiverTest, RefusesDataBeforeTheDescriptor) {
  const absl::Status status = receiver_.Receive(Chunk("hello"));
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("before the blob descriptor"));
  EXPECT_EQ(sink_.aborts, 1);
}

TEST_F(BlobReceiverTest, RefusesASecondDescriptor) {
  ASSERT_TRUE(receiver_.Receive(Descriptor(digest_.str(), 17)).ok());
  EXPECT_EQ(receiver_.Receive(Descriptor(digest_.str(), 17)).code(),
            absl::StatusCode::kInternal);
}

TEST_F(BlobReceiverTest, RefusesAnEmptyMessage) {
  EXPECT_EQ(receiver_.Receive(v1::GetBlobResponse()).code(),
            absl::StatusCode::kInternal);
}

TEST_F(BlobReceiverTest, RefusesAStreamWithoutDescriptor) {
  EXPECT_EQ(receiver_.Finish(absl::OkStatus()).status().code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(sink_.aborts, 1);
}

TEST_F(BlobReceiverTest, PassesOnTheStreamsErrorAndAborts) {
  ASSERT_TRUE(receiver_.Receive(Descriptor(digest_.str(), 17)).ok());
  ASSERT_TRUE(receiver_.Receive(Chunk("hello")).ok());
  absl::StatusOr<v1::BlobDescriptor> done =
      receiver_.Finish(absl::DataLossError("upstream digest mismatch"));
  EXPECT_EQ(done.status(), absl::DataLossError("upstream digest mismatch"));
  EXPECT_EQ(sink_.aborts, 1);
}

TEST_F(BlobReceiverTest, AbortsOnceAndKeepsTheFirstFailure) {
  ASSERT_FALSE(receiver_.Receive(Chunk("early")).ok());
  EXPECT_EQ(receiver_.Receive(Descriptor(digest_.str(), 17)).code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(receiver_.Finish(absl::CancelledError("cancelled")).status().code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(sink_.aborts, 1);
}

TEST_F(BlobReceiverTest, AbortsWhenTheSinkCannotWrite) {
  sink_.write_error = absl::ResourceExhaustedError("disk full");
  ASSERT_TRUE(receiver_.Receive(Descriptor(digest_.str(), 17)).ok());
  EXPECT_EQ(receiver_.Receive(Chunk("hello")).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(sink_.aborts, 1);
}

TEST_F(BlobReceiverTest, ReturnsAFailedCommit) {
  sink_.commit_error = absl::InternalError("rename failed");
  ASSERT_TRUE(receiver_.Receive(Descriptor(digest_.str(), 17)).ok());
  ASSERT_TRUE(receiver_.Receive(Chunk(blob_)).ok());
  EXPECT_EQ(receiver_.Finish(absl::OkStatus()).status().code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(sink_.commits, 1);
}

TEST(BlobReceiverEmptyTest, CommitsAnEmptyBlob) {
  RecordingSink sink;
  const oci::Digest empty = DigestOf("");
  BlobReceiver receiver(empty, sink, nullptr);
  ASSERT_TRUE(receiver.Receive(Descriptor(empty.str(), 0)).ok());
  EXPECT_TRUE(receiver.Finish(absl::OkStatus()).ok());
  EXPECT_EQ(sink.commits, 1);
}

TEST(BlobReceiverSha512Test, VerifiesWithTheRequestedAlgorithm) {
  RecordingSink sink;
  const oci::Digest digest =
      oci::ComputeDigest(oci::DigestAlgorithm::kSha512, "abc");
  BlobReceiver receiver(digest, sink, nullptr);
  ASSERT_TRUE(receiver.Receive(Descriptor(digest.str(), 3)).ok());
  ASSERT_TRUE(receiver.Receive(Chunk("abc")).ok());
  EXPECT_TRUE(receiver.Finish(absl::OkStatus()).ok());
}

}  // namespace
}  // namespace tributary::client
