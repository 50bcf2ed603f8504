#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "service/resolve/blob/blob_file_reads.h"
#include "service/resolve/blob/cached_blob_stream_internal.h"

namespace tributary::resolve::internal {

using metrics::BlobSource;

asio::awaitable<absl::Status> CachedBlobStream::ServeFill(
    BlobFill& fill, const cache::BlobFile& file) {
  FillProgress progress = fill.Progress();
  while (!progress.descriptor.has_value()) {
    if (progress.spill_failed) {
      HandOver(std::nullopt);
      co_return absl::OkStatus();
    }
    if (progress.done) {
      co_return progress.status;
    }
    const bool rung = co_await Ring();
    if (!rung) {
      co_return Gone();
    }
    progress = fill.Progress();
  }
  const BlobDescriptorInfo descriptor = *progress.descriptor;
  const bool described = co_await SendDescriptor(descriptor);
  if (!described) {
    co_return Gone();
  }
  absl::Status followed = co_await FollowFill(fill, file, descriptor.size);
  co_return followed;
}

asio::awaitable<absl::Status> CachedBlobStream::FollowFill(
    BlobFill& fill, const cache::BlobFile& file, int64_t blob_size) {
  const auto chunk_bytes = static_cast<int64_t>(fill.chunks().chunk_bytes());
  int64_t position = 0;
  while (true) {
    const FillProgress progress = fill.Progress();
    const int64_t available = progress.written - position;
    const bool complete = progress.done && progress.status.ok();
    // Whole chunks while the fill runs; what is left once it ends.
    if (available >= chunk_bytes ||
        (available > 0 && (complete || progress.spill_failed))) {
      const size_t want = static_cast<size_t>(std::min(chunk_bytes, available));
      absl::StatusOr<size_t> sent =
          co_await SendFillChunk(fill, file, position, want);
      if (!sent.ok()) {
        co_return sent.status();
      }
      position += static_cast<int64_t>(*sent);
      continue;
    }
    if (complete) {
      co_return absl::OkStatus();
    }
    if (progress.spill_failed) {
      absl::Status handed =
          co_await HandOverAfterSpill(file, position, blob_size);
      co_return handed;
    }
    if (progress.done) {
      co_return progress.status;  // the upstream transfer failed
    }
    const bool rung = co_await Ring();
    if (!rung) {
      co_return Gone();
    }
  }
}

asio::awaitable<absl::StatusOr<size_t>> CachedBlobStream::SendFillChunk(
    const BlobFill& fill, const cache::BlobFile& file, int64_t position,
    size_t want) {
  // Every recent chunk is in the file already, so it is never past `want`.
  util::Chunk chunk = fill.RecentChunk(position);
  if (chunk.empty()) {
    if (own_chunks_ == nullptr) {
      own_chunks_ = cache_.streams().chunks().Acquire();
    }
    // Up to the producer's next chunk boundary at most, so that a reader
    // catching up meets RecentChunk's offsets again.
    const auto fill_chunk = static_cast<int64_t>(fill.chunks().chunk_bytes());
    want = std::min({want, own_chunks_->chunk_bytes(),
                     static_cast<size_t>(fill_chunk - position % fill_chunk)});
    absl::StatusOr<util::Chunk> read =
        ReadChunk(file, position, want, own_chunks_->pool());
    if (!read.ok()) {
      co_return SharedReadFailed(read.status().message());
    }
    chunk = *std::move(read);
  }
  const bool delivered = co_await writes_.Drain();
  if (!delivered) {
    co_return Gone();
  }
  const size_t sent = chunk.size();
  StartChunk(std::move(chunk), BlobSource::kUpstream);
  co_return sent;
}

asio::awaitable<absl::Status> CachedBlobStream::HandOverAfterSpill(
    const cache::BlobFile& file, int64_t position, int64_t blob_size) {
  const bool drained = co_await writes_.Drain();
  if (!drained) {
    co_return Gone();
  }
  BlobContinuation continuation{.position = position, .blob_size = blob_size};
  continuation.hasher.emplace(request_.query.digest.algorithm());
  absl::Status hashed = co_await Hash(file, position, *continuation.hasher);
  if (!hashed.ok()) {
    co_return SharedReadFailed(hashed.message());
  }
  HandOver(std::move(continuation));
  co_return absl::OkStatus();
}

}  // namespace tributary::resolve::internal
