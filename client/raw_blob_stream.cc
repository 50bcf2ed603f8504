#include "client/raw_blob_stream.h"

#include <cstdint>
#include <string>
#include <utility>

#include "client/status.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/support/proto_buffer_reader.h"

namespace tributary::client {
namespace {

constexpr uint8_t kBlobTag = (1 << 3) | 2;   // field 1, length-delimited
constexpr uint8_t kChunkTag = (2 << 3) | 2;  // field 2, length-delimited

// Reads bytes across the message's slices.
class SliceCursor {
 public:
  explicit SliceCursor(const std::vector<grpc::Slice>& slices)
      : slices_(slices) {}

  bool Byte(uint8_t& byte) {
    Skip();
    if (index_ == slices_.size()) {
      return false;
    }
    byte = slices_[index_].begin()[offset_++];
    return true;
  }
  bool Varint(uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t byte = 0;
      if (!Byte(byte)) {
        return false;
      }
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        return true;
      }
    }
    return false;
  }
  // The next `length` bytes as views into the slices; false if fewer remain.
  bool Take(uint64_t length, std::vector<std::string_view>& pieces) {
    while (length > 0) {
      Skip();
      if (index_ == slices_.size()) {
        return false;
      }
      const grpc::Slice& slice = slices_[index_];
      const size_t here = static_cast<size_t>(
          std::min<uint64_t>(length, slice.size() - offset_));
      pieces.emplace_back(
          reinterpret_cast<const char*>(slice.begin()) + offset_, here);
      offset_ += here;
      length -= here;
    }
    return true;
  }
  bool AtEnd() {
    Skip();
    return index_ == slices_.size();
  }

 private:
  void Skip() {
    while (index_ < slices_.size() && offset_ == slices_[index_].size()) {
      ++index_;
      offset_ = 0;
    }
  }
  const std::vector<grpc::Slice>& slices_;
  size_t index_ = 0;
  size_t offset_ = 0;
};

// The in-place read of a message that is exactly one `blob` or `chunk`
// field; false when it is encoded any other way.
bool ReadInPlace(BlobMessage& message) {
  SliceCursor cursor(message.slices);
  uint8_t tag = 0;
  uint64_t length = 0;
  std::vector<std::string_view> pieces;
  if (!cursor.Byte(tag) || (tag != kBlobTag && tag != kChunkTag) ||
      !cursor.Varint(length) || !cursor.Take(length, pieces) ||
      !cursor.AtEnd()) {
    return false;
  }
  if (tag == kChunkTag) {
    message.pieces = std::move(pieces);
    return true;
  }
  std::string bytes;
  for (std::string_view piece : pieces) {
    bytes.append(piece.data(), piece.size());
  }
  return message.descriptor.emplace().ParseFromString(bytes);
}

}  // namespace

size_t BlobMessage::chunk_size() const {
  size_t size = 0;
  for (std::string_view piece : pieces) {
    size += piece.size();
  }
  return size;
}

absl::Status ReadBlobMessage(grpc::ByteBuffer& buffer, BlobMessage& message) {
  message.descriptor.reset();
  message.pieces.clear();
  message.slices.clear();
  if (!buffer.Dump(&message.slices).ok()) {
    return absl::InternalError("GetBlob stream sent an unreadable message");
  }
  if (ReadInPlace(message)) {
    return absl::OkStatus();
  }
  message.descriptor.reset();
  message.pieces.clear();
  // Any other valid encoding (fields repeated, unknown ones): parse it.
  grpc::ProtoBufferReader reader(&buffer);
  v1::GetBlobResponse parsed;
  if (!parsed.ParseFromZeroCopyStream(&reader)) {
    return absl::InternalError(
        "GetBlob stream sent a message that is not a GetBlobResponse");
  }
  switch (parsed.part_case()) {
    case v1::GetBlobResponse::kBlob:
      message.descriptor = parsed.blob();
      return absl::OkStatus();
    case v1::GetBlobResponse::kChunk: {
      // A small slice holds its bytes inline: point into the stored one.
      message.slices = {grpc::Slice(parsed.chunk())};
      const grpc::Slice& stored = message.slices.front();
      message.pieces = {std::string_view(
          reinterpret_cast<const char*>(stored.begin()), stored.size())};
      return absl::OkStatus();
    }
    case v1::GetBlobResponse::PART_NOT_SET:
      break;
  }
  return absl::InternalError(
      "GetBlob stream sent a message with neither descriptor nor chunk");
}

RawBlobStream::RawBlobStream(grpc::ChannelInterface& channel,
                             grpc::ClientContext& context,
                             const v1::GetBlobRequest& request)
    : context_(context) {
  const grpc::internal::RpcMethod method(
      kGetBlobMethod, grpc::internal::RpcMethod::SERVER_STREAMING);
  grpc::Slice bytes(request.SerializeAsString());
  const grpc::ByteBuffer serialized(&bytes, 1);
  reader_.reset(grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
      &channel, method, &context_, serialized));
}

bool RawBlobStream::Next(BlobMessage& message) {
  if (!unreadable_.ok() || !reader_->Read(&buffer_)) {
    return false;
  }
  unreadable_ = ReadBlobMessage(buffer_, message);
  if (!unreadable_.ok()) {
    context_.TryCancel();
    return false;
  }
  return true;
}

absl::Status RawBlobStream::Finish() {
  grpc::ByteBuffer ignored;
  while (reader_->Read(&ignored)) {
    // Drains what was in flight when the call was cancelled.
  }
  const absl::Status status = FromGrpcStatus(reader_->Finish());
  return unreadable_.ok() ? status : unreadable_;
}

}  // namespace tributary::client
