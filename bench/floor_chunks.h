#ifndef TRIBUTARY_BENCH_FLOOR_CHUNKS_H_
#define TRIBUTARY_BENCH_FLOOR_CHUNKS_H_

// The messages bench/grpc_floor sends, framed as service/api/blob_messages.cc
// frames Tributary's (a copy of its few lines: api/ is visible only to the
// server), and where their bytes come from.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"

namespace tributary::bench {

// gRPC's default 4 MiB message limit less room for the framing.
inline constexpr int64_t kMaxChunkBytes = (int64_t{4} << 20) - 16;

// GetBlobResponse{blob{digest, size, media_type}}: a stream's first message.
grpc::ByteBuffer DescriptorMessage(const std::string& digest, int64_t size);

// GetBlobResponse{chunk}: the field's tag and length, then `body` as it is
// (not copied).
grpc::ByteBuffer ChunkMessage(grpc::Slice body);

// Where a stream's chunk messages come from. Thread-safe.
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  // The message carrying the blob's `size` bytes from `offset`.
  virtual absl::StatusOr<grpc::ByteBuffer> Chunk(int64_t offset,
                                                 size_t size) = 0;
};

// One buffer of chunk_bytes, filled once; every chunk is a slice over it
// (gRPC neither copies nor frees it). The bytes do not depend on `offset`.
class FilledChunks final : public ChunkSource {
 public:
  explicit FilledChunks(size_t chunk_bytes);
  absl::StatusOr<grpc::ByteBuffer> Chunk(int64_t offset, size_t size) override;

 private:
  std::vector<char> bytes_;
};

// Fixed-size buffers recycled: the one a chunk was read into comes back when
// gRPC releases the chunk's slice (on whichever thread), as Tributary's
// util::ChunkPool does. Thread-safe; must outlive every slice over its
// buffers.
class BufferPool {
 public:
  explicit BufferPool(size_t buffer_bytes) : buffer_bytes_(buffer_bytes) {}

  struct Buffer {
    BufferPool* pool;
    std::unique_ptr<char[]> bytes;
  };
  // An idle buffer, or a new one when none is idle.
  Buffer* Take() ABSL_LOCKS_EXCLUDED(mu_);
  // A slice over `size` bytes of `buffer`, giving it back when released.
  static grpc::Slice Slice(Buffer* buffer, size_t size);
  size_t buffer_bytes() const { return buffer_bytes_; }
  // Buffers made so far, idle or in use.
  size_t buffers() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  static void Return(void* buffer) ABSL_LOCKS_EXCLUDED(mu_);

  const size_t buffer_bytes_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Buffer>> all_ ABSL_GUARDED_BY(mu_);
  std::vector<Buffer*> idle_ ABSL_GUARDED_BY(mu_);
};

// Chunks pread from a file into pooled buffers (Tributary's warm path reads
// its disk store this way). Thread-safe.
class FileChunks final : public ChunkSource {
 public:
  // The file at `path`, which must hold at least `blob_bytes`; an error
  // naming --file and the reason otherwise.
  static absl::StatusOr<std::unique_ptr<ChunkSource>> Open(
      const std::string& path, size_t chunk_bytes, int64_t blob_bytes);
  ~FileChunks() override;
  FileChunks(const FileChunks&) = delete;
  FileChunks& operator=(const FileChunks&) = delete;

  absl::StatusOr<grpc::ByteBuffer> Chunk(int64_t offset, size_t size) override;

 private:
  FileChunks(int fd, size_t chunk_bytes) : fd_(fd), pool_(chunk_bytes) {}

  const int fd_;
  BufferPool pool_;
};

}  // namespace tributary::bench

#endif  // TRIBUTARY_BENCH_FLOOR_CHUNKS_H_
