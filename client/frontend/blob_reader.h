#ifndef TRIBUTARY_CLIENT_FRONTEND_BLOB_READER_H_
#define TRIBUTARY_CLIENT_FRONTEND_BLOB_READER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/thread_pool.hpp"
#include "client/raw_blob_stream.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"
#include "tributary/v1/resolver.grpc.pb.h"

namespace tributary::frontend {

// The gRPC calls in flight, so that shutdown can cancel them all (a blob
// stream may otherwise run for blob_timeout). Thread-safe.
class LiveCalls {
 public:
  void Add(grpc::ClientContext* context) ABSL_LOCKS_EXCLUDED(mutex_);
  void Remove(grpc::ClientContext* context) ABSL_LOCKS_EXCLUDED(mutex_);
  // Cancels every call in flight and every call added from now on.
  void CancelAll() ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  absl::Mutex mutex_;
  absl::flat_hash_set<grpc::ClientContext*> calls_ ABSL_GUARDED_BY(mutex_);
  bool cancelled_ ABSL_GUARDED_BY(mutex_) = false;
};

// Reads one GetBlob stream for the HTTP side, one message at a time: the
// caller asks for the next chunk only once the previous one is on the
// client's socket, so while no read is pending gRPC's flow control holds
// Tributary back, and a slow client slows the stream instead of filling
// memory. The one place the frontend reads blobs over gRPC: raw
// (client::RawBlobStream), so a chunk's bytes go from gRPC's receive buffers
// to the client's socket without a protobuf copy.
//
// Each blocking read runs on `pool` (see Offload). Not thread-safe: one
// coroutine drives it. Call Close before destroying it where possible; the
// destructor closes it synchronously otherwise.
class BlobReader {
 public:
  // `channel`, `pool` and `calls` must outlive the reader.
  BlobReader(grpc::ChannelInterface& channel, boost::asio::thread_pool& pool,
             LiveCalls& calls);
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
  // (DATA_LOSS when the digest did not verify, a second descriptor) ends the
  // stream.
  boost::asio::awaitable<absl::StatusOr<const client::BlobMessage*>> Next();

  // Cancels the call unless it ended, and waits for it to finish.
  boost::asio::awaitable<void> Close();

 private:
  // Blocking parts, run on the pool.
  absl::StatusOr<v1::BlobDescriptor> OpenBlocking(
      const v1::GetBlobRequest& request, absl::Duration timeout);
  absl::StatusOr<const client::BlobMessage*> NextBlocking();
  absl::Status FinishBlocking();
  void CloseBlocking();

  grpc::ChannelInterface& channel_;
  boost::asio::thread_pool& pool_;
  LiveCalls& calls_;
  grpc::ClientContext context_;
  std::unique_ptr<client::RawBlobStream> stream_;
  client::BlobMessage message_;
  bool finished_ = false;
};

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_BLOB_READER_H_
