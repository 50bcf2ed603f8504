#ifndef TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_FILL_H_
#define TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_FILL_H_

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "boost/asio/experimental/concurrent_channel.hpp"
#include "service/cache/blob_store.h"
#include "service/resolve/blob/blob_streamer.h"
#include "service/resolve/blob_stream.h"

namespace tributary::resolve {

// Rung whenever a fill makes progress; a reader waits on it when it has read
// everything written so far. Capacity 1: rings while nobody waits merge.
using Doorbell = boost::asio::experimental::concurrent_channel<void(
    boost::system::error_code)>;

// A fill as its readers see it at one moment.
struct FillProgress {
  std::optional<BlobDescriptorInfo> descriptor;  // once an upstream answered
  int64_t written = 0;  // bytes in the file; the last ones only once verified
  bool done = false;    // the transfer ended with `status`
  absl::Status status;  // OK: the blob is complete, verified and stored
  // The store could not keep the bytes (disk full, unwritable, over its cap):
  // the transfer stops, and each reader goes on past `written` by itself.
  bool spill_failed = false;
};

// One upstream transfer of a whole blob into the disk store, shared by every
// concurrent reader of the digest (single-flight): the producer writes each
// chunk to the store's temporary file, and readers follow the file at their own
// pace, so a slow caller slows no one else. The producer holds the last chunk
// back until the digest verifies, so no reader ever sees a complete unverified
// blob; on success the file is committed under its digest. When the last
// reader leaves before the end, the transfer is cancelled. Thread-safe.
class BlobFill final : public BlobConsumer,
                       public std::enable_shared_from_this<BlobFill> {
 public:
  // `streams` must outlive the fill.
  BlobFill(const BlobStreams& streams, registry::BlobQuery query,
           std::unique_ptr<cache::BlobWriter> writer);

  // `finished` runs once, when the fill takes no more readers (ended, failed
  // to spill, or abandoned). Set before Begin.
  void SetFinished(std::function<void()> finished) {
    finished_ = std::move(finished);
  }
  // Starts the upstream transfer; call once, after the first Attach.
  void Begin();
  // Adds a reader: its own descriptor on the file being written, or null when
  // the fill takes no more readers.
  std::unique_ptr<cache::BlobFile> Attach(std::shared_ptr<Doorbell> doorbell)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Removes a reader; the last one to leave an unfinished fill cancels it.
  void Detach(const std::shared_ptr<Doorbell>& doorbell)
      ABSL_LOCKS_EXCLUDED(mu_);
  FillProgress Progress() const ABSL_LOCKS_EXCLUDED(mu_);
  // The producer's chunk size: readers reading the file back end their reads
  // on its chunk boundaries, so that once they catch up RecentChunk finds
  // the producer's chunks at their offsets.
  const util::ChunkLease& chunks() const { return *chunks_; }
  // The chunk of the file that starts at `position` when it is among the last
  // few written, else an empty chunk: a reader keeping up sends the very
  // bytes the producer read, without reading them back from the file.
  util::Chunk RecentChunk(int64_t position) const ABSL_LOCKS_EXCLUDED(mu_);
  // At shutdown, after the I/O threads stopped: the producer will never call
  // EndStream, so the fill stops keeping itself alive.
  void Orphan() { self_.reset(); }

  // BlobConsumer, called by the producer on its strand. A "write" is a write
  // to the file, complete when the call returns.
  void SendDescriptor(const BlobDescriptorInfo& descriptor) override;
  void SendChunk(util::Chunk data) override;
  void EndStream(const absl::Status& status) override;

 private:
  // Wakes every reader; `mu_` must not be held.
  void Ring();
  // The store cannot keep the blob: the readers go on by themselves.
  void SpillFailed();

  const BlobStreams& streams_;
  const registry::BlobQuery query_;
  const std::shared_ptr<const util::ChunkLease> chunks_;
  std::function<void()> finished_;
  std::shared_ptr<BlobStreamHandle> producer_;
  // The producer's strand only (Attach reads the file name, which is const).
  std::unique_ptr<cache::BlobWriter> writer_;
  std::shared_ptr<BlobFill> self_;  // alive until the producer's EndStream

  mutable absl::Mutex mu_;
  FillProgress progress_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<Doorbell>> readers_ ABSL_GUARDED_BY(mu_);
  // The last chunks appended, by their offset in the file. Two: a reader
  // keeping up is at most one behind; more would only hold memory.
  static constexpr size_t kRecentChunks = 2;
  std::deque<std::pair<int64_t, util::Chunk>> recent_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;  // takes no more readers
};

}  // namespace tributary::resolve

#endif  // TRIBUTARY_SERVICE_RESOLVE_BLOB_BLOB_FILL_H_
