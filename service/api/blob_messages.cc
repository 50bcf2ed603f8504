#include "service/api/blob_messages.h"

#include <array>
#include <cstdint>
#include <utility>

#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/slice.h"

namespace tributary::api {
namespace {

// GetBlobResponse.chunk: field 2, wire type 2 (length-delimited).
constexpr uint8_t kChunkTag = (2 << 3) | 2;

// The tag and the varint length that precede a chunk's bytes.
grpc::Slice ChunkHeader(size_t length) {
  std::array<uint8_t, 11> header;
  size_t used = 0;
  header[used++] = kChunkTag;
  uint64_t rest = length;
  while (rest >= 0x80) {
    header[used++] = static_cast<uint8_t>(rest | 0x80);
    rest >>= 7;
  }
  header[used++] = static_cast<uint8_t>(rest);
  return grpc::Slice(header.data(), used);
}

void ReleaseChunk(void* chunk) { delete static_cast<util::Chunk*>(chunk); }

}  // namespace

absl::StatusOr<v1::GetBlobRequest> ParseBlobRequest(
    const grpc::ByteBuffer& request) {
  // The reader takes a mutable buffer; a copy shares the slices.
  grpc::ByteBuffer copy(request);
  grpc::ProtoBufferReader reader(&copy);
  v1::GetBlobRequest parsed;
  if (!reader.status().ok() || !parsed.ParseFromZeroCopyStream(&reader)) {
    return absl::InvalidArgumentError(
        "the request is not a tributary.v1.GetBlobRequest");
  }
  return parsed;
}

grpc::ByteBuffer DescriptorMessage(const v1::BlobDescriptor& descriptor) {
  v1::GetBlobResponse message;
  *message.mutable_blob() = descriptor;
  const std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

grpc::ByteBuffer ChunkMessage(util::Chunk chunk) {
  const size_t size = chunk.size();
  if (size == 0) {
    // An empty `bytes` field still marks the `chunk` case of the oneof.
    grpc::Slice header = ChunkHeader(0);
    return grpc::ByteBuffer(&header, 1);
  }
  // The slice's data pointer and the chunk it keeps alive.
  auto* held = new util::Chunk(std::move(chunk));
  std::array<grpc::Slice, 2> slices = {
      ChunkHeader(size),
      grpc::Slice(const_cast<char*>(held->data()), size, &ReleaseChunk, held)};
  return grpc::ByteBuffer(slices.data(), slices.size());
}

}  // namespace tributary::api
