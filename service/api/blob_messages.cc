#include "service/api/blob_messages.h"

#include <array>
#include <cstdint>
#include <utility>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/slice.h"

namespace tributary::api {
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
