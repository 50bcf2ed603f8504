#ifndef TRIBUTARY_CLIENT_RAW_BLOB_STREAM_H_
#define TRIBUTARY_CLIENT_RAW_BLOB_STREAM_H_

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "grpcpp/support/sync_stream.h"
#include "tributary/v1/resolver.pb.h"

namespace tributary::client {

// GetBlob's full method name, for raw calls (the generated stub's is private).
inline constexpr char kGetBlobMethod[] =
    "/tributary.v1.ResolverService/GetBlob";

// One GetBlob response as received. A chunk's bytes are not copied out of
// gRPC's receive buffers: `pieces` point into `slices`, which keep them alive
// until the message is replaced or destroyed. Move it, never copy it (a small
// slice holds its bytes inline).
struct BlobMessage {
  BlobMessage() = default;
  BlobMessage(const BlobMessage&) = delete;
  BlobMessage& operator=(const BlobMessage&) = delete;
  BlobMessage(BlobMessage&&) = default;
  BlobMessage& operator=(BlobMessage&&) = default;

  std::optional<v1::BlobDescriptor> descriptor;  // set: the first message
  std::vector<std::string_view> pieces;          // a chunk's bytes, in order
  std::vector<grpc::Slice> slices;

  size_t chunk_size() const;
};

// Reads `buffer` (one serialized GetBlobResponse) into `message`. The usual
// encoding (a single `blob` or `chunk` field) is read in place; any other
// valid encoding falls back to a protobuf parse. INTERNAL when the bytes are
// not a GetBlobResponse or carry neither part.
absl::Status ReadBlobMessage(grpc::ByteBuffer& buffer, BlobMessage& message);

// A GetBlob call whose responses are read as raw bytes (ReadBlobMessage):
// nothing of a chunk is copied between the socket and the caller. Blocking;
// one thread at a time. The context must outlive the stream.
class RawBlobStream {
 public:
  RawBlobStream(grpc::ChannelInterface& channel, grpc::ClientContext& context,
                const v1::GetBlobRequest& request);

  // The next message; false at the end of the stream (then call Finish) or
  // when a message could not be read (Finish then reports why).
  bool Next(BlobMessage& message);
  // The call's final status, or the first unreadable message's.
  absl::Status Finish();

 private:
  grpc::ClientContext& context_;
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader_;
  grpc::ByteBuffer buffer_;
  absl::Status unreadable_;
};

}  // namespace tributary::client

#endif  // TRIBUTARY_CLIENT_RAW_BLOB_STREAM_H_
