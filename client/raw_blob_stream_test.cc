#include "client/raw_blob_stream.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tributary::client {
namespace {

grpc::ByteBuffer BufferOf(const std::vector<std::string>& parts) {
  std::vector<grpc::Slice> slices;
  for (const std::string& part : parts) {
    slices.emplace_back(part);
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

std::string Joined(const BlobMessage& message) {
  std::string joined;
  for (std::string_view piece : message.pieces) {
    joined.append(piece.data(), piece.size());
  }
  return joined;
}

std::string ChunkResponse(const std::string& bytes) {
  v1::GetBlobResponse response;
  response.set_chunk(bytes);
  return response.SerializeAsString();
}

TEST(ReadBlobMessageTest, ReadsAChunkSpreadOverSlicesInPlace) {
  const std::string bytes(200000, 'z');
  const std::string wire = ChunkResponse(bytes);
  // The framing split across slices, the bytes across three more.
  grpc::ByteBuffer buffer =
      BufferOf({wire.substr(0, 1), wire.substr(1, 2), wire.substr(3, 100000),
                wire.substr(100003)});
  BlobMessage message;
  ASSERT_TRUE(ReadBlobMessage(buffer, message).ok());
  EXPECT_FALSE(message.descriptor.has_value());
  EXPECT_EQ(message.chunk_size(), bytes.size());
  EXPECT_EQ(Joined(message), bytes);
  EXPECT_GE(message.pieces.size(), 2u) << "pieces point into the slices";
}

TEST(ReadBlobMessageTest, ReadsADescriptor) {
  v1::GetBlobResponse response;
  response.mutable_blob()->set_digest("sha256:abc");
  response.mutable_blob()->set_size(9);
  grpc::ByteBuffer buffer = BufferOf({response.SerializeAsString()});
  BlobMessage message;
  ASSERT_TRUE(ReadBlobMessage(buffer, message).ok());
  ASSERT_TRUE(message.descriptor.has_value());
  EXPECT_EQ(message.descriptor->digest(), "sha256:abc");
  EXPECT_EQ(message.descriptor->size(), 9);
}

TEST(ReadBlobMessageTest, AnEmptyChunkIsAChunk) {
  grpc::ByteBuffer buffer = BufferOf({std::string("\x12\x00", 2)});
  BlobMessage message;
  ASSERT_TRUE(ReadBlobMessage(buffer, message).ok());
  EXPECT_FALSE(message.descriptor.has_value());
  EXPECT_EQ(message.chunk_size(), 0u);
}

TEST(ReadBlobMessageTest, OtherValidEncodingsFallBackToAParse) {
  // Two chunk fields: in protobuf the last one wins.
  grpc::ByteBuffer buffer =
      BufferOf({ChunkResponse("first") + ChunkResponse("second")});
  BlobMessage message;
  ASSERT_TRUE(ReadBlobMessage(buffer, message).ok());
  EXPECT_EQ(Joined(message), "second");
}

TEST(ReadBlobMessageTest, ATruncatedChunkIsInternal) {
  const std::string wire = ChunkResponse(std::string(1000, 'a'));
  grpc::ByteBuffer buffer = BufferOf({wire.substr(0, 500)});
  BlobMessage message;
  EXPECT_EQ(ReadBlobMessage(buffer, message).code(),
            absl::StatusCode::kInternal);
}

TEST(ReadBlobMessageTest, AMessageWithNeitherPartIsInternal) {
  grpc::ByteBuffer buffer = BufferOf({std::string()});
  BlobMessage message;
  EXPECT_EQ(ReadBlobMessage(buffer, message).code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace tributary::client
