#include "service/resolve/blob/blob_file_reads.h"

#include <algorithm>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace tributary::resolve {
namespace {

// Stored blobs are hashed in pieces this large.
constexpr size_t kHashPiece = 1 << 20;

}  // namespace

absl::StatusOr<util::Chunk> ReadChunk(const cache::BlobFile& file,
                                      int64_t position, size_t size,
                                      util::ChunkPool& pool) {
  util::Chunk chunk = pool.Take();
  size = std::min(size, chunk.capacity());
  size_t got = 0;
  while (got < size) {
    absl::StatusOr<size_t> read =
        file.ReadAt(position + static_cast<int64_t>(got),
                    chunk.writable_data() + got, size - got);
    if (!read.ok()) {
      return read.status();
    }
    if (*read == 0) {
      return absl::DataLossError(absl::StrCat(
          "the file ends at byte ", position + static_cast<int64_t>(got)));
    }
    got += *read;
    chunk.set_size(got);
  }
  return chunk;
}

absl::Status HashFilePrefix(const cache::BlobFile& file, int64_t bytes,
                            oci::DigestHasher& hasher) {
  std::string piece(kHashPiece, '\0');
  for (int64_t position = 0; position < bytes;) {
    const size_t want = static_cast<size_t>(std::min<int64_t>(
        static_cast<int64_t>(piece.size()), bytes - position));
    absl::StatusOr<size_t> read = file.ReadAt(position, piece.data(), want);
    if (!read.ok()) {
      return read.status();
    }
    if (*read == 0) {
      return absl::DataLossError(
          absl::StrCat("the file ends at byte ", position));
    }
    hasher.Update(std::string_view(piece.data(), *read));
    position += static_cast<int64_t>(*read);
  }
  return absl::OkStatus();
}

}  // namespace tributary::resolve
