#include "service/resolve/blob/blob_file_reads.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace tributary::resolve {
namespace {

// A file of `bytes` as the blob store hands it out.
std::unique_ptr<cache::BlobFile> FileOf(const std::string& bytes) {
  static std::unique_ptr<cache::BlobStore> store = [] {
    auto opened = cache::BlobStore::Open(
        std::filesystem::path(std::getenv("TEST_TMPDIR")) / "store", 1 << 30,
        nullptr);
    EXPECT_TRUE(opened.ok()) << opened.status();
    return *std::move(opened);
  }();
  auto writer =
      store->Create(oci::ComputeDigest(oci::DigestAlgorithm::kSha256, bytes));
  EXPECT_TRUE(writer.ok()) << writer.status();
  EXPECT_TRUE((*writer)->Append(bytes).ok());
  auto file = (*writer)->OpenReader();
  EXPECT_TRUE(file.ok()) << file.status();
  return *std::move(file);
}

TEST(ReadChunkTest, ReadsExactlyTheBytesAtThePosition) {
  auto file = FileOf("0123456789");
  auto pool = util::ChunkPool::Create(64, 1);
  absl::StatusOr<util::Chunk> chunk = ReadChunk(*file, 3, 4, *pool);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  EXPECT_EQ(chunk->view(), "3456");
}

TEST(ReadChunkTest, ReadsNoMoreThanTheChunkHolds) {
  auto file = FileOf("abcdefghij");
  auto pool = util::ChunkPool::Create(4, 1);
  absl::StatusOr<util::Chunk> chunk = ReadChunk(*file, 1, 8, *pool);
  ASSERT_TRUE(chunk.ok()) << chunk.status();
  EXPECT_EQ(chunk->view(), "bcde");
}

TEST(ReadChunkTest, AFileEndingEarlyIsDataLossNamingTheByte) {
  auto file = FileOf("short");
  auto pool = util::ChunkPool::Create(64, 1);
  absl::StatusOr<util::Chunk> chunk = ReadChunk(*file, 2, 10, *pool);
  EXPECT_EQ(chunk.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(chunk.status().message(), "the file ends at byte 5");
}

TEST(HashFilePrefixTest, HashesTheFirstBytesAcrossPieces) {
  // Over 1 MiB, so the hashing runs in more than one piece.
  std::string bytes((1 << 20) + 12345, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(i * 31 % 251);
  }
  auto file = FileOf(bytes);
  const int64_t prefix = (1 << 20) + 100;
  oci::DigestHasher hasher(oci::DigestAlgorithm::kSha256);
  ASSERT_TRUE(HashFilePrefix(*file, prefix, hasher).ok());
  EXPECT_EQ(hasher.Finish(),
            oci::ComputeDigest(oci::DigestAlgorithm::kSha256,
                               std::string_view(bytes).substr(0, prefix)));
}

TEST(HashFilePrefixTest, APrefixLongerThanTheFileIsDataLoss) {
  auto file = FileOf("abc");
  oci::DigestHasher hasher(oci::DigestAlgorithm::kSha256);
  EXPECT_EQ(HashFilePrefix(*file, 4, hasher).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace tributary::resolve
