#include "service/resolve/blob/blob_fill.h"

#include <algorithm>
#include <utility>

#include "spdlog/spdlog.h"

namespace tributary::resolve {

BlobFill::BlobFill(const BlobStreams& streams, registry::BlobQuery query,
                   std::unique_ptr<cache::BlobWriter> writer)
    : streams_(streams),
      query_(std::move(query)),
      // The smallest chunks: a transfer into the store passes over each chunk
      // four times (socket read, digest, file write, send), and a 1 MiB chunk
      // no longer stays in the CPU's cache from one pass to the next: the
      // copy into the page cache alone cost 3x (docs/benchmarks.md).
      chunks_(streams.chunks().Acquire(streams.chunks().min_chunk_bytes())),
      writer_(std::move(writer)) {}

void BlobFill::Begin() {
  self_ = shared_from_this();
  BlobRequest request{.query = query_, .to_caller = false};
  // The transfer belongs to no caller: it ends when its last reader leaves,
  // not at the first caller's deadline.
  request.query.deadline = absl::InfiniteFuture();
  producer_ = streams_.New(std::move(request), this, std::nullopt, chunks_);
  producer_->Start();
}

std::unique_ptr<cache::BlobFile> BlobFill::Attach(
    std::shared_ptr<Doorbell> doorbell) {
  absl::MutexLock lock(&mu_);
  if (closed_) {
    return nullptr;
  }
  absl::StatusOr<std::unique_ptr<cache::BlobFile>> file = writer_->OpenReader();
  if (!file.ok()) {
    return nullptr;
  }
  readers_.push_back(std::move(doorbell));
  return *std::move(file);
}

void BlobFill::Detach(const std::shared_ptr<Doorbell>& doorbell) {
  bool abandoned = false;
  {
    absl::MutexLock lock(&mu_);
    readers_.erase(std::remove(readers_.begin(), readers_.end(), doorbell),
                   readers_.end());
    abandoned = readers_.empty() && !progress_.done && !closed_;
    if (abandoned) {
      closed_ = true;
    }
  }
  if (abandoned) {
    // Nobody wants the bytes: stop the upstream transfer rather than finish
    // a download no caller waits for.
    producer_->Cancel();
    finished_();
  }
}

FillProgress BlobFill::Progress() const {
  absl::MutexLock lock(&mu_);
  return progress_;
}

util::Chunk BlobFill::RecentChunk(int64_t position) const {
  absl::MutexLock lock(&mu_);
  for (const auto& [offset, chunk] : recent_) {
    if (offset == position) {
      return chunk;
    }
  }
  return util::Chunk();
}

void BlobFill::SendDescriptor(const BlobDescriptorInfo& descriptor) {
  bool fits = true;
  {
    absl::MutexLock lock(&mu_);
    progress_.descriptor = descriptor;
    fits = writer_->Fits(descriptor.size);
  }
  if (!fits) {
    // Known too big before a byte is written: each reader streams by itself
    // from the start instead of after the store has filled up to its cap.
    spdlog::warn("blob store: {} ({} bytes) is larger than the store; not kept",
                 query_.digest.str(), descriptor.size);
    SpillFailed();
    return;
  }
  Ring();
  producer_->WriteDone(true);
}

void BlobFill::SpillFailed() {
  bool first_failure = false;
  {
    absl::MutexLock lock(&mu_);
    progress_.spill_failed = true;
    first_failure = !closed_;
    closed_ = true;
  }
  Ring();
  if (first_failure) {
    finished_();
  }
  // The readers continue by themselves from what is on disk.
  producer_->Cancel();
  producer_->WriteDone(false);
}

void BlobFill::SendChunk(util::Chunk data) {
  absl::Status appended;
  {
    // Under the lock so that Attach never opens the file while it is renamed
    // or removed; a page-cache write of one chunk is short.
    absl::MutexLock lock(&mu_);
    const int64_t offset = writer_->written();
    appended = writer_->Append(data.view());
    if (appended.ok()) {
      progress_.written = writer_->written();
      recent_.emplace_back(offset, std::move(data));
      if (recent_.size() > kRecentChunks) {
        recent_.pop_front();
      }
    }
  }
  if (!appended.ok()) {
    SpillFailed();  // the store counted and logged why
    return;
  }
  Ring();
  producer_->WriteDone(true);
}

void BlobFill::EndStream(const absl::Status& status) {
  std::shared_ptr<BlobFill> keep = std::move(self_);
  bool first_close = false;
  {
    absl::MutexLock lock(&mu_);
    progress_.done = true;
    progress_.status = status;
    if (status.ok() && !progress_.spill_failed) {
      // Readers keep their descriptors on the file across the rename.
      absl::Status committed = writer_->Commit();
      if (!committed.ok()) {
        spdlog::warn("blob store: {} not kept: {}", query_.digest.str(),
                     committed.ToString());
      }
    }
    writer_.reset();  // an uncommitted file is removed
    first_close = !closed_;
    closed_ = true;
  }
  Ring();
  if (first_close) {
    finished_();
  }
}

void BlobFill::Ring() {
  std::vector<std::shared_ptr<Doorbell>> readers;
  {
    absl::MutexLock lock(&mu_);
    readers = readers_;
  }
  for (const std::shared_ptr<Doorbell>& doorbell : readers) {
    doorbell->try_send(boost::system::error_code());
  }
}

}  // namespace tributary::resolve
