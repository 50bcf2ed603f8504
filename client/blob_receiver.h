#ifndef TRIBUTARY_CLIENT_BLOB_RECEIVER_H_
#define TRIBUTARY_CLIENT_BLOB_RECEIVER_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/blob_sink.h"
#include "client/raw_blob_stream.h"
#include "service/oci/digest.h"
#include "tributary/v1/resolver.pb.h"

namespace tributary::client {

// Reports download progress: bytes received so far and the blob's size (from
// the descriptor). Called after each chunk, from the downloading thread.
using ProgressCallback = std::function<void(int64_t received, int64_t total)>;

// Turns a GetBlob response stream into verified bytes in a BlobSink: checks
// that the stream is a descriptor for the requested digest followed by chunks,
// hashes bytes as they arrive, never passes on more bytes than the descriptor
// announced, and at the end commits the sink only if the size and digest
// match. Any failure aborts the sink exactly once (a FileSink then removes its
// partial file). Integrity failures are DATA_LOSS; a stream that breaks the
// protocol is INTERNAL. Not thread-safe: one stream, one thread.
class BlobReceiver {
 public:
  // `sink` must outlive the receiver; `progress` may be empty.
  BlobReceiver(oci::Digest expected, BlobSink& sink, ProgressCallback progress);

  // Feeds the next stream message. After an error the download is over (the
  // sink is aborted): stop reading and cancel the call.
  absl::Status Receive(const v1::GetBlobResponse& message);
  // The same for a message read raw (RawBlobStream): a chunk's pieces go to
  // the hasher and the sink without being copied.
  absl::Status Receive(const BlobMessage& message);

  // Ends the download with the call's final status. Returns the descriptor
  // when the blob is complete, verified and committed; otherwise the first
  // failure (the stream's own error, a short or corrupt blob, a failed
  // commit), with the sink aborted.
  absl::StatusOr<v1::BlobDescriptor> Finish(const absl::Status& stream_status);

  int64_t received() const { return received_; }

 private:
  absl::Status OnDescriptor(const v1::BlobDescriptor& descriptor);
  absl::Status OnChunk(const std::vector<std::string_view>& pieces);
  // Aborts the sink (once) and remembers `status` as the outcome.
  absl::Status Fail(absl::Status status);

  const oci::Digest expected_;
  BlobSink& sink_;
  ProgressCallback progress_;
  oci::DigestHasher hasher_;
  bool have_descriptor_ = false;
  v1::BlobDescriptor descriptor_;
  int64_t received_ = 0;
  absl::Status failure_;  // First failure; OK while the download is healthy.
};

}  // namespace tributary::client

#endif  // TRIBUTARY_CLIENT_BLOB_RECEIVER_H_
