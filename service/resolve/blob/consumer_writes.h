#ifndef TRIBUTARY_SERVICE_RESOLVE_BLOB_CONSUMER_WRITES_H_
#define TRIBUTARY_SERVICE_RESOLVE_BLOB_CONSUMER_WRITES_H_

#include <utility>

#include "absl/status/status.h"
#include "boost/asio/any_io_executor.hpp"
#include "boost/asio/as_tuple.hpp"
#include "boost/asio/awaitable.hpp"
#include "boost/asio/experimental/concurrent_channel.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "service/resolve/blob_stream.h"
#include "service/resolve/fanout/cancellation.h"

namespace tributary::resolve {

// A producer's side of the BlobConsumer protocol (blob_stream.h): one message
// in flight, the next only after the consumer reported the last one written.
// Used on the producer's strand, except Done, which is thread-safe.
class ConsumerWrites {
 public:
  // `cancellation` is the producer's: a write completing after a cancel
  // counts as not delivered. Both must outlive this.
  ConsumerWrites(const boost::asio::any_io_executor& executor,
                 BlobConsumer* consumer, const Cancellation& cancellation)
      : consumer_(consumer), cancellation_(cancellation), done_(executor, 1) {}

  // The consumer's report that the write in flight completed (WriteDone).
  void Done(bool ok) { done_.try_send(boost::system::error_code(), ok); }

  void StartDescriptor(const BlobDescriptorInfo& descriptor) {
    consumer_->SendDescriptor(descriptor);
    in_flight_ = true;
  }
  void StartChunk(util::Chunk chunk) {
    consumer_->SendChunk(std::move(chunk));
    in_flight_ = true;
  }

  // Ends the stream: waits for the write in flight (gRPC wants none
  // outstanding when a call finishes), then EndStream with `status`, which
  // reads as CANCELLED when the caller cancelled a stream that did not
  // succeed. Call once.
  boost::asio::awaitable<void> Finish(absl::Status status) {
    co_await Drain();
    if (cancellation_.cancelled() && !status.ok()) {
      status = absl::CancelledError("the caller cancelled the stream");
    }
    End(status);
  }
  // Ends the stream now unless it has ended: for an exception that escaped
  // the producer past Finish.
  void EndIfOpen(const absl::Status& status) {
    if (!ended_) {
      End(status);
    }
  }

  // Waits for the write in flight, if any; false when the caller is gone.
  boost::asio::awaitable<bool> Drain() {
    if (!in_flight_) {
      co_return !cancellation_.cancelled();
    }
    in_flight_ = false;
    auto [ec, ok] = co_await done_.async_receive(
        boost::asio::as_tuple(boost::asio::use_awaitable));
    co_return !ec && ok && !cancellation_.cancelled();
  }

 private:
  void End(const absl::Status& status) {
    ended_ = true;
    consumer_->EndStream(status);
  }

  BlobConsumer* const consumer_;
  const Cancellation& cancellation_;
  boost::asio::experimental::concurrent_channel<void(boost::system::error_code,
                                                     bool)>
      done_;
  bool in_flight_ = false;
  bool ended_ = false;  // EndStream was called
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_BLOB_CONSUMER_WRITES_H_
