#ifndef TRIBUTARY_CLIENT_FRONTEND_BLOB_READER_H_
#define TRIBUTARY_CLIENT_FRONTEND_BLOB_READER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/asio/awaitable.hpp"
#include "client/frontend/blob_call.h"
#include "client/frontend/live_calls.h"
#include "client/raw_blob_stream.h"
#include "grpcpp/channel.h"
#include "tributary/v1/resolver.pb.h"

namespace tributary::frontend {

// Reads one GetBlob stream for the HTTP side, one message at a time: the
// caller asks for the next chunk only once the previous one is on the
// client's socket, so while no read is pending gRPC's flow control holds
// Tributary back, and a slow client slows the stream instead of filling
// memory. The one place the frontend reads blobs over gRPC: raw, on gRPC's
// callback API (BlobCall), so a chunk's bytes go from gRPC's receive buffers
// to the client's socket without a protobuf copy, and no thread blocks on
// gRPC.
//
// Not thread-safe: one coroutine drives it. Call Close before destroying it
// where possible; the destructor cancels the call without waiting for it
// (LiveCalls tracks it until it ended).
class BlobReader {
 public:
  // `channel` and `calls` must outlive the call.
  BlobReader(grpc::ChannelInterface& channel, LiveCalls& calls);
  ~BlobReader();

  BlobReader(const BlobReader&) = delete;
  BlobReader& operator=(const BlobReader&) = delete;

  // Starts the call and reads its first message, the descriptor. A failure
  // is the call's status (NOT_FOUND, ...), or INTERNAL when the stream does
  // not start with a descriptor.
  boost::asio::awaitable<absl::StatusOr<v1::BlobDescriptor>> Open(
      const v1::GetBlobRequest& request, absl::Duration timeout);

  // The next chunk (its pieces point into gRPC's receive buffers), valid
  // until the next call; null once the stream ended with OK. Any failure
  // (DATA_LOSS when the digest did not verify, a second descriptor, the call
  // cancelled) ends the stream; later calls return the same end.
  boost::asio::awaitable<absl::StatusOr<const client::BlobMessage*>> Next();

  // Cancels the call unless it ended, and waits for it to finish.
  boost::asio::awaitable<void> Close();

 private:
  grpc::ChannelInterface& channel_;
  LiveCalls& calls_;
  std::shared_ptr<BlobCall> call_;  // null until Open
};

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_BLOB_READER_H_
