#include "bench/floor_chunks.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "grpcpp/support/proto_buffer_reader.h"
#include "gtest/gtest.h"
#include "tributary/v1/resolver.pb.h"

namespace tributary::bench {
namespace {

v1::GetBlobResponse Parse(const grpc::ByteBuffer& message) {
  grpc::ByteBuffer copy(message);
  grpc::ProtoBufferReader reader(&copy);
  v1::GetBlobResponse parsed;
  EXPECT_TRUE(parsed.ParseFromZeroCopyStream(&reader));
  return parsed;
}

std::string Pattern(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<char>(i * 7 % 251);
  }
  return bytes;
}

// A file of `bytes` in the test's temporary folder; returns its path.
std::string WriteFile(const std::string& name, const std::string& bytes) {
  const std::string path = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(FloorChunksTest, AChunkMessageOfTheLargestSizeParsesAsAGetBlobResponse) {
  const std::string bytes = Pattern(kMaxChunkBytes);
  grpc::Slice body(bytes.data(), bytes.size(), grpc::Slice::STATIC_SLICE);
  const v1::GetBlobResponse parsed = Parse(ChunkMessage(body));
  ASSERT_EQ(parsed.part_case(), v1::GetBlobResponse::kChunk);
  EXPECT_EQ(parsed.chunk(), bytes);
}

TEST(FloorChunksTest, TheDescriptorMessageCarriesTheDigestAndSize) {
  const v1::GetBlobResponse parsed =
      Parse(DescriptorMessage("sha256:abc", int64_t{1} << 30));
  ASSERT_EQ(parsed.part_case(), v1::GetBlobResponse::kBlob);
  EXPECT_EQ(parsed.blob().digest(), "sha256:abc");
  EXPECT_EQ(parsed.blob().size(), int64_t{1} << 30);
}

TEST(FloorChunksTest, FilledChunksRefuseAChunkLargerThanTheirBuffer) {
  FilledChunks chunks(1024);
  EXPECT_EQ(Parse(*chunks.Chunk(0, 1024)).chunk().size(), 1024u);
  EXPECT_FALSE(chunks.Chunk(0, 1025).ok());
}

TEST(FloorChunksTest, FileChunksCarryTheFileBytesAtTheOffset) {
  const std::string bytes = Pattern(10000);
  absl::StatusOr<std::unique_ptr<ChunkSource>> chunks =
      FileChunks::Open(WriteFile("blob", bytes), 4096, 10000);
  ASSERT_TRUE(chunks.ok()) << chunks.status();
  absl::StatusOr<grpc::ByteBuffer> chunk = (*chunks)->Chunk(8192, 1808);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  EXPECT_EQ(Parse(*chunk).chunk(), bytes.substr(8192));
}

TEST(FloorChunksTest, FileChunksRefuseAFileShorterThanTheBlobNamingTheFlag) {
  absl::StatusOr<std::unique_ptr<ChunkSource>> chunks =
      FileChunks::Open(WriteFile("short", Pattern(100)), 64, 101);
  ASSERT_FALSE(chunks.ok());
  EXPECT_EQ(chunks.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(chunks.status().message().find("--file"), std::string::npos);
}

TEST(FloorChunksTest, ABufferComesBackToThePoolWhenItsSliceIsReleased) {
  BufferPool pool(64);
  BufferPool::Buffer* first = pool.Take();
  { grpc::Slice slice = BufferPool::Slice(first, 64); }
  EXPECT_EQ(pool.Take(), first);
  EXPECT_EQ(pool.buffers(), 1u);
}

}  // namespace
}  // namespace tributary::bench
