#ifndef TRIBUTARY_SERVICE_API_BLOB_MESSAGES_H_
#define TRIBUTARY_SERVICE_API_BLOB_MESSAGES_H_

#include "absl/status/statusor.h"
#include "grpcpp/support/byte_buffer.h"
#include "service/util/chunk.h"
#include "tributary/v1/resolver.pb.h"

namespace tributary::api {

// GetBlob is served through the raw (ByteBuffer) callback method so that blob
// bytes are never serialized: a chunk message is the GetBlobResponse framing
// (the `chunk` field's tag and length, a few bytes) followed by a slice over
// the chunk's own block, which gRPC sends and then releases.

// The GetBlobRequest a raw call carries; INVALID_ARGUMENT when the bytes are
// not one.
absl::StatusOr<v1::GetBlobRequest> ParseBlobRequest(
    const grpc::ByteBuffer& request);

// The first message of a stream: GetBlobResponse{blob}.
grpc::ByteBuffer DescriptorMessage(const v1::BlobDescriptor& descriptor);

// GetBlobResponse{chunk}, referring to `chunk`'s bytes without copying them;
// the chunk is held until gRPC drops the last reference to the message.
grpc::ByteBuffer ChunkMessage(util::Chunk chunk);

}  // namespace tributary::api

#endif  // TRIBUTARY_SERVICE_API_BLOB_MESSAGES_H_
