#include "client/blob_receiver.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace tributary::client {

BlobReceiver::BlobReceiver(oci::Digest expected, BlobSink& sink,
                           ProgressCallback progress)
    : expected_(std::move(expected)),
      sink_(sink),
      progress_(std::move(progress)),
      hasher_(expected_.algorithm()) {}

absl::Status BlobReceiver::Receive(const v1::GetBlobResponse& message) {
  if (!failure_.ok()) {
    return failure_;
  }
  switch (message.part_case()) {
    case v1::GetBlobResponse::kBlob:
      return OnDescriptor(message.blob());
    case v1::GetBlobResponse::kChunk:
      return OnChunk({std::string_view(message.chunk())});
    case v1::GetBlobResponse::PART_NOT_SET:
      break;
  }
  return Fail(absl::InternalError(
      "GetBlob stream sent a message with neither descriptor nor chunk"));
}

absl::Status BlobReceiver::Receive(const BlobMessage& message) {
  if (!failure_.ok()) {
    return failure_;
  }
  if (message.descriptor.has_value()) {
    return OnDescriptor(*message.descriptor);
  }
  return OnChunk(message.pieces);
}

absl::Status BlobReceiver::OnDescriptor(const v1::BlobDescriptor& descriptor) {
  if (have_descriptor_) {
    return Fail(
        absl::InternalError("GetBlob stream sent a second blob descriptor"));
  }
  if (descriptor.digest() != expected_.str()) {
    return Fail(absl::DataLossError(
        absl::StrCat("asked for blob ", expected_.str(),
                     " but the server described ", descriptor.digest())));
  }
  if (descriptor.size() < 0) {
    return Fail(absl::DataLossError(
        absl::StrCat("server described blob ", expected_.str(),
                     " with negative size ", descriptor.size())));
  }
  have_descriptor_ = true;
  descriptor_ = descriptor;
  return absl::OkStatus();
}

absl::Status BlobReceiver::OnChunk(
    const std::vector<std::string_view>& pieces) {
  if (!have_descriptor_) {
    return Fail(absl::InternalError(
        "GetBlob stream sent data before the blob descriptor"));
  }
  int64_t size = 0;
  for (std::string_view piece : pieces) {
    size += static_cast<int64_t>(piece.size());
  }
  if (size > descriptor_.size() - received_) {
    return Fail(absl::DataLossError(absl::StrCat(
        "blob ", expected_.str(), " is longer than its declared size ",
        descriptor_.size())));
  }
  for (std::string_view piece : pieces) {
    hasher_.Update(piece);
    if (absl::Status written =
            sink_.Write(absl::string_view(piece.data(), piece.size()));
        !written.ok()) {
      return Fail(std::move(written));
    }
  }
  received_ += size;
  if (progress_) {
    progress_(received_, descriptor_.size());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::BlobDescriptor> BlobReceiver::Finish(
    const absl::Status& stream_status) {
  if (!failure_.ok()) {
    return failure_;
  }
  if (!stream_status.ok()) {
    return Fail(stream_status);
  }
  if (!have_descriptor_) {
    return Fail(
        absl::InternalError("GetBlob stream ended without a blob descriptor"));
  }
  if (received_ != descriptor_.size()) {
    return Fail(absl::DataLossError(
        absl::StrCat("blob ", expected_.str(), " ended after ", received_,
                     " of ", descriptor_.size(), " bytes")));
  }
  const oci::Digest actual = hasher_.Finish();
  if (actual != expected_) {
    return Fail(absl::DataLossError(
        absl::StrCat("digest mismatch: asked for ", expected_.str(),
                     ", received bytes hash to ", actual.str())));
  }
  if (absl::Status committed = sink_.Commit(); !committed.ok()) {
    failure_ = committed;  // A failed commit cleans up after itself.
    return committed;
  }
  return descriptor_;
}

absl::Status BlobReceiver::Fail(absl::Status status) {
  failure_ = std::move(status);
  sink_.Abort(failure_);
  return failure_;
}

}  // namespace tributary::client
