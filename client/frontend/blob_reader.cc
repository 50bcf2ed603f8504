#include "client/frontend/blob_reader.h"

#include <utility>

#include "absl/time/clock.h"
#include "client/frontend/offload.h"
#include "client/status.h"

namespace tributary::frontend {

namespace asio = boost::asio;

void LiveCalls::Add(grpc::ClientContext* context) {
  absl::MutexLock lock(&mutex_);
  calls_.insert(context);
  if (cancelled_) {
    context->TryCancel();
  }
}

void LiveCalls::Remove(grpc::ClientContext* context) {
  absl::MutexLock lock(&mutex_);
  calls_.erase(context);
}

void LiveCalls::CancelAll() {
  absl::MutexLock lock(&mutex_);
  cancelled_ = true;
  for (grpc::ClientContext* context : calls_) {
    context->TryCancel();
  }
}

BlobReader::BlobReader(grpc::ChannelInterface& channel, asio::thread_pool& pool,
                       LiveCalls& calls)
    : channel_(channel), pool_(pool), calls_(calls) {}

BlobReader::~BlobReader() { CloseBlocking(); }

asio::awaitable<absl::StatusOr<v1::BlobDescriptor>> BlobReader::Open(
    const v1::GetBlobRequest& request, absl::Duration timeout) {
  auto open = [this, &request, timeout] {
    return OpenBlocking(request, timeout);
  };
  co_return co_await Offload(pool_, open);
}

asio::awaitable<absl::StatusOr<const client::BlobMessage*>> BlobReader::Next() {
  auto next = [this] { return NextBlocking(); };
  co_return co_await Offload(pool_, next);
}

asio::awaitable<void> BlobReader::Close() {
  if (stream_ == nullptr || finished_) {
    co_return;
  }
  auto close = [this] {
    CloseBlocking();
    return true;
  };
  co_await Offload(pool_, close);
}

absl::StatusOr<v1::BlobDescriptor> BlobReader::OpenBlocking(
    const v1::GetBlobRequest& request, absl::Duration timeout) {
  context_.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  calls_.Add(&context_);
  stream_ =
      std::make_unique<client::RawBlobStream>(channel_, context_, request);
  if (!stream_->Next(message_)) {
    absl::Status status = FinishBlocking();
    if (status.ok()) {
      return absl::InternalError("GetBlob ended without a descriptor");
    }
    return status;
  }
  if (!message_.descriptor.has_value()) {
    CloseBlocking();
    return absl::InternalError("GetBlob did not start with a descriptor");
  }
  return *message_.descriptor;
}

absl::StatusOr<const client::BlobMessage*> BlobReader::NextBlocking() {
  if (finished_) {
    return absl::FailedPreconditionError("GetBlob stream already ended");
  }
  if (!stream_->Next(message_)) {
    absl::Status status = FinishBlocking();
    if (!status.ok()) {
      return status;
    }
    return nullptr;
  }
  if (message_.descriptor.has_value()) {
    CloseBlocking();
    return absl::InternalError("GetBlob sent a second descriptor");
  }
  return &message_;
}

absl::Status BlobReader::FinishBlocking() {
  finished_ = true;
  absl::Status status = stream_->Finish();
  calls_.Remove(&context_);
  return status;
}

void BlobReader::CloseBlocking() {
  if (stream_ == nullptr || finished_) {
    return;
  }
  context_.TryCancel();
  FinishBlocking().IgnoreError();  // drains what was in flight
}

}  // namespace tributary::frontend
