#ifndef TRIBUTARY_CLIENT_FRONTEND_BLOB_CALL_H_
#define TRIBUTARY_CLIENT_FRONTEND_BLOB_CALL_H_

#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/experimental/concurrent_channel.hpp"
#include "boost/asio/system_executor.hpp"
#include "client/frontend/live_calls.h"
#include "client/raw_blob_stream.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/client_callback.h"
#include "tributary/v1/resolver.pb.h"

namespace tributary::frontend {

// One GetBlob call on gRPC's callback API, its messages read raw
// (client::ReadBlobMessage: no copy of a chunk's bytes). Read starts one
// gRPC read and awaits its OnReadDone, which resumes the reading coroutine on
// its own executor: one hand-off per message, no thread blocked on gRPC.
// Nothing is read ahead, so while no Read is pending gRPC's flow control
// holds Tributary back.
//
// A hold keeps gRPC from ending the call between two reads (a read started
// after OnDone would touch a freed call); it is released once no further read
// will start: the stream ended, or the call was cancelled while no read was
// pending. OnDone then reports the final result and frees the call.
//
// Owned by its reader and, until OnDone, by itself. Read and Finish: one
// coroutine at a time. Cancel: any thread.
class BlobCall final : public grpc::ClientReadReactor<grpc::ByteBuffer>,
                       public LiveCalls::Call {
 public:
  // A message (valid until the next Read), null at the end with OK, or the
  // call's failure.
  using Result = absl::StatusOr<const client::BlobMessage*>;

  // Starts the call with a deadline `timeout` from now, added to `calls`.
  static std::shared_ptr<BlobCall> Start(grpc::ChannelInterface& channel,
                                         const v1::GetBlobRequest& request,
                                         absl::Duration timeout,
                                         LiveCalls& calls);

  // The next message. After the end, the final result again.
  boost::asio::awaitable<Result> Read();
  // Cancels the call unless it ended, and waits for its end.
  boost::asio::awaitable<void> Finish();
  // Cancels the call; the reader's next Read gets CANCELLED (or the end).
  void Cancel() override ABSL_LOCKS_EXCLUDED(mutex_);

  void OnReadDone(bool ok) override ABSL_LOCKS_EXCLUDED(mutex_);
  void OnDone(const grpc::Status& status) override;

 private:
  // Hands a result from gRPC's threads to the awaiting coroutine; the
  // completion runs on the coroutine's own executor. Room for a message and
  // the final result (a cancel can end the call while a message waits).
  using Signal = boost::asio::experimental::basic_concurrent_channel<
      boost::asio::system_executor, boost::asio::experimental::channel_traits<>,
      void(boost::system::error_code, Result)>;

  explicit BlobCall(LiveCalls& calls);
  boost::asio::awaitable<Result> Receive();

  LiveCalls& calls_;
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer buffer_;  // gRPC fills it while a read is pending
  client::BlobMessage message_;
  Signal signal_{boost::asio::system_executor(), 2};
  std::shared_ptr<BlobCall> self_;  // set from Start until OnDone

  absl::Mutex mutex_;
  bool read_pending_ ABSL_GUARDED_BY(mutex_) = false;
  bool holding_ ABSL_GUARDED_BY(mutex_) = false;
  bool ended_ ABSL_GUARDED_BY(mutex_) = false;  // no further read starts
  absl::Status unreadable_ ABSL_GUARDED_BY(mutex_);

  // The reading coroutine's own: the final result, once it received it.
  std::optional<Result> final_;
};

}  // namespace tributary::frontend

#endif  // TRIBUTARY_CLIENT_FRONTEND_BLOB_CALL_H_
