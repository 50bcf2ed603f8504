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

BlobReader::BlobReader(v1::ResolverService::StubInterface& stub,
                       asio::thread_pool& pool, LiveCalls& calls)
    : stub_(stub), pool_(pool), calls_(calls) {}

BlobReader::~BlobReader() { CloseBlocking(); }

asio::awaitable<absl::StatusOr<v1::BlobDescriptor>> BlobReader::Open(
    const v1::GetBlobRequest& request, absl::Duration timeout) {
  auto open = [this, &request, timeout] {
    return OpenBlocking(request, timeout);
  };
  co_return co_await Offload(pool_, open);
}

asio::awaitable<absl::StatusOr<std::optional<std::string_view>>>
BlobReader::Next() {
  auto next = [this] { return NextBlocking(); };
  co_return co_await Offload(pool_, next);
}

asio::awaitable<void> BlobReader::Close() {
  if (reader_ == nullptr || finished_) {
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
  reader_ = stub_.GetBlob(&context_, request);
  if (!reader_->Read(&message_)) {
    absl::Status status = FinishBlocking();
    if (status.ok()) {
      return absl::InternalError("GetBlob ended without a descriptor");
    }
    return status;
  }
  if (!message_.has_blob()) {
    CloseBlocking();
    return absl::InternalError("GetBlob did not start with a descriptor");
  }
  return message_.blob();
}

absl::StatusOr<std::optional<std::string_view>> BlobReader::NextBlocking() {
  if (finished_) {
    return absl::FailedPreconditionError("GetBlob stream already ended");
  }
  if (!reader_->Read(&message_)) {
    absl::Status status = FinishBlocking();
    if (!status.ok()) {
      return status;
    }
    return std::nullopt;
  }
  if (message_.part_case() != v1::GetBlobResponse::kChunk) {
    CloseBlocking();
    return absl::InternalError("GetBlob sent a second descriptor");
  }
  return std::string_view(message_.chunk());
}

absl::Status BlobReader::FinishBlocking() {
  finished_ = true;
  absl::Status status = client::FromGrpcStatus(reader_->Finish());
  calls_.Remove(&context_);
  return status;
}

void BlobReader::CloseBlocking() {
  if (reader_ == nullptr || finished_) {
    return;
  }
  context_.TryCancel();
  while (reader_->Read(&message_)) {
    // Drains what was in flight when the call was cancelled.
  }
  FinishBlocking().IgnoreError();
}

}  // namespace tributary::frontend
