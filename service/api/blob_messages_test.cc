#include "service/api/blob_messages.h"

#include <string>
#include <vector>

#include "grpcpp/support/proto_buffer_reader.h"
#include "gtest/gtest.h"

namespace tributary::api {
namespace {

v1::GetBlobResponse Parse(const grpc::ByteBuffer& message) {
  grpc::ByteBuffer copy(message);
  grpc::ProtoBufferReader reader(&copy);
  v1::GetBlobResponse parsed;
  EXPECT_TRUE(parsed.ParseFromZeroCopyStream(&reader));
  return parsed;
}

util::Chunk Filled(util::ChunkPool& pool, size_t size) {
  util::Chunk chunk = pool.Take();
  for (size_t i = 0; i < size; ++i) {
    chunk.writable_data()[i] = static_cast<char>(i * 7 % 251);
  }
  chunk.set_size(size);
  return chunk;
}

TEST(ChunkMessageTest, ParsesAsAGetBlobResponseChunk) {
  // 300 KiB: its length takes a three-byte varint.
  auto pool = util::ChunkPool::Create(300 << 10, 1);
  util::Chunk chunk = Filled(*pool, 300 << 10);
  const std::string expected(chunk.view());
  const v1::GetBlobResponse parsed = Parse(ChunkMessage(chunk));
  ASSERT_EQ(parsed.part_case(), v1::GetBlobResponse::kChunk);
  EXPECT_EQ(parsed.chunk(), expected);
}

TEST(ChunkMessageTest, SmallAndEmptyChunksParseToo) {
  EXPECT_EQ(Parse(ChunkMessage(util::Chunk::Copy("x"))).chunk(), "x");
  const v1::GetBlobResponse empty = Parse(ChunkMessage(util::Chunk()));
  EXPECT_EQ(empty.part_case(), v1::GetBlobResponse::kChunk);
  EXPECT_EQ(empty.chunk(), "");
}

TEST(ChunkMessageTest, RefersToTheChunkBytesWithoutCopying) {
  auto pool = util::ChunkPool::Create(4096, 1);
  util::Chunk chunk = Filled(*pool, 4096);
  const char* bytes = chunk.data();
  grpc::ByteBuffer message = ChunkMessage(std::move(chunk));
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(message.Dump(&slices).ok());
  ASSERT_EQ(slices.size(), 2u);
  EXPECT_EQ(reinterpret_cast<const char*>(slices[1].begin()), bytes);
}

TEST(ChunkMessageTest, ReleasesTheChunkWhenGrpcDropsTheMessage) {
  auto pool = util::ChunkPool::Create(4096, 1);
  {
    grpc::ByteBuffer message = ChunkMessage(Filled(*pool, 100));
    EXPECT_EQ(pool->idle(), 0u);
  }
  EXPECT_EQ(pool->idle(), 1u);
}

TEST(DescriptorMessageTest, ParsesAsAGetBlobResponseBlob) {
  v1::BlobDescriptor descriptor;
  descriptor.set_digest("sha256:abc");
  descriptor.set_size(42);
  const v1::GetBlobResponse parsed = Parse(DescriptorMessage(descriptor));
  ASSERT_EQ(parsed.part_case(), v1::GetBlobResponse::kBlob);
  EXPECT_EQ(parsed.blob().digest(), "sha256:abc");
  EXPECT_EQ(parsed.blob().size(), 42);
}

TEST(ParseBlobRequestTest, ReadsARequest) {
  v1::GetBlobRequest request;
  request.set_repository("library/alpine");
  request.set_offset(7);
  grpc::Slice slice(request.SerializeAsString());
  absl::StatusOr<v1::GetBlobRequest> parsed =
      ParseBlobRequest(grpc::ByteBuffer(&slice, 1));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->repository(), "library/alpine");
  EXPECT_EQ(parsed->offset(), 7);
}

TEST(ParseBlobRequestTest, GarbageIsInvalidArgument) {
  grpc::Slice slice(std::string("\xff\xff\xff\xff", 4));
  absl::StatusOr<v1::GetBlobRequest> parsed =
      ParseBlobRequest(grpc::ByteBuffer(&slice, 1));
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tributary::api
