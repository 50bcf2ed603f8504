#include "client/frontend/blob_reader.h"

namespace tributary::frontend {

namespace asio = boost::asio;

BlobReader::BlobReader(grpc::ChannelInterface& channel, LiveCalls& calls)
    : channel_(channel), calls_(calls) {}

BlobReader::~BlobReader() {
  if (call_ != nullptr) {
    call_->Cancel();  // a no-op once the call ended
  }
}

asio::awaitable<absl::StatusOr<v1::BlobDescriptor>> BlobReader::Open(
    const v1::GetBlobRequest& request, absl::Duration timeout) {
  call_ = BlobCall::Start(channel_, request, timeout, calls_);
  const BlobCall::Result first = co_await call_->Read();
  if (!first.ok()) {
    co_return first.status();
  }
  if (*first == nullptr) {
    co_return absl::InternalError("GetBlob ended without a descriptor");
  }
  if (!(*first)->descriptor.has_value()) {
    co_await call_->Finish();
    co_return absl::InternalError("GetBlob did not start with a descriptor");
  }
  co_return *(*first)->descriptor;
}

asio::awaitable<absl::StatusOr<const client::BlobMessage*>> BlobReader::Next() {
  if (call_ == nullptr) {
    co_return absl::FailedPreconditionError("GetBlob stream not opened");
  }
  const BlobCall::Result next = co_await call_->Read();
  if (next.ok() && *next != nullptr && (*next)->descriptor.has_value()) {
    co_await call_->Finish();
    co_return absl::InternalError("GetBlob sent a second descriptor");
  }
  co_return next;
}

asio::awaitable<void> BlobReader::Close() {
  if (call_ != nullptr) {
    co_await call_->Finish();
  }
}

}  // namespace tributary::frontend
