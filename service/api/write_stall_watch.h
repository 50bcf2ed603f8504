#ifndef TRIBUTARY_SERVICE_API_WRITE_STALL_WATCH_H_
#define TRIBUTARY_SERVICE_API_WRITE_STALL_WATCH_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace tributary::api {

// Cancels GetBlob calls whose caller stopped accepting bytes: a write that
// has not completed within `stall` (limits.blob_write_stall) means the caller
// no longer reads, and without this its stream would hold a slot, a chunk and
// an upstream connection for as long as the connection lives. One thread
// checks every stream a few times per `stall`. Thread-safe.
class WriteStallWatch {
 public:
  // One watched stream. WriteStarted/WriteDone are called around each write
  // (from any thread); `cancel` runs at most once, on the watch's thread.
  class Stream {
   public:
    explicit Stream(std::function<void()> cancel)
        : cancel_(std::move(cancel)) {}
    void WriteStarted() { since_ = MonotonicNanos(); }
    void WriteDone() { since_ = 0; }
    // Whether the watch cancelled the stream.
    bool stalled() const { return stalled_; }

   private:
    friend class WriteStallWatch;
    std::function<void()> cancel_;
    std::atomic<int64_t> since_ = 0;  // when the write in flight began; 0: none
    std::atomic<bool> stalled_ = false;
  };

  // Nanoseconds on a clock a wall-clock step does not move.
  static int64_t MonotonicNanos() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  explicit WriteStallWatch(absl::Duration stall);
  ~WriteStallWatch();
  WriteStallWatch(const WriteStallWatch&) = delete;
  WriteStallWatch& operator=(const WriteStallWatch&) = delete;

  // Watches `stream` until Remove, which must come before it is destroyed.
  void Add(Stream* stream) ABSL_LOCKS_EXCLUDED(mu_);
  void Remove(Stream* stream) ABSL_LOCKS_EXCLUDED(mu_);

  absl::Duration stall() const { return stall_; }

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);

  const absl::Duration stall_;
  absl::Mutex mu_;
  absl::flat_hash_set<Stream*> streams_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace tributary::api

#endif  // TRIBUTARY_SERVICE_API_WRITE_STALL_WATCH_H_
