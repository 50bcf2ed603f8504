#include "bench/floor_chunks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "tributary/v1/resolver.pb.h"

namespace tributary::bench {
namespace {

// The tag of GetBlobResponse.chunk and the varint length that precede a
// chunk's bytes.
grpc::Slice ChunkHeader(size_t length) {
  using google::protobuf::internal::WireFormatLite;
  using google::protobuf::io::CodedOutputStream;
  std::array<uint8_t, 16> header;
  uint8_t* end = CodedOutputStream::WriteTagToArray(
      WireFormatLite::MakeTag(v1::GetBlobResponse::kChunkFieldNumber,
                              WireFormatLite::WIRETYPE_LENGTH_DELIMITED),
      header.data());
  end = CodedOutputStream::WriteVarint64ToArray(length, end);
  return grpc::Slice(header.data(), static_cast<size_t>(end - header.data()));
}

}  // namespace

grpc::ByteBuffer DescriptorMessage(const std::string& digest, int64_t size) {
  v1::GetBlobResponse message;
  message.mutable_blob()->set_digest(digest);
  message.mutable_blob()->set_size(size);
  message.mutable_blob()->set_media_type("application/octet-stream");
  grpc::Slice slice(message.SerializeAsString());
  return grpc::ByteBuffer(&slice, 1);
}

grpc::ByteBuffer ChunkMessage(grpc::Slice body) {
  std::array<grpc::Slice, 2> slices = {ChunkHeader(body.size()),
                                       std::move(body)};
  return grpc::ByteBuffer(slices.data(), slices.size());
}

FilledChunks::FilledChunks(size_t chunk_bytes) : bytes_(chunk_bytes) {
  // Not zeros: every page is really there, and nothing on the way could
  // treat the bytes as special.
  uint32_t state = 2463534242u;
  for (char& byte : bytes_) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    byte = static_cast<char>(state);
  }
}

absl::StatusOr<grpc::ByteBuffer> FilledChunks::Chunk(int64_t /*offset*/,
                                                     size_t size) {
  if (size > bytes_.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a chunk of ", size, " bytes from a buffer of ", bytes_.size()));
  }
  return ChunkMessage(
      grpc::Slice(bytes_.data(), size, grpc::Slice::STATIC_SLICE));
}

BufferPool::Buffer* BufferPool::Take() {
  absl::MutexLock lock(&mu_);
  if (!idle_.empty()) {
    Buffer* buffer = idle_.back();
    idle_.pop_back();
    return buffer;
  }
  all_.push_back(std::make_unique<Buffer>(
      Buffer{this, std::make_unique_for_overwrite<char[]>(buffer_bytes_)}));
  return all_.back().get();
}

grpc::Slice BufferPool::Slice(Buffer* buffer, size_t size) {
  return grpc::Slice(buffer->bytes.get(), size, &BufferPool::Return, buffer);
}

size_t BufferPool::buffers() const {
  absl::MutexLock lock(&mu_);
  return all_.size();
}

void BufferPool::Return(void* released) {
  auto* buffer = static_cast<Buffer*>(released);
  absl::MutexLock lock(&buffer->pool->mu_);
  buffer->pool->idle_.push_back(buffer);
}

absl::StatusOr<std::unique_ptr<ChunkSource>> FileChunks::Open(
    const std::string& path, size_t chunk_bytes, int64_t blob_bytes) {
  if (path.empty()) {
    return absl::InvalidArgumentError("--file: the pread variant needs one");
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::ErrnoToStatus(errno,
                               absl::StrCat("--file: cannot open ", path));
  }
  struct stat info;
  if (::fstat(fd, &info) != 0 || info.st_size < blob_bytes) {
    ::close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat("--file: ", path, " holds fewer than --blob_bytes (",
                     blob_bytes, ") bytes"));
  }
  return std::unique_ptr<ChunkSource>(new FileChunks(fd, chunk_bytes));
}

FileChunks::~FileChunks() { ::close(fd_); }

absl::StatusOr<grpc::ByteBuffer> FileChunks::Chunk(int64_t offset,
                                                   size_t size) {
  if (size > pool_.buffer_bytes()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a chunk of ", size, " bytes into buffers of ", pool_.buffer_bytes()));
  }
  BufferPool::Buffer* buffer = pool_.Take();
  // Until the slice owns it, an error must give the buffer back.
  grpc::Slice body = BufferPool::Slice(buffer, size);
  size_t got = 0;
  while (got < size) {
    const ssize_t n =
        ::pread(fd_, buffer->bytes.get() + got, size - got,
                static_cast<off_t>(offset + static_cast<int64_t>(got)));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return absl::ErrnoToStatus(errno, "cannot read --file");
    }
    if (n == 0) {
      return absl::DataLossError(absl::StrCat(
          "--file ends at byte ", offset + static_cast<int64_t>(got)));
    }
    got += static_cast<size_t>(n);
  }
  return ChunkMessage(std::move(body));
}

}  // namespace tributary::bench
