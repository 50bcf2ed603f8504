#include "client/frontend/blob_call.h"

#include <utility>

#include "absl/time/clock.h"
#include "boost/asio/as_tuple.hpp"
#include "boost/asio/use_awaitable.hpp"
#include "client/status.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/support/slice.h"

namespace tributary::frontend {

namespace asio = boost::asio;

BlobCall::BlobCall(LiveCalls& calls) : calls_(calls) {}

std::shared_ptr<BlobCall> BlobCall::Start(grpc::ChannelInterface& channel,
                                          const v1::GetBlobRequest& request,
                                          absl::Duration timeout,
                                          LiveCalls& calls) {
  std::shared_ptr<BlobCall> call(new BlobCall(calls));
  call->self_ = call;
  call->context_.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  grpc::Slice bytes(request.SerializeAsString());
  call->request_ = grpc::ByteBuffer(&bytes, 1);
  const grpc::internal::RpcMethod method(
      client::kGetBlobMethod, grpc::internal::RpcMethod::SERVER_STREAMING);
  grpc::internal::ClientCallbackReaderFactory<grpc::ByteBuffer>::Create(
      &channel, method, &call->context_, &call->request_, call.get());
  {
    absl::MutexLock lock(&call->mutex_);
    call->holding_ = true;
  }
  call->AddHold();
  call->StartCall();
  calls.Add(call);
  return call;
}

asio::awaitable<BlobCall::Result> BlobCall::Read() {
  if (final_.has_value()) {
    co_return *final_;
  }
  bool start = false;
  {
    absl::MutexLock lock(&mutex_);
    start = !ended_;
    read_pending_ = start;
  }
  if (start) {
    StartRead(&buffer_);
  }
  co_return co_await Receive();
}

asio::awaitable<void> BlobCall::Finish() {
  if (final_.has_value()) {
    co_return;
  }
  Cancel();
  while (!final_.has_value()) {
    co_await Receive();
  }
}

asio::awaitable<BlobCall::Result> BlobCall::Receive() {
  auto [ec, result] =
      co_await signal_.async_receive(asio::as_tuple(asio::use_awaitable));
  if (ec) {  // the signal is never closed or cancelled
    result = absl::InternalError(ec.message());
  }
  if (!result.ok() || *result == nullptr) {
    final_ = result;
  }
  co_return result;
}

void BlobCall::Cancel() {
  context_.TryCancel();
  bool release = false;
  {
    absl::MutexLock lock(&mutex_);
    ended_ = true;
    release = holding_ && !read_pending_;
    if (release) {
      holding_ = false;
    }
  }
  if (release) {
    RemoveHold();
  }
}

void BlobCall::OnReadDone(bool ok) {
  const absl::Status parsed =
      ok ? client::ReadBlobMessage(buffer_, message_) : absl::OkStatus();
  const bool delivered = ok && parsed.ok();
  if (!parsed.ok()) {
    context_.TryCancel();
  }
  bool release = false;
  {
    absl::MutexLock lock(&mutex_);
    read_pending_ = false;
    if (!parsed.ok()) {
      unreadable_ = parsed;
    }
    ended_ = ended_ || !delivered;
    release = holding_ && ended_;
    if (release) {
      holding_ = false;
    }
  }
  if (delivered) {
    signal_.try_send(boost::system::error_code(), Result(&message_));
  }
  if (release) {  // after the message, which stays ahead of the final result
    RemoveHold();
  }
}

void BlobCall::OnDone(const grpc::Status& status) {
  const std::shared_ptr<BlobCall> self = std::move(self_);  // freed on return
  absl::Status failure;
  {
    absl::MutexLock lock(&mutex_);
    failure = unreadable_.ok() ? client::FromGrpcStatus(status) : unreadable_;
  }
  Result final = static_cast<const client::BlobMessage*>(nullptr);
  if (!failure.ok()) {
    final = failure;
  }
  signal_.try_send(boost::system::error_code(), std::move(final));
  calls_.Remove(this);
}

}  // namespace tributary::frontend
